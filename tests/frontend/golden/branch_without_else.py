import numpy as np


def branch_without_else_value_and_grad(x):
    # y = x * 2
    y = x * 2
    # if ops.sum(x) < 10:
    less = np.sum(x) < 10
    if less:
        # y = y * x
        y_1 = y * x
    else:
        y_1 = y
    # return ops.sum(y)
    out = np.sum(y_1)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: if ops.sum(x) < 10:
    if less:
        dy_1 = x
        dx = y
    else:
        dx = np.zeros((3,), dtype=np.float64)
        dy_1 = dy
    # grad of: y = x * 2
    dx_1 = dx + dy_1 * 2
    return (out, dx_1)
