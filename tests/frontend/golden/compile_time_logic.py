import numpy as np


def compile_time_logic_value_and_grad(x, w, b):
    # h = v @ w + bias
    matmul = x @ w
    h = matmul + b
    # h = activation(h)
    h_1 = np.tanh(h)
    # h = h / ops.sqrt(ops.sum(h * h))
    sqrt = np.sqrt(np.sum(matmul * matmul))
    h_2 = matmul / sqrt
    # h = v @ w + bias
    h_3 = matmul + 0.5
    # h = activation(h)
    h_4 = np.sin(h_3)
    # return ops.sum(a * c + d)
    out = np.sum(h_1 * h_2 + h_4)
    # grad of: h = activation(h)
    cos = np.cos(h_3)
    # grad of: h = v @ w + bias
    reshape = np.reshape(x, shape=(3, 1))
    # grad of: h = h / ops.sqrt(ops.sum(h * h))
    dt = np.sum(-h_1 * h_2 / sqrt, axis=0)
    dt_1 = dt / (2 * sqrt)
    mul = dt_1 * matmul
    dh = h_1 / sqrt + mul + mul
    # grad of: h = activation(h)
    dh_1 = h_2 * (1 - h_1 * h_1)
    # grad of: h = v @ w + bias
    dx = w @ cos + w @ dh + w @ dh_1
    dw = reshape * cos + reshape * dh + reshape * dh_1
    return (out, (dx, dw, dh_1))
