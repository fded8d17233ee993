"""Data types: MindSpore's names (`Float32`, `Int64`, ...) over NumPy dtypes.

A `DType` is what a user sees (`autograph.float32`, `tensor.dtype` printing as `Float32`);
everything below the user's API works with plain `numpy.dtype` objects. `to_numpy` accepts
any spelling a user may pass (DType, numpy dtype or scalar type, Python type, string).
"""
import numpy as np


class DType:
    __slots__ = ('name', 'np')

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)

    def __repr__(self):
        return self.name

    def __eq__(self, other):
        try:
            return self.np == to_numpy(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.np)


bool_ = DType('Bool', np.bool_)
int8 = DType('Int8', np.int8)
int16 = DType('Int16', np.int16)
int32 = DType('Int32', np.int32)
int64 = DType('Int64', np.int64)
uint8 = DType('UInt8', np.uint8)
uint16 = DType('UInt16', np.uint16)
uint32 = DType('UInt32', np.uint32)
uint64 = DType('UInt64', np.uint64)
float16 = DType('Float16', np.float16)
float32 = DType('Float32', np.float32)
float64 = DType('Float64', np.float64)
complex64 = DType('Complex64', np.complex64)
complex128 = DType('Complex128', np.complex128)

ALL = (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64,
       complex64, complex128)
_BY_NUMPY = {d.np: d for d in ALL}


def to_numpy(dtype):
    """Any dtype spelling -> numpy.dtype."""
    if isinstance(dtype, DType):
        return dtype.np
    if dtype is float:
        return np.dtype(np.float32)  # MindSpore's default float
    if dtype is int:
        return np.dtype(np.int64)
    if dtype is bool:
        return np.dtype(np.bool_)
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"not a data type: {dtype!r}") from None


def from_numpy(np_dtype):
    """numpy.dtype -> the DType a user sees."""
    np_dtype = np.dtype(np_dtype)
    known = _BY_NUMPY.get(np_dtype)
    if known is None and np_dtype.kind in 'US':
        return DType('String', np_dtype)        # MindSpore's name for a string Tensor's dtype
    # A dtype MindSpore has no name for still shows: NumPy's name.
    return known if known is not None else DType(np_dtype.name.capitalize(), np_dtype)


def is_float(np_dtype):
    return np.issubdtype(np_dtype, np.floating)
