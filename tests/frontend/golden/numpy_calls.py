import numpy as np


def numpy_calls_value_and_grad(x, w):
    # h = np.tanh(np.dot(x, w))
    h = np.tanh(x @ w)
    # return ops.sum(np.exp(h) * np.maximum(h, -10.0))
    exp = np.exp(h)
    maximum = np.maximum(h, -10.0)
    out = np.sum(exp * maximum)
    # grad of: return ops.sum(np.exp(h) * np.maximum(h, -10.0))
    dh = exp * (0.5 + 0.5 * np.sign(h + 10.0)) + maximum * exp
    # grad of: h = np.tanh(np.dot(x, w))
    dt = dh * (1 - h * h)
    dx = w @ dt
    dw = np.reshape(x, shape=(3, 1)) * dt
    return (out, (dx, dw))
