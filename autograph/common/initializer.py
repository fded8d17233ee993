"""Parameter initializers, as `mindspore.common.initializer`: `initializer(init, shape, dtype)`
and the classes Normal, Uniform, TruncatedNormal, XavierUniform, XavierNormal, HeUniform, HeNormal,
Zero, One and Constant.

Layers take an initializer for their `weight_init`/`bias_init`/... arguments as an instance, a
name ('normal', 'uniform', 'truncated_normal', 'zeros'/'zero', 'ones'/'one', 'he_uniform',
'he_normal', 'xavier_uniform', 'xavier_normal'; case and underscores ignored, so 'HeUniform' is
the same), a number (Constant), a Tensor or array of the right shape, or a callable of the shape.

The numbers come from `autograph.seed.initializer_generator()`: the stream `set_seed` starts, or
NumPy's global generator when no seed is set. Unlike MindSpore, `initializer` returns the filled
Tensor at once (there is no lazy initialisation to defer)."""
import math
import numbers

import numpy as np

from runtime import dtypes as runtime_dtypes
from runtime.tensor import Tensor
from ..seed import initializer_generator

__all__ = ['Initializer', 'initializer', 'Normal', 'Uniform', 'TruncatedNormal', 'XavierUniform',
           'XavierNormal', 'HeUniform', 'HeNormal', 'Zero', 'One', 'Constant']


def _fans(shape, name):
    if len(shape) < 2:
        raise ValueError(f"'{name}' needs a shape of at least 2 dimensions to compute fan_in and "
                         f"fan_out, got {shape}")
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def _gain(nonlinearity, slope):
    if nonlinearity in ('linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
                        'conv_transpose3d', 'sigmoid'):
        return 1.0
    if nonlinearity == 'tanh':
        return 5.0 / 3
    if nonlinearity == 'relu':
        return math.sqrt(2.0)
    if nonlinearity == 'leaky_relu':
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == 'selu':
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity!r}")


class Initializer:
    """The base class: `init(shape)` gives a float64 array of that shape; `init(array)` fills a
    NumPy array in place, as MindSpore's initializers do."""

    def _values(self, shape):
        raise NotImplementedError

    def __call__(self, arg):
        if isinstance(arg, np.ndarray):
            arg[...] = self._values(arg.shape)
            return arg
        return self._values(tuple(int(n) for n in arg))

    def __repr__(self):
        args = ', '.join(f'{k}={v!r}' for k, v in vars(self).items())
        return f'{type(self).__name__}({args})'


class Zero(Initializer):
    def _values(self, shape):
        return np.zeros(shape)


class One(Initializer):
    def _values(self, shape):
        return np.ones(shape)


class Constant(Initializer):
    def __init__(self, value):
        self.value = value

    def _values(self, shape):
        return np.full(shape, self.value)


class Normal(Initializer):
    """N(mean, sigma**2)."""

    def __init__(self, sigma=0.01, mean=0.0):
        self.sigma, self.mean = sigma, mean

    def _values(self, shape):
        return initializer_generator().normal(self.mean, self.sigma, shape)


class Uniform(Initializer):
    """U(-scale, scale)."""

    def __init__(self, scale=0.07):
        self.scale = scale

    def _values(self, shape):
        return initializer_generator().uniform(-self.scale, self.scale, shape)


class TruncatedNormal(Initializer):
    """N(mean, sigma**2) kept within [mean + a*sigma, mean + b*sigma] (values outside are drawn
    again): the bounds count standard deviations, so the default cuts at two."""

    def __init__(self, sigma=0.01, mean=0.0, a=-2.0, b=2.0):
        if not a < b:
            raise ValueError(f"For 'TruncatedNormal', 'a' must be less than 'b', got a={a}, b={b}")
        self.sigma, self.mean, self.a, self.b = sigma, mean, a, b

    def _values(self, shape):
        draw = initializer_generator()
        z = draw.normal(0.0, 1.0, shape) if self.sigma else np.zeros(shape)
        outside = (z < self.a) | (z > self.b)
        while outside.any():
            z[outside] = draw.normal(0.0, 1.0, int(outside.sum()))
            outside = (z < self.a) | (z > self.b)
        return self.mean + self.sigma * z


