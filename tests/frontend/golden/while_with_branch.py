import numpy as np


def while_with_branch_value_and_grad(x):
    # while ops.sum(y) < 10.0:
    y = x
    greater_saved = []
    while np.sum(y) < 10.0:
        # if ops.amax(y) > 2.0:
        greater = np.max(y) > 2.0
        if greater:
            # y = y + 1.0
            y = y + 1.0
        else:
            # y = y * 2.0
            y = y * 2.0
        greater_saved.append(greater)
    # return ops.sum(y * y)
    out = np.sum(y * y)
    # grad of: return ops.sum(y * y)
    dy = y + y
    # grad of: while ops.sum(y) < 10.0:
    for greater_1 in reversed(greater_saved):
        # grad of: if ops.amax(y) > 2.0:
        if greater_1:
            pass
        else:
            # grad of: y = y * 2.0
            dy = dy * 2.0
    return (out, dy)
