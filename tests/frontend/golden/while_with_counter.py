import numpy as np


def while_with_counter_value_and_grad(x, w):
    # while step < 4 and ops.sum(h * h) > 0.1:
    step = np.zeros((), dtype=np.int64)
    h = x
    h_saved = []
    h_saved_1 = []
    while np.logical_and(step < 4, np.sum(h * h) > 0.1):
        h_saved_1.append(h)
        # h = ops.tanh(h @ w)
        h = np.tanh(h @ w)
        # step += 1
        step = step + 1
        h_saved.append(h)
    # return ops.sum(h) + step * 0.1
    out = np.sum(h) + step * 0.1
    # grad of: return ops.sum(h) + step * 0.1
    dh = np.ones((3,), dtype=np.float64)
    # grad of: while step < 4 and ops.sum(h * h) > 0.1:
    dw = np.zeros((3, 3), dtype=np.float64)
    for h_1, h_2 in zip(reversed(h_saved), reversed(h_saved_1)):
        # grad of: h = ops.tanh(h @ w)
        dt = dh * (1 - h_1 * h_1)
        dh = w @ dt
        dw = dw + np.reshape(h_2, shape=(3, 1)) * dt
    return (out, (dh, dw))
