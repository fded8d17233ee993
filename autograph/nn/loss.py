"""Loss functions as Cells, with MindSpore 2.x's names, arguments and defaults. Each is a thin
Cell over the loss in `runtime.ops`; the arguments are checked when the Cell is built, so a bad
`reduction` fails there rather than at the first call. `construct(logits, labels)` as in
MindSpore."""
import numbers

import numpy as np

from runtime import ops
from runtime.tensor import Tensor
from ..cell import Cell

_REDUCTIONS = ('mean', 'sum', 'none')


def _reduction(reduction, owner):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"For '{owner}', 'reduction' must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _optional_tensor(value, name, owner):
    if isinstance(value, np.ndarray):
        return Tensor(value)
    if value is not None and not isinstance(value, Tensor):
        raise TypeError(f"For '{owner}', '{name}' must be a Tensor or None, got {type(value).__name__}")
    return value


class LossBase(Cell):
    """A loss with a `reduction` ('mean', 'sum' or 'none').

    Example:
        >>> from autograph import nn
        >>> nn.MSELoss(reduction='sum').reduction
        'sum'
    """

    def __init__(self, reduction='mean'):
        super().__init__()
        self.reduction = _reduction(reduction, type(self).__name__)


class MSELoss(LossBase):
    """(logits - labels)^2, reduced.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> logits = Tensor(np.array([[0.5, 2.0], [1.0, -1.0]], np.float32))
        >>> labels = Tensor(np.array([[1.0, 2.0], [0.0, -1.0]], np.float32))
        >>> print(round(float(nn.MSELoss()(logits, labels)), 4))
        0.3125
    """

    def construct(self, logits, labels):
        return ops.mse_loss(logits, labels, self.reduction)


class L1Loss(LossBase):
    """|logits - labels|, reduced.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> logits = Tensor(np.array([[0.5, 2.0], [1.0, -1.0]], np.float32))
        >>> labels = Tensor(np.array([[1.0, 2.0], [0.0, -1.0]], np.float32))
        >>> print(round(float(nn.L1Loss()(logits, labels)), 4))
        0.375
    """

    def construct(self, logits, labels):
        return ops.l1_loss(logits, labels, self.reduction)


class SmoothL1Loss(LossBase):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = logits - labels). MindSpore's
    default reduction here is 'none'.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> logits = Tensor(np.array([[0.5, 2.0], [1.0, -1.0]], np.float32))
        >>> labels = Tensor(np.array([[1.0, 2.0], [0.0, -1.0]], np.float32))
        >>> print(round(float(nn.SmoothL1Loss(reduction='mean')(logits, labels)), 4))
        0.1562
    """

    def __init__(self, beta=1.0, reduction='none'):
        super().__init__(reduction)
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or beta <= 0:
            raise ValueError(f"For 'SmoothL1Loss', 'beta' must be a positive number, got {beta!r}")
        self.beta = float(beta)

    def construct(self, logits, labels):
        return ops.smooth_l1_loss(logits, labels, self.beta, self.reduction)


class BCELoss(LossBase):
    """-w [y log(p) + (1 - y) log(1 - p)] on probabilities p = logits (each log clamped, so p = 0
    or 1 stays finite); `weight` has the shape of the logits.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> p = Tensor(np.array([0.8, 0.3], np.float32)); y = Tensor(np.array([1.0, 0.0], np.float32))
        >>> print(round(float(nn.BCELoss()(p, y)), 4))
        0.2899
    """

    def __init__(self, weight=None, reduction='mean'):
        super().__init__(reduction)
        self.weight = _optional_tensor(weight, 'weight', 'BCELoss')

    def construct(self, logits, labels):
        return ops.binary_cross_entropy(logits, labels, self.weight, self.reduction)


class BCEWithLogitsLoss(LossBase):
    """Binary cross entropy on logits, as `ops.binary_cross_entropy_with_logits`; `weight` and
    `pos_weight` broadcast against the logits.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> z = Tensor(np.array([0.0, 0.0], np.float32)); y = Tensor(np.array([1.0, 0.0], np.float32))
        >>> print(round(float(nn.BCEWithLogitsLoss()(z, y)), 4))
        0.6931
    """

    def __init__(self, reduction='mean', weight=None, pos_weight=None):
        super().__init__(reduction)
        self.weight = _optional_tensor(weight, 'weight', 'BCEWithLogitsLoss')
        self.pos_weight = _optional_tensor(pos_weight, 'pos_weight', 'BCEWithLogitsLoss')

    def construct(self, logits, labels):
        return ops.binary_cross_entropy_with_logits(logits, labels, self.weight, self.pos_weight,
                                                    self.reduction)


def _class_weight(weight, ignore_index, owner):
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"For '{owner}', 'ignore_index' must be an int, got {ignore_index!r}")
    return _optional_tensor(weight, 'weight', owner)


class NLLLoss(LossBase):
    """Negative log likelihood of log-probabilities (classes on axis 1, or axis 0 for one sample)
    against class indices: -weight[y] logp[y], 0 where y == ignore_index; 'mean' divides by the
    total weight of the targets not ignored.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> logp = Tensor(np.log(np.array([[0.5, 0.5], [0.25, 0.75]], np.float32)))
        >>> print(round(float(nn.NLLLoss()(logp, Tensor(np.array([0, 1], np.int32)))), 4))
        0.4904
    """

    def __init__(self, weight=None, ignore_index=-100, reduction='mean'):
        super().__init__(reduction)
        self.weight = _class_weight(weight, ignore_index, 'NLLLoss')
        self.ignore_index = int(ignore_index)

    def construct(self, logits, labels):
        return ops.nll_loss(logits, labels, self.weight, self.ignore_index, self.reduction)


class CrossEntropyLoss(LossBase):
    """Cross entropy of logits (classes on axis 1, or axis 0 for one sample) against class indices
    (integers) or class probabilities (floats of the logits' shape), with class `weight`,
    `ignore_index` and `label_smoothing` as in MindSpore (and PyTorch): 'mean' divides by the
    total weight of the targets for indices, by the number of samples for probabilities.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, Tensor
        >>> logits = Tensor(np.array([[0.0, 0.0], [0.0, 0.0]], np.float32))
        >>> print(round(float(nn.CrossEntropyLoss()(logits, Tensor(np.array([0, 1], np.int32)))), 4))
        0.6931
    """

    def __init__(self, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
        super().__init__(reduction)
        self.weight = _class_weight(weight, ignore_index, 'CrossEntropyLoss')
        self.ignore_index = int(ignore_index)
        if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real) \
                or not 0 <= label_smoothing <= 1:
            raise ValueError(f"For 'CrossEntropyLoss', 'label_smoothing' must be a number in [0, 1], "
                             f"got {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)

    def construct(self, logits, labels):
        return ops.cross_entropy(logits, labels, self.weight, self.ignore_index, self.reduction,
                                 self.label_smoothing)
