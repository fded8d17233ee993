import numpy as np


def iterative_shrinkage_value_and_grad(x):
    # y = x * 2.0
    y = x * 2.0
    # for _ in range(steps):
    greater_saved = []
    for _ in range(3):
        # y = ops.where(ops.abs(y) > 0.3, y * 0.8, y)
        greater = np.absolute(y) > 0.3
        y = np.where(greater, y * 0.8, y)
        greater_saved.append(greater)
    # return ops.sum(y * x)
    out = np.sum(y * x)
    # grad of: for _ in range(steps):
    dy = x
    for greater_1 in reversed(greater_saved):
        # grad of: y = ops.where(ops.abs(y) > 0.3, y * 0.8, y)
        dt = np.where(greater_1, dy, 0)
        dy = np.where(greater_1, 0, dy) + dt * 0.8
    # grad of: y = x * 2.0
    dx = y + dy * 2.0
    return (out, dx)
