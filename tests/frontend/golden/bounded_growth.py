import numpy as np


def bounded_growth_value_and_grad(x):
    # steps = ops.sum(x) * 0
    steps = np.zeros((), dtype=np.float64)
    # while ops.amax(y) < 4.0 and steps < 6:
    y = x
    y_saved = []
    while np.logical_and(np.max(y) < 4.0, steps < 6):
        y_saved.append(y)
        # y = y * 1.3 + 0.1
        y = y * 1.3 + 0.1
        # steps = steps + 1
        steps = steps + 1
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: while ops.amax(y) < 4.0 and steps < 6:
    dsteps = np.zeros((), dtype=np.float64)
    for y_1 in reversed(y_saved):
        # grad of: y = y * 1.3 + 0.1
        dy = dy * 1.3
    return (out, dy)
