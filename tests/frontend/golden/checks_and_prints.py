import numpy as np


def checks_and_prints_value_and_grad(x):
    # y = ops.exp(x)
    y = np.exp(x)
    # assert ops.sum(y) > 0, 'exp is positive'
    if not np.all(np.sum(y) > 0):
        raise AssertionError('exp is positive')
    # return ops.sum(y * x)
    out = np.sum(y * x)
    # grad of: y = ops.exp(x)
    dx = y + x * y
    return (out, dx)
