import numpy as np
from runtime.kernels import masked_fill, softmax


def masked_softmax_value_and_grad(scores, mask, values):
    # scores = ops.masked_fill(scores, mask, -1e9)
    scores_1 = masked_fill(scores, mask, -1000000000.0)
    # return ops.sum(ops.softmax(scores, axis=-1) @ values)
    softmax_1 = softmax(scores_1)
    out = np.sum(softmax_1 @ values)
    # grad of: return ops.sum(ops.softmax(scores, axis=-1) @ values)
    dt = np.ones((4, 4), dtype=np.float64)
    dt_1 = dt @ np.transpose(values)
    dvalues = np.transpose(softmax_1) @ dt
    dscores = softmax_1 * (dt_1 - np.sum(dt_1 * softmax_1, axis=1, keepdims=True))
    # grad of: scores = ops.masked_fill(scores, mask, -1e9)
    dscores_1 = masked_fill(dscores, mask, 0.0)
    return (out, (dscores_1, dvalues))
