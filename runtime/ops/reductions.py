"""Reductions and scans. Every reduction takes `axis` or `dim` (None: all axes; an int or a tuple,
negative counted from the end; `()` reduces nothing, as in NumPy) and `keepdims`, `keepdim` or
`keep_dims`. The NumPy functions (`np.sum`, `np.max`, `np.var`, `np.linalg.norm`, ...) keep
NumPy's signatures and results."""
import builtins     # this module defines all() and any(), as MindSpore's ops do

import numpy as np

from ..primitives import reductions as P
from ..primitives.core import axes_tuple, normalize_axis
from .shapes import reshape
from .common import aval_of, keep_arg, ndim_of, numpy_function, pick, symbolic, tensor_method
from .creation import full
from .indexing import masked_fill
from .masks import Selection
from . import elementwise as _elementwise
from .elementwise import cast, equal, maximum, minimum, sqrt


def _axis(input, axis, dim=None):
    axis = pick('axis', axis, dim)
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    if axis is not None and not builtins.all(isinstance(a, (int, np.integer)) for a in items):
        what = "a Tensor, whose value is known only when the code runs" if builtins.any(map(symbolic, items)) \
            else repr(axis)
        raise TypeError(f"axis must be an int or a tuple of ints known when compiling, not {what}")
    return normalize_axis(axis, ndim_of(input))


def _typed(input, dtype):
    return input if dtype is None else cast(input, dtype)


def _numpy_only(name, out=None, where=None):
    if out is not None:
        raise TypeError(f"np.{name}(out=...) is not supported in compiled code; use the result")
    if where is not None and where is not True:
        raise TypeError(f"np.{name}(where=...) is not supported in compiled code")


# ---------------------------------------------------------------- sum, mean, prod
@tensor_method()
def sum(input, dim=None, keepdim=None, *, axis=None, keepdims=None, keep_dims=None, dtype=None):
    if isinstance(input, Selection):     # x[mask] in compiled code: sum(where(mask, x, 0))
        return input.reduce('sum', pick('axis', axis, dim), keep_arg(keepdim, keepdims, keep_dims), dtype)
    input = _typed(input, dtype)
    axis = _axis(input, axis, dim)
    return P.reduce_sum.bind(input, axis=axis, keepdims=keep_arg(keepdim, keepdims, keep_dims))


@tensor_method()
def mean(input, axis=None, keep_dims=None, *, dim=None, keepdims=None, keepdim=None, dtype=None):
    if isinstance(input, Selection):     # x[mask] in compiled code: its sum over its count
        return input.reduce('mean', pick('axis', axis, dim), keep_arg(keep_dims, keepdims, keepdim), dtype)
    input = _typed(input, dtype)
    axis = _axis(input, axis, dim)
    return P.reduce_mean.bind(input, axis=axis, keepdims=keep_arg(keep_dims, keepdims, keepdim))


@tensor_method()
def prod(input, axis=None, keep_dims=None, dtype=None, *, dim=None, keepdims=None, keepdim=None):
    """Product over axes; its gradient is right where elements are zero (no division)."""
    input = _typed(input, dtype)
    axis = _axis(input, axis, dim)
    return P.reduce_prod.bind(input, axis=axis, keepdims=keep_arg(keep_dims, keepdims, keepdim))


@numpy_function(np.sum)
def _numpy_sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _numpy_only('sum', out, where)
    total = sum(a, axis=axis, keepdims=keepdims, dtype=dtype)
    return total if initial is None else total + initial


@numpy_function(np.mean)
def _numpy_mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    _numpy_only('mean', out, where)
    return mean(a, axis=axis, keepdims=keepdims, dtype=dtype)


@numpy_function(np.prod)
def _numpy_prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    _numpy_only('prod', out, where)
    product = prod(a, axis=axis, keepdims=keepdims, dtype=dtype)
    return product if initial is None else product * initial


# ---------------------------------------------------------------- amax, amin, max, min
def _extreme(prim, combine, input, axis, keepdims, initial, where):
    """amax/amin with NumPy's `initial` (a bound on the result) and `where` (elements left out)."""
    if where is not None and where is not True:
        if initial is None:
            raise ValueError("a reduction with `where` needs `initial`")
        input = masked_fill(input, equal(where, False), initial)
    result = prim.bind(input, axis=axis, keepdims=keepdims)
    return result if initial is None else combine(result, initial)


