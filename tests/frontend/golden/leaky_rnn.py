import numpy as np
from runtime.kernels import index_add_to


def leaky_rnn_value_and_grad(xs, w):
    # h = ops.zeros_like(xs[0])
    h = np.zeros((3,), dtype=np.float64)
    # for x in xs:
    greater_saved = []
    tanh_saved = []
    h_saved = []
    i_saved = []
    for i in range(5):
        h_saved.append(h)
        i_saved.append(i)
        x = xs[i]
        # pre = h @ w + x
        pre = h @ w + x
        # h = ops.tanh(pre) if ops.sum(pre) > 0 else 0.1 * pre
        greater = np.sum(pre) > 0
        if greater:
            h = np.tanh(pre)
            tanh = h
        else:
            h = 0.1 * pre
            tanh = None
        greater_saved.append(greater)
        tanh_saved.append(tanh)
    # return ops.sum(h)
    out = np.sum(h)
    # grad of: return ops.sum(h)
    dh = np.ones((3,), dtype=np.float64)
    # grad of: for x in xs:
    dxs = np.zeros((5, 3), dtype=np.float64)
    dw = np.zeros((3, 3), dtype=np.float64)
    for greater_1, tanh_1, h_1, i_1 in zip(reversed(greater_saved), reversed(tanh_saved), reversed(h_saved), reversed(i_saved)):
        # grad of: h = ops.tanh(pre) if ops.sum(pre) > 0 else 0.1 * pre
        if greater_1:
            dpre = dh * (1 - tanh_1 * tanh_1)
        else:
            dpre = dh * 0.1
        # grad of: pre = h @ w + x
        dh = w @ dpre
        dw = dw + np.reshape(h_1, shape=(3, 1)) * dpre
        # grad of: for x in xs:
        dxs = index_add_to(dxs, dpre, index=np.s_[i_1])
    return (out, (dxs, dw))
