import numpy as np


def rnn_value_and_grad(x, w):
    # for t in range(n):
    h = x
    h_saved = []
    h_saved_1 = []
    for t in range(4):
        h_saved_1.append(h)
        # h = ops.tanh(h @ w)
        h = np.tanh(h @ w)
        h_saved.append(h)
    # return ops.sum(h)
    out = np.sum(h)
    # grad of: return ops.sum(h)
    dh = np.ones((3,), dtype=np.float64)
    # grad of: for t in range(n):
    dw = np.zeros((3, 3), dtype=np.float64)
    for h_1, h_2 in zip(reversed(h_saved), reversed(h_saved_1)):
        # grad of: h = ops.tanh(h @ w)
        dt = dh * (1 - h_1 * h_1)
        dh = w @ dt
        dw = dw + np.reshape(h_2, shape=(3, 1)) * dt
    return (out, (dh, dw))
