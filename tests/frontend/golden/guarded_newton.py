import numpy as np


def guarded_newton_value_and_grad(a):
    # for _ in range(steps):
    y = a
    mul_saved = []
    div_saved = []
    y_saved = []
    mul_saved_1 = []
    mul_saved_2 = []
    for _ in range(6):
        y_saved.append(y)
        # assert ops.amin(y) > 0, 'the iterates must stay positive'
        if not np.all(np.min(y) > 0):
            raise AssertionError('the iterates must stay positive')
        # y = y - (y * y * y - a) / (3 * y * y)   # cube roots
        mul = y * y
        mul_1 = 3 * y
        mul_2 = mul_1 * y
        div = (mul * y - a) / mul_2
        y = y - div
        mul_saved.append(mul_2)
        div_saved.append(div)
        mul_saved_1.append(mul_1)
        mul_saved_2.append(mul)
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: for _ in range(steps):
    da = np.zeros((3,), dtype=np.float64)
    for mul_3, div_1, y_1, mul_4, mul_5 in zip(reversed(mul_saved), reversed(div_saved), reversed(y_saved), reversed(mul_saved_1), reversed(mul_saved_2)):
        # grad of: y = y - (y * y * y - a) / (3 * y * y)   # cube roots
        dt = -dy
        dt_1 = dt / mul_3
        dt_2 = -dt * div_1 / mul_3
        dt_3 = dt_2 * y_1
        da = da - dt_1
        dt_4 = dt_1 * y_1
        mul_6 = dt_4 * y_1
        dy = dy + dt_2 * mul_4 + dt_3 * 3 + dt_1 * mul_5 + mul_6 + mul_6
    # grad of: for _ in range(steps):
    da_1 = da + dy
    return (out, da_1)