class XavierUniform(Initializer):
    """U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out))."""

    def __init__(self, gain=1):
        self.gain = gain

    def _values(self, shape):
        bound = self.gain * math.sqrt(6.0 / sum(_fans(shape, 'xavier_uniform')))
        return initializer_generator().uniform(-bound, bound, shape)


class XavierNormal(Initializer):
    """N(0, std**2), std = gain * sqrt(2 / (fan_in + fan_out))."""

    def __init__(self, gain=1):
        self.gain = gain

    def _values(self, shape):
        std = self.gain * math.sqrt(2.0 / sum(_fans(shape, 'xavier_normal')))
        return initializer_generator().normal(0.0, std, shape)


class _He(Initializer):
    def __init__(self, negative_slope=0, mode='fan_in', nonlinearity='leaky_relu'):
        if mode not in ('fan_in', 'fan_out'):
            raise ValueError(f"For '{type(self).__name__}', 'mode' must be 'fan_in' or 'fan_out', got {mode!r}")
        _gain(nonlinearity, negative_slope)
        self.negative_slope, self.mode, self.nonlinearity = negative_slope, mode, nonlinearity

    def _std(self, shape, name):
        fan_in, fan_out = _fans(shape, name)
        return _gain(self.nonlinearity, self.negative_slope) / math.sqrt(fan_in if self.mode == 'fan_in' else fan_out)


class HeUniform(_He):
    """U(-bound, bound), bound = gain * sqrt(3 / fan): Kaiming's uniform initialisation."""

    def _values(self, shape):
        bound = math.sqrt(3.0) * self._std(shape, 'he_uniform')
        return initializer_generator().uniform(-bound, bound, shape)


class HeNormal(_He):
    """N(0, (gain / sqrt(fan))**2): Kaiming's normal initialisation."""

    def _values(self, shape):
        return initializer_generator().normal(0.0, self._std(shape, 'he_normal'), shape)


_NAMED = {'zeros': Zero, 'zero': Zero, 'ones': One, 'one': One, 'normal': Normal, 'uniform': Uniform,
          'truncatednormal': TruncatedNormal, 'heuniform': HeUniform, 'henormal': HeNormal,
          'xavieruniform': XavierUniform, 'xaviernormal': XavierNormal}
NAMES = ("'normal', 'uniform', 'truncated_normal', 'zeros', 'ones', 'he_uniform', 'he_normal', "
         "'xavier_uniform', 'xavier_normal'")


def named(name):
    """The initializer a name stands for, or None."""
    cls = _NAMED.get(name.lower().replace('_', ''))
    return None if cls is None else cls()


def values(init, shape, owner='initializer', what='init'):
    """(array, dtype or None): `init` (any form `initializer` takes) realised for `shape`. The dtype
    is a Tensor's own; other forms leave it to the caller."""
    shape = tuple(int(n) for n in shape)
    dtype = None
    if isinstance(init, Tensor):
        data, dtype = init.asnumpy(), init.dtype
    elif isinstance(init, str):
        maker = named(init)
        if maker is None:
            raise ValueError(f"For '{owner}', '{what}' names no initialiser: {init!r}; use one of {NAMES}")
        data = maker(shape)
    elif isinstance(init, Initializer):
        data = init(shape)
    elif isinstance(init, numbers.Number) and not isinstance(init, bool):
        data = np.full(shape, init)
    elif isinstance(init, (np.ndarray, list, tuple)):
        data = np.asarray(init)
    elif callable(init):
        data = np.asarray(init(shape))
    else:
        raise TypeError(f"For '{owner}', '{what}' must be a str, an Initializer, a number, a Tensor, an "
                        f"array or a callable, got {type(init).__name__}")
    if tuple(np.shape(data)) != shape:
        raise ValueError(f"For '{owner}', '{what}' has shape {tuple(np.shape(data))}, expected {shape}")
    return data, dtype


def initializer(init, shape=None, dtype=runtime_dtypes.float32):
    """A Tensor of `shape` and `dtype` filled by `init`: an Initializer, a name, a number or a
    Tensor (whose shape then must agree; a Tensor keeps its values and is cast to `dtype`)."""
    if shape is None:
        if not isinstance(init, Tensor):
            raise ValueError("For 'initializer', 'shape' is needed unless 'init' is a Tensor")
        shape = init.shape
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    data, _ = values(init, shape)
    return Tensor(np.array(data), dtype)
