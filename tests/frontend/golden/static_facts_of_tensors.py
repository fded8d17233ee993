import numpy as np


def static_facts_of_tensors_value_and_grad(x, w):
    # h = x @ w
    h = x @ w
    # h = h * 2
    h_1 = h * 2
    # return ops.sum(h * h) / len(x)
    out = np.sum(h_1 * h_1) / 3
    # grad of: return ops.sum(h * h) / len(x)
    mul = 0.3333333333333333 * h_1
    dh = mul + mul
    # grad of: h = h * 2
    dh_1 = dh * 2
    # grad of: h = x @ w
    dx = w @ dh_1
    dw = np.reshape(x, shape=(3, 1)) * dh_1
    return (out, (dx, dw))
