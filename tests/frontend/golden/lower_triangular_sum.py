import numpy as np
from runtime.kernels import index_add, index_add_to


def lower_triangular_sum_value_and_grad(a):
    # for i in range(a.shape[0]):
    total = np.zeros((), dtype=np.float64)
    getitem_saved_saved = []
    getitem_saved_saved_1 = []
    j_saved_saved = []
    i_saved = []
    for i in range(4):
        i_saved.append(i)
        # for j in range(i + 1):   # the inner bound is the outer index: known only at run time
        getitem_saved = []
        getitem_saved_1 = []
        j_saved = []
        for j in range(i + 1):
            j_saved.append(j)
            # total = total + a[i, j] * a[j, i]
            getitem = a[i, j]
            getitem_1 = a[j, i]
            total = total + getitem * getitem_1
            getitem_saved.append(getitem_1)
            getitem_saved_1.append(getitem)
        getitem_saved_saved.append(getitem_saved)
        getitem_saved_saved_1.append(getitem_saved_1)
        j_saved_saved.append(j_saved)
    # grad of: for i in range(a.shape[0]):
    dtotal = np.ones((), dtype=np.float64)
    da = np.zeros((4, 4), dtype=np.float64)
    for getitem_saved_2, getitem_saved_3, j_saved_1, i_1 in zip(reversed(getitem_saved_saved), reversed(getitem_saved_saved_1), reversed(j_saved_saved), reversed(i_saved)):
        # grad of: for j in range(i + 1):   # the inner bound is the outer index: known only at run time
        for getitem_2, getitem_3, j_1 in zip(reversed(getitem_saved_2), reversed(getitem_saved_3), reversed(j_saved_1)):
            # grad of: total = total + a[i, j] * a[j, i]
            dt = dtotal * getitem_2
            dt_1 = dtotal * getitem_3
            da = index_add_to(da + index_add(dt_1, index=np.s_[j_1, i_1], shape=(4, 4)), dt, index=np.s_[i_1, j_1])
    return (total, da)
