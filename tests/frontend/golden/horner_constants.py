import numpy as np


def horner_constants_value_and_grad(x):
    # y = y * x + c
    y = 0.5 * x - 1.0
    y_1 = y * x + 0.25
    y_2 = y_1 * x + 2.0
    # return ops.sum(ops.exp(y) * x)
    exp = np.exp(y_2)
    out = np.sum(exp * x)
    # grad of: return ops.sum(ops.exp(y) * x)
    dy = x * exp
    # grad of: y = y * x + c
    dy_1 = dy * x
    dy_2 = dy_1 * x
    add = exp + dy * y_1 + dy_1 * y + dy_2 * 0.5
    return (out, add)
