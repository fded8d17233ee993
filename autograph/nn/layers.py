"""Layers as Cells, with MindSpore 2.x's names, constructor arguments, defaults, Parameter layouts
and Parameter names: Dense, Conv2d, MaxPool2d, AvgPool2d, Flatten, the activations, Dropout,
BatchNorm1d/2d, LayerNorm and Embedding.

Each `construct` is ordinary code over `runtime.ops`: it runs eagerly on Tensors, and inside
compiled code it runs on the compiler's symbolic values, so everything it decides in Python
(shapes, `self.training`, pad amounts) is decided at compile time.

Initial values come from the stream `autograph.set_seed` starts, or from NumPy's global
generator when no seed is set (`np.random.seed` then makes them reproducible). An initialiser is
anything `autograph.common.initializer` takes: an Initializer, a name ('normal', 'he_uniform',
'HeUniform'...), a number, a Tensor or array of the Parameter's shape, or a callable taking the
shape. A Tensor keeps its dtype (as in MindSpore); everything else takes the layer's `dtype`.
"""
import math
import numbers

import numpy as np

from runtime import dtypes as runtime_dtypes
from runtime import ops
from runtime.ops.common import aval_of
from runtime.tensor import Parameter, Tensor
from ..cell import Cell
from ..common.initializer import _fans, values as init_values
from ..seed import initializer_generator
from .activation import GELU, ReLU, Sigmoid, Softmax, Tanh, _activation  # noqa: F401 (their old home)

_FLOAT32 = runtime_dtypes.float32


# ---------------------------------------------------------------- argument checks
def _positive_int(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"For '{owner}', '{name}' must be a positive int, got {value!r}")
    return int(value)


def _bool(value, name, owner):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"For '{owner}', '{name}' must be a bool, got {value!r}")
    return bool(value)


def _pair(value, name, owner):
    """An int or a tuple of 1 or 2 positive ints -> (h, w)."""
    pair = (value,) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    if not isinstance(pair, (tuple, list)) or len(pair) not in (1, 2):
        raise ValueError(f"For '{owner}', '{name}' must be a positive int or a tuple of two, got {value!r}")
    pair = tuple(_positive_int(v, name, owner) for v in pair)
    return pair * 2 if len(pair) == 1 else pair


def _pad_mode(pad_mode, owner):
    mode = pad_mode.lower() if isinstance(pad_mode, str) else pad_mode
    if mode not in ('same', 'valid', 'pad'):
        raise ValueError(f"For '{owner}', 'pad_mode' must be 'same', 'valid' or 'pad', got {pad_mode!r}")
    return mode


def _no_padding_unless_pad(mode, padding, owner):
    flat = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,)
    if any(isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 0 for p in flat):
        raise ValueError(f"For '{owner}', 'padding' must be a non-negative int or a tuple of them, "
                         f"got {padding!r}")
    if mode != 'pad' and any(flat):
        raise ValueError(f"For '{owner}', 'padding' must be 0 when 'pad_mode' is {mode!r}, got {padding!r}")


def _nchw_only(data_format, owner):
    if data_format != 'NCHW':
        raise ValueError(f"For '{owner}', only data_format 'NCHW' is supported, got {data_format!r}")


def _check_input(x, ndims, channels, owner, what):
    shape = aval_of(x)[0]
    if len(shape) not in ndims or (channels is not None and shape[1] != channels):
        raise ValueError(f"For '{owner}', the input must be {what}, got shape {shape}")
    return shape


# ---------------------------------------------------------------- initialisers
def _uniform(bound, shape):
    return initializer_generator().uniform(-bound, bound, shape)


def _kaiming_default(shape):
    """MindSpore 2.x's default for Dense and Conv2d weights, HeUniform(sqrt(5)):
    uniform in ±1/sqrt(fan_in)."""
    return _uniform(1.0 / math.sqrt(_fans(shape, 'weight_init')[0]), shape)


