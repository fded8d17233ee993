"""Reductions over axes."""
import numpy as np

from .. import ops
from .core import MATRIX, axes_tuple, defprim, keepdims_shape, reduction

# ---------------------------------------------------------------- reductions
_REDUCE_SAMPLES = [((MATRIX,), {}), ((MATRIX,), {'axis': 1}), ((MATRIX,), {'axis': 0, 'keepdims': True}),
                   ((MATRIX,), {'axis': (0, 1)}), ((np.array(1.5),), {})]


def _sum_vjp(g, x, out, axis=None, keepdims=False):
    if not keepdims:
        g = ops.reshape(g, keepdims_shape(x.shape, axis))
    return (ops.broadcast_to(g, x.shape),)


def _mean_vjp(g, x, out, axis=None, keepdims=False):
    count = int(np.prod([x.shape[a] for a in axes_tuple(axis, len(x.shape))]))
    return _sum_vjp(g / count, x, out, axis, keepdims)


reduce_sum = defprim('sum', np.sum, reduction(np.sum), _sum_vjp, _REDUCE_SAMPLES)
reduce_mean = defprim('mean', np.mean, reduction(np.mean), _mean_vjp, _REDUCE_SAMPLES)
