"""Elementwise primitives: arithmetic, comparisons and logic, functions, rounding, `where`, `clamp`,
casts. (Elementwise activations live in `activations`.)

Gradient conventions at points where a function is not differentiable:
- maximum/minimum split the cotangent evenly between x and y where x == y;
- clamp passes it to x where min <= x <= max (inclusive: a bound equal to x passes it);
- abs uses sign(x), so 0 at x == 0;
- floor_div, round, floor, ceil, trunc and sign are piecewise constant: zero gradient (vjp None);
- mod (x - y floor(x/y)) and fmod (x - y trunc(x/y)) give g to x and -g floor(x/y) or
  -g trunc(x/y) to y, the derivative away from the jumps.
Every member has a diagonal Jacobian (its tangent comes from its adjoint rule) and broadcasts
over a batch axis like any other. Primitives with params are not marked `elementwise`, the trait
that lets the simplifier fold them over fills.
"""
import math

import numpy as np

from .. import kernels, ops
from ..kernels import array_api as standard
from .batching import elementwise_batch
from .core import ANY, MATRIX, POSITIVE, Aval, defprim, result_dtype, shape_of


# ---------------------------------------------------------------- definitions
def pointwise(kernel):
    """The shape/dtype rule of a broadcasting elementwise primitive (params go to the kernel)."""
    def rule(*operands, **params):
        try:
            shape = np.broadcast_shapes(*map(shape_of, operands))
        except ValueError:
            shapes = ' and '.join(str(shape_of(o)) for o in operands)
            raise ValueError(f"shapes {shapes} cannot be broadcast together") from None
        return Aval(shape, result_dtype(kernel, operands, **params))
    return rule


def elementwise_prim(name, kernel, vjp, samples, foldable=True, **traits):
    """A member of the elementwise family: diagonal Jacobian, broadcasting batch rule."""
    return defprim(name, kernel, pointwise(kernel), vjp=vjp, jvp=None if vjp is None else 'diagonal',
                   batch=elementwise_batch, samples=samples, elementwise=foldable, **traits)


BROADCAST = [((np.array([[0.5, -1.2, 2.0]]), np.array([[1.5], [-0.7]])), {}),
             ((np.array(0.3), np.array([1.1, -2.0])), {})]


def binary(name, kernel, vjp, infix=None, samples=BROADCAST, **facts):
    """A broadcasting binary primitive; default samples exercise broadcasting and a scalar."""
    return elementwise_prim(name, kernel, vjp, samples, infix=infix, **facts)


def unary(name, kernel, vjp, samples=ANY, **traits):
    return elementwise_prim(name, kernel, vjp, samples, **traits)


# Truth-valued primitives have no adjoint: they give zero gradient.
TRUTH = [((np.array([[0.0, -1.2, 2.0]]), np.array([[0.0], [-1.2]])), {})]


def comparison(name, kernel, infix=None, samples=TRUTH, **facts):
    return elementwise_prim(name, kernel, None, samples, infix=infix, **facts)


# ---------------------------------------------------------------- arithmetic
add = binary('add', np.add, lambda g, x, y, out: (g, g), '+', identity=0, negate_right='sub',
             rewrites=('write_back', 'constant_factors', 'stacked_scatters', 'negated_operand'), in_place='add_to')
sub = binary('sub', np.subtract, lambda g, x, y, out: (g, -g), '-', right_identity=0, negate_right='add',
             rewrites=('negated_operand',))
def _mul_vjp(g, x, y, out):
    if x is y:      # x * x: one contribution, g x 2 (the bits of g x + g x), not two
        return g * x * 2, None
    return g * y, g * x


mul = binary('mul', np.multiply, _mul_vjp, '*', identity=1, absorbing=0,
             negating=-1, in_place='mul_to', rewrites=('constant_factors',))
div = binary('div', np.true_divide, lambda g, x, y, out: (g / y, -g * out / y), '/', right_identity=1,
             rewrites=('constant_factors',))


def in_place(name, kernel, functional, symbol):
    """`functional` computed into its first operand's memory (`acc += x`), which only the
    optimiser decides (passes.inplace, where nothing else reads acc); the simplifier turns it
    back into `functional` first, so code read back is checked again."""
    def rule(acc, x):
        if not isinstance(acc, Aval) or functional.abstract(acc, x) != acc:
            raise ValueError(f"{name}: {shape_of(x)} cannot be combined into an array of shape {shape_of(acc)}")
        return acc
    return defprim(name, kernel, rule, vjp=functional.vjp, jvp='diagonal',
                   batch=lambda prim, args, dims: elementwise_batch(functional, args, dims),
                   samples=[((MATRIX, np.array([0.5, -1.5, 2.5])), {}), ((MATRIX, MATRIX[::-1]), {})],
                   fresh=True, consumes_first=True, augmented=symbol, rewrites=('functional',))


