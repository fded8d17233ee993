import numpy as np


def weighted_pairs_value_and_grad(a, b, c):
    # total = total + (i + 1) * ops.sum(u * v)
    total = np.sum(a * b) + 2 * np.sum(b * c)
    # grad of: total = total + (i + 1) * ops.sum(u * v)
    dc = 2.0 * b
    db = 2.0 * c + a
    return (total, (b, db, dc))
