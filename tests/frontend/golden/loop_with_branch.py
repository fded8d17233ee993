import numpy as np


def loop_with_branch_value_and_grad(x, w):
    # for t in range(n):
    h = x
    greater_saved = []
    h_saved = []
    h_saved_1 = []
    for t in range(3):
        h_saved_1.append(h)
        # h = h @ w
        h_1 = h @ w
        # if ops.sum(h) > 0:
        greater = np.sum(h_1) > 0
        if greater:
            # h = ops.tanh(h)
            h = np.tanh(h_1)
            h_2 = h
        else:
            # h = h * 0.5
            h = h_1 * 0.5
            h_2 = None
        greater_saved.append(greater)
        h_saved.append(h_2)
    # return ops.sum(h)
    out = np.sum(h)
    # grad of: return ops.sum(h)
    dh = np.ones((3,), dtype=np.float64)
    # grad of: for t in range(n):
    dw = np.zeros((3, 3), dtype=np.float64)
    for greater_1, h_3, h_4 in zip(reversed(greater_saved), reversed(h_saved), reversed(h_saved_1)):
        # grad of: if ops.sum(h) > 0:
        if greater_1:
            # grad of: h = ops.tanh(h)
            dh_1 = dh * (1 - h_3 * h_3)
        else:
            # grad of: h = h * 0.5
            dh_1 = dh * 0.5
        # grad of: h = h @ w
        dh = w @ dh_1
        dw = dw + np.reshape(h_4, shape=(3, 1)) * dh_1
    return (out, (dh, dw))
