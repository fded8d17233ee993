import numpy as np


def batch_affine_value_and_grad(x, w, b):
    # y = ops.tanh(x @ w + b)
    y = np.tanh(x @ w + b)
    # return ops.sum(y * y)
    mul = y * y
    out = np.sum(mul)
    # grad of: return ops.sum(y * y)
    dy = y + y
    # grad of: y = ops.tanh(x @ w + b)
    dt = dy * (1 - mul)
    db = np.sum(np.sum(dt, axis=0), axis=0, keepdims=True)
    dx = dt @ np.transpose(w)
    dw = np.transpose(x) @ dt
    return (out, (dx, dw, db))
