import numpy as np


def nested_loops_value_and_grad(x):
    # for i in range(n):
    acc = x
    acc_saved_saved = []
    for i in range(2):
        # for j in range(m):
        acc_saved = []
        for j in range(3):
            acc_saved.append(acc)
            # acc = ops.sin(acc) + x
            acc = np.sin(acc) + x
        acc_saved_saved.append(acc_saved)
    # return ops.sum(acc)
    out = np.sum(acc)
    # grad of: return ops.sum(acc)
    dacc = np.ones((3,), dtype=np.float64)
    # grad of: for i in range(n):
    dx = np.zeros((3,), dtype=np.float64)
    for acc_saved_1 in reversed(acc_saved_saved):
        # grad of: for j in range(m):
        for acc_1 in reversed(acc_saved_1):
            # grad of: acc = ops.sin(acc) + x
            dx = dx + dacc
            dacc = dacc * np.cos(acc_1)
    # grad of: for i in range(n):
    dx_1 = dx + dacc
    return (out, dx_1)
