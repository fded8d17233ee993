import numpy as np


def while_in_for_value_and_grad(x):
    # for k in range(2):
    y = x
    y_saved = []
    y_saved_saved = []
    for k in range(2):
        # while ops.sum(y * y) < 4.0 * (k + 1):
        y_1 = y
        y_saved_1 = []
        while np.sum(y_1 * y_1) < 4.0 * (k + 1):
            y_saved_1.append(y_1)
            # y = y * 1.5
            y_1 = y_1 * 1.5
        # y = ops.sin(y)
        y = np.sin(y_1)
        y_saved.append(y_1)
        y_saved_saved.append(y_saved_1)
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: for k in range(2):
    for y_2, y_saved_2 in zip(reversed(y_saved), reversed(y_saved_saved)):
        # grad of: y = ops.sin(y)
        dy = dy * np.cos(y_2)
        # grad of: while ops.sum(y * y) < 4.0 * (k + 1):
        for y_3 in reversed(y_saved_2):
            # grad of: y = y * 1.5
            dy = dy * 1.5
    return (out, dy)
