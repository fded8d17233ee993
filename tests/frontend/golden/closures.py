import numpy as np


def closures_value_and_grad(x, w, b):
    # return v @ w + b
    add = x @ w + b
    add_1 = add @ w + b
    # return ops.sum(compose(act, twice)(x))
    tanh = np.tanh(add_1)
    out = np.sum(tanh * 0.5)
    # grad of: return ops.sum(compose(act, twice)(x))
    dt = 0.5 * (1 - tanh * tanh)
    # grad of: return v @ w + b
    dt_1 = w @ dt
    db = dt + dt_1
    dx = w @ dt_1
    dw = np.reshape(add, shape=(3, 1)) * dt + np.reshape(x, shape=(3, 1)) * dt_1
    return (out, (dx, dw, db))
