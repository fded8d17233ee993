import numpy as np
from runtime.kernels import index_add_to, setitem


def column_scaling_value_and_grad(x, v):
    # y[:, j] += v * scale
    y = setitem(x, x[:, 0] + v, index=np.s_[:, 0])
    # y[j] = ops.sin(y[j])
    getitem = y[0]
    y_1 = setitem(y, np.sin(getitem), index=np.s_[0])
    # y[:, j] += v * scale
    y_2 = setitem(y_1, y_1[:, 1] + v * 2.0, index=np.s_[:, 1])
    # y[j] = ops.sin(y[j])
    getitem_1 = y_2[1]
    y_3 = setitem(y_2, np.sin(getitem_1), index=np.s_[1])
    # y[:, j] += v * scale
    y_4 = setitem(y_3, y_3[:, 2] + v * 3.0, index=np.s_[:, 2])
    # y[j] = ops.sin(y[j])
    getitem_2 = y_4[2]
    y_5 = setitem(y_4, np.sin(getitem_2), index=np.s_[2])
    # return ops.sum(y * y)
    out = np.sum(y_5 * y_5)
    # grad of: return ops.sum(y * y)
    dy = y_5 + y_5
    # grad of: y[j] = ops.sin(y[j])
    dt = dy[2]
    dt_1 = dt * np.cos(getitem_2)
    dy_1 = index_add_to(setitem(dy, 0, index=np.s_[2]), dt_1, index=np.s_[2])
    # grad of: y[:, j] += v * scale
    dt_2 = dy_1[:, 2]
    # grad of: y[j] = ops.sin(y[j])
    dt_3 = dy_1[1]
    dt_4 = dt_3 * np.cos(getitem_1)
    dy_2 = index_add_to(setitem(dy_1, 0, index=np.s_[1]), dt_4, index=np.s_[1])
    # grad of: y[:, j] += v * scale
    dt_5 = dy_2[:, 1]
    # grad of: y[j] = ops.sin(y[j])
    dt_6 = dy_2[0]
    dt_7 = dt_6 * np.cos(getitem)
    dy_3 = index_add_to(setitem(dy_2, 0, index=np.s_[0]), dt_7, index=np.s_[0])
    # grad of: y[:, j] += v * scale
    dt_8 = dy_3[:, 0]
    dv = dt_2 * 3.0 + dt_5 * 2.0 + dt_8
    return (out, (dy_3, dv))
