import numpy as np


def calls_jit_value_and_grad(x, w):
    # return ops.tanh(x @ w)
    out = np.tanh(x @ w)
    out_1 = np.tanh(out @ w)
    # return ops.sum(jitted_layer(jitted_layer(x, w), w))
    out_2 = np.sum(out_1)
    # grad of: return ops.tanh(x @ w)
    sub = 1 - out_1 * out_1
    dout = w @ sub
    dt = dout * (1 - out * out)
    dx = w @ dt
    dw = np.reshape(out, shape=(3, 1)) * sub + np.reshape(x, shape=(3, 1)) * dt
    return (out_2, (dx, dw))
