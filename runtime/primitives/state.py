"""`assign`: the one primitive with an effect. It writes a value into a Parameter's array in place
(an optimizer step, running statistics) and returns the variable, whose later reads must use that
result. Dead-code elimination keeps it; it is never merged with another; it has no gradient."""
import numpy as np

from ..array_api import NumpyOnly
from ..kernels import state as K
from .core import MATRIX, Aval, defprim


def _assign_rule(variable, value):
    shape = value.shape if isinstance(value, Aval) else ()
    try:
        fits = np.broadcast_shapes(shape, variable.shape) == tuple(variable.shape)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"cannot assign a value of shape {shape} to a variable of shape {variable.shape}")
    return Aval(variable.shape, variable.dtype)


# writes_first: the compiler makes later reads of the variable see the result.
assign = defprim('assign', K.assign, _assign_rule, vjp=None, jvp=None,
                 batch='it writes a Parameter in place; a batch of writes to one Parameter has no single result',
                 samples=[((MATRIX, MATRIX * 2), {})], effect=True, writes_first=True,
                 array_api=NumpyOnly('it writes into a Parameter, which holds a NumPy array'))
