"""`mindspore.dataset.transforms`: general transforms on NumPy arrays, usable in `map` or called
directly on an array."""
import numpy as np

from runtime.dtypes import to_numpy
from runtime.tensor import Tensor


class TensorOperation:
    """The base of every transform: calling one on arrays (or Tensors) gives NumPy arrays."""

    def __call__(self, *args):
        arrays = [a.asnumpy() if isinstance(a, Tensor) else np.asarray(a) for a in args]
        return self._apply(*arrays)

    def _apply(self, *arrays):
        raise NotImplementedError


class PyTensorOperation(TensorOperation):
    pass


class TypeCast(TensorOperation):
    """Casts to `data_type`: an autograph (MindSpore) dtype or a NumPy one."""

    def __init__(self, data_type):
        self.data_type = to_numpy(data_type)

    def _apply(self, array):
        return array.astype(self.data_type)


class OneHot(TensorOperation):
    """Class indices -> one-hot rows of `num_classes`, in the labels' dtype. With
    `smoothing_rate` s, the hot entry is 1 - s + s / num_classes and the others s / num_classes
    (floats then)."""

    def __init__(self, num_classes, smoothing_rate=0.0):
        if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
            raise TypeError(f"`num_classes` must be an int, but got {type(num_classes).__name__}.")
        if num_classes < 1:
            raise ValueError(f"`num_classes` must be positive, but got {num_classes}.")
        if not 0.0 <= smoothing_rate <= 1.0:
            raise ValueError(f"`smoothing_rate` must lie in [0, 1], but got {smoothing_rate}.")
        self.num_classes, self.smoothing_rate = int(num_classes), float(smoothing_rate)

    def _apply(self, labels):
        if not np.issubdtype(labels.dtype, np.integer):
            raise RuntimeError(f"OneHot: the labels must be integers, but got {labels.dtype}.")
        if labels.size and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise RuntimeError(f"OneHot: the labels must lie in [0, {self.num_classes}), "
                               f"but got {labels.min()}..{labels.max()}.")
        hot = np.eye(self.num_classes, dtype=labels.dtype)[labels]
        if self.smoothing_rate:
            rate = self.smoothing_rate
            return (hot * (1 - rate) + rate / self.num_classes).astype(np.float32)
        return hot


class Compose(TensorOperation):
    """The transforms in order, as one; a transform returning a tuple feeds all its values on."""

    def __init__(self, transforms):
        transforms = list(transforms) if isinstance(transforms, (list, tuple)) else None
        if not transforms or not all(callable(t) for t in transforms):
            raise TypeError("`transforms` must be a non-empty list of callables.")
        self.transforms = transforms

    def __call__(self, *args):
        for transform in self.transforms:
            result = transform(*args)
            args = result if isinstance(result, tuple) else (result,)
        return args if len(args) > 1 else args[0]


class Duplicate(TensorOperation):
    """One column in, the same values twice out (give `output_columns` two names)."""

    def _apply(self, array):
        return array, array.copy()


class Fill(TensorOperation):
    def __init__(self, fill_value):
        self.fill_value = fill_value

    def _apply(self, array):
        return np.full_like(array, self.fill_value)
