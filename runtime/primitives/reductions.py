"""Reductions over axes (sum, mean, prod, amax/amin, argmax/argmin, vector norms) and scans
(cumsum, cumprod).

Params are canonical (the ops normalise them): `axis` is None, a non-negative int or a sorted
tuple (`()` reduces nothing), `keepdims` a bool. No adjoint here divides by the input, so
gradients stay right where inputs are zero."""
import numpy as np

from .. import kernels, ops
from ..kernels import array_api as standard
from .batching import axis_batch, reduction_batch, to_front
from .core import MATRIX, Aval, axes_tuple, defprim, keepdims_shape, reduction, result_dtype
from .shapes import CUBE as _CUBE, torch_padding

# Samples avoid ties and zeros so that max, min and norms are differentiable there.
_REDUCE_SAMPLES = [((MATRIX,), {}), ((MATRIX,), {'axis': 1}), ((MATRIX,), {'axis': 0, 'keepdims': True}),
                   ((MATRIX,), {'axis': (0, 1)}), ((np.array(1.5),), {})]
_AXES_SAMPLES = _REDUCE_SAMPLES + [((_CUBE,), {'axis': (0, 2)}), ((_CUBE,), {'axis': (0, 2), 'keepdims': True}),
                                   ((_CUBE,), {'axis': ()}), ((_CUBE,), {'axis': 2})]


def _count(shape, axis):
    return int(np.prod([shape[a] for a in axes_tuple(axis, len(shape))]))


def _keep(v, shape, axis, keepdims):
    """A reduction's result or cotangent reshaped so that it broadcasts against the input."""
    return v if keepdims else ops.reshape(v, keepdims_shape(shape, axis))


def _sum_vjp(g, x, out, axis=None, keepdims=False):
    return (ops.broadcast_to(_keep(g, x.shape, axis, keepdims), x.shape),)


def _mean_vjp(g, x, out, axis=None, keepdims=False):
    return _sum_vjp(g / _count(x.shape, axis), x, out, axis, keepdims)


reduce_sum = defprim('sum', np.sum, reduction(np.sum), vjp=_sum_vjp, jvp='linear', batch=reduction_batch,
                     samples=_AXES_SAMPLES, rewrites=('sum_of_fill', 'constant_factors'), method='sum')
reduce_mean = defprim('mean', np.mean, reduction(np.mean), vjp=_mean_vjp, jvp='linear', batch=reduction_batch,
                      samples=_AXES_SAMPLES, keeps_fill=True, method='mean',
                      rewrites=('constant_factors',))


# ---------------------------------------------------------------- prod
def _shift(x, axis, offset, fill=0.0):
    """x moved by `offset` places along `axis` (towards the end for positive offsets), with
    `fill` in the places it leaves."""
    widths = [(0, 0)] * len(x.shape)
    widths[axis] = (offset, -offset)
    return ops.pad(x, torch_padding(widths), value=fill)


def _exclusive_cumprod(x, axis):
    """out[k] = prod(x[:k]) along `axis`: cumprod of x shifted by one, with a leading 1."""
    return ops.cumprod(_shift(x, axis, 1, 1.0), axis)


def _prod_vjp(g, x, out, axis=None, keepdims=False):
    """d prod / dx_k is the product of all other elements: the exclusive cumulative products from
    both ends multiplied, with no division (right for zeros in x)."""
    ndim = len(x.shape)
    axes = axes_tuple(axis, ndim)
    if not axes:
        return (g,)
    rest = tuple(i for i in range(ndim) if i not in axes)
    perm = rest + tuple(axes)
    moved = x if perm == tuple(range(ndim)) else ops.transpose(x, perm)
    lines = ops.reshape(moved, tuple(x.shape[i] for i in rest) + (_count(x.shape, axis),))
    last = len(lines.shape) - 1
    others = _exclusive_cumprod(lines, last) * ops.flip(_exclusive_cumprod(ops.flip(lines, last), last), last)
    others = ops.reshape(others, moved.shape)
    if perm != tuple(range(ndim)):
        others = ops.transpose(others, tuple(np.argsort(perm).tolist()))
    return (_keep(g, x.shape, axis, keepdims) * others,)


