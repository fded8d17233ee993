"""`x[index]` as an op: what Tensor.__getitem__ and compiled subscripts call."""
import numpy as np

from ..kernels import subscript as K
from ..kernels.subscript import ARRAY
from ..primitives import subscript as P
from ..primitive import current_builder
from ..tensor import Tensor
from . import masks
from .common import aval_of, numpy_function, shape_arg, tensor_method


@tensor_method('__getitem__')
def getitem(input, index):
    """Basic and integer-array indexing with NumPy's semantics. A boolean mask known now (eagerly,
    or a constant in compiled code) is the indices of its true elements, as in NumPy; one known
    only when compiled code runs gives a `masks.Selection`, which compiled code may sum, average
    or assign to (its length is known only at run time)."""
    index = _known_masks(input, index)
    items = index if isinstance(index, tuple) else (index,)
    if any(_is_mask(item) for item in items):
        if len(items) != 1:
            raise masks.refusal("a boolean mask combined with other indices")
        return masks.select(input, items[0])
    template, arrays = split_index(index)
    return P.getitem.bind(input, *arrays, index=template)


def setitem(input, index, value):
    """`input[index] = value` as a new array (compiled code's meaning of that assignment).
    A boolean mask known only at run time selects where `value` goes: `where(mask, value, input)`."""
    index = _known_masks(input, index)
    items = index if isinstance(index, tuple) else (index,)
    if any(_is_mask(item) for item in items):
        if len(items) != 1:
            raise masks.refusal("assigning to x[mask, ...] (a boolean mask combined with other "
                                "indices)")
        return masks.assign(input, items[0], value)
    if isinstance(value, masks.Selection):
        raise masks.refusal("assigning x[mask] to other elements")
    template, arrays = split_index(index)
    return P.setitem.bind(input, value, *arrays, index=template)


def _is_mask(item):
    return not isinstance(item, (int, slice, list, tuple, type(None), type(Ellipsis))) and \
        hasattr(item, 'dtype') and aval_of(item)[1].kind == 'b'


def _known_masks(input, index):
    """`index` with each boolean mask whose values are known now (a NumPy array, a list of bools,
    a Tensor outside compiled code) replaced by the integer indices of its true elements, as
    NumPy defines masks: the result then has a static shape."""
    items = index if isinstance(index, tuple) else (index,)
    known = [_known_mask(item) for item in items]
    if all(mask is None for mask in known):
        return index
    shape = aval_of(input)[0]
    # the axes each item indexes: a k-d mask k of them, None none, ... the ones nobody else does
    spans = [mask.ndim if mask is not None else 0 if item is None or item is Ellipsis else 1
             for item, mask in zip(items, known)]
    ellipsis = [i for i, item in enumerate(items) if item is Ellipsis]
    skipped = len(shape) - sum(spans)
    result, axis = [], 0
    for i, (item, mask) in enumerate(zip(items, known)):
        if ellipsis and i == ellipsis[0]:
            axis += skipped
        if mask is not None:
            covered = tuple(shape[axis:axis + mask.ndim])
            if covered != mask.shape:
                raise IndexError(f"a boolean mask of shape {mask.shape} does not match the indexed "
                                 f"axes of shape {covered} (the array has shape {tuple(shape)})")
            result.extend(np.nonzero(mask))
        else:
            result.append(item)
        axis += spans[i]
    return tuple(result)


def _known_mask(item):
    """The boolean array in `item` if its values are known now (not a 0-d one), else None."""
    if isinstance(item, list) and item and _has_bool(item) and not _has_int(item):
        item = np.asarray(item)
    if isinstance(item, Tensor) and current_builder() is None:
        item = item.asnumpy()
    if isinstance(item, np.ndarray) and item.dtype == np.bool_ and item.ndim:
        return item
    return None


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


def _has_int(items):
    return any(_has_int(i) if isinstance(i, list) else
               isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)) for i in items)