def _bias_default(fan_in):
    """MindSpore 2.x's default bias: Uniform(1/sqrt(fan_in)) with the weight's fan_in."""
    return lambda shape: _uniform(1.0 / math.sqrt(fan_in), shape)


def _initial_parameter(init, shape, dtype, name, owner, default=None, requires_grad=True):
    """An unnamed Parameter (it takes its attribute's name) holding `init` for `shape`."""
    data, own_dtype = init_values(default if init is None else init, shape, owner, name)
    return Parameter(Tensor(np.array(data), own_dtype or dtype), requires_grad=requires_grad)


# ---------------------------------------------------------------- dense and flatten
class Dense(Cell):
    """y = activation(x @ weight.T + bias), weight of shape (out_channels, in_channels). Defaults
    as MindSpore 2.x: weight HeUniform(sqrt(5)) and bias Uniform, both within ±1/sqrt(in_channels).
    `activation` is a name ('relu', 'sigmoid', 'tanh', 'gelu', 'softmax'), a Cell or a callable.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 4), np.float32))
        >>> nn.Dense(4, 3, activation='relu')(x).shape
        (2, 3)
    """

    def __init__(self, in_channels, out_channels, weight_init=None, bias_init=None, has_bias=True,
                 activation=None, dtype=_FLOAT32):
        super().__init__()
        self.in_channels = _positive_int(in_channels, 'in_channels', 'Dense')
        self.out_channels = _positive_int(out_channels, 'out_channels', 'Dense')
        self.has_bias = _bool(has_bias, 'has_bias', 'Dense')
        self.weight = _initial_parameter(weight_init, (out_channels, in_channels), dtype, 'weight_init',
                                        'Dense', _kaiming_default)
        self.bias = _initial_parameter(bias_init, (out_channels,), dtype, 'bias_init', 'Dense',
                                      _bias_default(in_channels)) if has_bias else None
        self.activation = _activation(activation, 'Dense')

    def construct(self, x):
        y = ops.matmul(x, ops.transpose(self.weight))
        if self.has_bias:
            y = y + self.bias
        return self.activation(y) if self.activation is not None else y

    def extend_repr(self):
        s = f'input_channels={self.in_channels}, output_channels={self.out_channels}'
        if self.has_bias:
            s += f', has_bias={self.has_bias}'
        if self.activation is not None:
            s += f', activation={self.activation}'
        return s