_ZEROS = np.array([[0.7, 0.0, 2.1], [-0.2, 3.0, -1.1]])
# The forward rules of prod, amax, amin and vector_norm ('reduction'): the sum over the reduced
# axes of the adjoint's partials times the tangent.
reduce_prod = defprim('prod', np.prod, reduction(np.prod), vjp=_prod_vjp, jvp='reduction', batch=reduction_batch,
                      samples=_AXES_SAMPLES + [((_ZEROS,), {}), ((_ZEROS,), {'axis': 1}),
                                               ((np.array([[0.0, 1.5, 0.0], [2.0, -1.0, 0.5]]),), {'axis': 1})],
                      method='prod')


# ---------------------------------------------------------------- amax, amin, argmax, argmin
def _extreme_vjp(g, x, out, axis=None, keepdims=False):
    """The gradient goes to the elements equal to the extreme, split evenly among ties."""
    hit = ops.cast(ops.equal(x, _keep(out, x.shape, axis, keepdims)), x.dtype)
    share = hit / ops.sum(hit, axis, keepdims=True)
    return (_keep(g, x.shape, axis, keepdims) * share,)


reduce_amax = defprim('amax', np.max, reduction(np.max), vjp=_extreme_vjp, jvp='reduction',
                      batch=reduction_batch, samples=_AXES_SAMPLES, method='max')
reduce_amin = defprim('amin', np.min, reduction(np.min), vjp=_extreme_vjp, jvp='reduction',
                      batch=reduction_batch, samples=_AXES_SAMPLES, method='min')


def _arg_rule(x, axis=None, keepdims=False):
    ndim = len(x.shape)
    if axis is not None and not 0 <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for an array of shape {x.shape}")
    if axis is None:
        shape = (1,) * ndim if keepdims else ()
    else:
        shape = keepdims_shape(x.shape, axis) if keepdims else x.shape[:axis] + x.shape[axis + 1:]
    return Aval(shape, np.dtype(np.intp))


_ARG_SAMPLES = [((MATRIX,), {}), ((MATRIX,), {'axis': 1}), ((MATRIX,), {'axis': 0, 'keepdims': True}),
                ((_CUBE,), {'axis': 2}), ((MATRIX,), {'keepdims': True})]
def _arg_batch(prim, args, dims, axis=None, keepdims=False):
    """With no axis, the index into each example flattened: the examples become rows."""
    x = to_front(args[0], dims[0])
    if axis is not None:
        return prim.bind(x, axis=axis + 1, keepdims=keepdims), 0
    out = prim.bind(ops.reshape(x, (x.shape[0], -1)), axis=1)
    return (ops.reshape(out, (x.shape[0],) + (1,) * (len(x.shape) - 1)) if keepdims else out), 0


argmax = defprim('argmax', np.argmax, _arg_rule, vjp=None, jvp=None, batch=_arg_batch, samples=_ARG_SAMPLES)
argmin = defprim('argmin', np.argmin, _arg_rule, vjp=None, jvp=None, batch=_arg_batch, samples=_ARG_SAMPLES)


# ---------------------------------------------------------------- vector norms
def _norm_rule(x, ord=2.0, axis=None, keepdims=False):
    shape = reduction(kernels.vector_norm)(x, axis, keepdims).shape
    return Aval(shape, result_dtype(kernels.vector_norm, [x], ord=ord))


def _safe(v):
    """v with its zeros replaced by ones: a divisor that gives a zero gradient where v is 0."""
    return v + ops.cast(ops.equal(v, 0), v.dtype)


def _norm_vjp(g, x, out, ord=2.0, axis=None, keepdims=False):
    """At a zero norm the gradient is 0 (a subgradient) for every ord."""
    if ord == 0:
        return (None,)
    g = _keep(g, x.shape, axis, keepdims)
    if ord == 1:
        return (g * ops.sign(x),)
    out = _keep(out, x.shape, axis, keepdims)
    if ord == 2:
        return (g * x / _safe(out),)
    if ord in (np.inf, -np.inf):
        hit = ops.cast(ops.equal(ops.abs(x), out), x.dtype)
        return (g * ops.sign(x) * hit / ops.sum(hit, axis, keepdims=True),)
    return (g * ops.sign(x) * ops.abs(x) ** (ord - 1) / _safe(out) ** (ord - 1),)


