import numpy as np


def branch_uses_outer_values_value_and_grad(x, w):
    # h = ops.sin(x)
    h = np.sin(x)
    # if ops.mean(h) > -5:
    greater = np.mean(h) > -5
    if greater:
        # out = h @ w + x
        out = h @ w + x
    else:
        out = h
    # return ops.sum(out * out)
    out_1 = np.sum(out * out)
    # grad of: return ops.sum(out * out)
    dout = out + out
    # grad of: if ops.mean(h) > -5:
    if greater:
        # grad of: out = h @ w + x
        dh = w @ dout
        dw = np.reshape(h, shape=(3, 1)) * dout
        dx = dout
    else:
        # grad of: if ops.mean(h) > -5:
        dw = np.zeros((3, 3), dtype=np.float64)
        dx = np.zeros((3,), dtype=np.float64)
        dh = dout
    # grad of: h = ops.sin(x)
    dx_1 = dx + dh * np.cos(x)
    return (out_1, (dx_1, dw))
