"""Tensor and Parameter: the user-facing array types, thin wrappers over `numpy.ndarray`.

`ArrayMethods` gives operators and methods (`x @ w`, `x.sum(axis=1)`, `x.T`) to both Tensor and the
compiler's symbolic values: every one of them is a call of an op in `runtime.ops`, so a method
works the same eagerly and inside compiled code. Display follows MindSpore: `repr` is
`Tensor(shape=[3], dtype=Float32, value= [...])`, `str` is NumPy's.
"""
from typing import Any

import numpy as np

from . import dtypes


class ArrayMethods:
    """Operators and methods shared by Tensor and symbolic IR values. The operators are here;
    the methods (`x.sum(axis=1)`, `x.T`, ...) are ops registered by `ops.common.tensor_method`."""
    __slots__ = ()
    __array_priority__ = 100  # ndarray <op> Tensor defers to Tensor's reflected operator

    def __add__(self, other): return ops.add(self, other)
    def __radd__(self, other): return ops.add(other, self)
    def __sub__(self, other): return ops.sub(self, other)
    def __rsub__(self, other): return ops.sub(other, self)
    def __mul__(self, other): return ops.mul(self, other)
    def __rmul__(self, other): return ops.mul(other, self)
    def __truediv__(self, other): return ops.div(self, other)
    def __rtruediv__(self, other): return ops.div(other, self)
    def __pow__(self, other): return ops.pow(self, other)
    def __rpow__(self, other): return ops.pow(other, self)
    def __matmul__(self, other): return ops.matmul(self, other)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.neg(self)
    def __pos__(self): return self
    def __abs__(self): return ops.abs(self)
    def __lt__(self, other): return ops.less(self, other)
    def __le__(self, other): return ops.less_equal(self, other)
    def __gt__(self, other): return ops.greater(self, other)
    def __ge__(self, other): return ops.greater_equal(self, other)
    def __eq__(self, other): return ops.equal(self, other)
    def __ne__(self, other): return ops.not_equal(self, other)
    # == is elementwise, so hashing is by identity (as PyTorch does): a Tensor is a valid dict key.
    __hash__ = object.__hash__


class Tensor(ArrayMethods):
    """An n-dimensional array, as MindSpore's `Tensor`: NumPy's data with MindSpore's dtypes, repr
    and methods (`asnumpy`, `shape`, `dtype`, arithmetic, `sum`, `reshape`...).

    Args:
        input_data: a number, a (nested) list, a NumPy array or a Tensor.
        dtype: an autograph dtype (`autograph.float32`) or a NumPy one. Without it, Python floats
            become Float32 and ints Int64, as in MindSpore; arrays keep their dtype.
        shape, init: instead of `input_data`, MindSpore's delayed initialisation:
            `Tensor(shape=(2, 2), dtype=float32, init=One())` fills the shape with an initializer
            of `autograph.common.initializer` (or a number) at once.

    Example:
        >>> import numpy as np
        >>> from autograph import Tensor, float32
        >>> t = Tensor([[1, 2], [3, 4]], float32)
        >>> t.shape, t.dtype
        ((2, 2), Float32)
        >>> (t * 2).asnumpy()
        array([[2., 4.],
               [6., 8.]], dtype=float32)
    """
    __slots__ = ('_data',)

    def __init__(self, input_data=None, dtype=None, shape=None, init=None):
        if init is not None or shape is not None:
            input_data = _initialised(input_data, dtype, shape, init)
        if isinstance(input_data, Tensor):
            input_data = input_data._data
        np_dtype = dtypes.to_numpy(dtype) if dtype is not None else _default_dtype(input_data)
        self._data = np.array(input_data, dtype=np_dtype)

    @staticmethod
    def from_numpy(array):
        """A Tensor that shares `array`'s memory, as MindSpore's `Tensor.from_numpy`: writing to
        the array in place changes the Tensor.

        Example:
            >>> import numpy as np
            >>> from autograph import Tensor
            >>> n = np.ones(3)
            >>> t = Tensor.from_numpy(n)
            >>> n += 1
            >>> t
            Tensor(shape=[3], dtype=Float64, value= [ 2.00000000e+00,  2.00000000e+00,  2.00000000e+00])
        """
        if not isinstance(array, np.ndarray):
            raise TypeError(f"For 'Tensor.from_numpy', the input must be a numpy.ndarray, "
                            f"got {type(array).__name__}")
        return Tensor._wrap(array)

    @staticmethod
    def _wrap(array: Any) -> 'Tensor':
        t = _new_tensor(Tensor)
        t._data = array if type(array) is np.ndarray else np.asarray(array)
        return t

    shape = property(lambda self: self._data.shape)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)
    dtype = property(lambda self: dtypes.from_numpy(self._data.dtype))
    itemsize = property(lambda self: self._data.itemsize)
    nbytes = property(lambda self: self._data.nbytes)
    strides = property(lambda self: self._data.strides)

    def asnumpy(self):
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    # NumPy functions on Tensors run the same ops as compiled code does (np.exp(t), np.sum(t, 0)),
    # and give Tensors; a NumPy function without an op gets arrays and gives NumPy's result.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == '__call__' and 'out' not in kwargs:
            op = _numpy_op(ufunc)
            if op is not None:
                return op(*inputs, **kwargs)
        return getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))

    def __array_function__(self, func, types, args, kwargs):
        op = _numpy_op(func) if 'out' not in kwargs else None
        if op is not None:
            return op(*args, **kwargs)
        return func(*_unwrap(args), **_unwrap(kwargs))

    def __index__(self):
        if self._data.ndim or self._data.dtype.kind not in 'iu':
            raise TypeError("only a 0-d integer Tensor can be used as an index")
        return int(self._data)

    def __len__(self):
        return len(self._data)

    def __float__(self):
        return self._to_number(float)

    def __int__(self):
        return self._to_number(int)

    def __bool__(self):
        if self._data.size != 1:    # NumPy's message suggests a.any(), which Tensors do not have
            raise ValueError(f"the truth value of a Tensor of shape {list(self.shape)} is ambiguous; "
                             "reduce it to one element first, such as (x != 0).sum() > 0")
        return bool(self._data)

    def _to_number(self, kind):
        try:
            return kind(self._data)
        except TypeError:       # NumPy's message speaks of arrays and scalars
            raise TypeError(f"{kind.__name__}() of a Tensor of shape {list(self.shape)}: only a 0-d "
                            "Tensor (shape []) converts to a Python number") from None

    def item(self):
        return self._data.item()

    def __setitem__(self, index, value):
        """In place, as MindSpore's Tensors do outside compiled code (compiled code makes a new
        array instead)."""
        index = index._data if isinstance(index, Tensor) else index
        self._data[index] = value._data if isinstance(value, Tensor) else value

    def __str__(self):
        return str(self._data)

    def __repr__(self):
        return f'Tensor(shape={list(self.shape)}, dtype={self.dtype}, value={_format_value(self._data)})'


