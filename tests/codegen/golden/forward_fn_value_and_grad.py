import numpy as np
from runtime.kernels import sigmoid, softplus


def forward_fn_value_and_grad(x, y, w, b):
    # z = ops.matmul(x, self.w) + self.b
    z = x @ w + b
    # loss = loss_fn(z, y)
    neg = -z
    sub = 1 - y
    loss = np.mean(sub * z + softplus(neg))
    # grad of: loss = loss_fn(z, y)
    dt = 0.33333334 * sigmoid(neg)
    dz = 0.33333334 * sub - dt
    # grad of: z = ops.matmul(x, self.w) + self.b
    dw = np.reshape(x, shape=(5, 1)) * dz
    return (loss, (dw, dz))
