import numpy as np
from runtime.kernels import index_add, setitem


def attention_rows_value_and_grad(q, k, v):
    # out = ops.zeros_like(q)
    out = np.zeros((4, 3), dtype=np.float64)
    # for i in range(q.shape[0]):
    i_saved = []
    weights_saved = []
    sum_saved = []
    weights_saved_1 = []
    amax_saved = []
    scores_saved = []
    getitem_saved = []
    for i in range(4):
        i_saved.append(i)
        # scores = k @ q[i] * 0.5
        getitem = q[i]
        scores = k @ getitem * 0.5
        # weights = ops.exp(scores - ops.amax(scores))
        amax = np.max(scores)
        weights = np.exp(scores - amax)
        # weights = weights / ops.sum(weights)
        sum_1 = np.sum(weights)
        weights_1 = weights / sum_1
        # out[i] = weights @ v
        out = setitem(out, weights_1 @ v, index=np.s_[i])
        weights_saved.append(weights_1)
        sum_saved.append(sum_1)
        weights_saved_1.append(weights)
        amax_saved.append(amax)
        scores_saved.append(scores)
        getitem_saved.append(getitem)
    # return ops.sum(out * q)
    out_1 = np.sum(out * q)
    # grad of: for i in range(q.shape[0]):
    dk = np.zeros((5, 3), dtype=np.float64)
    dv = np.zeros((5, 3), dtype=np.float64)
    dout = q
    dq = out
    for i_1, weights_2, sum_2, weights_3, amax_1, scores_1, getitem_1 in zip(reversed(i_saved), reversed(weights_saved), reversed(sum_saved), reversed(weights_saved_1), reversed(amax_saved), reversed(scores_saved), reversed(getitem_saved)):
        # grad of: out[i] = weights @ v
        setitem_1 = setitem(dout, 0, index=np.s_[i_1])
        dt = dout[i_1]
        dweights = v @ dt
        dv = dv + np.reshape(weights_2, shape=(5, 1)) * dt
        # grad of: weights = weights / ops.sum(weights)
        dt_1 = np.sum(-dweights * weights_2 / sum_2, axis=0)
        dweights_1 = dweights / sum_2 + dt_1
        # grad of: weights = ops.exp(scores - ops.amax(scores))
        dt_2 = dweights_1 * weights_3
        dt_3 = np.sum(-dt_2, axis=0)
        cast = np.asarray(scores_1 == np.reshape(amax_1, shape=(1,)), dtype=np.float64)
        dscores = dt_2 + np.reshape(dt_3, shape=(1,)) * (cast / np.sum(cast, keepdims=True))
        # grad of: scores = k @ q[i] * 0.5
        dt_4 = dscores * 0.5
        dt_5 = dt_4 @ k
        dk = dk + np.reshape(dt_4, shape=(5, 1)) * getitem_1
        dq = dq + index_add(dt_5, index=np.s_[i_1], shape=(4, 3))
        dout = setitem_1
    return (out_1, (dq, dk, dv))
