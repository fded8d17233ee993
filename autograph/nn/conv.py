"""Conv1d, Conv2dTranspose, MaxPool1d and AvgPool1d, with MindSpore 2.x's arguments, defaults and
Parameter layouts. The 1-D layers run their 2-D counterparts on (N, C, 1, L); the transposed
convolution is the adjoint of conv2d with respect to its input (`ops.conv_transpose2d`)."""
import numpy as np

from runtime import dtypes as runtime_dtypes
from runtime import ops
from ..cell import Cell
from ..common.initializer import _fans
from .layers import (AvgPool2d, MaxPool2d, _bias_default, _bool, _check_input, _initial_parameter,
                     _kaiming_default, _no_padding_unless_pad, _pad_mode, _pair, _positive_int)

_FLOAT32 = runtime_dtypes.float32


def _int(value, name, owner):
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    return _positive_int(value, name, owner)


def _pads_1d(padding, owner):
    """An int or (left, right)."""
    pads = (padding, padding) if isinstance(padding, (int, np.integer)) else tuple(padding)
    if len(pads) != 2:
        raise ValueError(f"For '{owner}', 'padding' must be an int or (left, right), got {padding!r}")
    return tuple(int(p) for p in pads)


class Conv1d(Cell):
    """1-D cross-correlation over (N, C, L) input; weight (out_channels, in_channels / group,
    kernel_size), bias (out_channels,). Defaults as Conv2d's: pad_mode='same', has_bias=False,
    weight HeUniform(sqrt(5)), bias Uniform(1/sqrt(fan_in)). padding (with 'pad') is an int or
    (left, right).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 3, 10), np.float32))
        >>> nn.Conv1d(3, 8, 3, pad_mode='same')(x).shape
        (2, 8, 10)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
                 dilation=1, group=1, has_bias=False, weight_init=None, bias_init=None, dtype=_FLOAT32):
        super().__init__()
        owner = 'Conv1d'
        self.in_channels = _positive_int(in_channels, 'in_channels', owner)
        self.out_channels = _positive_int(out_channels, 'out_channels', owner)
        self.kernel_size = _int(kernel_size, 'kernel_size', owner)
        self.stride = _int(stride, 'stride', owner)
        self.dilation = _int(dilation, 'dilation', owner)
        self.pad_mode = _pad_mode(pad_mode, owner)
        _no_padding_unless_pad(self.pad_mode, padding, owner)
        self.padding = _pads_1d(padding, owner)
        self.group = _positive_int(group, 'group', owner)
        if in_channels % group or out_channels % group:
            raise ValueError(f"For 'Conv1d', 'in_channels' ({in_channels}) and 'out_channels' "
                             f"({out_channels}) must be divisible by 'group' ({group})")
        self.has_bias = _bool(has_bias, 'has_bias', owner)
        shape = (out_channels, in_channels // group, self.kernel_size)
        self.weight = _initial_parameter(weight_init, shape, dtype, 'weight_init', owner, _kaiming_default)
        self.bias = _initial_parameter(bias_init, (out_channels,), dtype, 'bias_init', owner,
                                      _bias_default(_fans(shape, 'weight_init')[0])) if has_bias else None

    def construct(self, x):
        _check_input(x, (3,), self.in_channels, 'Conv1d', f'(N, {self.in_channels}, L)')
        out = ops.conv2d(ops.expand_dims(x, 2), ops.expand_dims(self.weight, 2),
                         self.bias if self.has_bias else None, (1, self.stride), self.pad_mode,
                         (0, 0) + self.padding, (1, self.dilation), self.group)
        return ops.squeeze(out, 2)

    def extend_repr(self):
        return (f'input_channels={self.in_channels}, output_channels={self.out_channels}, '
                f'kernel_size={self.kernel_size}, stride={self.stride}, pad_mode={self.pad_mode}, '
                f'padding={self.padding}, dilation={self.dilation}, group={self.group}, has_bias={self.has_bias}')


class Conv2dTranspose(Cell):
    """The transposed 2-D convolution of NCHW input (the gradient of Conv2d with respect to its
    input); weight (in_channels, out_channels / group, kh, kw), bias (out_channels,). Output
    size per axis: 'same' size * stride; 'valid' (size - 1) * stride + dilation * (k - 1) + 1,
    at least size * stride; 'pad' (size - 1) * stride - pad_before - pad_after +
    dilation * (k - 1) + output_padding + 1, padding an int or (top, bottom, left, right).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.ones((2, 4, 5, 5), np.float32))
        >>> nn.Conv2dTranspose(4, 2, 3, stride=2, pad_mode='same')(x).shape
        (2, 2, 10, 10)
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode='same', padding=0,
                 output_padding=0, dilation=1, group=1, has_bias=False, weight_init=None, bias_init=None,
                 dtype=_FLOAT32):
        super().__init__()
        owner = 'Conv2dTranspose'
        self.in_channels = _positive_int(in_channels, 'in_channels', owner)
        self.out_channels = _positive_int(out_channels, 'out_channels', owner)
        self.kernel_size = _pair(kernel_size, 'kernel_size', owner)
        self.stride = _pair(stride, 'stride', owner)
        self.dilation = _pair(dilation, 'dilation', owner)
        self.pad_mode = _pad_mode(pad_mode, owner)
        if isinstance(padding, (tuple, list)) and len(padding) != 4:
            raise ValueError(f"For '{owner}', 'padding' must be an int or a tuple of 4 ints, got {padding!r}")
        _no_padding_unless_pad(self.pad_mode, padding, owner)
        self.padding = padding if isinstance(padding, (int, np.integer)) else tuple(padding)
        extra = (output_padding,) * 2 if isinstance(output_padding, (int, np.integer)) else tuple(output_padding)
        if len(extra) != 2 or any(isinstance(e, bool) or e < 0 for e in extra):
            raise ValueError(f"For '{owner}', 'output_padding' must be a non-negative int or (h, w), "
                             f"got {output_padding!r}")
        if self.pad_mode != 'pad' and any(extra):
            raise ValueError(f"For '{owner}', 'output_padding' needs pad_mode 'pad', got {self.pad_mode!r}")
        self.output_padding = tuple(int(e) for e in extra)
        self.group = _positive_int(group, 'group', owner)
        if in_channels % group or out_channels % group:
            raise ValueError(f"For '{owner}', 'in_channels' ({in_channels}) and 'out_channels' "
                             f"({out_channels}) must be divisible by 'group' ({group})")
        self.has_bias = _bool(has_bias, 'has_bias', owner)
        shape = (in_channels, out_channels // group) + self.kernel_size
        self.weight = _initial_parameter(weight_init, shape, dtype, 'weight_init', owner, _kaiming_default)
        self.bias = _initial_parameter(bias_init, (out_channels,), dtype, 'bias_init', owner,
                                      _bias_default(_fans(shape, 'weight_init')[0])) if has_bias else None

    def _pads(self, hw):
        """(padding, output_padding) giving the pad mode's output size."""
        if self.pad_mode == 'pad':
            return self.padding, self.output_padding
        pads, extra = [], []
        for k, s, d in zip(self.kernel_size, self.stride, self.dilation):
            span = d * (k - 1) + 1
            total = max(span - s, 0) if self.pad_mode == 'same' else 0
            pads += [total // 2, total - total // 2]
            extra.append(max(s - span, 0))
        return tuple(pads), tuple(extra)

    def construct(self, x):
        shape = _check_input(x, (4,), self.in_channels, 'Conv2dTranspose', f'(N, {self.in_channels}, H, W)')
        padding, extra = self._pads(shape[2:])
        return ops.conv_transpose2d(x, self.weight, self.bias if self.has_bias else None, self.stride,
                                    padding, extra, self.group, self.dilation)

    def extend_repr(self):
        return (f'input_channels={self.in_channels}, output_channels={self.out_channels}, '
                f'kernel_size={self.kernel_size}, stride={self.stride}, pad_mode={self.pad_mode}, '
                f'padding={self.padding}, dilation={self.dilation}, group={self.group}, has_bias={self.has_bias}')


class _Pool1d(Cell):
    """(N, C, L) or (C, L) input pooled by a 2-D pool over (N, C, 1, L). The 2-D pool is held
    outside the Cell registry: it is how this one computes, not a sub-Cell of the network."""

    def __init__(self, owner, pool2d, kernel_size, stride, pad_mode, padding):
        super().__init__()
        self.kernel_size = _int(kernel_size, 'kernel_size', owner)
        self.stride = _int(stride, 'stride', owner)
        self.pad_mode = _pad_mode(pad_mode, owner)
        _no_padding_unless_pad(self.pad_mode, padding, owner)
        if not isinstance(padding, (int, np.integer)):
            raise ValueError(f"For '{owner}', 'padding' must be an int, got {padding!r}")
        self.padding = int(padding)
        object.__setattr__(self, '_pool2d', pool2d)

    def construct(self, x):
        shape = _check_input(x, (2, 3), None, type(self).__name__, '(N, C, L) or (C, L)')
        x = ops.expand_dims(x, -2)
        out = self._pool2d._pool(x if len(shape) == 3 else ops.expand_dims(x, 0))
        if len(shape) == 2:
            out = tuple(ops.squeeze(o, 0) for o in out) if isinstance(out, tuple) else ops.squeeze(out, 0)
        return tuple(ops.squeeze(o, -2) for o in out) if isinstance(out, tuple) else ops.squeeze(out, -2)

    def extend_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, pad_mode={self.pad_mode}'


class MaxPool1d(_Pool1d):
    """Maximum over each window of (N, C, L) input. MindSpore's defaults: kernel_size=1,
    stride=1, pad_mode='valid'; 'same' pads with -inf, 'pad' by `padding` on both sides.
    return_indices=True also returns each maximum's index along L.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.arange(6, dtype=np.float32).reshape(1, 1, 6))
        >>> nn.MaxPool1d(kernel_size=2, stride=2)(x)
        Tensor(shape=[1, 1, 3], dtype=Float32, value=
        [[[ 1.00000000e+00,  3.00000000e+00,  5.00000000e+00]]])
    """

    def __init__(self, kernel_size=1, stride=1, pad_mode='valid', padding=0, dilation=1,
                 return_indices=False, ceil_mode=False):
        dilation = _int(dilation, 'dilation', 'MaxPool1d')
        pool = MaxPool2d((1, _int(kernel_size, 'kernel_size', 'MaxPool1d')), (1, _int(stride, 'stride', 'MaxPool1d')),
                         pad_mode, (0, padding) if isinstance(padding, (int, np.integer)) else padding,
                         (1, dilation), return_indices, ceil_mode)
        super().__init__('MaxPool1d', pool, kernel_size, stride, pad_mode, padding)
        self.dilation, self.return_indices = dilation, pool.return_indices


class AvgPool1d(_Pool1d):
    """Mean over each window of (N, C, L) input. MindSpore's defaults: kernel_size=1, stride=1,
    pad_mode='valid'; 'pad' adds `padding` zeros on both sides, counted unless
    count_include_pad=False; 'same' never counts its padding.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.arange(6, dtype=np.float32).reshape(1, 1, 6))
        >>> nn.AvgPool1d(kernel_size=2, stride=2)(x)
        Tensor(shape=[1, 1, 3], dtype=Float32, value=
        [[[ 5.00000000e-01,  2.50000000e+00,  4.50000000e+00]]])
    """

    def __init__(self, kernel_size=1, stride=1, pad_mode='valid', padding=0, ceil_mode=False,
                 count_include_pad=True):
        pool = AvgPool2d((1, _int(kernel_size, 'kernel_size', 'AvgPool1d')), (1, _int(stride, 'stride', 'AvgPool1d')),
                         pad_mode, (0, 0, padding, padding) if isinstance(padding, (int, np.integer)) else padding,
                         ceil_mode, count_include_pad)
        super().__init__('AvgPool1d', pool, kernel_size, stride, pad_mode, padding)
        self.count_include_pad = pool.count_include_pad
