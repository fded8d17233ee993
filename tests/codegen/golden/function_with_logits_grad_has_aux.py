import numpy as np
from runtime.kernels import sigmoid


def function_with_logits_grad(x, y, w, b):
    # z = ops.matmul(x, w) + b
    z = x @ w + b
    # loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    neg = -z
    sub = 1 - y
    # grad of: loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    dt = 0.33333334 * sigmoid(neg)
    dz = 0.33333334 * sub - dt
    # grad of: z = ops.matmul(x, w) + b
    dw = np.reshape(x, shape=(5, 1)) * dz
    return ((dw, dz), (z,))
