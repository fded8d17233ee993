import numpy as np


def clamp_activations_value_and_grad(x, w):
    # h = ops.clamp(x @ w, -0.5, 0.5)
    matmul = x @ w
    h = np.clip(matmul, min=-0.5, max=0.5)
    # return ops.sum(h * h + h)
    out = np.sum(h * h + h)
    # grad of: return ops.sum(h * h + h)
    dh = 1.0 + h + h
    # grad of: h = ops.clamp(x @ w, -0.5, 0.5)
    dt = dh * np.logical_and(matmul >= -0.5, matmul <= 0.5)
    dx = w @ dt
    dw = np.reshape(x, shape=(3, 1)) * dt
    return (out, (dx, dw))
