import numpy as np


def unrolled_with_break_value_and_grad(x):
    # y = y * ops.exp(-y)
    exp = np.exp(-x)
    y = x * exp
    exp_1 = np.exp(-y)
    y_1 = y * exp_1
    exp_2 = np.exp(-y_1)
    y_2 = y_1 * exp_2
    # return ops.sum(y)
    out = np.sum(y_2)
    # grad of: y = y * ops.exp(-y)
    dy = exp_2 - y_2
    dt = dy * y
    dt_1 = dt * exp_1
    dy_1 = dy * exp_1 - dt_1
    dt_2 = dy_1 * x
    dt_3 = dt_2 * exp
    dx = dy_1 * exp - dt_3
    return (out, dx)
