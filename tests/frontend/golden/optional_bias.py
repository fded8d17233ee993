import numpy as np


def optional_bias_value_and_grad(x, w, b):
    # h = v @ w
    h = x @ w
    # h = h + bias
    h_1 = h + b
    # return ops.tanh(h)
    tanh = np.tanh(h_1)
    tanh_1 = np.tanh(h)
    # return ops.sum(dense(x, b) + dense(x))
    out = np.sum(tanh + tanh_1)
    # grad of: return ops.tanh(h)
    sub = 1 - tanh_1 * tanh_1
    # grad of: h = v @ w
    reshape = np.reshape(x, shape=(3, 1))
    # grad of: return ops.tanh(h)
    sub_1 = 1 - tanh * tanh
    # grad of: h = v @ w
    dx = w @ sub + w @ sub_1
    dw = reshape * sub + reshape * sub_1
    return (out, (dx, dw, sub_1))