class Flatten(Cell):
    """Merges the axes start_dim..end_dim (by default all but the first).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 3, 8, 8), np.float32))
        >>> nn.Flatten()(x).shape
        (2, 192)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        for name, value in (('start_dim', start_dim), ('end_dim', end_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"For 'Flatten', '{name}' must be an int, got {value!r}")
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def construct(self, x):
        return ops.flatten(x, start_dim=self.start_dim, end_dim=self.end_dim)


# ---------------------------------------------------------------- convolution and pooling
class Conv2d(Cell):
    """2-D cross-correlation over NCHW input; weight (out_channels, in_channels / group, kh, kw),
    bias (out_channels,). MindSpore 2.x's defaults: pad_mode='same', has_bias=False, weight
    HeUniform(sqrt(5)) and bias Uniform(1/sqrt(fan_in)). padding (with pad_mode='pad') is an int
    or (top, bottom, left, right).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 3, 8, 8), np.float32))
        >>> nn.Conv2d(3, 16, 3, pad_mode='same', has_bias=True)(x).shape
        (2, 16, 8, 8)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
                 dilation=1, group=1, has_bias=False, weight_init=None, bias_init=None,
                 data_format='NCHW', dtype=_FLOAT32):
        super().__init__()
        self.in_channels = _positive_int(in_channels, 'in_channels', 'Conv2d')
        self.out_channels = _positive_int(out_channels, 'out_channels', 'Conv2d')
        self.kernel_size = _pair(kernel_size, 'kernel_size', 'Conv2d')
        self.stride = _pair(stride, 'stride', 'Conv2d')
        self.dilation = _pair(dilation, 'dilation', 'Conv2d')
        self.pad_mode = _pad_mode(pad_mode, 'Conv2d')
        if isinstance(padding, (tuple, list)) and len(padding) != 4:
            raise ValueError(f"For 'Conv2d', 'padding' must be an int or a tuple of 4 ints, got {padding!r}")
        _no_padding_unless_pad(self.pad_mode, padding, 'Conv2d')
        self.padding = padding if isinstance(padding, (int, np.integer)) else tuple(padding)
        self.group = _positive_int(group, 'group', 'Conv2d')
        if in_channels % group or out_channels % group:
            raise ValueError(f"For 'Conv2d', 'in_channels' ({in_channels}) and 'out_channels' "
                             f"({out_channels}) must be divisible by 'group' ({group})")
        self.has_bias = _bool(has_bias, 'has_bias', 'Conv2d')
        _nchw_only(data_format, 'Conv2d')
        self.data_format = data_format
        self.weight_init, self.bias_init = weight_init, bias_init
        shape = (out_channels, in_channels // group) + self.kernel_size
        self.weight = _initial_parameter(weight_init, shape, dtype, 'weight_init', 'Conv2d', _kaiming_default)
        fan_in = _fans(shape, 'weight_init')[0]
        self.bias = _initial_parameter(bias_init, (out_channels,), dtype, 'bias_init', 'Conv2d',
                                      _bias_default(fan_in)) if has_bias else None

    def construct(self, x):
        _check_input(x, (4,), self.in_channels, 'Conv2d', f'(N, {self.in_channels}, H, W)')
        return ops.conv2d(x, self.weight, self.bias if self.has_bias else None, self.stride,
                          self.pad_mode, self.padding, self.dilation, self.group)

    def extend_repr(self):
        return (f'input_channels={self.in_channels}, output_channels={self.out_channels}, '
                f'kernel_size={self.kernel_size}, stride={self.stride}, pad_mode={self.pad_mode}, '
                f'padding={self.padding}, dilation={self.dilation}, group={self.group}, '
                f'has_bias={self.has_bias}, weight_init={self.weight_init}, bias_init={self.bias_init}, '
                f'format={self.data_format}')


def _same_pads(hw, kernel_size, stride, dilation):
    """pad_mode='same': output size ceil(size / stride); an odd total puts the extra row or column
    at the bottom or right. -> (top, bottom, left, right)."""
    pads = []
    for size, k, s, d in zip(hw, kernel_size, stride, dilation):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return tuple(pads)


class _Pool2d(Cell):
    """Shared by MaxPool2d and AvgPool2d: arguments, (C, H, W) inputs taken as a batch of one."""

    def __init__(self, owner, kernel_size, stride, pad_mode, padding, ceil_mode, data_format):
        super().__init__()
        self.kernel_size = _pair(kernel_size, 'kernel_size', owner)
        self.stride = _pair(stride, 'stride', owner)
        self.pad_mode = _pad_mode(pad_mode, owner)
        _no_padding_unless_pad(self.pad_mode, padding, owner)
        self.padding = padding if isinstance(padding, (int, np.integer)) else tuple(padding)
        if ceil_mode:
            raise ValueError(f"For '{owner}', ceil_mode=True is not supported")
        self.ceil_mode = False
        _nchw_only(data_format, owner)
        self.data_format = data_format

    def construct(self, x):
        shape = _check_input(x, (3, 4), None, type(self).__name__, '(N, C, H, W) or (C, H, W)')
        if len(shape) == 3:
            out = self._pool(ops.expand_dims(x, 0))
            return tuple(ops.squeeze(o, 0) for o in out) if isinstance(out, tuple) else ops.squeeze(out, 0)
        return self._pool(x)

    def extend_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, pad_mode={self.pad_mode}'


class MaxPool2d(_Pool2d):
    """Maximum over each window of NCHW input. MindSpore's defaults: kernel_size=1, stride=1,
    pad_mode='valid'; 'same' pads with -inf, 'pad' by `padding` (an int or (h, w)).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 3, 8, 8), np.float32))
        >>> nn.MaxPool2d(kernel_size=2, stride=2)(x).shape
        (2, 3, 4, 4)
    """

    def __init__(self, kernel_size=1, stride=1, pad_mode='valid', padding=0, dilation=1,
                 return_indices=False, ceil_mode=False, data_format='NCHW'):
        super().__init__('MaxPool2d', kernel_size, stride, pad_mode, padding, ceil_mode, data_format)
        if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2):
            raise ValueError(f"For 'MaxPool2d', 'padding' must be an int or (h, w), got {padding!r}")
        self.dilation = _pair(dilation, 'dilation', 'MaxPool2d')
        self.return_indices = _bool(return_indices, 'return_indices', 'MaxPool2d')
        if self.return_indices and self.pad_mode == 'same':
            raise ValueError("For 'MaxPool2d', return_indices=True needs pad_mode 'valid' or 'pad'")

    def _pool(self, x):
        padding = self.padding
        if self.pad_mode == 'same':
            top, bottom, left, right = _same_pads(aval_of(x)[0][2:], self.kernel_size, self.stride, self.dilation)
            if (top, left) != (bottom, right):
                x = ops.pad(x, (left, right, top, bottom), value=-np.inf)
                top = left = 0
            padding = (top, left)
        return ops.max_pool2d(x, self.kernel_size, self.stride, padding, self.dilation, self.return_indices)


