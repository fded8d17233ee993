import numpy as np


def layer_loss_grad(x, w):
    # return ops.sum(ops.tanh(x @ w) ** 2)
    tanh = np.tanh(x @ w)
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    dt = 2.0 * tanh
    dt_1 = dt * (1 - tanh * tanh)
    dw = np.transpose(x) @ dt_1
    return dw
