"""Activation ops: elementwise (relu, sigmoid, gelu, ...) and over an axis (softmax, log_softmax,
logsumexp). Those over an axis take `axis` or `dim`; the axis is canonical before binding: -1 when
it is the last axis (the kernels' default, left out of generated code), else non-negative."""
from ..primitives import activations as P
from ..primitives.core import normalize_axis
from .common import dtype_arg, keep_arg, ndim_of, pick, tensor_method


def _number(value):
    """A whole float as an int (1.0 -> 1), so that equal params are spelled alike."""
    value = float(value)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- elementwise
@tensor_method()
def sigmoid(input): return P.sigmoid.bind(input)
@tensor_method()
def relu(input): return P.relu.bind(input)
def relu6(x): return P.relu6.bind(x)
def silu(input): return P.silu.bind(input)
def softsign(x): return P.softsign.bind(x)


def softplus(input, beta=1, threshold=20):
    """log(1 + exp(beta input)) / beta; input itself where beta input > threshold."""
    params = {'beta': _number(beta), 'threshold': _number(threshold)}
    # Defaults are left out of the params (and so of the IR): softplus(x) is just that.
    return P.softplus.bind(input, **{k: v for k, v in params.items() if v != _SOFTPLUS[k]})


_SOFTPLUS = {'beta': 1, 'threshold': 20}


def leaky_relu(input, alpha=0.2):
    """input where input >= 0, alpha * input elsewhere (MindSpore's default alpha is 0.2)."""
    return P.leaky_relu.bind(input, alpha=float(alpha))


def elu(input_x, alpha=1.0):
    """input_x where input_x > 0, alpha (exp(input_x) - 1) elsewhere."""
    return P.elu.bind(input_x, alpha=float(alpha))


def gelu(input, approximate='none'):
    """input * P(X <= input), X standard normal (via erf); approximate='tanh' is the tanh formula."""
    if approximate not in ('none', 'tanh'):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return P.gelu.bind(input, approximate=approximate)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """input clipped to [min_val, max_val]; the gradient passes strictly inside."""
    return P.hardtanh.bind(input, min_val=float(min_val), max_val=float(max_val))


# ---------------------------------------------------------------- over an axis
def _activation_axis(axis, dim, input):
    axis = pick('axis', axis, dim)
    ndim = ndim_of(input)
    if not isinstance(axis, int):
        raise TypeError(f"axis must be an int, got {axis!r}")
    axis = normalize_axis(axis, ndim)
    return -1 if axis == ndim - 1 else axis


@tensor_method()
def softmax(input, axis=None, *, dtype=None, dim=None):
    """exp(input) / sum(exp(input)) over `axis` (default -1), computed shifted by the maximum."""
    if dtype is not None:
        from .elementwise import cast
        input = cast(input, dtype_arg(dtype))
    axis = -1 if axis is None and dim is None else _activation_axis(axis, dim, input)
    return P.softmax.bind(input, axis=axis)


def log_softmax(logits, axis=None, *, dim=None):
    """logits - logsumexp(logits) over `axis` (default -1)."""
    axis = -1 if axis is None and dim is None else _activation_axis(axis, dim, logits)
    return P.log_softmax.bind(logits, axis=axis)


@tensor_method()
def logsumexp(input, axis=None, keep_dims=None, *, dim=None, keepdims=None, keepdim=None):
    """log(sum(exp(input))) over `axis`, stable for large inputs. As in MindSpore, axis=() (and
    None) reduces every axis."""
    axis = pick('axis', axis, dim)
    axis = None if axis == () else normalize_axis(axis, ndim_of(input))
    return P.logsumexp.bind(input, axis=axis, keepdims=keep_arg(keep_dims, keepdims, keepdim))
