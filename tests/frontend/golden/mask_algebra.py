import numpy as np


def mask_algebra_value_and_grad(x):
    # positive = x > 0
    positive = x > 0
    # big = ops.abs(x) > 0.5
    big = np.absolute(x) > 0.5
    # keep = (positive & ~big) | (big ^ positive)
    keep = np.logical_or(np.logical_and(positive, np.logical_not(big)), np.logical_xor(big, positive))
    # return ops.sum(ops.where(keep, x * x, ops.sin(x)))
    out = np.sum(np.where(keep, x * x, np.sin(x)))
    # grad of: return ops.sum(ops.where(keep, x * x, ops.sin(x)))
    dt = np.ones((5,), dtype=np.float64)
    dt_1 = np.where(keep, dt, 0)
    dt_2 = np.where(keep, 0, dt)
    mul = dt_1 * x
    dx = dt_2 * np.cos(x) + mul + mul
    return (out, dx)
