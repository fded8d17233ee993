import numpy as np


def skip_odd_steps_value_and_grad(x):
    # y = ops.sin(y) * (k + 1)
    sin = np.sin(x)
    y = np.sin(sin) * 3
    y_1 = np.sin(y) * 5
    # return ops.sum(y)
    out = np.sum(y_1)
    # grad of: y = ops.sin(y) * (k + 1)
    dy = 5.0 * np.cos(y)
    dt = dy * 3
    dy_1 = dt * np.cos(sin)
    dx = dy_1 * np.cos(x)
    return (out, dx)
