import numpy as np


def loss_with_warning_value_and_grad(x, w):
    # loss = ops.sum((x @ w) ** 2)
    matmul = x @ w
    loss = np.sum(matmul ** 2)
    # if loss > 5.0:
    greater = loss > 5.0
    if greater:
        # print('large loss:', loss)
        print('large loss:', loss)
        # return ops.sqrt(loss)
        out = np.sqrt(loss)
        out_1 = out
    else:
        out = loss
        out_1 = None
    # grad of: if loss > 5.0:
    dout = np.ones((), dtype=np.float64)
    if greater:
        # grad of: return ops.sqrt(loss)
        dloss = 1.0 / (2 * out_1)
    else:
        dloss = dout
    # grad of: loss = ops.sum((x @ w) ** 2)
    dt = np.broadcast_to(dloss, shape=(3,))
    dt_1 = dt * 2 * matmul
    dx = w @ dt_1
    dw = np.reshape(x, shape=(3, 1)) * dt_1
    return (out, (dx, dw))
