"""Elementwise ops: arithmetic, comparisons and logic, functions, rounding, where/clamp, casts,
stop_gradient. MindSpore's names, with its aliases (arcsin for asin, clip for clamp, ...); NumPy
functions whose signature differs from the kernel's are registered with `numpy_function`."""
import numpy as np

from .. import dtypes
from ..primitives import elementwise as P
from .common import aval_of, numpy_function, tensor_method


# ---------------------------------------------------------------- arithmetic
@tensor_method()
def add(input, other): return P.add.bind(input, other)
@tensor_method('sub', 'subtract')
def sub(input, other): return P.sub.bind(input, other)
@tensor_method('mul', 'multiply')
def mul(input, other): return P.mul.bind(input, other)
@tensor_method('pow')
def pow(input, exponent): return P.pow.bind(input, exponent)
@tensor_method()
def maximum(input, other): return P.maximum.bind(input, other)
@tensor_method()
def minimum(input, other): return P.minimum.bind(input, other)


@tensor_method('div', 'divide')
def div(input, other, *, rounding_mode=None):
    """True division; rounding_mode 'floor' rounds the quotient down, 'trunc' towards zero."""
    if rounding_mode is None:
        return P.div.bind(input, other)
    if rounding_mode == 'floor':
        return floor_divide(input, other)
    if rounding_mode == 'trunc':
        return trunc(P.div.bind(input, other))
    raise ValueError(f"div: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")


@tensor_method()
def true_divide(input, other): return P.div.bind(input, other)
@tensor_method('floor_divide', '__floordiv__')
def floor_divide(input, other): return P.floor_div.bind(input, other)
@tensor_method('remainder', '__mod__')
def remainder(input, other):
    """input - floor(input / other) * other: the sign of `other`, as Python's % and np.mod."""
    return P.mod.bind(input, other)
@tensor_method()
def fmod(input, other):
    """input - trunc(input / other) * other: the sign of `input`, as C's fmod and np.fmod."""
    return P.fmod.bind(input, other)


@tensor_method('__rfloordiv__')
def _rfloordiv(input, other): return floor_divide(other, input)
@tensor_method('__rmod__')
def _rmod(input, other): return remainder(other, input)


subtract, multiply, divide, floor_mod = sub, mul, div, remainder


# ---------------------------------------------------------------- comparisons and logic
def less(input, other): return P.less.bind(input, other)
def less_equal(input, other): return P.less_equal.bind(input, other)
def greater(input, other): return P.greater.bind(input, other)
def greater_equal(input, other): return P.greater_equal.bind(input, other)
def equal(input, other): return P.equal.bind(input, other)
def not_equal(input, other): return P.not_equal.bind(input, other)
@tensor_method()
def logical_and(input, other): return P.logical_and.bind(input, other)
@tensor_method()
def logical_or(input, other): return P.logical_or.bind(input, other)
@tensor_method()
def logical_xor(input, other): return P.logical_xor.bind(input, other)
@tensor_method()
def logical_not(input): return P.logical_not.bind(input)
@tensor_method()
def isnan(input): return P.isnan.bind(input)
@tensor_method()
def isinf(input): return P.isinf.bind(input)
@tensor_method()
def isfinite(input): return P.isfinite.bind(input)


def _bool_operands(symbol, *operands):
    if any(aval_of(x)[1] != np.bool_ for x in operands):
        kinds = ' and '.join(str(aval_of(x)[1]) for x in operands)
        raise TypeError(f"{symbol} takes bool tensors (got {kinds}); bitwise operations on "
                        "integers are not supported")


# `a & b`, `a | b`, `a ^ b`, `~a` on bool tensors are the logical operations.
@tensor_method('__and__', '__rand__')
def _and(input, other):
    _bool_operands('&', input, other)
    return logical_and(input, other)


@tensor_method('__or__', '__ror__')
def _or(input, other):
    _bool_operands('|', input, other)
    return logical_or(input, other)


@tensor_method('__xor__', '__rxor__')
def _xor(input, other):
    _bool_operands('^', input, other)
    return logical_xor(input, other)


@tensor_method('__invert__')
def _invert(input):
    _bool_operands('~', input)
    return logical_not(input)


