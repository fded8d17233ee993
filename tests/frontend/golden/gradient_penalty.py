import numpy as np


def gradient_penalty_value_and_grad(w, x):
    # return ops.sum(ops.tanh(x @ w) ** 2)
    tanh = np.tanh(x @ w)
    out = np.sum(tanh ** 2)
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    dt = 2.0 * tanh
    sub = 1 - tanh * tanh
    dt_1 = dt * sub
    reshape = np.reshape(x, shape=(3, 1))
    dw = reshape * dt_1
    # return loss + ops.sum(g * g)
    out_1 = out + np.sum(dw * dw)
    # grad of: return loss + ops.sum(g * g)
    ddw = dw + dw
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    dt_2 = np.sum(ddw * dt_1, axis=1, keepdims=True)
    ddt = np.sum(ddw * reshape, axis=0)
    ddt_1 = ddt * sub
    dt_3 = ddt * dt
    dt_4 = -dt_3
    mul = dt_4 * tanh
    dt_5 = ddt_1 * 2.0
    dt_6 = mul + mul + dt_5 + dt
    dt_7 = dt_6 * sub
    dw_1 = reshape * dt_7
    dx = np.reshape(dt_2, shape=(3,)) + w @ dt_7
    return (out_1, (dw_1, dx))
