import numpy as np


def meta_step_grad_inside_value_and_grad(w, x):
    # return ops.sum(ops.tanh(x @ w) ** 2)
    tanh = np.tanh(x @ w)
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    dt = 2.0 * tanh
    sub = 1 - tanh * tanh
    dt_1 = dt * sub
    reshape = np.reshape(x, shape=(3, 1))
    dw = reshape * dt_1
    # return inner_loss(w - 0.5 * g, x)
    sub_1 = w - 0.5 * dw
    # return ops.sum(ops.tanh(x @ w) ** 2)
    tanh_1 = np.tanh(x @ sub_1)
    out = np.sum(tanh_1 ** 2)
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    dt_2 = 2.0 * tanh_1
    dt_3 = dt_2 * (1 - tanh_1 * tanh_1)
    dt_4 = reshape * dt_3
    # grad of: return inner_loss(w - 0.5 * g, x)
    dt_5 = -dt_4
    ddw = dt_5 * 0.5
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    dt_6 = np.sum(ddw * dt_1, axis=1, keepdims=True)
    ddt = np.sum(ddw * reshape, axis=0)
    ddt_1 = ddt * sub
    dt_7 = ddt * dt
    dt_8 = -dt_7
    mul = dt_8 * tanh
    dt_9 = ddt_1 * 2.0
    dt_10 = mul + mul + dt_9
    dt_11 = dt_10 * sub
    dx = sub_1 @ dt_3 + np.reshape(dt_6, shape=(3,)) + w @ dt_11
    dw_1 = dt_4 + reshape * dt_11
    return (out, (dw_1, dx))
