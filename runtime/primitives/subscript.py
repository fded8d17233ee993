"""`x[index]`: the subscript primitive and its adjoint, `index_add`; and `x[index] = v` as the
functional update `setitem` (a new array), which is what compiled code makes of assignments.
`index_add_to(acc, g)` is `acc + index_add(g)` done in place; only the optimiser makes it, where
nothing else reads `acc`.

The index is a static param (a template of ints, slices, None, Ellipsis and tuples of ints, with
the marker 'array' where an integer-array operand goes), so the result's shape is known when
compiling. Generated code writes getitem as a subscript (`x[1:, None]`), not as a call.
"""
import numpy as np

from ..kernels import subscript as K
from .core import MATRIX, Aval, defprim


def _stand_in(aval):
    """A zero-stride array of the real shape: indexing it costs nothing but the result's size."""
    return np.broadcast_to(np.zeros((), aval.dtype), aval.shape)


def _getitem_rule(x, *arrays, index):
    try:
        shape = _stand_in(x)[K.build_index(index, [np.zeros(a.shape, a.dtype) for a in arrays])].shape
    except IndexError as e:
        raise ValueError(f"index {_show(index)} does not fit an array of shape {x.shape}: {e}") from None
    return Aval(shape, x.dtype)


def _show(index):
    return '[' + ', '.join(str(item) for item in index) + ']'


def _getitem_vjp(g, x, *arrays, out, index):
    return (index_add.bind(g, *arrays, index=index, shape=x.shape),) + (None,) * len(arrays)


def _index_add_rule(g, *arrays, index, shape):
    return Aval(tuple(shape), g.dtype)


def _index_add_vjp(dout, g, *arrays, out, index, shape):
    return (getitem.bind(dout, *arrays, index=index),) + (None,) * len(arrays)


def _setitem_rule(x, value, *arrays, index):
    target = _getitem_rule(x, *arrays, index=index)
    value_shape = value.shape if isinstance(value, Aval) else ()
    try:
        fits = np.broadcast_shapes(value_shape, target.shape) == target.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"cannot assign a value of shape {value_shape} to x[{_show(index)[1:-1]}] "
                         f"of shape {target.shape}")
    return Aval(x.shape, x.dtype)


def _setitem_vjp(g, x, value, *arrays, out, index):
    """The overwritten elements of x get no gradient; the value gets the gradient there. (With
    repeated integer indices the last write wins and this gives each write the gradient.)"""
    return ((setitem.bind(g, 0, *arrays, index=index), getitem.bind(g, *arrays, index=index))
            + (None,) * len(arrays))


_CUBE = np.arange(24.).reshape(2, 3, 4) / 7
getitem = defprim('getitem', K.getitem, _getitem_rule, _getitem_vjp, [
    ((MATRIX,), {'index': (1,)}),
    ((MATRIX,), {'index': (slice(None), slice(None, None, 2))}),
    ((MATRIX,), {'index': (-1, None, slice(1, None))}),
    ((_CUBE,), {'index': (Ellipsis, 1)}),
    ((_CUBE,), {'index': (slice(None, None, -1), Ellipsis, slice(1, 3))}),
    ((MATRIX, np.array([1, 0, 1])), {'index': ('array',)}),
    ((_CUBE, np.array([[0, 2], [2, 2]])), {'index': (slice(None), 'array', slice(None, 2))}),
    ((_CUBE,), {'index': ((1, 1, 0),)}),
])
getitem.subscript = True  # codegen writes it as x[...]
index_add = defprim('index_add', K.index_add, _index_add_rule, _index_add_vjp, [
    ((np.array([0.5, -1.0]),), {'index': (slice(None, None, 2),), 'shape': (3,)}),
    ((np.array([[0.5, -1.0], [2.0, 0.25], [1.0, 3.0]]), np.array([1, 0, 1])),
     {'index': ('array', slice(1, None)), 'shape': (2, 3)}),
])
setitem = defprim('setitem', K.setitem, _setitem_rule, _setitem_vjp, [
    ((MATRIX, np.array([0.5, -2.0, 1.5])), {'index': (1,)}),
    ((MATRIX, np.array(0.25)), {'index': (slice(None), slice(None, None, 2))}),
    ((_CUBE, np.array([[0.5], [2.0]]), np.array([2, 0])), {'index': (slice(None), 'array', slice(1, 3))}),
])
setitem.index_after = 2   # generated code: setitem(x, v, index=np.s_[...])


def _index_add_to_rule(acc, g, *arrays, index):
    _setitem_rule(acc, g, *arrays, index=index)
    return Aval(acc.shape, acc.dtype)


index_add_to = defprim('index_add_to', K.index_add_to, _index_add_to_rule,
                       lambda dout, acc, g, *arrays, out, index: (
                           (dout, getitem.bind(dout, *arrays, index=index)) + (None,) * len(arrays)),
                       [((MATRIX, np.array([0.5, -2.0, 1.5])), {'index': (1,)}),
                        ((MATRIX, np.array([[0.5], [2.0], [1.0]]), np.array([1, 0, 1])),
                         {'index': ('array', slice(None))})])
index_add_to.index_after = 2
index_add_to.consumes_first = True   # its kernel writes into its first operand


# ---------------------------------------------------------------- forward mode
getitem.jvp_kind = index_add.jvp_kind = setitem.jvp_kind = index_add_to.jvp_kind = 'linear'
