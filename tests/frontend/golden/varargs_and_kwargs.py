import numpy as np
from runtime.kernels import sigmoid


def varargs_and_kwargs_value_and_grad(x, w1, w2):
    # out = activation(h @ w)
    out = np.tanh(x @ w1)
    out_1 = np.tanh(out @ w2)
    out_2 = sigmoid(x @ w2)
    # h = h + out if residual else out
    h = x + out_2
    # return h * options.get('scale', 1.0)
    resid = h * 0.5
    # return ops.sum(plain * resid)
    out_3 = np.sum(out_1 * resid)
    # grad of: return h * options.get('scale', 1.0)
    dh = out_1 * 0.5
    # grad of: out = activation(h @ w)
    dt = dh * out_2 * (1 - out_2)
    reshape = np.reshape(x, shape=(3, 1))
    dt_1 = resid * (1 - out_1 * out_1)
    dout = w2 @ dt_1
    dw2 = reshape * dt + np.reshape(out, shape=(3, 1)) * dt_1
    dt_2 = dout * (1 - out * out)
    dw1 = reshape * dt_2
    dx = dh + w2 @ dt + w1 @ dt_2
    return (out_3, (dx, dw1, dw2))
