import numpy as np


def tensor_methods_value_and_grad(x, w):
    # h = (x @ w).reshape(3, 1) * x
    reshape = np.reshape(x @ w, shape=(3, 1))
    h = reshape * x
    # mu = h.mean(axis=1, keepdims=True)
    mu = np.mean(h, axis=1, keepdims=True)
    # return ((h - mu) ** 2).sum() + h.T.sum(axis=0).max()
    sub = h - mu
    sum_1 = np.sum(np.transpose(h), axis=0)
    amax = np.max(sum_1)
    out = np.sum(sub ** 2) + amax
    # grad of: return ((h - mu) ** 2).sum() + h.T.sum(axis=0).max()
    cast = np.asarray(sum_1 == np.reshape(amax, shape=(1,)), dtype=np.float64)
    dt = np.broadcast_to(cast / np.sum(cast, keepdims=True), shape=(3, 3))
    dt_1 = 2.0 * sub
    add = np.transpose(dt) + dt_1
    dmu = np.sum(-dt_1, axis=1, keepdims=True)
    # grad of: mu = h.mean(axis=1, keepdims=True)
    dh = add + dmu / 3
    # grad of: h = (x @ w).reshape(3, 1) * x
    dt_2 = np.sum(dh * x, axis=1, keepdims=True)
    dt_3 = np.reshape(dt_2, shape=(3,))
    dw = np.reshape(x, shape=(3, 1)) * dt_3
    dx = np.sum(dh * reshape, axis=0) + w @ dt_3
    return (out, (dx, dw))
