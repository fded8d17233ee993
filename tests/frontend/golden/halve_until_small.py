import numpy as np


def halve_until_small_value_and_grad(x):
    # y = ops.exp(x)
    y = np.exp(x)
    # while ops.sum(y) > 1.0:
    y_1 = y
    y_saved = []
    while np.sum(y_1) > 1.0:
        y_saved.append(y_1)
        # y = y * 0.5
        y_1 = y_1 * 0.5
    # return ops.sum(y * x)
    out = np.sum(y_1 * x)
    # grad of: while ops.sum(y) > 1.0:
    dy = x
    for y_2 in reversed(y_saved):
        # grad of: y = y * 0.5
        dy = dy * 0.5
    # grad of: y = ops.exp(x)
    dx = y_1 + dy * y
    return (out, dx)
