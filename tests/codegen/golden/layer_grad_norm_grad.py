import numpy as np


def layer_grad_norm_grad(x, w):
    # return ops.sum(ops.tanh(x @ w) ** 2)
    tanh = np.tanh(x @ w)
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    dt = 2.0 * tanh
    sub = 1 - tanh * tanh
    dt_1 = dt * sub
    transpose = np.transpose(x)
    dw = transpose @ dt_1
    # grad of: return ops.sum(g * g)
    ddw = dw + dw
    # grad of: return ops.sum(ops.tanh(x @ w) ** 2)
    ddt = x @ ddw
    ddt_1 = ddt * sub
    dt_2 = ddt * dt
    dt_3 = -dt_2
    mul = dt_3 * tanh
    dt_4 = ddt_1 * 2.0
    dt_5 = mul + mul + dt_4
    dt_6 = dt_5 * sub
    dw_1 = transpose @ dt_6
    return dw_1
