import numpy as np
from runtime.kernels import index_add, index_add_to, slice_axis, stack


def attention_rows_stacked_value_and_grad(q, k, v):
    # scores = k @ q[i] * 0.5
    getitem = q[0]
    scores = k @ getitem * 0.5
    # weights = ops.exp(scores - ops.amax(scores))
    amax = np.max(scores)
    weights = np.exp(scores - amax)
    # rows.append(weights / ops.sum(weights) @ v)
    sum_1 = np.sum(weights)
    div = weights / sum_1
    matmul = div @ v
    # scores = k @ q[i] * 0.5
    getitem_1 = q[1]
    scores_1 = k @ getitem_1 * 0.5
    # weights = ops.exp(scores - ops.amax(scores))
    amax_1 = np.max(scores_1)
    weights_1 = np.exp(scores_1 - amax_1)
    # rows.append(weights / ops.sum(weights) @ v)
    sum_2 = np.sum(weights_1)
    div_1 = weights_1 / sum_2
    matmul_1 = div_1 @ v
    # scores = k @ q[i] * 0.5
    getitem_2 = q[2]
    scores_2 = k @ getitem_2 * 0.5
    # weights = ops.exp(scores - ops.amax(scores))
    amax_2 = np.max(scores_2)
    weights_2 = np.exp(scores_2 - amax_2)
    # rows.append(weights / ops.sum(weights) @ v)
    sum_3 = np.sum(weights_2)
    div_2 = weights_2 / sum_3
    matmul_2 = div_2 @ v
    # scores = k @ q[i] * 0.5
    getitem_3 = q[3]
    scores_3 = k @ getitem_3 * 0.5
    # weights = ops.exp(scores - ops.amax(scores))
    amax_3 = np.max(scores_3)
    weights_3 = np.exp(scores_3 - amax_3)
    # rows.append(weights / ops.sum(weights) @ v)
    sum_4 = np.sum(weights_3)
    div_3 = weights_3 / sum_4
    matmul_3 = div_3 @ v
    # return ops.sum(ops.stack(rows) * q)
    stack_1 = stack(matmul, matmul_1, matmul_2, matmul_3)
    out = np.sum(stack_1 * q)
    # grad of: return ops.sum(ops.stack(rows) * q)
    dt = np.reshape(slice_axis(q, axis=0, start=0, stop=1), shape=(3,))
    dt_1 = np.reshape(slice_axis(q, axis=0, start=1, stop=2), shape=(3,))
    dt_2 = np.reshape(slice_axis(q, axis=0, start=2, stop=3), shape=(3,))
    dt_3 = np.reshape(slice_axis(q, axis=0, start=3, stop=4), shape=(3,))
    # grad of: rows.append(weights / ops.sum(weights) @ v)
    dt_4 = v @ dt_3
    dt_5 = np.sum(-dt_4 * div_3 / sum_4, axis=0)
    dweights = dt_4 / sum_4 + dt_5
    # grad of: weights = ops.exp(scores - ops.amax(scores))
    dt_6 = dweights * weights_3
    dt_7 = np.sum(-dt_6, axis=0)
    cast = np.asarray(scores_3 == np.reshape(amax_3, shape=(1,)), dtype=np.float64)
    dscores = dt_6 + np.reshape(dt_7, shape=(1,)) * (cast / np.sum(cast, keepdims=True))
    # grad of: scores = k @ q[i] * 0.5
    dt_8 = dscores * 0.5
    dt_9 = dt_8 @ k
    # grad of: rows.append(weights / ops.sum(weights) @ v)
    dt_10 = v @ dt_2
    dt_11 = np.sum(-dt_10 * div_2 / sum_3, axis=0)
    dweights_1 = dt_10 / sum_3 + dt_11
    # grad of: weights = ops.exp(scores - ops.amax(scores))
    dt_12 = dweights_1 * weights_2
    dt_13 = np.sum(-dt_12, axis=0)
    cast_1 = np.asarray(scores_2 == np.reshape(amax_2, shape=(1,)), dtype=np.float64)
    dscores_1 = dt_12 + np.reshape(dt_13, shape=(1,)) * (cast_1 / np.sum(cast_1, keepdims=True))
    # grad of: scores = k @ q[i] * 0.5
    dt_14 = dscores_1 * 0.5
    dt_15 = dt_14 @ k
    # grad of: rows.append(weights / ops.sum(weights) @ v)
    dt_16 = v @ dt_1
    dt_17 = np.sum(-dt_16 * div_1 / sum_2, axis=0)
    dweights_2 = dt_16 / sum_2 + dt_17
    # grad of: weights = ops.exp(scores - ops.amax(scores))
    dt_18 = dweights_2 * weights_1
    dt_19 = np.sum(-dt_18, axis=0)
    cast_2 = np.asarray(scores_1 == np.reshape(amax_1, shape=(1,)), dtype=np.float64)
    dscores_2 = dt_18 + np.reshape(dt_19, shape=(1,)) * (cast_2 / np.sum(cast_2, keepdims=True))
    # grad of: scores = k @ q[i] * 0.5
    dt_20 = dscores_2 * 0.5
    dt_21 = dt_20 @ k
    # grad of: rows.append(weights / ops.sum(weights) @ v)
    dt_22 = v @ dt
    dv = np.reshape(div_3, shape=(5, 1)) * dt_3 + np.reshape(div_2, shape=(5, 1)) * dt_2 + np.reshape(div_1, shape=(5, 1)) * dt_1 + np.reshape(div, shape=(5, 1)) * dt
    dt_23 = np.sum(-dt_22 * div / sum_1, axis=0)
    dweights_3 = dt_22 / sum_1 + dt_23
    # grad of: weights = ops.exp(scores - ops.amax(scores))
    dt_24 = dweights_3 * weights
    dt_25 = np.sum(-dt_24, axis=0)
    cast_3 = np.asarray(scores == np.reshape(amax, shape=(1,)), dtype=np.float64)
    dscores_3 = dt_24 + np.reshape(dt_25, shape=(1,)) * (cast_3 / np.sum(cast_3, keepdims=True))
    # grad of: scores = k @ q[i] * 0.5
    dt_26 = dscores_3 * 0.5
    dt_27 = dt_26 @ k
    dk = np.reshape(dt_8, shape=(5, 1)) * getitem_3 + np.reshape(dt_14, shape=(5, 1)) * getitem_2 + np.reshape(dt_20, shape=(5, 1)) * getitem_1 + np.reshape(dt_26, shape=(5, 1)) * getitem
    dq = index_add_to(index_add_to(index_add_to(stack_1 + index_add(dt_9, index=np.s_[3], shape=(4, 3)), dt_15, index=np.s_[2]), dt_21, index=np.s_[1]), dt_27, index=np.s_[0])
    return (out, (dq, dk, dv))
