"""Elementwise ops: arithmetic, comparisons, functions, casts, stop_gradient."""
from .. import dtypes
from ..primitives import elementwise as P
from .common import tensor_method


def add(input, other): return P.add.bind(input, other)
def sub(input, other): return P.sub.bind(input, other)
def mul(input, other): return P.mul.bind(input, other)
def div(input, other): return P.div.bind(input, other)
def pow(input, exponent): return P.pow.bind(input, exponent)
def maximum(input, other): return P.maximum.bind(input, other)
def minimum(input, other): return P.minimum.bind(input, other)
def less(input, other): return P.less.bind(input, other)
def less_equal(input, other): return P.less_equal.bind(input, other)
def greater(input, other): return P.greater.bind(input, other)
def greater_equal(input, other): return P.greater_equal.bind(input, other)
def equal(input, other): return P.equal.bind(input, other)
def not_equal(input, other): return P.not_equal.bind(input, other)


@tensor_method()
def neg(input): return P.neg.bind(input)
@tensor_method()
def exp(input): return P.exp.bind(input)
@tensor_method()
def log(input): return P.log.bind(input)
@tensor_method()
def log1p(input): return P.log1p.bind(input)
@tensor_method()
def sqrt(input): return P.sqrt.bind(input)
@tensor_method()
def abs(input): return P.abs.bind(input)
@tensor_method()
def sign(input): return P.sign.bind(input)
@tensor_method()
def tanh(input): return P.tanh.bind(input)
@tensor_method()
def sin(input): return P.sin.bind(input)
@tensor_method()
def cos(input): return P.cos.bind(input)
@tensor_method()
def sigmoid(input): return P.sigmoid.bind(input)
def softplus(input): return P.softplus.bind(input)
@tensor_method()
def relu(input): return P.relu.bind(input)


@tensor_method('astype')
def cast(input, dtype):
    return P.cast.bind(input, dtype=dtypes.to_numpy(dtype))


def stop_gradient(value):
    return P.stop_gradient.bind(value)
