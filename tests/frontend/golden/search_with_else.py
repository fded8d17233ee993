import numpy as np


def search_with_else_value_and_grad(x):
    # y = ops.sin(y) * k
    sin = np.sin(x)
    y = np.sin(sin) * 2
    y_1 = np.sin(y) * 3
    # y = y + 1.0
    y_2 = y_1 + 1.0
    # y = y * 0.5
    y_3 = y_2 * 0.5
    # return ops.sum(y)
    out = np.sum(y_3)
    # grad of: y = ops.sin(y) * k
    dy = 1.5 * np.cos(y)
    dt = dy * 2
    dy_1 = dt * np.cos(sin)
    dx = dy_1 * np.cos(x)
    return (out, dx)
