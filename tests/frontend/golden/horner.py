import numpy as np
from runtime.kernels import index_add_to


def horner_value_and_grad(coeffs, x):
    # y = ops.zeros_like(x)
    y = np.zeros((3,), dtype=np.float64)
    # for c in coeffs:
    y_saved = []
    i_saved = []
    for i in range(4):
        y_saved.append(y)
        i_saved.append(i)
        c = coeffs[i]
        # y = y * x + c
        y = y * x + c
    # return ops.sum(y)
    out = np.sum(y)
    # grad of: return ops.sum(y)
    dy = np.ones((3,), dtype=np.float64)
    # grad of: for c in coeffs:
    dcoeffs = np.zeros((4,), dtype=np.float64)
    dx = np.zeros((3,), dtype=np.float64)
    for y_1, i_1 in zip(reversed(y_saved), reversed(i_saved)):
        # grad of: y = y * x + c
        dc = np.sum(dy, axis=0)
        mul = dy * x
        dx = dx + dy * y_1
        # grad of: for c in coeffs:
        dcoeffs = index_add_to(dcoeffs, dc, index=np.s_[i_1])
        dy = mul
    return (out, (dcoeffs, dx))
