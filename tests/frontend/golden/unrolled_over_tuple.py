import numpy as np


def unrolled_over_tuple_value_and_grad(x, w):
    # h = ops.tanh(h @ w) * scale
    tanh = np.tanh(x @ w)
    tanh_1 = np.tanh(tanh @ w)
    h = tanh_1 * 0.5
    tanh_2 = np.tanh(h @ w)
    h_1 = tanh_2 * 0.25
    # return ops.sum(h)
    out = np.sum(h_1)
    # grad of: h = ops.tanh(h @ w) * scale
    dt = 0.25 * (1 - tanh_2 * tanh_2)
    dh = w @ dt
    dt_1 = dh * 0.5
    dt_2 = dt_1 * (1 - tanh_1 * tanh_1)
    dh_1 = w @ dt_2
    dt_3 = dh_1 * (1 - tanh * tanh)
    dx = w @ dt_3
    dw = np.reshape(h, shape=(3, 1)) * dt + np.reshape(tanh, shape=(3, 1)) * dt_2 + np.reshape(x, shape=(3, 1)) * dt_3
    return (out, (dx, dw))