add_to = in_place('add_to', kernels.add_to, add, '+=')
mul_to = in_place('mul_to', kernels.mul_to, mul, '*=')
pow = binary('pow', np.power,
             lambda g, x, y, out: (g * y * x ** (y - 1), g * out * ops.log(x)), '**',
             samples=[((np.array([[0.5, 1.2, 2.0]]), np.array([[1.5], [-0.7]])), {}),
                      ((np.array([0.3, 1.7]), np.array(2.5)), {})],
             right_identity=1, rewrites=('zero_power',))

# Away from multiples of y (where the quotient jumps) and from y == 0.
_QUOTIENTS = [((np.array([[5.3, -2.2, 7.9]]), np.array([[1.5], [-2.1]])), {}),
              ((np.array([-3.7, 4.4]), np.array(1.3)), {})]
# `//` and `%` are np.floor_divide and np.remainder on arrays, and keep Python numbers numbers.
floor_div = binary('floor_div', np.floor_divide, None, '//', samples=_QUOTIENTS)
mod = binary('mod', np.remainder,
             lambda g, x, y, out: (g, -g * ops.floor_divide(x, y)), '%', samples=_QUOTIENTS)
fmod = binary('fmod', np.fmod, lambda g, x, y, out: (g, -g * ops.trunc(x / y)), samples=_QUOTIENTS,
              array_api=standard.fmod)


def _maximum_vjp(g, x, y, out):
    dx = g * (0.5 + 0.5 * ops.sign(x - y))        # g where x > y, g/2 on ties, 0 where x < y
    return dx, g - dx


def _minimum_vjp(g, x, y, out):
    dx = g * (0.5 - 0.5 * ops.sign(x - y))
    return dx, g - dx


_NO_TIES = [((np.array([[0.5, -1.2, 2.0]]), np.array([[1.5], [-0.7]])), {}),
            ((np.array([0.2, -0.9]), np.array(-0.1)), {})]
maximum = binary('maximum', np.maximum, _maximum_vjp, samples=_NO_TIES, idempotent=True)
minimum = binary('minimum', np.minimum, _minimum_vjp, samples=_NO_TIES, idempotent=True)

# ---------------------------------------------------------------- comparisons and logic
less = comparison('less', np.less, '<')
less_equal = comparison('less_equal', np.less_equal, '<=')
greater = comparison('greater', np.greater, '>')
greater_equal = comparison('greater_equal', np.greater_equal, '>=')
equal = comparison('equal', np.equal, '==')
not_equal = comparison('not_equal', np.not_equal, '!=')
logical_and = comparison('logical_and', np.logical_and, identity=True, idempotent=True)
logical_or = comparison('logical_or', np.logical_or, identity=False, idempotent=True)
logical_xor = comparison('logical_xor', np.logical_xor)

_SPECIAL = [((np.array([[0.0, np.nan, np.inf], [-np.inf, -2.5, 1e30]]),), {})]
logical_not = unary('logical_not', np.logical_not, None, [((np.array([[0.0, 1.5, -2.0]]),), {})])
isnan = unary('isnan', np.isnan, None, _SPECIAL)
isinf = unary('isinf', np.isinf, None, _SPECIAL)
isfinite = unary('isfinite', np.isfinite, None, _SPECIAL)

# ---------------------------------------------------------------- functions
UNIT = [((np.array([[0.7, -0.3, 0.1], [-0.6, 0.45, -0.9]]),), {}), ((np.array(-0.2),), {})]

neg = unary('neg', np.negative, lambda g, x, out: (-g,), prefix='-', rewrites=('constant_factors',))
abs = unary('abs', np.abs, lambda g, x, out: (g * ops.sign(x),), idempotent=True)
sign = unary('sign', np.sign, None, idempotent=True)
square = unary('square', np.square, lambda g, x, out: (2 * g * x,))
sqrt = unary('sqrt', np.sqrt, lambda g, x, out: (g / (2 * out),), POSITIVE)
rsqrt = unary('rsqrt', kernels.rsqrt, lambda g, x, out: (-0.5 * g * out / x,), POSITIVE,
              array_api=standard.rsqrt)
