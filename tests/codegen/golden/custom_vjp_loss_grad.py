import numpy as np


def custom_vjp_loss_grad(x, w):
    # return ops.sum(clipped_tanh(x @ w) * 3)
    matmul = x @ w
    # y = ops.tanh(x)
    y = np.tanh(matmul)
    # return (ops.clip((1 - y * y) * dy, -0.5, 0.5),)
    dt = np.clip((1 - y * y) * 3.0, min=-0.5, max=0.5)
    # grad of: return ops.sum(clipped_tanh(x @ w) * 3)
    dw = np.transpose(x) @ dt
    return dw
