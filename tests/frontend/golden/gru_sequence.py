import numpy as np
from runtime.kernels import concat, index_add_to, sigmoid, slice_axis


def gru_sequence_value_and_grad(xs, wz, wr, wh):
    # h = ops.zeros_like(xs[0])
    h = np.zeros((3,), dtype=np.float64)
    # for x in xs:
    candidate_saved = []
    z_saved = []
    h_saved = []
    sub_saved = []
    concat_saved = []
    r_saved = []
    xh_saved = []
    i_saved = []
    for i in range(5):
        h_saved.append(h)
        i_saved.append(i)
        x = xs[i]
        # xh = ops.concat((x, h))
        xh = concat(x, h)
        # z = ops.sigmoid(xh @ wz)
        z = sigmoid(xh @ wz)
        # r = ops.sigmoid(xh @ wr)
        r = sigmoid(xh @ wr)
        # candidate = ops.tanh(ops.concat((x, r * h)) @ wh)
        concat_1 = concat(x, r * h)
        candidate = np.tanh(concat_1 @ wh)
        # return (1 - z) * h + z * candidate
        sub = 1 - z
        h = sub * h + z * candidate
        candidate_saved.append(candidate)
        z_saved.append(z)
        sub_saved.append(sub)
        concat_saved.append(concat_1)
        r_saved.append(r)
        xh_saved.append(xh)
    # return ops.sum(h)
    out = np.sum(h)
    # grad of: return ops.sum(h)
    dh = np.ones((3,), dtype=np.float64)
    # grad of: for x in xs:
    dxs = np.zeros((5, 3), dtype=np.float64)
    dwz = np.zeros((6, 3), dtype=np.float64)
    dwr = np.zeros((6, 3), dtype=np.float64)
    dwh = np.zeros((6, 3), dtype=np.float64)
    for candidate_1, z_1, h_1, sub_1, concat_2, r_1, xh_1, i_1 in zip(reversed(candidate_saved), reversed(z_saved), reversed(h_saved), reversed(sub_saved), reversed(concat_saved), reversed(r_saved), reversed(xh_saved), reversed(i_saved)):
        # grad of: return (1 - z) * h + z * candidate
        dcandidate = dh * z_1
        dt = dh * h_1
        mul = dh * sub_1
        dz = dh * candidate_1 - dt
        # grad of: candidate = ops.tanh(ops.concat((x, r * h)) @ wh)
        dt_1 = dcandidate * (1 - candidate_1 * candidate_1)
        dt_2 = wh @ dt_1
        dwh = dwh + np.reshape(concat_2, shape=(6, 1)) * dt_1
        slice_axis_1 = slice_axis(dt_2, axis=0, start=0, stop=3)
        dt_3 = slice_axis(dt_2, axis=0, start=3, stop=6)
        dr = dt_3 * h_1
        add = mul + dt_3 * r_1
        # grad of: r = ops.sigmoid(xh @ wr)
        dt_4 = dr * r_1 * (1 - r_1)
        matmul = wr @ dt_4
        reshape = np.reshape(xh_1, shape=(6, 1))
        dwr = dwr + reshape * dt_4
        # grad of: z = ops.sigmoid(xh @ wz)
        dt_5 = dz * z_1 * (1 - z_1)
        dxh = matmul + wz @ dt_5
        dwz = dwz + reshape * dt_5
        # grad of: xh = ops.concat((x, h))
        dx = slice_axis_1 + slice_axis(dxh, axis=0, start=0, stop=3)
        dh = add + slice_axis(dxh, axis=0, start=3, stop=6)
        # grad of: for x in xs:
        dxs = index_add_to(dxs, dx, index=np.s_[i_1])
    return (out, (dxs, dwz, dwr, dwh))
