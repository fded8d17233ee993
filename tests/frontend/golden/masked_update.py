import numpy as np
from runtime.kernels import setitem


def masked_update_value_and_grad(x, w):
    # y = x @ w
    y = x @ w
    # y[y < 0] = 0.0   # a hand-written relu
    less = y < 0
    y_1 = np.where(less, 0.0, y)
    # y[:, 0] += 1.0
    y_2 = setitem(y_1, y_1[:, 0] + 1.0, index=np.s_[:, 0])
    # return ops.sum(y * y)
    out = np.sum(y_2 * y_2)
    # grad of: return ops.sum(y * y)
    dy = y_2 + y_2
    # grad of: y[y < 0] = 0.0   # a hand-written relu
    dy_1 = np.where(less, 0, dy)
    # grad of: y = x @ w
    dx = dy_1 @ np.transpose(w)
    dw = np.transpose(x) @ dy_1
    return (out, (dx, dw))
