import numpy as np


def inner_gradient_step_value_and_grad(w, x):
    # return ops.sum(ops.log(1 + ops.exp(x @ w)))
    exp = np.exp(x @ w)
    add = 1 + exp
    # grad of: return ops.sum(ops.log(1 + ops.exp(x @ w)))
    dt = 1.0 / add
    dt_1 = dt * exp
    reshape = np.reshape(x, shape=(3, 1))
    dw = reshape * dt_1
    # return softplus_energy(w - 0.5 * g, x)
    sub = w - 0.5 * dw
    # return ops.sum(ops.log(1 + ops.exp(x @ w)))
    exp_1 = np.exp(x @ sub)
    add_1 = 1 + exp_1
    out = np.sum(np.log(add_1))
    # grad of: return ops.sum(ops.log(1 + ops.exp(x @ w)))
    dt_2 = 1.0 / add_1
    dt_3 = dt_2 * exp_1
    dt_4 = reshape * dt_3
    # grad of: return softplus_energy(w - 0.5 * g, x)
    dt_5 = -dt_4
    ddw = dt_5 * 0.5
    # grad of: return ops.sum(ops.log(1 + ops.exp(x @ w)))
    dt_6 = np.sum(ddw * dt_1, axis=1, keepdims=True)
    ddt = np.sum(ddw * reshape, axis=0)
    ddt_1 = ddt * exp
    dt_7 = -ddt_1 * dt / add
    dt_8 = ddt * dt + dt_7
    dt_9 = dt_8 * exp
    dx = sub @ dt_3 + np.reshape(dt_6, shape=(3,)) + w @ dt_9
    dw_1 = dt_4 + reshape * dt_9
    return (out, (dw_1, dx))
