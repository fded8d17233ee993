"""Activation kernels: short NumPy forms that neither overflow nor warn for large |x|."""
import numpy as np

from .elementwise import erf

_SQRT_2_OVER_PI = 0.7978845608028654
_SQRT_HALF = 0.7071067811865476


def sigmoid(x):
    """1 / (1 + exp(-x)), in a form that neither overflows nor warns for large |x|."""
    return 0.5 * np.tanh(0.5 * x) + 0.5


def sigmoid_cross_entropy_with_logits(x, y):
    """-y log(sigmoid(x)) - (1 - y) log(1 - sigmoid(x)), without overflow: (1 - y) x + softplus(-x)."""
    return (1 - y) * x + softplus(-x)


def softplus(x, beta=1, threshold=20):
    """log(1 + exp(beta x)) / beta, without overflow; x itself where beta x > threshold."""
    z = x * beta if beta != 1 else x
    out = np.logaddexp(0, z)
    if beta != 1:
        out = out / beta
    return np.where(z > threshold, x, out)


def relu(x):
    return np.maximum(x, 0)


def relu6(x):
    return np.clip(x, 0, 6)


def leaky_relu(x, alpha=0.2):
    return np.where(x > 0, x, x * alpha)


def elu(x, alpha=1.0):
    """x for x > 0, alpha (exp(x) - 1) otherwise."""
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def gelu(x, approximate='none'):
    """x P(X <= x) for a standard normal X; `approximate='tanh'` is the tanh formula."""
    if approximate == 'tanh':
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * (x * x * x))))
    return 0.5 * x * (1 + erf(x * _SQRT_HALF))


def silu(x):
    return x * sigmoid(x)


def softsign(x):
    return x / (1 + np.abs(x))


def hardtanh(x, min_val=-1.0, max_val=1.0):
    return np.clip(x, min_val, max_val)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, shifted by the maximum (an all -inf slice gives -inf).
    Array methods and one guard: cross entropy calls this on small arrays, where each NumPy
    function call costs more than the arithmetic."""
    x = np.asarray(x)
    top = x.max(axis=axis, keepdims=True)
    if not np.isfinite(top).all():      # an infinite maximum shifts by 0 instead
        top = np.where(np.isfinite(top), top, 0)
    out = np.log(np.exp(x - top).sum(axis=axis, keepdims=True))
    out += top
    return out if keepdims else out.squeeze(axis=axis)
