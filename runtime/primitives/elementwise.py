"""Elementwise primitives: arithmetic, comparisons, functions and elementwise activations.
Elementwise primitives are marked (`elementwise=True`) so that passes may fold them on constants."""
import numpy as np

from .. import kernels, ops
from .core import ANY, MATRIX, POSITIVE, Aval, defprim, elementwise, shape_of

# ---------------------------------------------------------------- elementwise arithmetic
def binary(name, kernel, vjp, infix=None, samples=None):
    """A broadcasting binary primitive; default samples exercise broadcasting and a scalar."""
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


def unary(name, kernel, vjp, samples=ANY, **spelling):
    prim = defprim(name, kernel, elementwise(kernel), vjp, samples, **spelling)
    prim.elementwise = True
    return prim


neg = unary('neg', np.negative, lambda g, x, out: (-g,), prefix='-')
exp = unary('exp', np.exp, lambda g, x, out: (g * out,))
log = unary('log', np.log, lambda g, x, out: (g / x,), POSITIVE)
log1p = unary('log1p', np.log1p, lambda g, x, out: (g / (1 + x),), POSITIVE)
sqrt = unary('sqrt', np.sqrt, lambda g, x, out: (g / (2 * out),), POSITIVE)
abs = unary('abs', np.abs, lambda g, x, out: (g * ops.sign(x),))
sign = unary('sign', np.sign, None)
tanh = unary('tanh', np.tanh, lambda g, x, out: (g * (1 - out * out),))
sin = unary('sin', np.sin, lambda g, x, out: (g * ops.cos(x),))
cos = unary('cos', np.cos, lambda g, x, out: (-g * ops.sin(x),))
sigmoid = unary('sigmoid', kernels.sigmoid, lambda g, x, out: (g * out * (1 - out),))
softplus = unary('softplus', kernels.softplus, lambda g, x, out: (g * ops.sigmoid(x),))
relu = unary('relu', kernels.relu, lambda g, x, out: (g * (x > 0),))



# ---------------------------------------------------------------- casts and stop_gradient
def _cast_rule(x, dtype):
    return Aval(shape_of(x), np.dtype(dtype))


def _cast_vjp(g, x, out, dtype):
    return (ops.cast(g, x.dtype) if np.issubdtype(x.dtype, np.inexact) else None,)


cast = defprim('cast', np.asarray, _cast_rule, _cast_vjp, [((MATRIX,), {'dtype': np.float64})])


stop_gradient = defprim('stop_gradient', kernels.stop_gradient, lambda x: x, samples=ANY)
