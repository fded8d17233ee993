"""Activations: elementwise ones (relu, sigmoid, gelu, ...) and those over an axis (softmax,
log_softmax, logsumexp).

Gradients at kinks follow the usual (PyTorch's) convention: relu, relu6 and hardtanh pass the
gradient only strictly inside their linear range, so 0 at x == 0, x == 6, x == min_val or max_val;
leaky_relu and elu take the negative side's slope (alpha) at x == 0.
"""
import numpy as np

from .. import kernels, ops
from ..kernels import array_api as standard
from .batching import axis_batch, reduction_batch
from .core import MATRIX, Aval, defprim, keepdims_shape, normalize_axis, reduction, result_dtype
from .elementwise import elementwise_prim

# ---------------------------------------------------------------- elementwise activations
ANY = [((MATRIX,), {}), ((np.array(-0.4),), {})]


def activation(name, kernel, vjp, samples=ANY, params=(), **facts):
    """An elementwise activation; `params` are extra sample params (the defaults are sampled too).
    With params it is not marked `elementwise`, which folds without params."""
    samples = list(samples) + [((MATRIX,), p) for p in params]
    return elementwise_prim(name, kernel, vjp, samples, foldable=not params, **facts)


sigmoid = activation('sigmoid', kernels.sigmoid, lambda g, x, out: (g * out * (1 - out),),
                     array_api=standard.sigmoid)
relu = activation('relu', kernels.relu, lambda g, x, out: (g * (x > 0),), idempotent=True,
                  array_api=standard.relu)
relu6 = activation('relu6', kernels.relu6,
                   lambda g, x, out: (g * ops.logical_and(x > 0, x < 6),),
                   [((np.array([[0.7, -1.3, 6.5], [5.2, 3.0, -0.1]]),), {})], idempotent=True,
                   array_api=standard.relu6)
silu = activation('silu', kernels.silu,
                  lambda g, x, out: (g * _silu_slope(x, out),), array_api=standard.silu)
softsign = activation('softsign', kernels.softsign,
                      lambda g, x, out: (g * ops.square(1 - ops.abs(out)),), array_api=standard.softsign)


def _silu_slope(x, out):
    s = ops.sigmoid(x)
    return s + out * (1 - s)                  # d(x s)/dx = s + x s (1 - s)


def _softplus_vjp(g, x, out, beta=1, threshold=20):
    """g sigmoid(beta x); where beta x > threshold the kernel is linear (slope 1). From the
    default threshold 20 on the two agree to 2e-9, so the plain form is used there."""
    z = x if beta == 1 else x * beta
    if threshold >= 20:
        return (g * ops.sigmoid(z),)
    return (ops.where(z > threshold, g, g * ops.sigmoid(z)),)


softplus = activation('softplus', kernels.softplus, _softplus_vjp,
                      params=[{'beta': 2}, {'beta': 0.5, 'threshold': 1.0}], array_api=standard.softplus)
# The elementwise loss of binary_cross_entropy_with_logits, as one primitive so that its
# gradient is the short (sigmoid(x) - y) rather than the derivative of its overflow-free form,
# (1 - y) - sigmoid(-x), two operations longer.
sigmoid_cross_entropy_with_logits = elementwise_prim(
    'sigmoid_cross_entropy_with_logits', kernels.sigmoid_cross_entropy_with_logits,
    lambda g, x, y, out: (g * (ops.sigmoid(x) - y), -g * x),
    [((np.array([[0.5, -1.2, 30.0]]), np.array([[0.2], [0.9]])), {}),
     ((np.array([-0.7, 2.5]), np.array(1.0)), {})],
    array_api=standard.sigmoid_cross_entropy_with_logits)
leaky_relu = activation('leaky_relu', kernels.leaky_relu,
                        lambda g, x, out, alpha=0.2: (ops.where(x > 0, g, g * alpha),),
                        params=[{'alpha': 0.05}], array_api=standard.leaky_relu)
elu = activation('elu', kernels.elu,
                 lambda g, x, out, alpha=1.0: (ops.where(x > 0, g, g * (out + alpha)),),
                 params=[{'alpha': 0.7}], array_api=standard.elu)
hardtanh = activation('hardtanh', kernels.hardtanh,
                      lambda g, x, out, min_val=-1.0, max_val=1.0:
                      (g * ops.logical_and(x > min_val, x < max_val),),
                      params=[{'min_val': -0.5, 'max_val': 2.5}], idempotent=True,
                      array_api=standard.hardtanh)

_SQRT_HALF = 0.7071067811865476
_INV_SQRT_2PI = 0.3989422804014327
_SQRT_2_OVER_PI = 0.7978845608028654


def _gelu_vjp(g, x, out, approximate='none'):
    if approximate == 'tanh':
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * (x * x * x))
        t = ops.tanh(inner)
        slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_SQRT_2_OVER_PI * (1 + 0.134145 * x * x))
        return (g * slope,)
    cdf = 0.5 + 0.5 * ops.erf(x * _SQRT_HALF)
    return (g * (cdf + x * (_INV_SQRT_2PI * ops.exp(-0.5 * x * x))),)


gelu = activation('gelu', kernels.gelu, _gelu_vjp, params=[{'approximate': 'tanh'}], array_api=standard.gelu)


# ---------------------------------------------------------------- activations over an axis
def _over_axis(kernel):
    def rule(x, axis=-1):
        normalize_axis(axis, len(x.shape))
        return Aval(x.shape, result_dtype(kernel, [x], axis=axis))
    return rule


def _softmax_vjp(g, x, out, axis=-1):
    return (out * (g - ops.sum(g * out, axis, keepdims=True)),)


def _log_softmax_vjp(g, x, out, axis=-1):
    return (g - ops.exp(out) * ops.sum(g, axis, keepdims=True),)


def _logsumexp_vjp(g, x, out, axis=None, keepdims=False):
    if not keepdims:
        shape = keepdims_shape(x.shape, axis)
        g, out = ops.reshape(g, shape), ops.reshape(out, shape)
    return (g * ops.exp(x - out),)


CUBE = np.arange(24.).reshape(2, 3, 4) / 7 - 1
_AXIS_SAMPLES = [((MATRIX,), {}), ((MATRIX,), {'axis': 0}), ((CUBE,), {'axis': 1})]
softmax = defprim('softmax', kernels.softmax, _over_axis(kernels.softmax), vjp=_softmax_vjp,
                  jvp=lambda primals, tangents, out, axis=-1:
                  out * (tangents[0] - ops.sum(out * tangents[0], axis, keepdims=True)),
                  batch=axis_batch('axis'), samples=_AXIS_SAMPLES, array_api=standard.softmax)
log_softmax = defprim('log_softmax', kernels.log_softmax, _over_axis(kernels.log_softmax),
                      vjp=_log_softmax_vjp,
                      jvp=lambda primals, tangents, out, axis=-1:
                      tangents[0] - ops.sum(ops.exp(out) * tangents[0], axis, keepdims=True),
                      batch=axis_batch('axis'), samples=_AXIS_SAMPLES, array_api=standard.log_softmax)
logsumexp = defprim('logsumexp', kernels.logsumexp, reduction(kernels.logsumexp), vjp=_logsumexp_vjp,
                    jvp='reduction', batch=reduction_batch,
                    samples=[((MATRIX,), {}), ((MATRIX,), {'axis': 1}),
                             ((MATRIX,), {'axis': 0, 'keepdims': True}), ((CUBE,), {'axis': (0, 2)}),
                             ((MATRIX,), {'axis': ()}), ((np.array(1.5),), {})], array_api=standard.logsumexp)
