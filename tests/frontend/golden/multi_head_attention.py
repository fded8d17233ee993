import numpy as np
from runtime.kernels import concat, index_add, index_add_to, slice_axis, softmax


def multi_head_attention_value_and_grad(q, k, v):
    # qh, kh, vh = q[:, h * d:(h + 1) * d], k[:, h * d:(h + 1) * d], v[:, h * d:(h + 1) * d]
    qh = q[:, 0:2]
    kh = k[:, 0:2]
    vh = v[:, 0:2]
    # weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    weights = softmax(qh @ np.transpose(kh) / 1.4142135623730951)
    # heads.append(weights @ vh)
    matmul = weights @ vh
    # qh, kh, vh = q[:, h * d:(h + 1) * d], k[:, h * d:(h + 1) * d], v[:, h * d:(h + 1) * d]
    qh_1 = q[:, 2:4]
    kh_1 = k[:, 2:4]
    vh_1 = v[:, 2:4]
    # weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    weights_1 = softmax(qh_1 @ np.transpose(kh_1) / 1.4142135623730951)
    # heads.append(weights @ vh)
    matmul_1 = weights_1 @ vh_1
    # return ops.sum(ops.concat(heads, axis=1) * q)
    concat_1 = concat(matmul, matmul_1, axis=1)
    out = np.sum(concat_1 * q)
    # grad of: return ops.sum(ops.concat(heads, axis=1) * q)
    dt = slice_axis(q, axis=1, start=0, stop=2)
    dt_1 = slice_axis(q, axis=1, start=2, stop=4)
    # grad of: heads.append(weights @ vh)
    dweights = dt_1 @ np.transpose(vh_1)
    dvh = np.transpose(weights_1) @ dt_1
    # grad of: weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    dt_2 = weights_1 * (dweights - np.sum(dweights * weights_1, axis=1, keepdims=True))
    dt_3 = dt_2 / 1.4142135623730951
    dqh = dt_3 @ kh_1
    dt_4 = np.transpose(qh_1) @ dt_3
    dkh = np.transpose(dt_4)
    # grad of: heads.append(weights @ vh)
    dweights_1 = dt @ np.transpose(vh)
    dvh_1 = np.transpose(weights) @ dt
    # grad of: weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
    dt_5 = weights * (dweights_1 - np.sum(dweights_1 * weights, axis=1, keepdims=True))
    dt_6 = dt_5 / 1.4142135623730951
    dqh_1 = dt_6 @ kh
    dt_7 = np.transpose(qh) @ dt_6
    dkh_1 = np.transpose(dt_7)
    # grad of: qh, kh, vh = q[:, h * d:(h + 1) * d], k[:, h * d:(h + 1) * d], v[:, h * d:(h + 1) * d]
    dv = index_add_to(index_add(dvh, index=np.s_[:, 2:4], shape=(5, 4)), dvh_1, index=np.s_[:, 0:2])
    dk = index_add_to(index_add(dkh, index=np.s_[:, 2:4], shape=(5, 4)), dkh_1, index=np.s_[:, 0:2])
    dq = index_add_to(concat_1 + index_add(dqh, index=np.s_[:, 2:4], shape=(4, 4)), dqh_1, index=np.s_[:, 0:2])
    return (out, (dq, dk, dv))
