import numpy as np
from runtime.kernels import index_add_to


def row_max_pool_value_and_grad(x):
    # values, indices = ops.max(x, 1)
    values = np.max(x, axis=1)
    indices = np.argmax(x, axis=1)
    # return ops.sum(values * values) + ops.sum(x[:, 0] * indices)
    out = np.sum(values * values) + np.sum(x[:, 0] * indices)
    # grad of: return ops.sum(values * values) + ops.sum(x[:, 0] * indices)
    dt = np.ones((4,), dtype=np.float64)
    dt_1 = dt * indices
    dvalues = values + values
    # grad of: values, indices = ops.max(x, 1)
    cast = np.asarray(x == np.reshape(values, shape=(4, 1)), dtype=np.float64)
    dx = index_add_to(np.reshape(dvalues, shape=(4, 1)) * (cast / np.sum(cast, axis=1, keepdims=True)), dt_1, index=np.s_[:, 0])
    return (out, dx)
