import numpy as np


def band_pass_value_and_grad(x):
    # m = ops.mean(x)
    m = np.mean(x)
    # if -0.5 < m <= 0.5:
    logical_and = np.logical_and(m > -0.5, m <= 0.5)
    if logical_and:
        # return ops.sum(x * x)
        out = np.sum(x * x)
    else:
        # return ops.sum(ops.abs(x)) * 2
        out = np.sum(np.absolute(x)) * 2
    # grad of: if -0.5 < m <= 0.5:
    if logical_and:
        # grad of: return ops.sum(x * x)
        dx = x + x
    else:
        # grad of: return ops.sum(ops.abs(x)) * 2
        dx = 2.0 * np.sign(x)
    return (out, dx)
