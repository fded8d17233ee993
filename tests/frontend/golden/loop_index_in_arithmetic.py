import numpy as np


def loop_index_in_arithmetic_value_and_grad(x):
    # for i in range(n):
    y = x
    mul_saved = []
    i_saved = []
    for i in range(3):
        i_saved.append(i)
        # y = y + ops.sin(y * i)
        mul = y * i
        y = y + np.sin(mul)
        mul_saved.append(mul)
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: for i in range(n):
    for mul_1, i_1 in zip(reversed(mul_saved), reversed(i_saved)):
        # grad of: y = y + ops.sin(y * i)
        dt = dy * np.cos(mul_1)
        dy = dy + dt * i_1
    return (out, dy)