class AvgPool2d(_Pool2d):
    """Mean over each window of NCHW input. MindSpore's defaults: kernel_size=1, stride=1,
    pad_mode='valid'. With 'pad', `padding` (an int, (h, w) or (top, bottom, left, right)) adds
    zeros, counted unless count_include_pad=False; with 'same' the padding is never counted (the
    divisor is the number of input elements in the window, as TensorFlow's SAME does).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 3, 8, 8), np.float32))
        >>> nn.AvgPool2d(kernel_size=2, stride=2)(x).shape
        (2, 3, 4, 4)
    """

    def __init__(self, kernel_size=1, stride=1, pad_mode='valid', padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None, data_format='NCHW'):
        super().__init__('AvgPool2d', kernel_size, stride, pad_mode, padding, ceil_mode, data_format)
        self.count_include_pad = _bool(count_include_pad, 'count_include_pad', 'AvgPool2d')
        if divisor_override is not None and (isinstance(divisor_override, bool) or
                                             not isinstance(divisor_override, (int, np.integer))):
            raise TypeError(f"For 'AvgPool2d', 'divisor_override' must be None or an int, got {divisor_override!r}")
        self.divisor_override = divisor_override

    def _pool(self, x):
        padding, count = self.padding, self.count_include_pad
        if self.pad_mode == 'same':
            padding = _same_pads(aval_of(x)[0][2:], self.kernel_size, self.stride, (1, 1))
            count = False
        return ops.avg_pool2d(x, self.kernel_size, self.stride, padding, False, count,
                              self.divisor_override or 0)


# ---------------------------------------------------------------- dropout
class Dropout(Cell):
    """While training, zeroes each element with probability p (a fresh mask at every call) and
    scales the rest by 1 / (1 - p); the identity when not training. MindSpore 2.x takes `p`;
    the older keep_prob (= 1 - p) is still accepted when p is None.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 4), np.float32))
        >>> drop = nn.Dropout(p=0.5)
        >>> float(drop.set_train(False)(x).asnumpy().sum())   # the identity when not training
        8.0
    """

    def __init__(self, keep_prob=0.5, p=None, dtype=_FLOAT32):
        super().__init__()
        if p is None:
            if isinstance(keep_prob, bool) or not isinstance(keep_prob, numbers.Real) or not 0 < keep_prob <= 1:
                raise ValueError(f"For 'Dropout', 'keep_prob' must be a number in (0, 1], got {keep_prob!r}")
            rate = 1.0 - keep_prob
        else:
            if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p < 1:
                raise ValueError(f"For 'Dropout', 'p' must be a number in [0, 1), got {p!r}")
            rate = float(p)
        self.p, self.keep_prob, self.rate = p, keep_prob, rate

    def construct(self, x):
        if not self.training or self.rate == 0:
            return x
        return ops.dropout(x, self.rate, True)

    def extend_repr(self):
        return f'keep_prob={self.keep_prob}' if self.p is None else f'p={self.p}'


