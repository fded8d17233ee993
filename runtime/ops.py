"""The functional API with MindSpore's names and argument conventions (`autograph.ops`).

Each function normalises its arguments (axis spellings, shapes, dtypes) and binds primitives, so it
runs eagerly on Tensors and, inside the compiler, builds IR. Composites such as
`binary_cross_entropy_with_logits` are ordinary Python over other ops: their gradient comes from
their parts, and the compiler inlines them.
"""
import builtins

import numpy as np

from . import dtypes
from . import primitives as P


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(int(n) for n in shape)


def _dtype(dtype, default=np.float32):
    return np.dtype(default) if dtype is None else dtypes.to_numpy(dtype)


def _aval_of(x):
    """(shape, numpy dtype) of a Tensor, an array, an IR value or a Python scalar."""
    if isinstance(x, (bool, int, float)):
        return (), np.asarray(x).dtype
    dtype = x.dtype
    return tuple(x.shape), dtype.np if isinstance(dtype, dtypes.DType) else np.dtype(dtype)


def _axis_alias(axis, dim):
    return dim if axis is None else axis


# ---------------------------------------------------------------- creation
def full(size, fill_value, dtype=None):
    return P.full.bind(shape=_shape(size), fill_value=fill_value, dtype=_dtype(dtype))


def ones(shape, dtype=None):
    return full(shape, 1, dtype)


def zeros(shape, dtype=None):
    return full(shape, 0, dtype)


def full_like(input, fill_value, dtype=None):
    shape, own = _aval_of(input)
    return full(shape, fill_value, own if dtype is None else dtype)


def ones_like(input, dtype=None):
    return full_like(input, 1, dtype)


def zeros_like(input, dtype=None):
    return full_like(input, 0, dtype)


# ---------------------------------------------------------------- elementwise
def add(input, other): return P.add.bind(input, other)
def sub(input, other): return P.sub.bind(input, other)
def mul(input, other): return P.mul.bind(input, other)
def div(input, other): return P.div.bind(input, other)
def pow(input, exponent): return P.pow.bind(input, exponent)
def maximum(input, other): return P.maximum.bind(input, other)
def minimum(input, other): return P.minimum.bind(input, other)
def neg(input): return P.neg.bind(input)
def exp(input): return P.exp.bind(input)
def log(input): return P.log.bind(input)
def log1p(input): return P.log1p.bind(input)
def sqrt(input): return P.sqrt.bind(input)
def abs(input): return P.abs.bind(input)
def sign(input): return P.sign.bind(input)
def tanh(input): return P.tanh.bind(input)
def sin(input): return P.sin.bind(input)
def cos(input): return P.cos.bind(input)
def sigmoid(input): return P.sigmoid.bind(input)
def softplus(input): return P.softplus.bind(input)
def relu(input): return P.relu.bind(input)


def log_softmax(logits, axis=-1):
    P.normalize_axis(axis, len(_aval_of(logits)[0]))
    return P.log_softmax.bind(logits, axis=axis)


def less(input, other): return P.less.bind(input, other)
def less_equal(input, other): return P.less_equal.bind(input, other)
def greater(input, other): return P.greater.bind(input, other)
def greater_equal(input, other): return P.greater_equal.bind(input, other)
def equal(input, other): return P.equal.bind(input, other)
def not_equal(input, other): return P.not_equal.bind(input, other)


def cast(input, dtype):
    return P.cast.bind(input, dtype=dtypes.to_numpy(dtype))


def stop_gradient(value):
    return P.stop_gradient.bind(value)


# ---------------------------------------------------------------- reductions
def sum(input, dim=None, keepdim=False, *, axis=None, keepdims=None, keep_dims=None):
    axis = P.normalize_axis(_axis_alias(axis, dim), len(_aval_of(input)[0]))
    keep = builtins.any(k for k in (keepdim, keepdims, keep_dims) if k is not None)
    return P.reduce_sum.bind(input, axis=axis, keepdims=keep)


def mean(input, axis=None, keep_dims=False, *, dim=None, keepdims=None, keepdim=None):
    axis = P.normalize_axis(_axis_alias(axis, dim), len(_aval_of(input)[0]))
    keep = builtins.any(k for k in (keep_dims, keepdims, keepdim) if k is not None)
    return P.reduce_mean.bind(input, axis=axis, keepdims=keep)


# ---------------------------------------------------------------- shapes
def reshape(input, shape):
    old, _ = _aval_of(input)
    shape = _shape(shape)
    if -1 in shape:
        known = int(np.prod([n for n in shape if n != -1]))
        shape = tuple(int(np.prod(old)) // builtins.max(known, 1) if n == -1 else n for n in shape)
    return P.reshape.bind(input, shape=shape)


def transpose(input, input_perm=None):
    ndim = len(_aval_of(input)[0])
    axes = None if input_perm is None else tuple(a % builtins.max(ndim, 1) for a in input_perm)
    if axes == tuple(reversed(range(ndim))):
        axes = None
    return P.transpose.bind(input, axes=axes)


def swapaxes(input, axis0, axis1):
    ndim = len(_aval_of(input)[0])
    perm = list(range(ndim))
    perm[axis0], perm[axis1] = perm[axis1], perm[axis0]
    return transpose(input, tuple(perm))


def expand_dims(input, axis):
    shape, _ = _aval_of(input)
    axis = axis % (len(shape) + 1)
    return reshape(input, shape[:axis] + (1,) + shape[axis:])


def broadcast_to(input, shape):
    return P.broadcast_to.bind(input, shape=_shape(shape))


# ---------------------------------------------------------------- linear algebra
def matmul(input, other):
    return P.matmul.bind(input, other)


# ---------------------------------------------------------------- losses
def _reduce(loss, reduction):
    if reduction == 'mean':
        return mean(loss)
    if reduction == 'sum':
        return sum(loss)
    if reduction == 'none':
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction='mean'):
    """-w [p y log(sigmoid(x)) + (1 - y) log(1 - sigmoid(x))], computed without overflow as
    w [(1 - y) x + (1 + (p - 1) y) softplus(-x)]."""
    log_term = softplus(-input)
    if pos_weight is not None:
        log_term = (1 + (pos_weight - 1) * target) * log_term
    loss = (1 - target) * input + log_term
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)
