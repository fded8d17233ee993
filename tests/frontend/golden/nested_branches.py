import numpy as np


def nested_branches_value_and_grad(x):
    # s = ops.sum(x)
    s = np.sum(x)
    # if s > 0:
    greater = s > 0
    if greater:
        # if s > 100:
        greater_1 = s > 100
        if greater_1:
            # y = x * 3
            y = x * 3
        else:
            # y = ops.sin(x)
            y = np.sin(x)
        greater_2 = greater_1
    else:
        # y = ops.cos(x)
        y = np.cos(x)
        greater_2 = None
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: if s > 0:
    if greater:
        # grad of: if s > 100:
        if greater_2:
            # grad of: y = x * 3
            dx = np.full(shape=(3,), fill_value=3.0, dtype=np.float64)
        else:
            # grad of: y = ops.sin(x)
            dx = np.cos(x)
    else:
        # grad of: y = ops.cos(x)
        dx = -np.sin(x)
    return (out, dx)
