"""MindSpore's evaluation metrics (`mindspore.train.Accuracy`, `Loss`, `Precision`, `Recall`,
`MAE`, `MSE`): each accumulates over batches with `update`, reports with `eval`, and restarts
with `clear`. They work on NumPy arrays, so Tensors, arrays and lists are all accepted."""
import sys
from typing import Any, Union

import numpy as np

__all__ = ['Metric', 'Accuracy', 'Loss', 'Precision', 'Recall', 'MAE', 'MSE', 'get_metric']


def _array(value):
    """A NumPy array of a Tensor, array, list or number."""
    return np.asarray(value.asnumpy() if hasattr(value, 'asnumpy') else value)


class Metric:
    """The base class of metrics: subclasses define `clear()`, `update(*inputs)` and `eval()`.

    `set_indexes([i, j])` picks which outputs of the evaluation network (`(loss, outputs,
    label)` for a Model built with a loss function) this metric receives.

    Example:
        >>> from autograph.train import Accuracy
        >>> metric = Accuracy()
        >>> metric.update([[0.1, 0.9], [0.8, 0.2]], [1, 1])
        >>> metric.eval()
        0.5
    """

    def __init__(self):
        self._indexes = None
        self.clear()

    def set_indexes(self, indexes: list[int]) -> 'Metric':
        """Receive these positions of the evaluation network's outputs. Returns self.

        Example:
            >>> from autograph.train import Accuracy
            >>> Accuracy().set_indexes([1, 2])._indexes
            [1, 2]
        """
        self._indexes = list(indexes)
        return self

    @property
    def indexes(self):
        return self._indexes

    def clear(self) -> None:
        """Forget what was accumulated."""
        raise NotImplementedError

    def update(self, *inputs: Any) -> None:
        """Add a batch: the network's outputs (and labels)."""
        raise NotImplementedError

    def eval(self) -> Any:
        """The metric over the batches added since the last clear."""
        raise NotImplementedError

    def __call__(self, *inputs):
        self.clear()
        self.update(*inputs)
        return self.eval()

    def _empty(self):
        # MindSpore's wording, so ported code that matches on it keeps working.
        return RuntimeError(f"The '{type(self).__name__}' can not be calculated, because the "
                            "number of samples is 0.")


def _predicted_and_true(y_pred, y, eval_type):
    """(predicted classes, true classes) for 'classification'; 0/1 arrays for 'multilabel'."""
    y_pred, y = _array(y_pred), _array(y)
    if eval_type == 'multilabel':
        if y_pred.shape != y.shape:
            raise ValueError(f"multilabel: y_pred's shape {y_pred.shape} must equal y's {y.shape}")
        return np.round(y_pred).astype(np.int64), y.astype(np.int64)
    if y_pred.ndim < 2:
        raise ValueError(f"classification: y_pred must be (N, C) scores, got shape {y_pred.shape}")
    classes = y_pred.shape[-1]
    # a one-hot label has the scores' shape; a class index has one dimension fewer
    true = np.argmax(y, axis=-1) if y.shape == y_pred.shape else y.astype(np.int64)
    if true.size and (true.min() < 0 or true.max() >= classes):
        raise ValueError(f"labels must lie in [0, {classes}), got {true.min()}..{true.max()}")
    return np.argmax(y_pred, axis=-1).reshape(-1), true.reshape(-1), classes


class Accuracy(Metric):
    """The fraction of samples classified correctly.

    Args:
        eval_type: 'classification' (scores (N, C) against class indices (N,) or one-hot
            labels (N, C); the prediction is the arg-max) or 'multilabel' (scores rounded to 0/1,
            a sample counts when all its labels are right).

    `update(y_pred, y)` adds a batch; `eval()` returns a float.

    Example:
        >>> import numpy as np
        >>> from autograph.train import Accuracy
        >>> metric = Accuracy('classification')
        >>> metric.update(np.array([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]), np.array([1, 0, 0]))
        >>> round(metric.eval(), 4)
        0.6667
    """

    def __init__(self, eval_type: str = 'classification') -> None:
        if eval_type not in ('classification', 'multilabel'):
            raise ValueError(f"eval_type must be 'classification' or 'multilabel', got {eval_type!r}")
        self.eval_type = eval_type
        super().__init__()

    def clear(self):
        self._correct = 0
        self._total = 0

    def update(self, *inputs):
        if len(inputs) != 2:
            raise ValueError(f'Accuracy needs 2 inputs (y_pred, y), but got {len(inputs)}')
        if self.eval_type == 'multilabel':
            predicted, true = _predicted_and_true(*inputs, 'multilabel')
            right = np.all(predicted == true, axis=tuple(range(1, predicted.ndim)))
        else:
            predicted, true, _ = _predicted_and_true(*inputs, 'classification')
            right = predicted == true
        self._correct += int(np.sum(right))
        self._total += int(np.size(right))

    def eval(self):
        if self._total == 0:
            raise self._empty()
        return self._correct / self._total


