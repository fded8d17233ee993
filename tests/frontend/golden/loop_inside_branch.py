import numpy as np


def loop_inside_branch_value_and_grad(x, w):
    # if ops.sum(x) > 0:
    greater = np.sum(x) > 0
    if greater:
        # for _ in range(3):
        h = x
        h_saved = []
        h_saved_1 = []
        for _ in range(3):
            h_saved_1.append(h)
            # h = ops.tanh(h @ w)
            h = np.tanh(h @ w)
            h_saved.append(h)
    else:
        # h = h * 2
        h = x * 2
        h_saved = None
        h_saved_1 = None
    # return ops.sum(h)
    out = np.sum(h)
    # grad of: return ops.sum(h)
    dx = np.ones((3,), dtype=np.float64)
    # grad of: if ops.sum(x) > 0:
    if greater:
        # grad of: for _ in range(3):
        dw = np.zeros((3, 3), dtype=np.float64)
        for h_1, h_2 in zip(reversed(h_saved), reversed(h_saved_1)):
            # grad of: h = ops.tanh(h @ w)
            dt = dx * (1 - h_1 * h_1)
            dx = w @ dt
            dw = dw + np.reshape(h_2, shape=(3, 1)) * dt
    else:
        # grad of: h = h * 2
        dx = np.full(shape=(3,), fill_value=2.0, dtype=np.float64)
        # grad of: if ops.sum(x) > 0:
        dw = np.zeros((3, 3), dtype=np.float64)
    return (out, (dx, dw))
