import numpy as np
from runtime.kernels import index_add, index_add_to, setitem


def rescale_rows_value_and_grad(x, v):
    # y[i] = ops.tanh(y[i] * v[i])
    getitem = x[0]
    getitem_1 = v[0]
    tanh = np.tanh(getitem * getitem_1)
    y = setitem(x, tanh, index=np.s_[0])
    getitem_2 = y[2]
    getitem_3 = v[2]
    tanh_1 = np.tanh(getitem_2 * getitem_3)
    y_1 = setitem(y, tanh_1, index=np.s_[2])
    getitem_4 = y_1[3]
    getitem_5 = v[3]
    tanh_2 = np.tanh(getitem_4 * getitem_5)
    y_2 = setitem(y_1, tanh_2, index=np.s_[3])
    # return ops.sum(y * x)
    out = np.sum(y_2 * x)
    # grad of: y[i] = ops.tanh(y[i] * v[i])
    dt = x[3]
    dt_1 = dt * (1 - tanh_2 * tanh_2)
    dt_2 = dt_1 * getitem_5
    dt_3 = np.sum(dt_1 * getitem_4, axis=0)
    dy = index_add_to(setitem(x, 0, index=np.s_[3]), dt_2, index=np.s_[3])
    dt_4 = dy[2]
    dt_5 = dt_4 * (1 - tanh_1 * tanh_1)
    dt_6 = dt_5 * getitem_3
    dt_7 = np.sum(dt_5 * getitem_2, axis=0)
    dy_1 = index_add_to(setitem(dy, 0, index=np.s_[2]), dt_6, index=np.s_[2])
    dt_8 = dy_1[0]
    dt_9 = dt_8 * (1 - tanh * tanh)
    dt_10 = dt_9 * getitem_1
    dt_11 = np.sum(dt_9 * getitem, axis=0)
    dv = index_add_to(index_add_to(index_add(dt_3, index=np.s_[3], shape=(4,)), dt_7, index=np.s_[2]), dt_11, index=np.s_[0])
    dy_2 = index_add_to(setitem(dy_1, 0, index=np.s_[0]), dt_10, index=np.s_[0])
    # grad of: y = x * 1.0
    dx = y_2 + dy_2
    return (out, (dx, dv))
