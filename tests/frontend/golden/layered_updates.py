import numpy as np


def layered_updates_value_and_grad(x, w):
    # for epoch in range(2):
    h = x
    greater_saved_saved = []
    h_saved_saved = []
    h_saved_saved_1 = []
    exp_saved_saved = []
    for epoch in range(2):
        # for step in range(3):
        greater_saved = []
        h_saved = []
        h_saved_1 = []
        exp_saved = []
        for step in range(3):
            h_saved_1.append(h)
            # if ops.sum(h) > 0:
            greater = np.sum(h) > 0
            if greater:
                # h = ops.tanh(h @ w)
                h = np.tanh(h @ w)
                h_1 = h
                exp = None
            else:
                # h = ops.exp(h) - 1.0
                exp_1 = np.exp(h)
                h = exp_1 - 1.0
                h_1 = None
                exp = exp_1
            greater_saved.append(greater)
            h_saved.append(h_1)
            exp_saved.append(exp)
        greater_saved_saved.append(greater_saved)
        h_saved_saved.append(h_saved)
        h_saved_saved_1.append(h_saved_1)
        exp_saved_saved.append(exp_saved)
    # return ops.sum(h)
    out = np.sum(h)
    # grad of: return ops.sum(h)
    dh = np.ones((3,), dtype=np.float64)
    # grad of: for epoch in range(2):
    dw = np.zeros((3, 3), dtype=np.float64)
    for greater_saved_1, h_saved_2, h_saved_3, exp_saved_1 in zip(reversed(greater_saved_saved), reversed(h_saved_saved), reversed(h_saved_saved_1), reversed(exp_saved_saved)):
        # grad of: for step in range(3):
        for greater_1, h_2, h_3, exp_2 in zip(reversed(greater_saved_1), reversed(h_saved_2), reversed(h_saved_3), reversed(exp_saved_1)):
            # grad of: if ops.sum(h) > 0:
            if greater_1:
                # grad of: h = ops.tanh(h @ w)
                dt = dh * (1 - h_2 * h_2)
                dh = w @ dt
                mul = np.reshape(h_3, shape=(3, 1)) * dt
                # grad of: if ops.sum(h) > 0:
                dw = dw + mul
            else:
                # grad of: h = ops.exp(h) - 1.0
                dh = dh * exp_2
    return (out, (dh, dw))
