"""`x[index]` as an op: what Tensor.__getitem__ and compiled subscripts call."""
import numpy as np

from ..kernels import subscript as K
from ..kernels.subscript import ARRAY
from ..primitives import subscript as P
from .common import aval_of, numpy_function, shape_arg, tensor_method


@tensor_method('__getitem__')
def getitem(input, index):
    """Basic and integer-array indexing with NumPy's semantics. Boolean masks give a shape known
    only at run time, which compiled code does not have: use `ops.where`/`ops.masked_fill`."""
    template, arrays = split_index(index)
    return P.getitem.bind(input, *arrays, index=template)


def setitem(input, index, value):
    """`input[index] = value` as a new array (compiled code's meaning of that assignment).
    A boolean mask selects where `value` goes: `where(mask, value, input)`."""
    items = index if isinstance(index, tuple) else (index,)
    if len(items) == 1 and _is_mask(items[0]):
        from .elementwise import where
        return where(items[0], value, input)
    template, arrays = split_index(index)
    return P.setitem.bind(input, value, *arrays, index=template)


def _is_mask(item):
    return not isinstance(item, (int, slice, list, tuple, type(None), type(Ellipsis))) and \
        aval_of(item)[1].kind == 'b'


@numpy_function(K.setitem)
def _setitem(x, value, *arrays, index):
    """Generated code's `setitem(x, v, index=np.s_[i, :])`, read back."""
    if not arrays:
        index, arrays = split_index(index)
    return P.setitem.bind(x, value, *arrays, index=index)


@numpy_function(K.index_add_to)
def _index_add_to(acc, g, *arrays, index):
    """Generated code's in-place `index_add_to(dx, dy, index=...)`, read back as what it means:
    `dx + index_add(dy)` (the optimiser decides again where writing in place is safe)."""
    if not arrays:
        index, arrays = split_index(index)
    return acc + P.index_add.bind(g, *arrays, index=index, shape=shape_arg(aval_of(acc)[0]))


@numpy_function(K.index_add)
def _index_add(g, *arrays, index, shape):
    """Generated code's `index_add(dy, index=np.s_[idx, ::2], shape=...)`, read back (or the
    kernel's own form, with the arrays apart and 'array' markers in the index)."""
    if not arrays:
        index, arrays = split_index(index)
    return P.index_add.bind(g, *arrays, index=index, shape=shape_arg(shape))


def split_index(index):
    """A Python index -> (static template, integer-array operands)."""
    items = index if isinstance(index, tuple) else (index,)
    template, arrays = [], []
    for item in items:
        if isinstance(item, bool) or (isinstance(item, list) and _has_bool(item)):
            raise IndexError("indexing with booleans (a mask) is not supported: the result's shape "
                             "would be known only at run time; use ops.where or ops.masked_fill")
        if isinstance(item, (int, np.integer)):
            template.append(int(item))
        elif item is None or item is Ellipsis:
            template.append(item)
        elif isinstance(item, slice):
            template.append(_static_slice(item))
        elif isinstance(item, (list, tuple)):
            template.append(_nested_ints(item))
        elif not hasattr(item, 'dtype'):
            raise IndexError(f"an index must be an int, a slice, None, ... or an integer array, "
                             f"not a {type(item).__name__} ({item!r})")
        else:
            kind = aval_of(item)[1].kind
            if kind == 'b':
                raise IndexError("indexing with a boolean mask is not supported: the result's shape "
                                 "would be known only at run time; use ops.where or ops.masked_fill")
            if kind not in 'iu':
                raise IndexError(f"an index array must hold integers, not {item.dtype}")
            template.append(ARRAY)
            arrays.append(item)
    return tuple(template), arrays


class NeedsStaticIndex(IndexError):
    """A slice bound known only at run time; the compiler may unroll the loop that made it."""


def _static_slice(item):
    for part in (item.start, item.stop, item.step):
        if part is not None and not isinstance(part, (int, np.integer)):
            raise NeedsStaticIndex("slice bounds must be Python ints known when compiling")
    return slice(*(None if p is None else int(p) for p in (item.start, item.stop, item.step)))


def _nested_ints(items):
    return tuple(_nested_ints(i) if isinstance(i, (list, tuple)) else int(i) for i in items)


def _has_bool(items):
    return any(_has_bool(i) if isinstance(i, list) else isinstance(i, (bool, np.bool_)) for i in items)
