import numpy as np
from runtime.kernels import index_add_to, setitem


def conditional_row_updates_value_and_grad(x):
    # for i in range(x.shape[0]):
    y = x
    greater_saved = []
    i_saved = []
    sqrt_saved = []
    getitem_saved = []
    getitem_saved_1 = []
    for i in range(4):
        i_saved.append(i)
        # if ops.sum(y[i]) > 0:
        getitem = y[i]
        greater = np.sum(getitem) > 0
        if greater:
            # y[i] = ops.sqrt(y[i] * y[i] + 1.0)
            sqrt = np.sqrt(getitem * getitem + 1.0)
            y = setitem(y, sqrt, index=np.s_[i])
            sqrt_1 = sqrt
            getitem_1 = getitem
            getitem_2 = getitem
        else:
            # y[i] = y[i] * 0.5
            y = setitem(y, getitem * 0.5, index=np.s_[i])
            sqrt_1 = None
            getitem_1 = None
            getitem_2 = None
        greater_saved.append(greater)
        sqrt_saved.append(sqrt_1)
        getitem_saved.append(getitem_1)
        getitem_saved_1.append(getitem_2)
    # return ops.sum(y * x)
    out = np.sum(y * x)
    # grad of: for i in range(x.shape[0]):
    dy = x
    for greater_1, i_1, sqrt_2, getitem_3, getitem_4 in zip(reversed(greater_saved), reversed(i_saved), reversed(sqrt_saved), reversed(getitem_saved), reversed(getitem_saved_1)):
        # grad of: if ops.sum(y[i]) > 0:
        if greater_1:
            # grad of: y[i] = ops.sqrt(y[i] * y[i] + 1.0)
            dt = dy[i_1]
            dt_1 = dt / (2 * sqrt_2)
            dt_2 = dt_1 * getitem_3
            dt_3 = dt_1 * getitem_4
            dy = index_add_to(index_add_to(setitem(dy, 0, index=np.s_[i_1]), dt_3, index=np.s_[i_1]), dt_2, index=np.s_[i_1])
        else:
            # grad of: y[i] = y[i] * 0.5
            dt_4 = dy[i_1]
            dt_5 = dt_4 * 0.5
            dy = index_add_to(setitem(dy, 0, index=np.s_[i_1]), dt_5, index=np.s_[i_1])
    # grad of: y = x * 1.0
    dx = y + dy
    return (out, dx)
