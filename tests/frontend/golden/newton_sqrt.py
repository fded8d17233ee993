import numpy as np


def newton_sqrt_value_and_grad(a):
    # for _ in range(steps):
    y = a
    y_saved = []
    div_saved = []
    for _ in range(5):
        y_saved.append(y)
        # y = 0.5 * (y + a / y)
        div = a / y
        y = 0.5 * (y + div)
        div_saved.append(div)
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: for _ in range(steps):
    da = np.zeros((3,), dtype=np.float64)
    for y_1, div_1 in zip(reversed(y_saved), reversed(div_saved)):
        # grad of: y = 0.5 * (y + a / y)
        dt = dy * 0.5
        da = da + dt / y_1
        dy = dt + -dt * div_1 / y_1
    # grad of: for _ in range(steps):
    da_1 = da + dy
    return (out, da_1)
