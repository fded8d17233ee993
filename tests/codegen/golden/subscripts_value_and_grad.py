import numpy as np
from runtime.kernels import index_add, index_add_to


def subscripts_value_and_grad(x, idx):
    # a = x[1:, None]
    a = x[1:, None]
    # b = x[idx, ::2]
    b = x[idx, ::2]
    # return ops.sum(a * 2) + ops.sum(b ** 2) + ops.sum(x[-1] * x[0])
    getitem = x[-1]
    getitem_1 = x[0]
    out = np.sum(a * 2) + np.sum(b ** 2) + np.sum(getitem * getitem_1)
    # grad of: return ops.sum(a * 2) + ops.sum(b ** 2) + ops.sum(x[-1] * x[0])
    index_add_to_1 = index_add_to(index_add(getitem, index=np.s_[0], shape=(3, 4)), getitem_1, index=np.s_[-1])
    db = 2.0 * b
    da = np.full(shape=(2, 1, 4), fill_value=2.0, dtype=np.float64)
    # grad of: b = x[idx, ::2]
    index_add_to_2 = index_add_to(index_add_to_1, db, index=np.s_[idx, ::2])
    # grad of: a = x[1:, None]
    dx = index_add_to(index_add_to_2, da, index=np.s_[1:, None])
    return (out, dx)
