import numpy as np
from runtime.kernels import index_add_to


def cumulative_product_value_and_grad(x):
    # running = ops.ones_like(x[0])
    running = np.ones((3,), dtype=np.float64)
    # for i in range(x.shape[0]):
    total = np.zeros((3,), dtype=np.float64)
    getitem_saved = []
    running_saved = []
    i_saved = []
    for i in range(4):
        running_saved.append(running)
        i_saved.append(i)
        # running = running * x[i]
        getitem = x[i]
        running_1 = running * getitem
        # total = total + running
        total = total + running_1
        getitem_saved.append(getitem)
        running = running_1
    # return ops.sum(total)
    out = np.sum(total)
    # grad of: return ops.sum(total)
    dtotal = np.ones((3,), dtype=np.float64)
    # grad of: for i in range(x.shape[0]):
    drunning = np.zeros((3,), dtype=np.float64)
    dx = np.zeros((4, 3), dtype=np.float64)
    for getitem_1, running_2, i_1 in zip(reversed(getitem_saved), reversed(running_saved), reversed(i_saved)):
        # grad of: total = total + running
        drunning_1 = drunning + dtotal
        # grad of: running = running * x[i]
        drunning = drunning_1 * getitem_1
        dt = drunning_1 * running_2
        dx = index_add_to(dx, dt, index=np.s_[i_1])
    return (out, dx)
