import numpy as np


def smooth_step_value_and_grad(x):
    # s = ops.sum(x)
    s = np.sum(x)
    # if s < -1.0:
    less = s < -1.0
    if less:
        # y = x * 0.1
        y = x * 0.1
        less_1 = None
    else:
        # elif s < 1.0:
        less_2 = s < 1.0
        if less_2:
            # y = ops.sin(x)
            y = np.sin(x)
        else:
            # y = x * x
            y = x * x
        less_1 = less_2
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: if s < -1.0:
    if less:
        # grad of: y = x * 0.1
        dx = np.full(shape=(3,), fill_value=0.1, dtype=np.float64)
    else:
        # grad of: elif s < 1.0:
        if less_1:
            # grad of: y = ops.sin(x)
            dx = np.cos(x)
        else:
            # grad of: y = x * x
            dx = x + x
    return (out, dx)