class Dropout2d(Cell):
    """While training, zeroes whole channels of (N, C, H, W) input, each with probability p (a
    fresh draw at every call), and scales the rest by 1 / (1 - p); the identity when not
    training.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 3, 8, 8), np.float32))
        >>> nn.Dropout2d(p=0.5).set_train(True)(x).shape
        (2, 3, 8, 8)
    """

    def __init__(self, p=0.5):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise ValueError(f"For 'Dropout2d', 'p' must be a number in [0, 1], got {p!r}")
        self.p = float(p)

    def construct(self, x):
        shape, dtype = aval_of(x)
        if len(shape) != 4:
            raise ValueError(f"For 'Dropout2d', the input must be (N, C, H, W), got shape {shape}")
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return x * 0.0
        keep = ops.bernoulli(ops.zeros(shape[:2] + (1, 1), dtype), 1 - self.p)
        return x * keep / (1 - self.p)

    def extend_repr(self):
        return f'p={self.p}'


# ---------------------------------------------------------------- normalisation
class _BatchNorm(Cell):
    """Batch normalisation over axis 1 (channels). When the batch statistics are used (training,
    unless use_batch_statistics says otherwise) the output is normalised with the batch's mean
    and biased variance, and the moving statistics are updated in place with `ops.assign`:
    moving = momentum * moving + (1 - momentum) * batch. The batch variance that enters the
    moving variance is the unbiased one (n / (n - 1)), as cuDNN and PyTorch use. Otherwise the
    moving statistics normalise. Parameters, in MindSpore's order: moving_mean, moving_variance
    (requires_grad=False), gamma, beta (trainable when affine)."""

    _NDIMS, _LAYOUT = (), ''

    def __init__(self, num_features, eps=1e-5, momentum=0.9, affine=True, gamma_init='ones',
                 beta_init='zeros', moving_mean_init='zeros', moving_var_init='ones',
                 use_batch_statistics=None, data_format='NCHW', dtype=_FLOAT32):
        super().__init__()
        owner = type(self).__name__
        self.num_features = _positive_int(num_features, 'num_features', owner)
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum <= 1:
            raise ValueError(f"For '{owner}', 'momentum' must be a number in [0, 1], got {momentum!r}")
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or eps <= 0:
            raise ValueError(f"For '{owner}', 'eps' must be a positive number, got {eps!r}")
        if use_batch_statistics is not None and not isinstance(use_batch_statistics, bool):
            raise ValueError(f"For '{owner}', 'use_batch_statistics' must be a bool or None, "
                             f"got {use_batch_statistics!r}")
        _nchw_only(data_format, owner)
        self.eps, self.momentum = float(eps), float(momentum)
        self.affine = _bool(affine, 'affine', owner)
        self.use_batch_statistics, self.data_format = use_batch_statistics, data_format
        shape = (self.num_features,)
        self.moving_mean = _initial_parameter(moving_mean_init, shape, dtype, 'moving_mean_init', owner,
                                             requires_grad=False)
        self.moving_variance = _initial_parameter(moving_var_init, shape, dtype, 'moving_var_init', owner,
                                                 requires_grad=False)
        self.gamma = _initial_parameter(gamma_init, shape, dtype, 'gamma_init', owner, requires_grad=self.affine)
        self.beta = _initial_parameter(beta_init, shape, dtype, 'beta_init', owner, requires_grad=self.affine)

    def construct(self, x):
        shape = _check_input(x, self._NDIMS, self.num_features, type(self).__name__,
                             self._LAYOUT.replace('C', str(self.num_features)))
        use_batch = self.training if self.use_batch_statistics is None else self.use_batch_statistics
        stat = (1, self.num_features) + (1,) * (len(shape) - 2)
        if not use_batch:
            return ops.batch_norm(x, self.moving_mean, self.moving_variance, self.gamma, self.beta,
                                  False, eps=self.eps)
        axes = (0,) + tuple(range(2, len(shape)))
        mean = ops.mean(x, axes, True)
        centred = x - mean
        variance = ops.mean(centred * centred, axes, True)
        out = centred / ops.sqrt(variance + self.eps)
        out = out * ops.reshape(self.gamma, stat) + ops.reshape(self.beta, stat)
        count = int(np.prod([shape[a] for a in axes]))
        unbiased = variance * (count / (count - 1)) if count > 1 else variance
        self._update(self.moving_mean, ops.reshape(mean, (self.num_features,)))
        self._update(self.moving_variance, ops.reshape(unbiased, (self.num_features,)))
        return out

    def _update(self, moving, batch):
        ops.assign(moving, self.momentum * moving + (1.0 - self.momentum) * ops.stop_gradient(batch))

    def extend_repr(self):
        return (f'num_features={self.num_features}, eps={self.eps}, momentum={self.momentum}, '
                f'gamma={self.gamma}, beta={self.beta}, moving_mean={self.moving_mean}, '
                f'moving_variance={self.moving_variance}')


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input; see _BatchNorm.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> bn = nn.BatchNorm1d(4)
        >>> bn.set_train(True)(Tensor(np.random.rand(8, 4).astype(np.float32))).shape
        (8, 4)
    """
    _NDIMS, _LAYOUT = (2, 3), '(N, C) or (N, C, L)'


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) input; see _BatchNorm.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> bn = nn.BatchNorm2d(3)
        >>> x = Tensor(np.ones((2, 3, 8, 8), np.float32))
        >>> bn.set_train(False)(x).shape
        (2, 3, 8, 8)
    """
    _NDIMS, _LAYOUT = (4,), '(N, C, H, W)'


