import numpy as np


def numpy_function_grad(x, w):
    # h = np.exp(x) * w
    exp = np.exp(x)
    h = exp * w
    # return np.sum(h / (1.0 + h))
    add = 1.0 + h
    div = h / add
    # grad of: return np.sum(h / (1.0 + h))
    dt = -div / add
    dh = 1.0 / add + dt
    # grad of: h = np.exp(x) * w
    dt_1 = dh * w
    dw = dh * exp
    dx = dt_1 * exp
    return (dx, dw)
