import numpy as np


def uses_globals_value_and_grad(x, FEATURE_SCALE):
    # return ops.sum(ops.sin(x * FEATURE_SCALE + OFFSET))
    add = x * FEATURE_SCALE + 0.25
    out = np.sum(np.sin(add))
    # grad of: return ops.sum(ops.sin(x * FEATURE_SCALE + OFFSET))
    dx = np.cos(add) * FEATURE_SCALE
    return (out, dx)
