"""MindSpore's sparse tensors, CSRTensor and COOTensor, as containers of their index and value
Tensors: attributes, `astype`, `to_dense`. They run eagerly; compiled code and the ops do not
take them (convert with `to_dense()`)."""
import numpy as np

from .tensor import Tensor


def _tensor(value, name, owner):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (np.ndarray, list, tuple)):
        return Tensor(value)
    raise TypeError(f"For '{owner}', '{name}' must be a Tensor, got {type(value).__name__}")


def _shape(shape, owner):
    if not isinstance(shape, (tuple, list)) or not all(isinstance(n, (int, np.integer)) for n in shape):
        raise TypeError(f"For '{owner}', 'shape' must be a tuple of ints, got {shape!r}")
    return tuple(int(n) for n in shape)


class COOTensor:
    """A sparse tensor in coordinate format, as MindSpore's `COOTensor`: `indices` (N, ndims)
    integers, one row per non-zero element; `values` (N,); `shape` the dense shape.

    Example:
        >>> from autograph import COOTensor, Tensor, int32, float32, float64
        >>> coo = COOTensor(Tensor([[0, 1], [1, 2]], int32), Tensor([1, 2], float32), (3, 4))
        >>> coo.shape, coo.astype(float64).dtype
        ((3, 4), Float64)
        >>> coo.to_dense().asnumpy()[:2]
        array([[0., 1., 0., 0.],
               [0., 0., 2., 0.]], dtype=float32)
    """

    def __init__(self, indices=None, values=None, shape=None, coo_tensor=None):
        if coo_tensor is not None:
            indices, values, shape = coo_tensor.indices, coo_tensor.values, coo_tensor.shape
        self.indices = _tensor(indices, 'indices', 'COOTensor')
        self.values = _tensor(values, 'values', 'COOTensor')
        self.shape = _shape(shape, 'COOTensor')
        if (self.indices.ndim != 2 or self.indices.asnumpy().dtype.kind not in 'iu'
                or self.indices.shape[1] != len(self.shape)):
            raise ValueError(f"For 'COOTensor', 'indices' must be integers of shape "
                             f"(N, {len(self.shape)}), got {self.indices.shape} {self.indices.dtype}")
        if self.values.shape != (self.indices.shape[0],):
            raise ValueError(f"For 'COOTensor', 'values' must have shape ({self.indices.shape[0]},), "
                             f"got {self.values.shape}")

    dtype = property(lambda self: self.values.dtype)
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: self.values.size)

    def astype(self, dtype):
        return COOTensor(self.indices, Tensor(self.values, dtype), self.shape)

    def to_dense(self):
        dense = np.zeros(self.shape, self.values.asnumpy().dtype)
        np.add.at(dense, tuple(self.indices.asnumpy().T), self.values.asnumpy())
        return Tensor._wrap(dense)

    def __repr__(self):
        return (f'COOTensor(shape={list(self.shape)}, dtype={self.dtype}, indices={self.indices!r}, '
                f'values={self.values!r})')


class CSRTensor:
    """A 2-D sparse tensor in compressed sparse row format, as MindSpore's `CSRTensor`: row i's
    non-zero values are `values[indptr[i]:indptr[i + 1]]`, in the columns `indices` gives.

    Example:
        >>> from autograph import CSRTensor, Tensor, float32, float64
        >>> csr = CSRTensor(Tensor([0, 1, 2]), Tensor([0, 1]), Tensor([1, 2], float32), (2, 4))
        >>> csr.astype(float64).dtype
        Float64
        >>> csr.to_dense().asnumpy()
        array([[1., 0., 0., 0.],
               [0., 2., 0., 0.]], dtype=float32)
    """

    def __init__(self, indptr=None, indices=None, values=None, shape=None, csr_tensor=None):
        if csr_tensor is not None:
            indptr, indices, values, shape = (csr_tensor.indptr, csr_tensor.indices,
                                              csr_tensor.values, csr_tensor.shape)
        self.indptr = _tensor(indptr, 'indptr', 'CSRTensor')
        self.indices = _tensor(indices, 'indices', 'CSRTensor')
        self.values = _tensor(values, 'values', 'CSRTensor')
        self.shape = _shape(shape, 'CSRTensor')
        if len(self.shape) != 2:
            raise ValueError(f"For 'CSRTensor', only 2-D shapes are supported, got {self.shape}")
        if self.indptr.shape != (self.shape[0] + 1,) or self.indptr.asnumpy().dtype.kind not in 'iu':
            raise ValueError(f"For 'CSRTensor', 'indptr' must be {self.shape[0] + 1} integers, "
                             f"got {self.indptr.shape} {self.indptr.dtype}")
        if (self.indices.ndim != 1 or self.indices.asnumpy().dtype.kind not in 'iu'
                or self.values.shape != self.indices.shape):
            raise ValueError("For 'CSRTensor', 'indices' and 'values' must be 1-D and equally long, "
                             f"got {self.indices.shape} and {self.values.shape}")

    dtype = property(lambda self: self.values.dtype)
    ndim = property(lambda self: 2)
    size = property(lambda self: self.values.size)

    def astype(self, dtype):
        return CSRTensor(self.indptr, self.indices, Tensor(self.values, dtype), self.shape)

    def to_dense(self):
        dense = np.zeros(self.shape, self.values.asnumpy().dtype)
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr.asnumpy()))
        np.add.at(dense, (rows, self.indices.asnumpy()), self.values.asnumpy())
        return Tensor._wrap(dense)

    def to_coo(self):
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr.asnumpy()))
        indices = np.stack([rows, self.indices.asnumpy()], axis=1).astype(self.indices.asnumpy().dtype)
        return COOTensor(Tensor._wrap(indices), self.values, self.shape)

    def __repr__(self):
        return (f'CSRTensor(shape={list(self.shape)}, dtype={self.dtype}, indptr={self.indptr!r}, '
                f'indices={self.indices!r}, values={self.values!r})')
