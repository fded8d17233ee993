"""Every primitive, each defined once: kernel, shape/dtype rule, adjoint rule and sample inputs.

Adjoint rules take the output cotangent `g`, the inputs and the output `out`, and return one
cotangent per input (None: zero). They are written with ops and operators, so while the
compiler differentiates they build IR like any other code. A cotangent may come back in the
broadcast shape of the output: the differentiator sums it back (`unbroadcast`) to the input's
shape, so elementwise rules stay one line.

`SAMPLES[name]` gives float64 example inputs (and params) for the registry-wide tests: every
primitive has some, and the gradient check runs on those of every differentiable one.
"""
import numpy as np

from . import kernels, ops
from .primitive import Aval, Primitive, register

SAMPLES = {}


def defprim(name, kernel, abstract, vjp=None, samples=(), **spelling):
    prim = register(Primitive(name, kernel, abstract, vjp, **spelling))
    SAMPLES[name] = list(samples)
    return prim


# ---------------------------------------------------------------- shape and dtype rules
def shape_of(operand):
    return operand.shape if isinstance(operand, Aval) else ()


def _dummy(operand):
    """A one-element stand-in with the operand's dtype (Python scalars stay weakly typed)."""
    if isinstance(operand, Aval):
        return np.ones((1,) * len(operand.shape), operand.dtype)
    return operand


def result_dtype(kernel, operands, **params):
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


