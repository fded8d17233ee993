"""The runtime: what executes. Tensor and Parameter, dtypes, primitives with their NumPy kernels.

It never imports `autograph`: compiled code needs only NumPy and the kernels defined here.
"""
from . import dtypes
from .dtypes import (DType, bool_, int8, int16, int32, int64, uint8, float16, float32,
                     float64)
from .tensor import Parameter, ParameterTuple, Tensor
from . import ops, primitives
from .primitive import REGISTRY, Aval, Primitive
