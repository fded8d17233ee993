"""GroupNorm, with MindSpore's arguments and Parameter names (BatchNorm1d/2d and LayerNorm are in
`layers`)."""
import numbers

import numpy as np

from runtime import dtypes as runtime_dtypes
from runtime import ops
from runtime.ops.common import aval_of
from ..cell import Cell
from .layers import _bool, _initial_parameter, _positive_int


class GroupNorm(Cell):
    """Splits the channels (axis 1) of (N, C, ...) input into num_groups groups and normalises
    each group of each example by its mean and biased variance: (x - mean) / sqrt(var + eps) *
    gamma + beta, gamma and beta of shape (num_channels,), trainable when affine.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> x = Tensor(np.arange(16, dtype=np.float32).reshape(1, 4, 2, 2))
        >>> y = nn.GroupNorm(2, 4)(x)          # channels 0-1 and 2-3 normalised together
        >>> print(np.round(y.asnumpy()[0, :2].ravel(), 3))
        [-1.528 -1.091 -0.655 -0.218  0.218  0.655  1.091  1.528]
    """

    def __init__(self, num_groups, num_channels, eps=1e-05, affine=True, gamma_init='ones', beta_init='zeros',
                 dtype=runtime_dtypes.float32):
        super().__init__()
        self.num_groups = _positive_int(num_groups, 'num_groups', 'GroupNorm')
        self.num_channels = _positive_int(num_channels, 'num_channels', 'GroupNorm')
        if num_channels % num_groups:
            raise ValueError(f"For 'GroupNorm', 'num_channels' ({num_channels}) must be divisible by "
                             f"'num_groups' ({num_groups})")
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or eps <= 0:
            raise ValueError(f"For 'GroupNorm', 'eps' must be a positive number, got {eps!r}")
        self.eps = float(eps)
        self.affine = _bool(affine, 'affine', 'GroupNorm')
        shape = (self.num_channels,)
        self.gamma = _initial_parameter(gamma_init, shape, dtype, 'gamma_init', 'GroupNorm', requires_grad=self.affine)
        self.beta = _initial_parameter(beta_init, shape, dtype, 'beta_init', 'GroupNorm', requires_grad=self.affine)

    def construct(self, x):
        shape = tuple(aval_of(x)[0])
        if len(shape) < 2 or shape[1] != self.num_channels:
            raise ValueError(f"For 'GroupNorm', the input must be (N, {self.num_channels}, ...), got shape {shape}")
        grouped = ops.reshape(x, (shape[0], self.num_groups, -1))
        centred = grouped - ops.mean(grouped, -1, True)
        variance = ops.mean(centred * centred, -1, True)
        out = ops.reshape(centred / ops.sqrt(variance + self.eps), shape)
        channels = (self.num_channels,) + (1,) * (len(shape) - 2)
        return out * ops.reshape(self.gamma, channels) + ops.reshape(self.beta, channels)

    def extend_repr(self):
        return f'num_groups={self.num_groups}, num_channels={self.num_channels}, eps={self.eps}, affine={self.affine}'
