"""Reductions over axes. Every reduction takes axis or dim, and keepdims, keepdim or keep_dims."""
from ..primitives import reductions as P
from ..primitives.core import normalize_axis
from .common import keep_arg, ndim_of, pick, tensor_method


@tensor_method()
def sum(input, dim=None, keepdim=None, *, axis=None, keepdims=None, keep_dims=None):
    axis = normalize_axis(pick('axis', axis, dim), ndim_of(input))
    return P.reduce_sum.bind(input, axis=axis, keepdims=keep_arg(keepdim, keepdims, keep_dims))


@tensor_method()
def mean(input, axis=None, keep_dims=None, *, dim=None, keepdims=None, keepdim=None):
    axis = normalize_axis(pick('axis', axis, dim), ndim_of(input))
    return P.reduce_mean.bind(input, axis=axis, keepdims=keep_arg(keep_dims, keepdims, keepdim))
