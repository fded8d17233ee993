import numpy as np


def energy_with_gradient_norm_value_and_grad(w, x):
    # return ops.sum(ops.log(1 + ops.exp(x @ w)))
    exp = np.exp(x @ w)
    add = 1 + exp
    out = np.sum(np.log(add))
    # grad of: return ops.sum(ops.log(1 + ops.exp(x @ w)))
    dt = 1.0 / add
    dt_1 = dt * exp
    reshape = np.reshape(x, shape=(3, 1))
    dw = reshape * dt_1
    # return energy + ops.sum(g * g)
    out_1 = out + np.sum(dw * dw)
    # grad of: return energy + ops.sum(g * g)
    ddw = dw + dw
    # grad of: return ops.sum(ops.log(1 + ops.exp(x @ w)))
    dt_2 = np.sum(ddw * dt_1, axis=1, keepdims=True)
    ddt = np.sum(ddw * reshape, axis=0)
    ddt_1 = ddt * exp
    dt_3 = -ddt_1 * dt / add + dt
    dt_4 = ddt * dt + dt_3
    dt_5 = dt_4 * exp
    dw_1 = reshape * dt_5
    dx = np.reshape(dt_2, shape=(3,)) + w @ dt_5
    return (out_1, (dw_1, dx))
