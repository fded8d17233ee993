import numpy as np


def repeated_halving_value_and_grad(x):
    # y = ops.sin(y) + y * 0.5
    y = np.sin(x) + x * 0.5
    y_1 = np.sin(y) + y * 0.5
    y_2 = np.sin(y_1) + y_1 * 0.5
    # return ops.sum(y)
    out = np.sum(y_2)
    # grad of: y = ops.sin(y) + y * 0.5
    dy = 0.5 + np.cos(y_1)
    dy_1 = dy * 0.5 + dy * np.cos(y)
    dx = dy_1 * 0.5 + dy_1 * np.cos(x)
    return (out, dx)
