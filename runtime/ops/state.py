"""`ops.assign(variable, value)`, as MindSpore has it: writes `value` into the Parameter in place
(eagerly and in compiled code) and returns it."""
from ..primitive import current_builder
from ..primitives import state as P
from ..tensor import Tensor


def assign(variable, value):
    if isinstance(variable, Tensor) and current_builder() is None:   # eagerly: write into its own array
        variable._data[...] = value._data if isinstance(value, Tensor) else value
        return variable
    return P.assign.bind(variable, value)
