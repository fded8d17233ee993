import numpy as np
from runtime.kernels import index_add, index_add_to, setitem


def matvec_by_hand_value_and_grad(a, x):
    # y = ops.zeros_like(x)
    y = np.zeros((3,), dtype=np.float64)
    # for i in range(a.shape[0]):
    getitem_saved_saved = []
    getitem_saved_saved_1 = []
    j_saved_saved = []
    i_saved = []
    for i in range(3):
        i_saved.append(i)
        # for j in range(a.shape[1]):
        getitem_saved = []
        getitem_saved_1 = []
        j_saved = []
        for j in range(3):
            j_saved.append(j)
            # y[i] += a[i, j] * x[j]
            getitem = a[i, j]
            getitem_1 = x[j]
            y = setitem(y, y[i] + getitem * getitem_1, index=np.s_[i])
            getitem_saved.append(getitem_1)
            getitem_saved_1.append(getitem)
        getitem_saved_saved.append(getitem_saved)
        getitem_saved_saved_1.append(getitem_saved_1)
        j_saved_saved.append(j_saved)
    # return ops.sum(ops.sin(y))
    out = np.sum(np.sin(y))
    # grad of: return ops.sum(ops.sin(y))
    dy = np.cos(y)
    # grad of: for i in range(a.shape[0]):
    da = np.zeros((3, 3), dtype=np.float64)
    dx = np.zeros((3,), dtype=np.float64)
    for getitem_saved_2, getitem_saved_3, j_saved_1, i_1 in zip(reversed(getitem_saved_saved), reversed(getitem_saved_saved_1), reversed(j_saved_saved), reversed(i_saved)):
        # grad of: for j in range(a.shape[1]):
        for getitem_2, getitem_3, j_1 in zip(reversed(getitem_saved_2), reversed(getitem_saved_3), reversed(j_saved_1)):
            # grad of: y[i] += a[i, j] * x[j]
            dt = dy[i_1]
            dt_1 = dt * getitem_2
            dt_2 = dt * getitem_3
            dx = dx + index_add(dt_2, index=np.s_[j_1], shape=(3,))
            da = da + index_add(dt_1, index=np.s_[i_1, j_1], shape=(3, 3))
            dy = index_add_to(setitem(dy, 0, index=np.s_[i_1]), dt, index=np.s_[i_1])
    return (out, (da, dx))
