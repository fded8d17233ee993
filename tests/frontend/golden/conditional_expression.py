import numpy as np


def conditional_expression_value_and_grad(x):
    # s = ops.sum(x)
    s = np.sum(x)
    # return ops.sin(s) if s > 0 else ops.cos(s) * 2
    greater = s > 0
    if greater:
        out = np.sin(s)
    else:
        out = np.cos(s) * 2
    # grad of: return ops.sin(s) if s > 0 else ops.cos(s) * 2
    if greater:
        ds = np.cos(s)
    else:
        ds = -2.0 * np.sin(s)
    # grad of: s = ops.sum(x)
    dx = np.broadcast_to(ds, shape=(3,))
    return (out, dx)
