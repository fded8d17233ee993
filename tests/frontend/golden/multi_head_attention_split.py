import numpy as np
from runtime.kernels import concat, pad, slice_axis, softmax


def multi_head_attention_split_value_and_grad(q, k, v):
    # for qh, kh, vh in zip(ops.split(q, d, axis=1), ops.split(k, d, axis=1), ops.split(v, d, axis=1)):
    qh = slice_axis(q, axis=1, start=0, stop=2)
    qh_1 = slice_axis(q, axis=1, start=2, stop=4)
    kh = slice_axis(k, axis=1, start=0, stop=2)
    kh_1 = slice_axis(k, axis=1, start=2, stop=4)
    vh = slice_axis(v, axis=1, start=0, stop=2)
    vh_1 = slice_axis(v, axis=1, start=2, stop=4)
    # weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    weights = softmax(qh @ np.transpose(kh) / 1.4142135623730951)
    # heads.append(weights @ vh)
    matmul = weights @ vh
    # weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    weights_1 = softmax(qh_1 @ np.transpose(kh_1) / 1.4142135623730951)
    # heads.append(weights @ vh)
    matmul_1 = weights_1 @ vh_1
    # return ops.sum(ops.concat(heads, axis=1) * q)
    concat_1 = concat(matmul, matmul_1, axis=1)
    out = np.sum(concat_1 * q)
    # grad of: heads.append(weights @ vh)
    dweights = qh_1 @ np.transpose(vh_1)
    dvh = np.transpose(weights_1) @ qh_1
    # grad of: weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    dt = weights_1 * (dweights - np.sum(dweights * weights_1, axis=1, keepdims=True))
    dt_1 = dt / 1.4142135623730951
    dqh = dt_1 @ kh_1
    dt_2 = np.transpose(qh_1) @ dt_1
    dkh = np.transpose(dt_2)
    # grad of: heads.append(weights @ vh)
    dweights_1 = qh @ np.transpose(vh)
    dvh_1 = np.transpose(weights) @ qh
    # grad of: weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    dt_3 = weights * (dweights_1 - np.sum(dweights_1 * weights, axis=1, keepdims=True))
    dt_4 = dt_3 / 1.4142135623730951
    dqh_1 = dt_4 @ kh
    dt_5 = np.transpose(qh) @ dt_4
    dkh_1 = np.transpose(dt_5)
    # grad of: for qh, kh, vh in zip(ops.split(q, d, axis=1), ops.split(k, d, axis=1), ops.split(v, d, axis=1)):
    dv = pad(dvh, pad_width=((0, 0), (2, 0))) + pad(dvh_1, pad_width=((0, 0), (0, 2)))
    dk = pad(dkh, pad_width=((0, 0), (2, 0))) + pad(dkh_1, pad_width=((0, 0), (0, 2)))
    dq = concat_1 + pad(dqh, pad_width=((0, 0), (2, 0))) + pad(dqh_1, pad_width=((0, 0), (0, 2)))
    return (out, (dq, dk, dv))
