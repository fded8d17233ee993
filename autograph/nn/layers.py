"""Layers: Dense and activations as Cells. Their `construct` is ordinary autograph code over
`runtime.ops`, run on the compiler's symbolic values inside compiled code."""
import numpy as np

from runtime import dtypes as runtime_dtypes
from runtime import ops
from runtime.tensor import Parameter, Tensor
from .cell import Cell


class Dense(Cell):
    """y = activation(x @ weight.T + bias), weight of shape (out_channels, in_channels) as in
    MindSpore. Initial values are drawn from NumPy's global generator, uniform in
    ±1/sqrt(in_channels), unless given."""

    def __init__(self, in_channels, out_channels, weight_init=None, bias_init=None, has_bias=True,
                 activation=None, dtype=None):
        super().__init__()
        bound = 1.0 / np.sqrt(in_channels)
        dtype = dtype or runtime_dtypes.float32
        self.in_channels, self.out_channels = in_channels, out_channels
        self.weight = Parameter(Tensor(_initial(weight_init, (out_channels, in_channels), bound), dtype))
        self.has_bias = has_bias
        if has_bias:
            self.bias = Parameter(Tensor(_initial(bias_init, (out_channels,), bound), dtype))
        self.activation = _ACTIVATIONS[activation] if isinstance(activation, str) else activation

    def construct(self, x):
        y = ops.matmul(x, ops.transpose(self.weight))
        if self.has_bias:
            y = y + self.bias
        return self.activation(y) if self.activation is not None else y

    def extend_repr(self):
        return (f'input_channels={self.in_channels}, output_channels={self.out_channels}, '
                f'has_bias={self.has_bias}')


class ReLU(Cell):
    def construct(self, x):
        return ops.relu(x)


class Sigmoid(Cell):
    def construct(self, x):
        return ops.sigmoid(x)


_ACTIVATIONS = {'relu': ops.relu, 'sigmoid': ops.sigmoid, 'tanh': ops.tanh}


def _initial(init, shape, bound):
    if init is None:
        return np.random.uniform(-bound, bound, shape)
    if isinstance(init, (int, float)):
        return np.full(shape, init)
    return np.asarray(init.asnumpy() if isinstance(init, Tensor) else init).reshape(shape)
