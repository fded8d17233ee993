import numpy as np
from runtime.kernels import relu


def sequentialcell_grad(x, weight_0, bias_0, weight_1, bias_1):
    add = x @ np.transpose(weight_0) + bias_0
    dt = np.ones((4, 3), dtype=np.float32)
    dbias_1 = np.full(shape=(3,), fill_value=4.0, dtype=np.float32)
    dt_1 = dt @ weight_1
    dt_2 = np.transpose(relu(add)) @ dt
    dweight_1 = np.transpose(dt_2)
    dt_3 = dt_1 * (add > 0)
    dbias_0 = np.sum(dt_3, axis=0)
    dx = dt_3 @ weight_0
    dt_4 = np.transpose(x) @ dt_3
    dweight_0 = np.transpose(dt_4)
    return (dx, (dweight_0, dbias_0, dweight_1, dbias_1))