class Parameter(Tensor):
    """A Tensor that a model trains: named, found by `weights=` in `grad`, and read by compiled code
    at each call (so an optimizer's `set_data` never triggers a recompile).

    Args:
        default_input: the initial value (a Tensor, an array or a number).
        name: the name checkpoints and `return_ids` use; a Cell names its Parameters after their
            attributes.
        requires_grad: whether `Cell.trainable_params()` lists it.

    Example:
        >>> import numpy as np
        >>> from autograph import Parameter, Tensor
        >>> w = Parameter(Tensor(np.zeros(3, np.float32)), name='w')
        >>> w
        Parameter (name=w, shape=(3,), dtype=Float32, requires_grad=True)
    """
    __slots__ = ('name', 'requires_grad')

    def __init__(self, default_input, name=None, requires_grad=True):
        super().__init__(default_input)
        self.name = name
        self.requires_grad = requires_grad

    def set_data(self, data):
        """Replace the value (an optimizer step); compiled code reads it at the next call."""
        self._data = np.array(data._data if isinstance(data, Tensor) else data, dtype=self._data.dtype)
        return self

    def __repr__(self):
        return (f'Parameter (name={self.name}, shape={self.shape}, dtype={self.dtype}, '
                f'requires_grad={self.requires_grad})')

    __str__ = __repr__


class ParameterTuple(tuple):
    """A tuple of Parameters, as `weights=` takes it (MindSpore's `ParameterTuple`).

    Args:
        params: an iterable of Parameters (anything else is a TypeError).

    Example:
        >>> from autograph import ParameterTuple, nn
        >>> weights = ParameterTuple(nn.Dense(3, 2).trainable_params())
        >>> [p.name for p in weights]
        ['weight', 'bias']
    """

    def __new__(cls, params):
        params = tuple(params)
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(f"ParameterTuple takes Parameters, got {type(p).__name__}")
        return super().__new__(cls, params)


_new_tensor = object.__new__


def _numpy_op(func):
    """The op that stands for a NumPy function (as in compiled code), if there is one."""
    from .primitive import BY_KERNEL
    op = ops.NUMPY_FUNCTIONS.get(id(func))
    if op is None and id(func) in BY_KERNEL:
        op = BY_KERNEL[id(func)].bind
    return op


def _unwrap(tree):
    if isinstance(tree, Tensor):
        return tree._data
    if isinstance(tree, (list, tuple)):
        return type(tree)(_unwrap(t) for t in tree)
    if isinstance(tree, dict):
        return {k: _unwrap(v) for k, v in tree.items()}
    return tree


def _initialised(input_data, dtype, shape, init):
    """The values of `Tensor(shape=..., dtype=..., init=...)`, as MindSpore's delayed
    initialisation: `init` is an initializer (called with the shape, as
    `autograph.common.initializer`'s are) or a number."""
    if input_data is not None:
        raise ValueError("For 'Tensor', 'input_data' and 'shape'/'init' can not be given together")
    if init is None or shape is None or dtype is None:
        raise ValueError("For 'Tensor', 'init' needs 'shape' and 'dtype' too")
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    values = np.full(shape, init) if isinstance(init, (int, float)) else np.asarray(init(shape))
    if values.shape != shape:
        raise ValueError(f"For 'Tensor', 'init' gave shape {values.shape}, expected {shape}")
    return values


def _default_dtype(data):
    if isinstance(data, (np.ndarray, np.generic)):
        return data.dtype
    kind = np.asarray(data).dtype.kind
    return {'f': np.float32, 'i': np.int64, 'b': np.bool_}.get(kind, None)


def _format_value(array):
    if array.ndim == 0:
        return f' {array.item():g}' if array.dtype.kind == 'f' else f' {array.item()}'
    formatter = {'float_kind': lambda v: f'{v: .8e}'} if array.dtype.kind == 'f' else None
    # MindSpore does not wrap rows at NumPy's 75 columns.
    text = np.array2string(array, separator=', ', formatter=formatter, max_line_width=10_000)
    return ('\n' if array.ndim > 1 else ' ') + text


from . import ops  # noqa: E402  (ops builds on Tensor; the methods above call into it)
