"""Activations that are not elementwise: softmax-like functions over an axis. (Elementwise
activations such as relu and sigmoid live in `elementwise`.)"""
from .. import kernels, ops
from .core import MATRIX, Aval, defprim, normalize_axis, result_dtype


def _log_softmax_rule(x, axis=-1):
    normalize_axis(axis, len(x.shape))
    return Aval(x.shape, result_dtype(kernels.log_softmax, [x], axis=axis))


def _log_softmax_vjp(g, x, out, axis=-1):
    return (g - ops.exp(out) * ops.sum(g, axis, keepdims=True),)


log_softmax = defprim('log_softmax', kernels.log_softmax, _log_softmax_rule, _log_softmax_vjp,
                      [((MATRIX,), {}), ((MATRIX,), {'axis': 0})])