class LayerNorm(Cell):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, the statistics (biased variance) over the
    axes from begin_norm_axis on; gamma and beta have shape normalized_shape, which must be the
    input's shape from begin_params_axis on. MindSpore's defaults: both axes -1, epsilon=1e-7.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.random.rand(2, 5).astype(np.float32))
        >>> out = nn.LayerNorm((5,))(x).asnumpy()
        >>> np.allclose(out.mean(axis=-1), 0, atol=1e-5)
        True
    """

    def __init__(self, normalized_shape, begin_norm_axis=-1, begin_params_axis=-1, gamma_init='ones',
                 beta_init='zeros', epsilon=1e-7, dtype=_FLOAT32):
        super().__init__()
        if not isinstance(normalized_shape, (tuple, list)):
            raise TypeError(f"For 'LayerNorm', 'normalized_shape' must be a tuple or list, got {normalized_shape!r}")
        for name, axis in (('begin_norm_axis', begin_norm_axis), ('begin_params_axis', begin_params_axis)):
            if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
                raise TypeError(f"For 'LayerNorm', '{name}' must be an int, got {axis!r}")
        if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or epsilon <= 0:
            raise ValueError(f"For 'LayerNorm', 'epsilon' must be a positive number, got {epsilon!r}")
        self.normalized_shape = tuple(_positive_int(n, 'normalized_shape', 'LayerNorm') for n in normalized_shape)
        self.begin_norm_axis, self.begin_params_axis = int(begin_norm_axis), int(begin_params_axis)
        self.epsilon = float(epsilon)
        self.gamma = _initial_parameter(gamma_init, self.normalized_shape, dtype, 'gamma_init', 'LayerNorm')
        self.beta = _initial_parameter(beta_init, self.normalized_shape, dtype, 'beta_init', 'LayerNorm')

    def _axis(self, axis, ndim, name):
        if not -1 <= axis < ndim:
            raise ValueError(f"For 'LayerNorm', '{name}' must be in [-1, {ndim}) for a {ndim}-d input, got {axis}")
        return axis % ndim

    def construct(self, x):
        shape = aval_of(x)[0]
        norm_axis = self._axis(self.begin_norm_axis, len(shape), 'begin_norm_axis')
        params_axis = self._axis(self.begin_params_axis, len(shape), 'begin_params_axis')
        if tuple(shape[params_axis:]) != self.normalized_shape:
            raise ValueError(f"For 'LayerNorm', normalized_shape {self.normalized_shape} must be the input's "
                             f"shape from begin_params_axis={self.begin_params_axis} on; the input has "
                             f"shape {shape}")
        axes = tuple(range(norm_axis, len(shape)))
        centred = x - ops.mean(x, axes, True)
        out = centred / ops.sqrt(ops.mean(centred * centred, axes, True) + self.epsilon)
        return out * self.gamma + self.beta

    def extend_repr(self):
        return (f'normalized_shape={self.normalized_shape}, begin_norm_axis={self.begin_norm_axis}, '
                f'begin_params_axis={self.begin_params_axis}, gamma={self.gamma}, beta={self.beta}')


# ---------------------------------------------------------------- embedding
class Embedding(Cell):
    """Rows of `embedding_table` (vocab_size, embedding_size) picked by integer ids: the output
    has shape ids.shape + (embedding_size,). The table starts 'normal' (sigma 0.01) by default;
    padding_idx zeroes its row at initialisation (as in MindSpore, its gradient is not masked).
    use_one_hot=True computes one_hot(ids) @ table instead of a gather. `dtype` is the ids'
    dtype, as in MindSpore.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> table = nn.Embedding(10, 4)
        >>> table(Tensor(np.array([[1, 2, 3]], np.int32))).shape
        (1, 3, 4)
    """

    def __init__(self, vocab_size, embedding_size, use_one_hot=False, embedding_table='normal',
                 dtype=runtime_dtypes.int32, padding_idx=None):
        super().__init__()
        self.vocab_size = _positive_int(vocab_size, 'vocab_size', 'Embedding')
        self.embedding_size = _positive_int(embedding_size, 'embedding_size', 'Embedding')
        self.use_one_hot = _bool(use_one_hot, 'use_one_hot', 'Embedding')
        if padding_idx is not None and (isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer))
                                        or not 0 <= padding_idx < vocab_size):
            raise ValueError(f"For 'Embedding', 'padding_idx' must be None or an int in [0, {vocab_size}), "
                             f"got {padding_idx!r}")
        self.padding_idx, self.dtype, self.init_tensor = padding_idx, dtype, embedding_table
        table = _initial_parameter(embedding_table, (vocab_size, embedding_size), _FLOAT32,
                                  'embedding_table', 'Embedding')
        if padding_idx is not None:
            table.asnumpy()[padding_idx] = 0
        self.embedding_table = table

    def construct(self, ids):
        shape, dtype = aval_of(ids)
        if dtype.kind not in 'iu':
            raise TypeError(f"For 'Embedding', the ids must be an integer Tensor, got {dtype}")
        if not self.use_one_hot:
            return ops.gather(self.embedding_table, ids, 0)
        table_dtype = aval_of(self.embedding_table)[1]
        one_hot = ops.cast(ops.one_hot(ops.reshape(ids, (-1,)), self.vocab_size), table_dtype)
        return ops.reshape(ops.matmul(one_hot, self.embedding_table), shape + (self.embedding_size,))

    def extend_repr(self):
        return (f'vocab_size={self.vocab_size}, embedding_size={self.embedding_size}, '
                f'use_one_hot={self.use_one_hot}, embedding_table={self.embedding_table}, '
                f'dtype={self.dtype}, padding_idx={self.padding_idx}')
