import numpy as np


def accumulate_in_loop_value_and_grad(x):
    # for i in range(n):
    total = np.zeros((3,), dtype=np.float64)
    add_saved = []
    for i in range(3):
        # total = total + x * (i + 1)
        add = i + 1
        total = total + x * add
        add_saved.append(add)
    # return ops.sum(total * total)
    out = np.sum(total * total)
    # grad of: return ops.sum(total * total)
    dtotal = total + total
    # grad of: for i in range(n):
    dx = np.zeros((3,), dtype=np.float64)
    for add_1 in reversed(add_saved):
        # grad of: total = total + x * (i + 1)
        dx = dx + dtotal * add_1
    return (out, dx)
