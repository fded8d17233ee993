import numpy as np


def range_loop_with_else_value_and_grad(x):
    # y = ops.sin(y) * (k + 1)
    sin = np.sin(x)
    y = np.sin(sin) * 3
    y_1 = np.sin(y) * 5
    # y = y + 1.0
    y_2 = y_1 + 1.0
    # y = y * 0.5
    y_3 = y_2 * 0.5
    # return ops.sum(y)
    out = np.sum(y_3)
    # grad of: y = ops.sin(y) * (k + 1)
    dy = 2.5 * np.cos(y)
    dt = dy * 3
    dy_1 = dt * np.cos(sin)
    dx = dy_1 * np.cos(x)
    return (out, dx)