@tensor_method()
def amax(input, axis=None, keepdims=None, *, initial=None, where=None, dim=None, keepdim=None):
    """Maximum over axes. The gradient is shared evenly among elements that tie for the maximum."""
    return _extreme(P.reduce_amax, maximum, input, _axis(input, axis, dim), keep_arg(keepdims, keepdim),
                    initial, where)


@tensor_method()
def amin(input, axis=None, keepdims=None, *, initial=None, where=None, dim=None, keepdim=None):
    """Minimum over axes. The gradient is shared evenly among elements that tie for the minimum."""
    return _extreme(P.reduce_amin, minimum, input, _axis(input, axis, dim), keep_arg(keepdims, keepdim),
                    initial, where)


def _with_index(value_op, index_op, input, axis, dim, keepdims, keepdim, initial, where):
    axis = pick('axis', axis, dim)
    if axis is None:
        # MindSpore: without an axis the other arguments are ignored and the index is always 0.
        return value_op(input), full((), 0, np.int64)
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an int for a (values, indices) reduction, got {axis!r}")
    keepdims = keep_arg(keepdims, keepdim)
    values = value_op(input, axis, keepdims, initial=initial, where=where)
    return values, index_op(input, axis, keepdims)


def max(input, axis=None, keepdims=None, *, initial=None, where=None, dim=None, keepdim=None):
    """MindSpore's `ops.max`: a tuple `(values, indices)`. With an int axis, the maxima along it and
    their first positions; without one (MindSpore 2.x), the maximum of all elements and the index
    0. For the maximum alone use `amax` (or Tensor.max)."""
    return _with_index(amax, argmax, input, axis, dim, keepdims, keepdim, initial, where)


def min(input, axis=None, keepdims=None, *, initial=None, where=None, dim=None, keepdim=None):
    """MindSpore's `ops.min`: a tuple `(values, indices)`, as `max` is."""
    return _with_index(amin, argmin, input, axis, dim, keepdims, keepdim, initial, where)


@tensor_method('max')
def _tensor_max(input, axis=None, keepdims=False, *, initial=None, where=True, return_indices=False):
    """Tensor.max: the maximum alone (as amax), or `(values, indices)` with return_indices=True."""
    if return_indices:
        return max(input, axis, keepdims, initial=initial, where=where)
    return amax(input, axis, keepdims, initial=initial, where=where)


@tensor_method('min')
def _tensor_min(input, axis=None, keepdims=False, *, initial=None, where=True, return_indices=False):
    if return_indices:
        return min(input, axis, keepdims, initial=initial, where=where)
    return amin(input, axis, keepdims, initial=initial, where=where)


@numpy_function(np.max, np.amax)
def _numpy_max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _numpy_only('max', out)
    return amax(a, axis, keepdims, initial=initial, where=where)


@numpy_function(np.min, np.amin)
def _numpy_min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    _numpy_only('min', out)
    return amin(a, axis, keepdims, initial=initial, where=where)


# ---------------------------------------------------------------- argmax, argmin
def _arg(prim, input, axis, keepdims):
    if axis is not None and not isinstance(axis, (int, np.integer)):
        raise TypeError(f"argmax/argmin take one axis (an int) or None, got {axis!r}")
    return prim.bind(input, axis=normalize_axis(axis, ndim_of(input)), keepdims=keepdims)


@tensor_method()
def argmax(input, dim=None, keepdim=None, *, axis=None, keepdims=None):
    """Index (int64) of the first maximum along an axis, or in the flattened input for None.
    Not differentiable."""
    return _arg(P.argmax, input, pick('axis', axis, dim), keep_arg(keepdim, keepdims))


@tensor_method()
def argmin(input, axis=None, keepdims=None, *, dim=None, keepdim=None):
    """Index (int64) of the first minimum; see argmax."""
    return _arg(P.argmin, input, pick('axis', axis, dim), keep_arg(keepdims, keepdim))


