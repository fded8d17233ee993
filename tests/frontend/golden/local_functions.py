import numpy as np


def local_functions_value_and_grad(x, w):
    # return ops.tanh(v @ w + bias) * scale
    tanh = np.tanh(x @ w + 0.1)
    mul = tanh * 0.5
    tanh_1 = np.tanh(mul @ w - 0.2)
    mul_1 = tanh_1 * 0.5
    # return ops.sum(square(layer(layer(x), bias=-0.2)))
    out = np.sum(mul_1 * mul_1)
    # grad of: return ops.sum(square(layer(layer(x), bias=-0.2)))
    dt = mul_1 + mul_1
    # grad of: return ops.tanh(v @ w + bias) * scale
    dt_1 = dt * 0.5
    dt_2 = dt_1 * (1 - tanh_1 * tanh_1)
    dt_3 = w @ dt_2
    dt_4 = dt_3 * 0.5
    dt_5 = dt_4 * (1 - tanh * tanh)
    dx = w @ dt_5
    dw = np.reshape(mul, shape=(3, 1)) * dt_2 + np.reshape(x, shape=(3, 1)) * dt_5
    return (out, (dx, dw))
