import numpy as np
from runtime.kernels import index_add_to


def enumerate_rows_value_and_grad(xs, w):
    # for t, x in enumerate(xs):
    total = np.zeros((), dtype=np.float64)
    add_saved = []
    tanh_saved = []
    x_saved = []
    i_saved = []
    for i in range(4):
        i_saved.append(i)
        x = xs[i]
        # total = total + (t + 1) * ops.sum(ops.tanh(x @ w))
        add = i + 1
        tanh = np.tanh(x @ w)
        total = total + add * np.sum(tanh)
        add_saved.append(add)
        tanh_saved.append(tanh)
        x_saved.append(x)
    # grad of: for t, x in enumerate(xs):
    dtotal = np.ones((), dtype=np.float64)
    dxs = np.zeros((4, 3), dtype=np.float64)
    dw = np.zeros((3, 3), dtype=np.float64)
    for add_1, tanh_1, x_1, i_1 in zip(reversed(add_saved), reversed(tanh_saved), reversed(x_saved), reversed(i_saved)):
        # grad of: total = total + (t + 1) * ops.sum(ops.tanh(x @ w))
        dt = dtotal * add_1
        dt_1 = dt * (1 - tanh_1 * tanh_1)
        dx = w @ dt_1
        dw = dw + np.reshape(x_1, shape=(3, 1)) * dt_1
        # grad of: for t, x in enumerate(xs):
        dxs = index_add_to(dxs, dx, index=np.s_[i_1])
    return (total, (dxs, dw))
