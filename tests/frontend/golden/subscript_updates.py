import numpy as np
from runtime.kernels import index_add, index_add_to, setitem


def subscript_updates_value_and_grad(x, v):
    # y[0] = v
    y = setitem(x, v, index=np.s_[0])
    # y[:, 1] += v[0] * y[1, 0]
    getitem = v[0]
    getitem_1 = y[1, 0]
    y_1 = setitem(y, y[:, 1] + getitem * getitem_1, index=np.s_[:, 1])
    # return ops.sum(y * y)
    out = np.sum(y_1 * y_1)
    # grad of: return ops.sum(y * y)
    dy = y_1 + y_1
    # grad of: y[:, 1] += v[0] * y[1, 0]
    dt = dy[:, 1]
    dt_1 = np.sum(dt, axis=0)
    dt_2 = dt_1 * getitem_1
    dt_3 = dt_1 * getitem
    index_add_1 = index_add(dt_2, index=np.s_[0], shape=(2,))
    dy_1 = index_add_to(index_add_to(setitem(dy, 0, index=np.s_[:, 1]), dt_3, index=np.s_[1, 0]), dt, index=np.s_[:, 1])
    # grad of: y[0] = v
    dy_2 = setitem(dy_1, 0, index=np.s_[0])
    dv = index_add_1 + dy_1[0]
    return (out, (dy_2, dv))