vector_norm = defprim('vector_norm', kernels.vector_norm, _norm_rule, vjp=_norm_vjp, jvp='reduction',
                      batch=reduction_batch,
                      samples=_AXES_SAMPLES + [((MATRIX,), {'ord': 1.0}), ((_CUBE,), {'ord': 1.0, 'axis': (0, 2)}),
                                       ((MATRIX,), {'ord': np.inf, 'axis': 1}), ((MATRIX,), {'ord': -np.inf}),
                                       ((_CUBE,), {'ord': 3.0, 'axis': 1, 'keepdims': True}),
                                       ((MATRIX,), {'ord': 0.0, 'axis': 0})], array_api=standard.vector_norm)


# ---------------------------------------------------------------- scans
def _scan_rule(kernel):
    def rule(x, axis):
        if not 0 <= axis < len(x.shape):
            raise ValueError(f"axis {axis} is out of bounds for an array of shape {x.shape}")
        return Aval(x.shape, result_dtype(kernel, [x], axis=axis))
    return rule


def _cumsum_vjp(g, x, out, axis):
    return (ops.flip(ops.cumsum(ops.flip(g, axis), axis), axis),)


def _cumprod_vjp(g, x, out, axis):
    """dx_k = prod(x[:k]) * s_k with s_k = sum_{i>=k} g_i prod(x[k+1:i+1]). s solves the
    recurrence s_k = g_k + x_{k+1} s_{k+1}, found without division by a doubling scan: after the
    step of width d, s_k sums the terms i < k + 2d and a_k = prod(x[k+1:k+2d+1])."""
    n = x.shape[axis]
    a, s, width = _shift(x, axis, -1), g, 1
    while width < n:
        s = s + a * _shift(s, axis, -width)
        if 2 * width < n:
            a = a * _shift(a, axis, -width)
        width *= 2
    return (_exclusive_cumprod(x, axis) * s,)


def _cumprod_jvp(primals, tangents, out, axis):
    """u_k = d out_k solves u_k = x_k u_{k-1} + t_k prod(x[:k]); the same doubling scan as the
    adjoint's, forwards: after the step of width d, u_k sums the terms i > k - 2d and
    a_k = prod(x[k-2d+1:k+1]). No division, so right for zeros in x."""
    x = primals[0]
    n = x.shape[axis]
    a, u, width = x, tangents[0] * _exclusive_cumprod(x, axis), 1
    while width < n:
        u = u + a * _shift(u, axis, width)
        if 2 * width < n:
            a = a * _shift(a, axis, width)
        width *= 2
    return u


_SCAN_SAMPLES = [((MATRIX,), {'axis': 1}), ((MATRIX,), {'axis': 0}), ((_CUBE,), {'axis': 2}),
                 ((np.array([0.3, -1.2, 0.8, 1.7, -0.6, 2.2, 0.9]),), {'axis': 0})]
cumsum = defprim('cumsum', np.cumsum, _scan_rule(np.cumsum), vjp=_cumsum_vjp, jvp='linear',
                 batch=axis_batch('axis'), samples=_SCAN_SAMPLES, array_api='cumulative_sum')
cumprod = defprim('cumprod', np.cumprod, _scan_rule(np.cumprod), vjp=_cumprod_vjp, jvp=_cumprod_jvp,
                  batch=axis_batch('axis'),
                  samples=_SCAN_SAMPLES + [((np.array([[0.7, 0.0, 2.1, -0.4, 0.0], [0.0, 3.0, -1.1, 0.5, 1.2]]),), {'axis': 1}),
                                           ((np.array([[0.0, 1.3], [2.0, -0.5], [0.0, 0.0]]),), {'axis': 0})],
                                           array_api='cumulative_prod')
