"""What every primitive family builds on: `defprim`, shape/dtype rule factories, axis
normalisation and `unbroadcast`. (The batching rules families share are in `batching`.)

A primitive is declared once, in its family's module, by one call:

    exp = defprim('exp', np.exp, pointwise(np.exp), vjp=lambda g, x, out: (g * out,),
                  jvp='diagonal', batch=elementwise_batch, samples=ANY, elementwise=True)

- `kernel(*arrays, **params)`: NumPy; generated code calls it (or writes its operator).
- `abstract(*operands, **params) -> Aval`: the shape/dtype rule, run at compile time. Operands are
  `Aval`s for arrays and plain Python numbers for weakly typed scalars. Raise ValueError with a
  plain message for bad shapes or axes: the compiler adds the user's file and line.
- `vjp(g, *inputs, out, **params) -> tuple`: the adjoint, one cotangent per input (None: zero),
  written with `runtime.ops` and operators so it builds IR while the compiler differentiates. A
  cotangent may come back in the output's broadcast shape; the differentiator sums it back.
- `jvp`: a structural kind ('diagonal', 'linear', 'bilinear', 'reduction') or a rule
  `jvp(primals, tangents, out, **params)`; None, with vjp None, for what has no derivative.
- `batch(prim, args, dims, **params) -> (out, out_dim)`: the batching rule, most often one of
  `batching`'s shared rules; a string says why there is none.
- `samples`: [(inputs, params), ...] with float64 arrays (integer arrays for index operands): the
  registry-wide tests check every adjoint, tangent and batching rule on them, and every forward
  result eagerly and compiled.
- traits and algebraic facts (`elementwise`, `effect`, `identity`, `rewrites`, ...): see
  `runtime.primitive.Primitive`.

Families wrap `defprim` where all their members share rules (`elementwise.unary` states
'diagonal' and the broadcasting batch rule once for all of them).
"""
import numpy as np

from .. import ops
from ..primitive import Aval, Primitive, register


def defprim(name, kernel, abstract, **rules_and_traits):
    return register(Primitive(name, kernel, abstract, **rules_and_traits))


# ---------------------------------------------------------------- shape and dtype rules
def shape_of(operand):
    return operand.shape if isinstance(operand, Aval) else ()


def _dummy(operand):
    """A one-element stand-in with the operand's dtype (Python scalars stay weakly typed)."""
    if isinstance(operand, Aval):
        return np.ones((1,) * len(operand.shape), operand.dtype)
    return operand


def result_dtype(kernel, operands, **params):
    """The dtype `kernel` gives for `operands` (Avals, and Python numbers for weakly typed
    scalars), found by running it on one-element stand-ins. Shape rules ask this for every op
    the compiler builds, so the answer is remembered; see `_dtype_key` for what it depends on."""
    try:
        key = _dtype_key(kernel, operands, params)
    except TypeError:       # an unhashable param (an index array, say): run it every time
        return _run_for_dtype(kernel, operands, params)
    dtype = _DTYPES.get(key)
    if dtype is None:
        if len(_DTYPES) >= _MAX_DTYPES:
            _DTYPES.clear()
        dtype = _DTYPES[key] = _run_for_dtype(kernel, operands, params)
    return dtype


_DTYPES = {}            # _dtype_key(...) -> dtype
_MAX_DTYPES = 10_000    # emptied when full: keys hold kernels and Python numbers


def _dtype_key(kernel, operands, params):
    """Everything the stand-in run depends on: the kernel; for an Aval, its dtype and rank (the
    stand-in's shape is all ones); for a Python number, its type and value (NumPy refuses some
    values: int8 + 1000 overflows); each param with its type (1 and True are equal keys).
    TypeError when some part cannot be hashed."""
    key = (kernel, tuple(('array', o.dtype, len(o.shape)) if isinstance(o, Aval) else (type(o), o)
                         for o in operands),
           tuple(sorted((name, type(p), p) for name, p in params.items())))
    hash(key)
    return key


def _run_for_dtype(kernel, operands, params):
    with np.errstate(all='ignore'):
        return np.asarray(kernel(*map(_dummy, operands), **params)).dtype


def elementwise(kernel):
    def rule(*operands):
        try:
            shape = np.broadcast_shapes(*map(shape_of, operands))
        except ValueError:
            shapes = ' and '.join(str(shape_of(o)) for o in operands)
            raise ValueError(f"shapes {shapes} cannot be broadcast together") from None
        return Aval(shape, result_dtype(kernel, operands))
    return rule


def normalize_axis(axis, ndim):
    """None, an int or a sequence of ints -> None, an int or a sorted tuple, all non-negative."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of bounds for an array of dimension {ndim}")
    axes = tuple(sorted(a % max(ndim, 1) for a in axes))
    return axes[0] if len(axes) == 1 else axes


def axes_tuple(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return (axis,) if isinstance(axis, int) else axis


def reduction(kernel):
    def rule(x, axis=None, keepdims=False):
        axes = axes_tuple(axis, len(x.shape))
        shape = tuple(1 if i in axes else n for i, n in enumerate(x.shape)
                      if keepdims or i not in axes)
        return Aval(shape, result_dtype(kernel, [x], axis=axis, keepdims=keepdims))
    return rule


def keepdims_shape(shape, axis):
    axes = axes_tuple(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def unbroadcast(g, shape):
    """Sum a cotangent of a broadcast result back to the operand's `shape`."""
    if g.shape == tuple(shape):
        return g
    lead = len(g.shape) - len(shape)
    if lead:
        g = ops.sum(g, tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = ops.sum(g, stretched, keepdims=True)
    return g


# Sample operands shared by families' samples.
MATRIX = np.array([[0.7, -1.3, 2.1], [-0.2, 3.0, -1.1]])
POSITIVE = [((np.array([[0.7, 1.3, 2.1], [0.2, 3.0, 1.1]]),), {}), ((np.array(0.8),), {})]
ANY = [((MATRIX,), {}), ((np.array(-0.4),), {})]
