import numpy as np


def shape_dispatch_value_and_grad(x, w):
    # x = ops.reshape(x, (1, x.shape[0]))
    x_1 = np.reshape(x, shape=(1, 3))
    # h = x @ w
    h = x_1 @ w
    # return ops.sum(h * h) * scale
    sum_1 = np.sum(h * h)
    # grad of: return ops.sum(h * h) * scale
    dh = h + h
    # grad of: h = x @ w
    dx = dh @ np.transpose(w)
    dw = np.transpose(x_1) @ dh
    # grad of: x = ops.reshape(x, (1, x.shape[0]))
    dx_1 = np.reshape(dx, shape=(3,))
    return (sum_1, (dx_1, dw))
