import numpy as np


def early_return_value_and_grad(x):
    # if ops.sum(x) > 0:
    greater = np.sum(x) > 0
    if greater:
        # return ops.sum(x * x)
        out = np.sum(x * x)
        greater_1 = None
        y = None
    else:
        # y = ops.exp(x)
        y_1 = np.exp(x)
        # if ops.mean(y) > 2:
        greater_2 = np.mean(y_1) > 2
        if greater_2:
            # return ops.sum(y)
            out = np.sum(y_1)
        else:
            # return ops.sum(-x)
            out = np.sum(-x)
        greater_1 = greater_2
        y = y_1
    # grad of: if ops.sum(x) > 0:
    if greater:
        # grad of: return ops.sum(x * x)
        dx = x + x
    else:
        # grad of: if ops.mean(y) > 2:
        if greater_1:
            # grad of: return ops.sum(y)
            dy = np.ones((3,), dtype=np.float64)
            # grad of: if ops.mean(y) > 2:
            dx_1 = np.zeros((3,), dtype=np.float64)
        else:
            # grad of: return ops.sum(-x)
            dx_1 = np.full(shape=(3,), fill_value=-1.0, dtype=np.float64)
            # grad of: if ops.mean(y) > 2:
            dy = np.zeros((3,), dtype=np.float64)
        # grad of: y = ops.exp(x)
        dx = dx_1 + dy * y
    return (out, dx)
