"""Activation Cells, with MindSpore's names and arguments: ReLU, Sigmoid, Tanh, GELU, SiLU,
LeakyReLU, ELU, PReLU (a learnt slope per channel), Softmax, LogSoftmax, and Identity. Dense's
`activation` argument names them ('relu', 'leakyrelu', 'logsoftmax'...)."""
import numbers

import numpy as np

from runtime import dtypes as runtime_dtypes
from runtime import ops
from runtime.ops.common import aval_of
from runtime.tensor import Parameter, Tensor
from ..cell import Cell
from ..common.initializer import values as init_values


def _real(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"For '{owner}', '{name}' must be a float, got {value!r}")
    return float(value)


def _axis(axis, owner):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"For '{owner}', 'axis' must be an int, got {axis!r}")
    return int(axis)


class ReLU(Cell):
    """max(x, 0).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.ReLU()(Tensor(np.array([-1.0, 2.0], np.float32))).asnumpy()
        array([0., 2.], dtype=float32)
    """

    def construct(self, x):
        return ops.relu(x)


class Sigmoid(Cell):
    """1 / (1 + exp(-x)).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.Sigmoid()(Tensor(np.array([0.0], np.float32))).asnumpy()
        array([0.5], dtype=float32)
    """

    def construct(self, x):
        return ops.sigmoid(x)


class Tanh(Cell):
    """Tanh.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.Tanh()(Tensor(np.array([0.0], np.float32))).asnumpy()
        array([0.], dtype=float32)
    """
    def construct(self, x):
        return ops.tanh(x)


class SiLU(Cell):
    """x * sigmoid(x).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.SiLU()(Tensor(np.array([0.0, 1.0], np.float32))).asnumpy()
        array([0.       , 0.7310586], dtype=float32)
    """

    def construct(self, x):
        return ops.silu(x)


class GELU(Cell):
    """x * P(X <= x), X standard normal. MindSpore's default approximate=True is the tanh formula;
    approximate=False is the exact one (via erf).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.GELU(approximate=False)(Tensor(np.array([0.0, 1.0], np.float32))).asnumpy()
        array([0.       , 0.8413447], dtype=float32)
    """

    def __init__(self, approximate=True):
        super().__init__()
        if not isinstance(approximate, (bool, np.bool_)):
            raise TypeError(f"For 'GELU', 'approximate' must be a bool, got {approximate!r}")
        self.approximate = bool(approximate)

    def construct(self, x):
        return ops.gelu(x, 'tanh' if self.approximate else 'none')


class LeakyReLU(Cell):
    """x where x >= 0, alpha * x elsewhere (MindSpore's default alpha is 0.2).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.LeakyReLU(alpha=0.2)(Tensor(np.array([-1.0, 2.0], np.float32))).asnumpy()
        array([-0.2,  2. ], dtype=float32)
    """

    def __init__(self, alpha=0.2):
        super().__init__()
        self.alpha = _real(alpha, 'alpha', 'LeakyReLU')

    def construct(self, x):
        return ops.leaky_relu(x, self.alpha)

    def extend_repr(self):
        return f'alpha={self.alpha}'


class ELU(Cell):
    """x where x > 0, alpha * (exp(x) - 1) elsewhere. MindSpore supports alpha=1.0 only; any
    float is accepted here.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.ELU()(Tensor(np.array([-1.0, 2.0], np.float32))).asnumpy()
        array([-0.63212055,  2.        ], dtype=float32)
    """

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = _real(alpha, 'alpha', 'ELU')

    def construct(self, x):
        return ops.elu(x, self.alpha)


class PReLU(Cell):
    """max(x, 0) + w * min(x, 0) with a learnt slope `w` of shape (channel,), applied along axis 1
    (the channels); channel=1 shares one slope. `w` is the initial slope (a float, or a Tensor or
    array of shape (channel,)), 0.25 by default.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.PReLU()(Tensor(np.array([[-1.0, 2.0]], np.float32))).asnumpy()
        array([[-0.25,  2.  ]], dtype=float32)
    """

    def __init__(self, channel=1, w=0.25):
        super().__init__()
        if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)) or channel < 1:
            raise ValueError(f"For 'PReLU', 'channel' must be a positive int, got {channel!r}")
        self.channel = int(channel)
        init = float(w) if isinstance(w, numbers.Real) and not isinstance(w, bool) else w
        data, dtype = init_values(init, (self.channel,), 'PReLU', 'w')
        self.w = Parameter(Tensor(np.array(data), dtype or runtime_dtypes.float32))

    def construct(self, x):
        ndim = len(aval_of(x)[0])
        w = self.w
        if ndim > 2 and self.channel > 1:
            w = ops.reshape(w, (self.channel,) + (1,) * (ndim - 2))
        return ops.relu(x) + w * ops.minimum(x, 0.0)


class Softmax(Cell):
    """exp(x) / sum(exp(x)) over `axis` (default -1).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.Softmax()(Tensor(np.array([1.0, 1.0], np.float32))).asnumpy()
        array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = _axis(axis, 'Softmax')

    def construct(self, x):
        return ops.softmax(x, self.axis)


class LogSoftmax(Cell):
    """x - logsumexp(x) over `axis` (default -1).

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.LogSoftmax()(Tensor(np.array([0.0, 0.0], np.float32))).asnumpy()
        array([-0.6931472, -0.6931472], dtype=float32)
    """

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = _axis(axis, 'LogSoftmax')

    def construct(self, x):
        return ops.log_softmax(x, self.axis)


class Identity(Cell):
    """Returns its input.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> nn.Identity()(Tensor(np.array([1.0, 2.0], np.float32))).asnumpy()
        array([1., 2.], dtype=float32)
    """

    def construct(self, x):
        return x


# Names MindSpore's get_activation knows, for Dense's `activation`.
_ACTIVATIONS = {'relu': ReLU, 'sigmoid': Sigmoid, 'tanh': Tanh, 'gelu': GELU, 'softmax': Softmax,
                'logsoftmax': LogSoftmax, 'leakyrelu': LeakyReLU, 'elu': ELU, 'prelu': PReLU,
                'silu': SiLU}


def _activation(activation, owner):
    """A name -> a new activation Cell (a sub-Cell, as in MindSpore); a Cell or a callable as is."""
    if activation is None or callable(activation) and not isinstance(activation, str):
        return activation
    if isinstance(activation, str) and activation.lower() in _ACTIVATIONS:
        return _ACTIVATIONS[activation.lower()]()
    raise ValueError(f"For '{owner}', 'activation' must be None, a Cell, a callable or one of "
                     f"{sorted(_ACTIVATIONS)}, got {activation!r}")
