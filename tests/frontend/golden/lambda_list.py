import numpy as np


def lambda_list_value_and_grad(x):
    # y = f(y) * 0.3
    y = (x + np.sin(x)) * 0.3
    y_1 = (y * 2 + np.sin(y)) * 0.3
    y_2 = (y_1 * 3 + np.sin(y_1)) * 0.3
    # return ops.sum(y)
    out = np.sum(y_2)
    # grad of: y = f(y) * 0.3
    dy = 0.3 * np.cos(y_1) + 0.8999999999999999
    dt = dy * 0.3
    dy_1 = dt * np.cos(y) + dt * 2
    dt_1 = dy_1 * 0.3
    dx = dt_1 * np.cos(x) + dt_1
    return (out, dx)
