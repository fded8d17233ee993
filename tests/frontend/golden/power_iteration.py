import numpy as np


def power_iteration_value_and_grad(a, v0):
    # for _ in range(steps):
    v = v0
    sqrt_saved = []
    v_saved = []
    v_saved_1 = []
    v_saved_2 = []
    for _ in range(6):
        v_saved_2.append(v)
        # v = a @ v
        v_1 = a @ v
        # v = v / ops.sqrt(ops.sum(v * v))
        sqrt = np.sqrt(np.sum(v_1 * v_1))
        v = v_1 / sqrt
        sqrt_saved.append(sqrt)
        v_saved.append(v)
        v_saved_1.append(v_1)
    # return v @ a @ v
    matmul = v @ a
    out = matmul @ v
    # grad of: return v @ a @ v
    da = np.reshape(v, shape=(3, 1)) * v
    dv = matmul + a @ v
    # grad of: for _ in range(steps):
    for sqrt_1, v_2, v_3, v_4 in zip(reversed(sqrt_saved), reversed(v_saved), reversed(v_saved_1), reversed(v_saved_2)):
        # grad of: v = v / ops.sqrt(ops.sum(v * v))
        dt = np.sum(-dv * v_2 / sqrt_1, axis=0)
        dt_1 = dt / (2 * sqrt_1)
        mul = dt_1 * v_3
        dv_1 = dv / sqrt_1 + mul + mul
        # grad of: v = a @ v
        dv = dv_1 @ a
        da = da + np.reshape(dv_1, shape=(3, 1)) * v_4
    return (out, (da, dv))
