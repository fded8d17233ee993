import numpy as np


def boolean_logic_value_and_grad(x):
    # s = ops.sum(x)
    s = np.sum(x)
    # if 0 < s < 10 and not s > 5:
    logical_and = np.logical_and(np.logical_and(s > 0, s < 10), np.logical_not(s > 5))
    if logical_and:
        # y = x * 2
        y = x * 2
        y_1 = None
    else:
        # y = ops.exp(x)
        y = np.exp(x)
        y_1 = y
    # if s > 100 or s < -100:
    logical_or = np.logical_or(s > 100, s < -100)
    if logical_or:
        # y = y * 0
        y_2 = np.zeros((3,), dtype=np.float64)
    else:
        y_2 = y
    # inside = (-0.5 < x) & (x < 0.5)
    inside = np.logical_and(x > -0.5, x < 0.5)
    # return ops.sum(y * inside + y * y)
    out = np.sum(y_2 * inside + y_2 * y_2)
    # grad of: return ops.sum(y * inside + y * y)
    dt = np.ones((3,), dtype=np.float64)
    dy = y_2 + y_2 + dt * inside
    # grad of: if s > 100 or s < -100:
    if logical_or:
        # grad of: y = y * 0
        dy_1 = np.zeros((3,), dtype=np.float64)
    else:
        dy_1 = dy
    # grad of: if 0 < s < 10 and not s > 5:
    if logical_and:
        # grad of: y = x * 2
        dx = dy_1 * 2
    else:
        # grad of: y = ops.exp(x)
        dx = dy_1 * y_1
    return (out, dx)
