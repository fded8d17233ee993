import numpy as np


def recursive_refine_value_and_grad(x):
    # if ops.sum(x * x) > 4.0:
    greater = np.sum(x * x) > 4.0
    if greater:
        # return x * 0.5
        out = x * 0.5
        greater_1 = None
        add = None
        greater_2 = None
        add_1 = None
    else:
        # return refine(ops.sin(x) + x, depth - 1)
        add_2 = np.sin(x) + x
        # if ops.sum(x * x) > 4.0:
        greater_3 = np.sum(add_2 * add_2) > 4.0
        if greater_3:
            # return x * 0.5
            out = add_2 * 0.5
            greater_2 = None
            add_1 = None
        else:
            # return refine(ops.sin(x) + x, depth - 1)
            add_3 = np.sin(add_2) + add_2
            # if ops.sum(x * x) > 4.0:
            greater_4 = np.sum(add_3 * add_3) > 4.0
            if greater_4:
                # return x * 0.5
                out = add_3 * 0.5
            else:
                # return refine(ops.sin(x) + x, depth - 1)
                out = np.sin(add_3) + add_3
            greater_2 = greater_4
            add_1 = add_3
        greater_1 = greater_3
        add = add_2
    # return ops.sum(refine(x, 3))
    out_1 = np.sum(out)
    # grad of: if ops.sum(x * x) > 4.0:
    if greater:
        # grad of: return x * 0.5
        dx = np.full(shape=(3,), fill_value=0.5, dtype=np.float64)
    else:
        # grad of: if ops.sum(x * x) > 4.0:
        if greater_1:
            # grad of: return x * 0.5
            dt = np.full(shape=(3,), fill_value=0.5, dtype=np.float64)
        else:
            # grad of: if ops.sum(x * x) > 4.0:
            if greater_2:
                # grad of: return x * 0.5
                dt_1 = np.full(shape=(3,), fill_value=0.5, dtype=np.float64)
            else:
                # grad of: return refine(ops.sin(x) + x, depth - 1)
                dt_1 = 1.0 + np.cos(add_1)
            dt = dt_1 + dt_1 * np.cos(add)
        dx = dt + dt * np.cos(x)
    return (out_1, dx)
