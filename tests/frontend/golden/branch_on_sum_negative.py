import numpy as np


def branch_on_sum_value_and_grad(x, w):
    # y = x @ w
    y = x @ w
    # if ops.sum(y) > 0:
    greater = np.sum(y) > 0
    if greater:
        # z = ops.exp(y)
        z = np.exp(y)
        z_1 = z
    else:
        # z = y * y
        z = y * y
        z_1 = None
    # return ops.sum(z)
    out = np.sum(z)
    # grad of: if ops.sum(y) > 0:
    if greater:
        dy = z_1
    else:
        # grad of: z = y * y
        dy = y + y
    # grad of: y = x @ w
    dx = w @ dy
    dw = np.reshape(x, shape=(3, 1)) * dy
    return (out, (dx, dw))
