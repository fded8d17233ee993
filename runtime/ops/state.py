"""`ops.assign(variable, value)`, as MindSpore has it: writes `value` into the Parameter in place
(eagerly and in compiled code) and returns it."""
from ..primitives import state as P
from ..tensor import Tensor


def assign(variable, value):
    if isinstance(variable, Tensor):   # eagerly: write into the Parameter's own array
        variable._data[...] = value._data if isinstance(value, Tensor) else value
        return variable
    return P.assign.bind(variable, value)