@numpy_function(np.argmax)
def _numpy_argmax(a, axis=None, out=None, *, keepdims=False):
    _numpy_only('argmax', out)
    return argmax(a, axis, keepdims)


@numpy_function(np.argmin)
def _numpy_argmin(a, axis=None, out=None, *, keepdims=False):
    _numpy_only('argmin', out)
    return argmin(a, axis, keepdims)


# ---------------------------------------------------------------- var, std
def _ddof(ddof, correction):
    value = pick('ddof', ddof, correction)
    return 0 if value is None else int(value)   # True/False mean 1/0, as MindSpore has it


@tensor_method()
def var(input, axis=None, ddof=None, keepdims=None, *, dim=None, keepdim=None, correction=None):
    """Variance: sum((x - mean)**2) / (N - ddof) over the axes (`correction` is an alias of
    ddof; True/False mean 1/0). Written over mean and sum, whose gradients give its own."""
    axis = _axis(input, axis, dim)
    keepdims = keep_arg(keepdims, keepdim)
    shape, _ = aval_of(input)
    count = int(np.prod([shape[a] for a in axes_tuple(axis, len(shape))]))
    centered = input - mean(input, axis, keep_dims=True)
    return sum(centered * centered, axis, keepdims) / (count - _ddof(ddof, correction))


@tensor_method()
def std(input, axis=None, ddof=None, keepdims=None, *, dim=None, keepdim=None, correction=None):
    """Standard deviation: sqrt(var). Its gradient is infinite where the variance is 0."""
    return sqrt(var(input, axis, ddof, keepdims, dim=dim, keepdim=keepdim, correction=correction))


def var_mean(input, axis=None, ddof=None, keepdims=None, *, dim=None, keepdim=None, correction=None):
    """(var, mean), as MindSpore orders them."""
    keep = keep_arg(keepdims, keepdim)
    return (var(input, axis, ddof, keep, dim=dim, correction=correction),
            mean(input, pick('axis', axis, dim), keep))


def std_mean(input, axis=None, ddof=None, keepdims=None, *, dim=None, keepdim=None, correction=None):
    """(std, mean), as MindSpore orders them."""
    keep = keep_arg(keepdims, keepdim)
    return (std(input, axis, ddof, keep, dim=dim, correction=correction),
            mean(input, pick('axis', axis, dim), keep))


@numpy_function(np.var)
def _numpy_var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
               correction=None):
    _numpy_only('var', out, where)
    return var(_typed(a, dtype), axis, None if correction is not None else ddof, keepdims, correction=correction)


@numpy_function(np.std)
def _numpy_std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None,
               correction=None):
    _numpy_only('std', out, where)
    return std(_typed(a, dtype), axis, None if correction is not None else ddof, keepdims, correction=correction)


# ---------------------------------------------------------------- norm
def _vector_norm(x, ord, axis, keepdims):
    if isinstance(ord, str):
        raise ValueError(f"norm: ord {ord!r} is a matrix norm; a vector norm takes a number")
    return P.vector_norm.bind(x, ord=2.0 if ord is None else float(ord), axis=axis, keepdims=keepdims)


def _matrix_norm(x, ord, axes, keepdims):
    """'fro' (and None), or the induced 1 / inf norms (largest absolute column / row sum; -1 and
    -inf the smallest)."""
    if ord in (None, 'fro'):
        return _vector_norm(x, 2, axes, keepdims)
    if ord not in (1, -1, np.inf, -np.inf):
        raise ValueError(f"norm: the matrix norm ord={ord!r} (2, -2 and 'nuc' need singular values) "
                         "is not supported")
    rows, cols = axes if abs(ord) == 1 else axes[::-1]     # sum over `rows`, then extreme over `cols`
    sums = sum(_elementwise.abs(x), rows, keepdim=True)
    extreme = amax(sums, cols, keepdims=True) if ord > 0 else amin(sums, cols, keepdims=True)
    if keepdims:
        return extreme
    shape = aval_of(x)[0]
    return reshape(extreme, tuple(n for i, n in enumerate(shape) if i not in axes))