reciprocal = unary('reciprocal', np.reciprocal, lambda g, x, out: (-g * out * out,))
exp = unary('exp', np.exp, lambda g, x, out: (g * out,))
expm1 = unary('expm1', np.expm1, lambda g, x, out: (g * (out + 1),))
log = unary('log', np.log, lambda g, x, out: (g / x,), POSITIVE)
log1p = unary('log1p', np.log1p, lambda g, x, out: (g / (1 + x),), POSITIVE)
log2 = unary('log2', np.log2, lambda g, x, out: (g / (x * math.log(2)),), POSITIVE)
sin = unary('sin', np.sin, lambda g, x, out: (g * ops.cos(x),))
cos = unary('cos', np.cos, lambda g, x, out: (-g * ops.sin(x),))
tan = unary('tan', np.tan, lambda g, x, out: (g * (1 + out * out),))
asin = unary('asin', np.arcsin, lambda g, x, out: (g * ops.rsqrt(1 - x * x),), UNIT)
acos = unary('acos', np.arccos, lambda g, x, out: (-g * ops.rsqrt(1 - x * x),), UNIT)
atan = unary('atan', np.arctan, lambda g, x, out: (g / (1 + x * x),))
sinh = unary('sinh', np.sinh, lambda g, x, out: (g * ops.cosh(x),))
cosh = unary('cosh', np.cosh, lambda g, x, out: (g * ops.sinh(x),))
tanh = unary('tanh', np.tanh, lambda g, x, out: (g * (1 - out * out),))
asinh = unary('asinh', np.arcsinh, lambda g, x, out: (g * ops.rsqrt(x * x + 1),))
erf = unary('erf', kernels.erf,
            lambda g, x, out: (g * (2 / math.sqrt(math.pi)) * ops.exp(-x * x),), array_api=standard.erf)


def _atan2_vjp(g, y, x, out):
    scale = g / (x * x + y * y)
    return scale * x, -scale * y


atan2 = binary('atan2', np.arctan2, _atan2_vjp)

# log(exp(x) + exp(y)); each operand's share of the cotangent, exp(operand - out), never overflows.
logaddexp = binary('logaddexp', np.logaddexp, lambda g, x, y, out: (g * ops.exp(x - out), g * ops.exp(y - out)),
                   samples=BROADCAST + [((np.array([[800.0, -3.5, 0.2]]), np.array([[799.5], [-700.0]])), {})])

# ---------------------------------------------------------------- rounding: zero gradient
_ROUNDING = [((np.array([[0.7, -1.3, 2.5], [-0.5, 3.0, -1.55]]),), {})]
round = elementwise_prim('round', np.round, None,
                         _ROUNDING + [((MATRIX * 3.33,), {'decimals': 1})], foldable=False, idempotent=True,
                         array_api=standard.round)
floor = unary('floor', np.floor, None, _ROUNDING, idempotent=True)
ceil = unary('ceil', np.ceil, None, _ROUNDING, idempotent=True)
trunc = unary('trunc', np.trunc, None, _ROUNDING, idempotent=True)


# ---------------------------------------------------------------- where and clamp
def _where_vjp(g, condition, x, y, out):
    return None, ops.where(condition, g, 0), ops.where(condition, 0, g)


where = elementwise_prim(
    'where', np.where, _where_vjp,
    [((np.array([[True, False, True]]), np.array([[1.5], [-0.7]]), np.array([[0.5, -1.2, 2.0]])), {}),
     ((np.array([False, True]), np.array(0.3), np.array([[1.1, -2.0]])), {})])


def _clamp_vjp(g, x, out, min=None, max=None):
    """g where min <= x <= max (a bound equal to x passes it)."""
    if min is None:
        return (g * (x <= max),)
    if max is None:
        return (g * (x >= min),)
    return (g * ops.logical_and(x >= min, x <= max),)


# `np.clip(x, min=..., max=...)` (NumPy >= 2.1): a missing bound is left out of generated code.
clamp = elementwise_prim('clamp', np.clip, _clamp_vjp,
                         [((MATRIX,), {'min': -1.0, 'max': 1.5}), ((MATRIX,), {'min': 0.0}),
                          ((np.array(0.8),), {'max': 0.5})], foldable=False, idempotent=True)


# ---------------------------------------------------------------- casts and stop_gradient
def _cast_rule(x, dtype):
    return Aval(shape_of(x), np.dtype(dtype))


def _cast_vjp(g, x, out, dtype):
    return (ops.cast(g, x.dtype) if np.issubdtype(x.dtype, np.inexact) else None,)


cast = defprim('cast', np.asarray, _cast_rule, vjp=_cast_vjp, jvp='linear', batch=elementwise_batch,
              samples=[((MATRIX,), {'dtype': np.float64})], rewrites=('same_aval',),
              array_api='astype(dtype)')

# Only AD reads it; afterwards it is its operand.
stop_gradient = defprim('stop_gradient', kernels.stop_gradient, lambda x: x, vjp=None, jvp=None,
                        batch=elementwise_batch, samples=ANY, idempotent=True, rewrites=('erase',),
                        array_api=standard.stop_gradient)
