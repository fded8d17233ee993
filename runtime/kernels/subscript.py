"""Kernels for `x[index]` and its adjoint. An index is a static template (ints, slices, None,
Ellipsis, tuples of ints) with the marker 'array' where an integer-array operand goes."""
import numpy as np

ARRAY = 'array'


def build_index(template, arrays=()):
    """The NumPy index for `template` with `arrays` put in place of the markers. (Generated code
    passes indices with the arrays already in place; they go through unchanged.)"""
    arrays = iter(arrays)
    template = template if isinstance(template, tuple) else (template,)
    return tuple(next(arrays) if isinstance(item, str) else np.asarray(item) if isinstance(item, tuple)
                 else item for item in template)


def getitem(x, *arrays, index):
    return x[build_index(index, arrays)]


def index_add(g, *arrays, index, shape):
    """Zeros of `shape` with `g` added at `index`: the adjoint of getitem. Repeated integer
    indices accumulate (np.add.at); basic indexing never repeats an element, so it assigns."""
    out = np.zeros(shape, np.result_type(g))
    where = build_index(index, arrays)
    if any(not (item is None or item is Ellipsis or isinstance(item, (int, slice))) for item in where):
        np.add.at(out, where, g)
    else:
        out[where] = g
    return out


def setitem(x, value, *arrays, index):
    """A copy of `x` with `value` written at `index`: `x[index] = value` without mutation."""
    out = x.copy()
    out[build_index(index, arrays)] = value
    return out


def index_add_to(acc, g, *arrays, index):
    """`acc[index] += g` in place (repeated integer indices accumulate), returning `acc`. The
    optimiser uses it only where nothing else reads `acc`: where `acc + index_add(g, ...)` would
    allocate and add a whole array for a few elements."""
    where = build_index(index, arrays)
    if any(not (item is None or item is Ellipsis or isinstance(item, (int, slice))) for item in where):
        np.add.at(acc, where, g)
    else:
        acc[where] += g
    return acc