@tensor_method()
def norm(A, ord=None, dim=None, keepdim=None, *, dtype=None, axis=None, keepdims=None):
    """MindSpore's `ops.norm`. dim=None: the 2-norm of all elements if ord is None, else A must be
    1-D (vector norm) or 2-D (matrix norm). An int dim: vector norms (2, 1, inf, -inf, 0, any p).
    A pair of dims: matrix norms 'fro' (None), 1, -1, inf, -inf; 2, -2 and 'nuc' are not
    supported. With ord None a tuple of any length gives the 2-norm over those axes. The gradient
    at a zero norm is 0 (a subgradient)."""
    A = _typed(A, dtype)
    keepdim = keep_arg(keepdim, keepdims)
    dim = pick('dim', dim, axis)
    ndim = ndim_of(A)
    if dim is None:
        if ord is None:
            return _vector_norm(A, 2, None, keepdim)
        if ndim not in (1, 2):
            raise ValueError(f"norm: with ord={ord!r} and no dim, A must be 1-D or 2-D, got {ndim}-D")
        dim = tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    axes = tuple(normalize_axis(d, ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise ValueError(f"norm: dim {dim} names an axis twice")
    if len(axes) == 1:
        return _vector_norm(A, ord, axes[0], keepdim)
    if ord is None:
        return _vector_norm(A, 2, normalize_axis(axes, ndim), keepdim)
    if len(axes) != 2:
        raise ValueError(f"norm: a matrix norm takes 2 dims, got {dim}")
    return _matrix_norm(A, ord, axes, keepdim)


@numpy_function(np.linalg.norm)
def _numpy_norm(x, ord=None, axis=None, keepdims=False):
    return norm(x, ord, axis, keepdims)


# ---------------------------------------------------------------- cumsum, cumprod
def _scan(prim, input, axis, dtype):
    input = _typed(input, dtype)
    shape, _ = aval_of(input)
    if axis is None or not shape:       # NumPy: over the flattened input
        input, axis = reshape(input, (int(np.prod(shape)),)), 0
    return prim.bind(input, axis=normalize_axis(axis, len(aval_of(input)[0])))


@tensor_method()
def cumsum(x, axis=None, dtype=None, *, dim=None, input=None):
    """Cumulative sum along an axis (the flattened input for None)."""
    return _scan(P.cumsum, pick('input', x, input), pick('axis', axis, dim), dtype)


@tensor_method()
def cumprod(input, dim=None, dtype=None, *, axis=None):
    """Cumulative product along an axis; its gradient needs no division, so it is right where
    elements are zero."""
    return _scan(P.cumprod, input, pick('dim', dim, axis), dtype)


@numpy_function(np.cumsum)
def _numpy_cumsum(a, axis=None, dtype=None, out=None):
    _numpy_only('cumsum', out)
    return cumsum(a, axis, dtype)


@numpy_function(np.cumprod)
def _numpy_cumprod(a, axis=None, dtype=None, out=None):
    _numpy_only('cumprod', out)
    return cumprod(a, axis, dtype)


@tensor_method()
def all(input, axis=None, keep_dims=False, *, dim=None, keepdim=None, keepdims=None):
    """Whether every element (over `axis`) is nonzero; a bool Tensor. No gradient."""
    return P.reduce_amin.bind(_elementwise.not_equal(input, 0), axis=_axis(input, axis, dim),
                              keepdims=keep_arg(keep_dims or None, keepdim, keepdims))


@tensor_method()
def any(input, axis=None, keep_dims=False, *, dim=None, keepdim=None, keepdims=None):
    """Whether some element (over `axis`) is nonzero; a bool Tensor. No gradient."""
    return P.reduce_amax.bind(_elementwise.not_equal(input, 0), axis=_axis(input, axis, dim),
                              keepdims=keep_arg(keep_dims or None, keepdim, keepdims))


@numpy_function(np.all)
def _numpy_all(a, axis=None, out=None, keepdims=False, *, where=None):
    _numpy_only('all', out, where)
    return all(a, axis, keepdims)


@numpy_function(np.any)
def _numpy_any(a, axis=None, out=None, keepdims=False, *, where=None):
    _numpy_only('any', out, where)
    return any(a, axis, keepdims)
