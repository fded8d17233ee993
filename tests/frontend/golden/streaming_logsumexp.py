import numpy as np
from runtime.kernels import index_add, index_add_to


def streaming_logsumexp_value_and_grad(x):
    # m = x[0]
    m = x[0]
    # s = ops.ones_like(x[0])
    s = np.ones((), dtype=np.float64)
    # for i in range(1, x.shape[0]):
    s_1 = s
    greater_saved = []
    i_saved = []
    exp_saved = []
    s_saved = []
    exp_saved_1 = []
    for i in range(1, 6):
        i_saved.append(i)
        s_saved.append(s_1)
        # if x[i] > m:
        getitem = x[i]
        greater = getitem > m
        if greater:
            # s = s * ops.exp(m - x[i]) + 1
            exp = np.exp(m - getitem)
            s_1 = s_1 * exp + 1
            m = getitem
            exp_1 = exp
            exp_2 = None
        else:
            # s = s + ops.exp(x[i] - m)
            exp_3 = np.exp(getitem - m)
            s_1 = s_1 + exp_3
            exp_1 = None
            exp_2 = exp_3
        greater_saved.append(greater)
        exp_saved.append(exp_1)
        exp_saved_1.append(exp_2)
    # return m + ops.log(s)
    out = m + np.log(s_1)
    # grad of: return m + ops.log(s)
    ds = 1.0 / s_1
    # grad of: for i in range(1, x.shape[0]):
    dx = np.zeros((6,), dtype=np.float64)
    dm = s
    for greater_1, i_1, exp_4, s_2, exp_5 in zip(reversed(greater_saved), reversed(i_saved), reversed(exp_saved), reversed(s_saved), reversed(exp_saved_1)):
        # grad of: if x[i] > m:
        if greater_1:
            # grad of: m = x[i]
            index_add_1 = index_add(dm, index=np.s_[i_1], shape=(6,))
            # grad of: s = s * ops.exp(m - x[i]) + 1
            mul = ds * exp_4
            dt = ds * s_2
            dt_1 = dt * exp_4
            dt_2 = -dt_1
            index_add_to_1 = index_add_to(index_add_1, dt_2, index=np.s_[i_1])
            # grad of: if x[i] > m:
            dx = dx + index_add_to_1
            dm = dt_1
            ds = mul
        else:
            # grad of: s = s + ops.exp(x[i] - m)
            dt_3 = ds * exp_5
            dm = dm - dt_3
            index_add_2 = index_add(dt_3, index=np.s_[i_1], shape=(6,))
            # grad of: if x[i] > m:
            dx = dx + index_add_2
    # grad of: m = x[0]
    dx_1 = dx + index_add(dm, index=np.s_[0], shape=(6,))
    return (out, dx_1)
