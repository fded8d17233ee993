"""`x[index]`: the subscript primitive and its adjoint, `index_add`; and `x[index] = v` as the
functional update `setitem` (a new array), which is what compiled code makes of assignments.
`index_add_to(acc, g)` is `acc + index_add(g)` done in place; only the optimiser makes it, where
nothing else reads `acc`.

The index is a static param (a template of ints, slices, None, Ellipsis and tuples of ints, with
the marker 'array' where an integer-array operand goes), so the result's shape is known when
compiling. Generated code writes getitem as a subscript (`x[1:, None]`), not as a call. All four
are linear in their float operands.

Batching: with the index arrays shared, a leading `:` indexes every example. Where examples have
their own index arrays, an array of example numbers leads the index; NumPy then puts the indexed
axes first, and `_batch_index` says how to move them back where one example has them.
"""
import numpy as np

from ..kernels import subscript as K
from .. import ops
from ..kernels import array_api as standard
from .batching import batch_size, batched_front, lift, ndim, to_front
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


# ---------------------------------------------------------------- batching
def _advanced(template):
    """Positions of the items NumPy's advanced indexing takes (ints too, beside arrays)."""
    arrays = any(isinstance(item, (str, tuple)) for item in template)
    return [k for k, item in enumerate(template)
            if isinstance(item, (str, tuple)) or (arrays and isinstance(item, int))]


def _batch_index(index, x_shape, dtype, arrays, dims, size):
    """-> (template, arrays, perm, target): the index of the batch, its array operands, the
    permutation that takes (examples, *one example's result) to the batch result's layout, and
    one example's result shape."""
    template = index if isinstance(index, tuple) else (index,)
    avals = [Aval(tuple(a.shape[:d]) + tuple(a.shape[d + 1:]) if d is not None else tuple(a.shape), a.dtype)
             for a, d in zip(arrays, dims)]
    target = _getitem_rule(Aval(tuple(x_shape), dtype), *avals, index=template).shape
    r = len(target)
    advanced = _advanced(template)
    nb = len(np.broadcast_shapes(*[a.shape for a in avals], *[(len(i),) for i in template if isinstance(i, tuple)]))
    adjacent = advanced == list(range(advanced[0], advanced[0] + len(advanced))) if advanced else True
    identity = tuple(range(1 + r))
    if all(d is None for d in dims):
        if adjacent:
            return (slice(None),) + template, list(arrays), identity, target
        # `:` then indexes apart from the arrays: NumPy puts their axes before the batch
        return (slice(None),) + template, list(arrays), tuple(range(1, nb + 1)) + (0,) + identity[nb + 1:], target
    ids = ops.reshape(ops.arange(size), (size,) + (1,) * nb)
    moved = [a if d is None else lift(to_front(a, d), nb) for a, d in zip(arrays, dims)]
    perm = identity
    if adjacent and advanced[0] > 0:
        # One example has (before, indexed, after); the batch gets (examples, indexed, before, after).
        consumed = sum(1 for item in template if item is not None and item is not Ellipsis)
        before = sum((len(x_shape) - consumed) if item is Ellipsis else 1 for item in template[:advanced[0]])
        perm = (0,) + tuple(range(1 + before, 1 + before + nb)) + tuple(range(1, 1 + before)) + identity[1 + before + nb:]
    return ('array',) + template, [ids] + moved, perm, target


def _placed(v, perm):
    """v, batched in front, in the layout `perm` gives."""
    return v if perm == tuple(range(len(perm))) else ops.transpose(v, perm)


def _unplaced(out, perm):
    """A batch result in the layout `perm` gives -> (out, out_dim)."""
    rest = [a for a in perm if a != 0]
    if rest == sorted(rest):
        return out, perm.index(0)
    return ops.transpose(out, tuple(np.argsort(perm).tolist())), 0


def _getitem_batch(prim, args, dims, index):
    size = batch_size(args, dims)
    x = batched_front(args[0], dims[0], size)
    template, arrays, perm, _ = _batch_index(index, x.shape[1:], x.dtype, args[1:], dims[1:], size)
    return _unplaced(prim.bind(x, *arrays, index=template), perm)


def _index_add_batch(prim, args, dims, index, shape):
    size = batch_size(args, dims)
    g = batched_front(args[0], dims[0], size)
    template, arrays, perm, _ = _batch_index(index, shape, g.dtype, args[1:], dims[1:], size)
    return prim.bind(_placed(g, perm), *arrays, index=template, shape=(size,) + tuple(shape)), 0


