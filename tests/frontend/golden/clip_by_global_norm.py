import numpy as np
from runtime.kernels import index_add_to


def clip_by_global_norm_value_and_grad(g1, g2):
    # norm = ops.sqrt(ops.sum(g1 * g1) + ops.sum(g2 * g2))
    norm = np.sqrt(np.sum(g1 * g1) + np.sum(g2 * g2))
    # if norm > max_norm:
    greater = norm > 1.0
    if greater:
        # g1 = g1 * (max_norm / norm)
        div = 1.0 / norm
        g1_1 = g1 * div
        # g2 = g2 * (max_norm / norm)
        g2_1 = g2 * div
        div_1 = div
        div_2 = div
    else:
        g1_1 = g1
        g2_1 = g2
        div_1 = None
        div_2 = None
    # return ops.sum(g1 * ops.sin(g2[0])) + ops.sum(g2 @ g1)
    getitem = g2_1[0]
    sin = np.sin(getitem)
    out = np.sum(g1_1 * sin) + np.sum(g2_1 @ g1_1)
    # grad of: return ops.sum(g1 * ops.sin(g2[0])) + ops.sum(g2 @ g1)
    dt = np.ones((3,), dtype=np.float64)
    dg1 = dt @ g2_1 + sin
    dt_1 = g1_1 * np.cos(getitem)
    dg2 = index_add_to(np.ones((3, 1), dtype=np.float64) * g1_1, dt_1, index=np.s_[0])
    # grad of: if norm > max_norm:
    if greater:
        # grad of: g2 = g2 * (max_norm / norm)
        dg2_1 = dg2 * div_1
        dt_2 = np.sum(dg2 * g2, axis=(0, 1))
        div_3 = -dt_2 * div_1 / norm
        # grad of: g1 = g1 * (max_norm / norm)
        dg1_1 = dg1 * div_2
        dt_3 = np.sum(dg1 * g1, axis=0)
        dnorm = div_3 + -dt_3 * div_2 / norm
    else:
        # grad of: if norm > max_norm:
        dnorm = np.zeros((), dtype=np.float64)
        dg1_1 = dg1
        dg2_1 = dg2
    # grad of: norm = ops.sqrt(ops.sum(g1 * g1) + ops.sum(g2 * g2))
    dt_4 = dnorm / (2 * norm)
    mul = dt_4 * g2
    dg2_2 = dg2_1 + mul + mul
    mul_1 = dt_4 * g1
    dg1_2 = dg1_1 + mul_1 + mul_1
    return (out, (dg1_2, dg2_2))