# ---------------------------------------------------------------- functions
@tensor_method('neg', 'negative')
def neg(input): return P.neg.bind(input)
@tensor_method('abs', 'absolute')
def abs(input): return P.abs.bind(input)
@tensor_method()
def sign(input): return P.sign.bind(input)
@tensor_method()
def square(input): return P.square.bind(input)
@tensor_method()
def sqrt(input): return P.sqrt.bind(input)
@tensor_method()
def rsqrt(input): return P.rsqrt.bind(input)
@tensor_method()
def reciprocal(input): return P.reciprocal.bind(input)
@tensor_method()
def exp(input): return P.exp.bind(input)
@tensor_method()
def expm1(input): return P.expm1.bind(input)
@tensor_method()
def log(input): return P.log.bind(input)
@tensor_method()
def log1p(input): return P.log1p.bind(input)
@tensor_method()
def log2(input): return P.log2.bind(input)
@tensor_method()
def sin(input): return P.sin.bind(input)
@tensor_method()
def cos(input): return P.cos.bind(input)
@tensor_method()
def tan(input): return P.tan.bind(input)
@tensor_method('asin', 'arcsin')
def asin(input): return P.asin.bind(input)
@tensor_method('acos', 'arccos')
def acos(input): return P.acos.bind(input)
@tensor_method('atan', 'arctan')
def atan(input): return P.atan.bind(input)
@tensor_method('atan2', 'arctan2')
def atan2(input, other):
    """The angle of the point (other, input): atan(input / other) in the right quadrant."""
    return P.atan2.bind(input, other)
@tensor_method()
def logaddexp(input, other):
    """log(exp(input) + exp(other)), with no overflow for large inputs."""
    return P.logaddexp.bind(input, other)
@tensor_method()
def sinh(input): return P.sinh.bind(input)
@tensor_method()
def cosh(input): return P.cosh.bind(input)
@tensor_method()
def tanh(input): return P.tanh.bind(input)
@tensor_method('asinh', 'arcsinh')
def asinh(input): return P.asinh.bind(input)
@tensor_method()
def erf(input): return P.erf.bind(input)


negative, absolute = neg, abs
arcsin, arccos, arctan, arctan2, arcsinh = asin, acos, atan, atan2, asinh


# ---------------------------------------------------------------- rounding (zero gradient)
@tensor_method()
def round(input, *, decimals=0):
    """Round half to even (as NumPy and MindSpore), to `decimals` places."""
    return P.round.bind(input, decimals=int(decimals))


@tensor_method()
def floor(input): return P.floor.bind(input)
@tensor_method()
def ceil(input): return P.ceil.bind(input)
@tensor_method()
def trunc(input): return P.trunc.bind(input)


@numpy_function(np.round, np.around)
def _numpy_round(a, decimals=0, out=None):
    _no_out(out)
    return round(a, decimals=decimals)


@numpy_function(np.rint)
def _numpy_rint(x):
    return round(x)


# ---------------------------------------------------------------- where and clamp
def where(condition, input, other):
    """input where condition holds, other elsewhere (broadcasting all three). The gradient goes
    to input where condition holds and to other elsewhere; condition gets none."""
    return P.where.bind(condition, input, other)


select = where


@tensor_method('where')
def _where_method(input, condition, y):
    return where(condition, input, y)


@numpy_function(np.where)
def _numpy_where(condition, x=None, y=None):
    if x is None or y is None:
        raise TypeError("np.where(condition) with one argument (the indices of nonzero elements) "
                        "is not supported in compiled code; give x and y")
    return where(condition, x, y)


def _number(bound):
    """A Python number for a scalar bound (params must be literals); None for a Tensor bound."""
    if bound is None or isinstance(bound, (bool, int, float)):
        return bound
    if isinstance(bound, np.generic):
        return bound.item()
    return None


@tensor_method('clamp', 'clip')
def clamp(input, min=None, max=None):
    """min <= input <= max elementwise (a missing bound is not applied; where min > max the result
    is max, as in MindSpore). The gradient passes to input where min <= input <= max, and to a
    Tensor bound where it is the result."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    low, high = _number(min), _number(max)
    if (low is not None or min is None) and (high is not None or max is None):
        return P.clamp.bind(input, min=low, max=high)
    out = input
    if min is not None:
        out = where(out < min, min, out)
    if max is not None:
        out = where(out > max, max, out)
    return out


clip = clamp


@numpy_function(np.clip)
def _numpy_clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    _no_out(out)
    if (a_min is not None and min is not None) or (a_max is not None and max is not None):
        raise TypeError("np.clip: give a_min/a_max or min/max, not both")
    return clamp(a, a_min if min is None else min, a_max if max is None else max)


def _no_out(out):
    if out is not None:
        raise TypeError("out= is not supported in compiled code")


# ---------------------------------------------------------------- casts and stop_gradient
@tensor_method('astype')
def cast(input, dtype):
    return P.cast.bind(input, dtype=dtypes.to_numpy(dtype))


def stop_gradient(value):
    return P.stop_gradient.bind(value)


# ops.nn builds its losses from these (they live with the activations).
from .activations import relu, sigmoid, softplus  # noqa: E402,F401