def _setitem_batch(prim, args, dims, index):
    """setitem and index_add_to: the value goes where the batch's index puts it."""
    size = batch_size(args, dims)
    x, value = batched_front(args[0], dims[0], size), args[1]
    template, arrays, perm, target = _batch_index(index, x.shape[1:], x.dtype, args[2:], dims[2:], size)
    if dims[1] is not None or (ndim(value) and perm != tuple(range(len(perm)))):
        value = lift(batched_front(value, dims[1], size), len(target))
        value = _placed(ops.broadcast_to(value, (size,) + tuple(target)), perm)
    return prim.bind(x, value, *arrays, index=template), 0


# ---------------------------------------------------------------- declarations
_CUBE = np.arange(24.).reshape(2, 3, 4) / 7
getitem = defprim('getitem', K.getitem, _getitem_rule, vjp=_getitem_vjp, jvp='linear', batch=_getitem_batch,
                  subscript=True, array_api=standard.getitem, samples=[
    ((MATRIX,), {'index': (1,)}),
    ((MATRIX,), {'index': (slice(None), slice(None, None, 2))}),
    ((MATRIX,), {'index': (-1, None, slice(1, None))}),
    ((_CUBE,), {'index': (Ellipsis, 1)}),
    ((_CUBE,), {'index': (slice(None, None, -1), Ellipsis, slice(1, 3))}),
    ((MATRIX, np.array([1, 0, 1])), {'index': ('array',)}),
    ((_CUBE, np.array([[0, 2], [2, 2]])), {'index': (slice(None), 'array', slice(None, 2))}),
    ((_CUBE,), {'index': ((1, 1, 0),)}),
    ((_CUBE, np.array([2, 0])), {'index': (1, slice(None), 'array')}),
    ((_CUBE, np.array([[0, 1]])), {'index': (slice(None), None, 'array', slice(1, 3))}),
    ((_CUBE, np.array([1, 0, 1]), np.array([3, 3, 0])), {'index': ('array', slice(None), 'array')}),
])
index_add = defprim('index_add', K.index_add, _index_add_rule, vjp=_index_add_vjp, jvp='linear',
                    batch=_index_add_batch, fresh=True, rewrites=('adds_zero',), samples=[
    ((np.array([0.5, -1.0]),), {'index': (slice(None, None, 2),), 'shape': (3,)}),
    ((np.array([[0.5, -1.0], [2.0, 0.25], [1.0, 3.0]]), np.array([1, 0, 1])),
     {'index': ('array', slice(1, None)), 'shape': (2, 3)}),
    ((np.array([[0.5, -1.0, 2.0], [0.25, 1.0, 3.0]]), np.array([1, 0, 1])),
     {'index': (slice(None), 'array', 1), 'shape': (2, 3, 4)}),
], array_api=standard.index_add)
# Generated code writes setitem(x, v, index=np.s_[...]): its index arrays come after two operands.
setitem = defprim('setitem', K.setitem, _setitem_rule, vjp=_setitem_vjp, jvp='linear', batch=_setitem_batch,
                  fresh=True, index_after=2, samples=[
    ((MATRIX, np.array([0.5, -2.0, 1.5])), {'index': (1,)}),
    ((MATRIX, np.array(0.25)), {'index': (slice(None), slice(None, None, 2))}),
    ((_CUBE, np.array([[0.5], [2.0]]), np.array([2, 0])), {'index': (slice(None), 'array', slice(1, 3))}),
    ((_CUBE, np.array([0.5, -1.0]), np.array([2, 0])), {'index': (1, 'array', 3)}),
], array_api=standard.setitem)


def _index_add_to_rule(acc, g, *arrays, index):
    _setitem_rule(acc, g, *arrays, index=index)
    return Aval(acc.shape, acc.dtype)


# Its kernel writes into its first operand.
index_add_to = defprim('index_add_to', K.index_add_to, _index_add_to_rule,
                       vjp=lambda dout, acc, g, *arrays, out, index: (
                           (dout, getitem.bind(dout, *arrays, index=index)) + (None,) * len(arrays)),
                       jvp='linear', batch=_setitem_batch, fresh=True, index_after=2, consumes_first=True,
                       rewrites=('adds_zero',), samples=[((MATRIX, np.array([0.5, -2.0, 1.5])), {'index': (1,)}),
                                ((MATRIX, np.array([[0.5], [2.0], [1.0]]), np.array([1, 0, 1])),
                                 {'index': ('array', slice(None))})], array_api=standard.index_add_to)
