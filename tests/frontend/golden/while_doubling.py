import numpy as np


def while_doubling_value_and_grad(x):
    # while ops.sum(y * y) < 50:
    y = x
    y_saved = []
    while np.sum(y * y) < 50:
        y_saved.append(y)
        # y = y * 1.5 + x
        y = y * 1.5 + x
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: while ops.sum(y * y) < 50:
    dx = np.zeros((3,), dtype=np.float64)
    for y_1 in reversed(y_saved):
        # grad of: y = y * 1.5 + x
        dx = dx + dy
        dy = dy * 1.5
    # grad of: while ops.sum(y * y) < 50:
    dx_1 = dx + dy
    return (out, dx_1)
