import numpy as np
from runtime.kernels import softplus


def function(x, y, w, b):
    # z = ops.matmul(x, w) + b
    z = x @ w + b
    # loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    loss = np.mean((1 - y) * z + softplus(-z))
    return loss