def _axes_tuple(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return (axis,) if isinstance(axis, int) else axis


def reduction(kernel):
    def rule(x, axis=None, keepdims=False):
        axes = _axes_tuple(axis, len(x.shape))
        shape = tuple(1 if i in axes else n for i, n in enumerate(x.shape)
                      if keepdims or i not in axes)
        return Aval(shape, result_dtype(kernel, [x], axis=axis, keepdims=keepdims))
    return rule


def keepdims_shape(shape, axis):
    axes = _axes_tuple(axis, len(shape))
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


# ---------------------------------------------------------------- elementwise arithmetic
def binary(name, kernel, vjp, infix=None, samples=None):
    default = [((np.array([[0.5, -1.2, 2.0]]), np.array([[1.5], [-0.7]])), {}),
               ((np.array(0.3), np.array([1.1, -2.0])), {})]
    prim = defprim(name, kernel, elementwise(kernel), vjp, samples or default, infix=infix)
    prim.elementwise = True
    return prim


add = binary('add', np.add, lambda g, x, y, out: (g, g), '+')
sub = binary('sub', np.subtract, lambda g, x, y, out: (g, -g), '-')
mul = binary('mul', np.multiply, lambda g, x, y, out: (g * y, g * x), '*')
div = binary('div', np.true_divide, lambda g, x, y, out: (g / y, -g * out / y), '/')
pow = binary('pow', np.power,
             lambda g, x, y, out: (g * y * x ** (y - 1), g * out * ops.log(x)), '**',
             samples=[((np.array([[0.5, 1.2, 2.0]]), np.array([[1.5], [-0.7]])), {}),
                      ((np.array([0.3, 1.7]), np.array(2.5)), {})])
maximum = binary('maximum', np.maximum,
                 lambda g, x, y, out: (g * (x >= y), g * (x < y)),
                 samples=[((np.array([[0.5, -1.2, 2.0]]), np.array([[1.5], [-0.7]])), {})])
minimum = binary('minimum', np.minimum,
                 lambda g, x, y, out: (g * (x <= y), g * (x > y)),
                 samples=[((np.array([[0.5, -1.2, 2.0]]), np.array([[1.5], [-0.7]])), {})])

def comparison(name, kernel, infix=None):
    samples = [((np.array([[0.5, -1.2, 2.0]]), np.array([[0.5], [-0.7]])), {})]
    prim = defprim(name, kernel, elementwise(kernel), samples=samples, infix=infix)
    prim.elementwise = True
    return prim


less = comparison('less', np.less, '<')
less_equal = comparison('less_equal', np.less_equal, '<=')
greater = comparison('greater', np.greater, '>')
greater_equal = comparison('greater_equal', np.greater_equal, '>=')
equal = comparison('equal', np.equal, '==')
not_equal = comparison('not_equal', np.not_equal, '!=')


# ---------------------------------------------------------------- elementwise functions
_POSITIVE = [((np.array([[0.7, 1.3, 2.1], [0.2, 3.0, 1.1]]),), {}), ((np.array(0.8),), {})]
_ANY = [((np.array([[0.7, -1.3, 2.1], [-0.2, 3.0, -1.1]]),), {}), ((np.array(-0.4),), {})]


def unary(name, kernel, vjp, samples=_ANY, **spelling):
    prim = defprim(name, kernel, elementwise(kernel), vjp, samples, **spelling)
    prim.elementwise = True
    return prim


neg = unary('neg', np.negative, lambda g, x, out: (-g,), prefix='-')
exp = unary('exp', np.exp, lambda g, x, out: (g * out,))
log = unary('log', np.log, lambda g, x, out: (g / x,), _POSITIVE)
log1p = unary('log1p', np.log1p, lambda g, x, out: (g / (1 + x),), _POSITIVE)
sqrt = unary('sqrt', np.sqrt, lambda g, x, out: (g / (2 * out),), _POSITIVE)
abs = unary('abs', np.abs, lambda g, x, out: (g * ops.sign(x),))
sign = unary('sign', np.sign, None)
tanh = unary('tanh', np.tanh, lambda g, x, out: (g * (1 - out * out),))
sin = unary('sin', np.sin, lambda g, x, out: (g * ops.cos(x),))
cos = unary('cos', np.cos, lambda g, x, out: (-g * ops.sin(x),))
sigmoid = unary('sigmoid', kernels.sigmoid, lambda g, x, out: (g * out * (1 - out),))
softplus = unary('softplus', kernels.softplus, lambda g, x, out: (g * ops.sigmoid(x),))
relu = unary('relu', kernels.relu, lambda g, x, out: (g * (x > 0),))


# ---------------------------------------------------------------- reductions
_MATRIX = np.array([[0.7, -1.3, 2.1], [-0.2, 3.0, -1.1]])
_REDUCE_SAMPLES = [((_MATRIX,), {}), ((_MATRIX,), {'axis': 1}), ((_MATRIX,), {'axis': 0, 'keepdims': True}),
                   ((_MATRIX,), {'axis': (0, 1)}), ((np.array(1.5),), {})]


def _sum_vjp(g, x, out, axis=None, keepdims=False):
    if not keepdims:
        g = ops.reshape(g, keepdims_shape(x.shape, axis))
    return (ops.broadcast_to(g, x.shape),)


def _mean_vjp(g, x, out, axis=None, keepdims=False):
    count = int(np.prod([x.shape[a] for a in _axes_tuple(axis, len(x.shape))]))
    return _sum_vjp(g / count, x, out, axis, keepdims)


reduce_sum = defprim('sum', np.sum, reduction(np.sum), _sum_vjp, _REDUCE_SAMPLES)
reduce_mean = defprim('mean', np.mean, reduction(np.mean), _mean_vjp, _REDUCE_SAMPLES)


def _log_softmax_rule(x, axis=-1):
    normalize_axis(axis, len(x.shape))
    return Aval(x.shape, result_dtype(kernels.log_softmax, [x], axis=axis))


def _log_softmax_vjp(g, x, out, axis=-1):
    return (g - ops.exp(out) * ops.sum(g, axis, keepdims=True),)


log_softmax = defprim('log_softmax', kernels.log_softmax, _log_softmax_rule, _log_softmax_vjp,
                      [((_MATRIX,), {}), ((_MATRIX,), {'axis': 0})])


# ---------------------------------------------------------------- shapes
def _reshape_rule(x, shape):
    size = int(np.prod(x.shape))
    if int(np.prod(shape)) != size:
        raise ValueError(f"cannot reshape an array of shape {x.shape} (size {size}) into shape {shape}")
    return Aval(tuple(shape), x.dtype)


def _transpose_rule(x, axes=None):
    axes = tuple(reversed(range(len(x.shape)))) if axes is None else axes
    if sorted(axes) != list(range(len(x.shape))):
        raise ValueError(f"axes {axes} are not a permutation of the {len(x.shape)} axes of {x.shape}")
    return Aval(tuple(x.shape[a] for a in axes), x.dtype)


def _transpose_vjp(g, x, out, axes=None):
    return (ops.transpose(g, None if axes is None else tuple(np.argsort(axes).tolist())),)


def _broadcast_to_rule(x, shape):
    try:
        if np.broadcast_shapes(x.shape, shape) == tuple(shape):
            return Aval(tuple(shape), x.dtype)
    except ValueError:
        pass
    raise ValueError(f"cannot broadcast an array of shape {x.shape} to shape {shape}")


reshape = defprim('reshape', np.reshape, _reshape_rule,
                  lambda g, x, out, shape: (ops.reshape(g, x.shape),),
                  [((_MATRIX,), {'shape': (3, 2)}), ((_MATRIX,), {'shape': (6,)})])
transpose = defprim('transpose', np.transpose, _transpose_rule, _transpose_vjp,
                    [((_MATRIX,), {}), ((np.arange(24.).reshape(2, 3, 4),), {'axes': (1, 2, 0)})])
broadcast_to = defprim('broadcast_to', np.broadcast_to, _broadcast_to_rule,
                       lambda g, x, out, shape: (unbroadcast(g, x.shape),),
                       [((np.array([[0.5], [1.5]]),), {'shape': (3, 2, 4)})])


# ---------------------------------------------------------------- linear algebra
def _matmul_rule(x, y):
    xs, ys = x.shape, y.shape
    if not xs or not ys:
        raise ValueError("matmul does not take scalars; use mul")
    inner_x, inner_y = xs[-1], ys[-2] if len(ys) > 1 else ys[0]
    if inner_x != inner_y:
        raise ValueError(f"matmul: shapes {xs} and {ys} do not align ({inner_x} != {inner_y})")
    if len(xs) == 1 and len(ys) == 1:
        shape = ()
    elif len(ys) == 1:
        shape = xs[:-1]
    elif len(xs) == 1:
        shape = ys[:-2] + ys[-1:]
    else:
        shape = np.broadcast_shapes(xs[:-2], ys[:-2]) + (xs[-2], ys[-1])
    return Aval(shape, np.result_type(x.dtype, y.dtype))


def _matmul_vjp(g, x, y, out):
    """NumPy's matmul rules: a 1-D operand acts as a row (left) or column (right) vector."""
    if len(x.shape) == 1 and len(y.shape) == 1:
        return g * y, g * x
    if len(x.shape) == 1:                                   # (n) @ (..., n, m) -> (..., m)
        if len(y.shape) == 2:
            return ops.matmul(y, g), ops.expand_dims(x, -1) * g
        dx = ops.matmul(y, ops.expand_dims(g, -1))          # (..., n, 1)
        dx = unbroadcast(ops.reshape(dx, dx.shape[:-1]), x.shape)
        return dx, ops.expand_dims(x, -1) * ops.expand_dims(g, -2)
    if len(y.shape) == 1:                                   # (..., b, n) @ (n) -> (..., b)
        g_col = ops.expand_dims(g, -1)
        dy = ops.matmul(g, x) if len(x.shape) == 2 else unbroadcast(g_col * x, y.shape)
        return g_col * y, dy
    return ops.matmul(g, ops.swapaxes(y, -1, -2)), ops.matmul(ops.swapaxes(x, -1, -2), g)


matmul = defprim('matmul', np.matmul, _matmul_rule, _matmul_vjp,
                 [((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([0.2, -0.7, 1.1])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.array([0.2, -0.7, 1.1])), {}),
                  ((np.arange(12.).reshape(2, 2, 3) / 7, np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.arange(12.).reshape(2, 3, 2) / 5), {}),
                  ((np.arange(12.).reshape(2, 2, 3) / 7, np.array([0.2, -0.7, 1.1])), {})],
                 infix='@')


# ---------------------------------------------------------------- creation and casts
def _full_rule(shape, fill_value, dtype):
    return Aval(tuple(shape), np.dtype(dtype))


full = defprim('full', np.full, _full_rule,
               samples=[((), {'shape': (2, 3), 'fill_value': 1.5, 'dtype': np.dtype(np.float32)})])


def _cast_rule(x, dtype):
    return Aval(shape_of(x), np.dtype(dtype))


def _cast_vjp(g, x, out, dtype):
    return (ops.cast(g, x.dtype) if np.issubdtype(x.dtype, np.inexact) else None,)


cast = defprim('cast', np.asarray, _cast_rule, _cast_vjp, [((_MATRIX,), {'dtype': np.float64})])


stop_gradient = defprim('stop_gradient', kernels.stop_gradient, lambda x: x, samples=_ANY)