class _PerClass(Metric):
    """Precision and recall: true positives over predicted (or actual) positives, per class."""

    def __init__(self, eval_type: str = 'classification') -> None:
        if eval_type not in ('classification', 'multilabel'):
            raise ValueError(f"eval_type must be 'classification' or 'multilabel', got {eval_type!r}")
        self.eval_type = eval_type
        # the smallest positive float keeps 0/0 at 0 for a class never predicted (or never seen)
        self.eps = sys.float_info.min
        super().__init__()

    def clear(self):
        self._true_positives = 0
        self._positives = 0
        self._seen = False

    def update(self, *inputs):
        if len(inputs) != 2:
            raise ValueError(f'{type(self).__name__} needs 2 inputs (y_pred, y), but got {len(inputs)}')
        if self.eval_type == 'multilabel':
            predicted, true = _predicted_and_true(*inputs, 'multilabel')
            predicted, true = predicted.reshape(-1, predicted.shape[-1]), true.reshape(-1, true.shape[-1])
        else:
            predicted, true, classes = _predicted_and_true(*inputs, 'classification')
            predicted, true = np.eye(classes, dtype=np.int64)[predicted], np.eye(classes, dtype=np.int64)[true]
        self._true_positives = self._true_positives + np.sum(predicted * true, axis=0)
        self._positives = self._positives + np.sum(self._counted(predicted, true), axis=0)
        self._seen = True

    def eval(self, average: bool = False) -> Union[np.ndarray, float]:
        """Per-class values as an array, or their mean with `average=True`."""
        if not self._seen:
            raise self._empty()
        result = self._true_positives / (self._positives + self.eps)
        return float(np.mean(result)) if average else result


class Precision(_PerClass):
    """Per class, the fraction of the samples predicted as that class that belong to it.

    Args:
        eval_type: 'classification' or 'multilabel', as for `Accuracy`.

    `eval(average=False)` returns an array with one value per class; `average=True` their mean.

    Example:
        >>> import numpy as np
        >>> from autograph.train import Precision
        >>> metric = Precision()
        >>> metric.update(np.array([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]), np.array([1, 0, 0]))
        >>> metric.eval()
        array([1. , 0.5])
    """

    @staticmethod
    def _counted(predicted, true):
        return predicted


class Recall(_PerClass):
    """Per class, the fraction of the samples of that class that are predicted as it.

    Args:
        eval_type: 'classification' or 'multilabel', as for `Accuracy`.

    `eval(average=False)` returns an array with one value per class; `average=True` their mean.

    Example:
        >>> import numpy as np
        >>> from autograph.train import Recall
        >>> metric = Recall()
        >>> metric.update(np.array([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]), np.array([1, 0, 0]))
        >>> metric.eval()
        array([0.5, 1. ])
    """

    @staticmethod
    def _counted(predicted, true):
        return true


class Loss(Metric):
    """The mean of the losses of the batches seen (each batch's loss a scalar, or the mean of
    an array of per-sample losses).

    Example:
        >>> from autograph.train import Loss
        >>> metric = Loss()
        >>> metric.update(0.5); metric.update(1.5)
        >>> metric.eval()
        1.0
    """

    def clear(self):
        self._sum = 0.0
        self._count = 0

    def update(self, *inputs):
        if len(inputs) != 1:
            raise ValueError(f'Loss needs 1 input (the loss), but got {len(inputs)}')
        loss = _array(inputs[0])
        self._sum += float(np.mean(loss))
        self._count += 1

    def eval(self):
        if self._count == 0:
            raise self._empty()
        return self._sum / self._count


class _Error(Metric):
    def clear(self):
        self._sum = 0.0
        self._count = 0

    def update(self, *inputs):
        if len(inputs) != 2:
            raise ValueError(f'{type(self).__name__} needs 2 inputs (y_pred, y), but got {len(inputs)}')
        y_pred, y = _array(inputs[0]), _array(inputs[1])
        error = self._per_sample(y_pred.reshape(y.shape) - y)
        self._sum += float(np.sum(error))
        self._count += y.shape[0] if y.ndim else 1

    def eval(self):
        if self._count == 0:
            raise self._empty()
        return self._sum / self._count


class MAE(_Error):
    """Mean absolute error over the samples seen (summed over each sample's elements).

    Example:
        >>> from autograph.train import MAE
        >>> MAE()([[1.0], [2.0]], [[1.5], [1.0]])
        0.75
    """

    @staticmethod
    def _per_sample(difference):
        return np.abs(difference)


class MSE(_Error):
    """Mean squared error over the samples seen (summed over each sample's elements).

    Example:
        >>> from autograph.train import MSE
        >>> MSE()([[1.0], [2.0]], [[1.5], [1.0]])
        0.625
    """

    @staticmethod
    def _per_sample(difference):
        return difference * difference


_BY_NAME = {'accuracy': Accuracy, 'acc': Accuracy, 'loss': Loss, 'precision': Precision,
            'recall': Recall, 'mae': MAE, 'mse': MSE}


def get_metric(name: str) -> Metric:
    """A new metric by its MindSpore name: 'accuracy' ('acc'), 'loss', 'precision', 'recall',
    'mae', 'mse'.

    Example:
        >>> from autograph.train import get_metric
        >>> type(get_metric('accuracy')).__name__
        'Accuracy'
    """
    try:
        return _BY_NAME[name]()
    except KeyError:
        raise KeyError(f"no metric named {name!r}; known: {sorted(_BY_NAME)}") from None
