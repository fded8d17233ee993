"""Indexing primitives other than Python subscripts: gathers, the scatter-adds that are their
adjoints, masked_fill and one_hot.

Index operands are integer arrays (inputs, not params) and never receive gradients. Each gather
and its scatter-add are adjoint to each other, so second derivatives work; repeated indices
accumulate in every scatter-add. All but one_hot are linear in their float operands (their
tangent is the primitive applied to the tangents).

Batching: where each example has its own indices, an index row gains the example's number in
front and the gather or scatter goes through gather_nd or tensor_scatter_add on the whole batch."""
import numpy as np

from .. import kernels, ops
from ..kernels import array_api as standard
from .batching import axis_batch, batch_size, batched_front, elementwise_batch, ndim, to_front
from .core import MATRIX, Aval, defprim, elementwise
from .shapes import CUBE


def _index_shape(name, indices):
    if not isinstance(indices, Aval) or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"{name}: indices must be an integer array")
    return indices.shape


def _check_axis(axis, shape):
    if not 0 <= axis < len(shape):
        raise ValueError(f"axis {axis} is out of bounds for an array of shape {shape}")


def _check_updates(name, updates, expected):
    if updates.shape != expected:
        raise ValueError(f"{name}: updates of shape {updates.shape} do not match the indexed shape {expected}")


# ---------------------------------------------------------------- gather along an axis
def _taken_shape(x, indices, axis):
    _check_axis(axis, x.shape)
    return x.shape[:axis] + _index_shape('gather', indices) + x.shape[axis + 1:]


def _gather_rule(x, indices, axis):
    return Aval(_taken_shape(x, indices, axis), x.dtype)


def _gather_vjp(g, x, indices, out, axis):
    return ops.index_add(ops.zeros_like(x), indices, g, axis), None


def _index_add_rule(x, indices, updates, axis=0):
    _check_updates('index_add', updates, _taken_shape(x, indices, axis))
    return Aval(x.shape, x.dtype)


def _index_add_vjp(g, x, indices, updates, out, axis=0):
    return g, None, ops.gather(g, indices, axis)


def _numbered(indices, size):
    """Front-batched indices (size, *I, k) -> (size, *I, 1 + k): each row led by its example's number."""
    shape = tuple(indices.shape[1:-1])
    ids = ops.reshape(ops.cast(ops.arange(size), indices.dtype), (size,) + (1,) * (len(shape) + 1))
    return ops.concat([ops.broadcast_to(ids, (size,) + shape + (1,)), indices], -1)


def _rows(indices, size):
    """Front-batched indices into one axis (size, *I) -> rows (size, *I, 2) for gather_nd."""
    return _numbered(ops.expand_dims(indices, -1), size)


def _gather_batch(prim, args, dims, axis):
    (x, indices), (dx, di) = args, dims
    if di is None:
        return prim.bind(to_front(x, dx), indices, axis=axis + 1), 0
    if dx is None:      # the indices' axes, batch included, replace `axis`
        return prim.bind(x, indices, axis=axis), axis + di
    x = ops.moveaxis(to_front(x, dx), axis + 1, 1)
    indices = to_front(indices, di)
    out = gather_nd.bind(x, _rows(indices, x.shape[0]))       # (size, *I, *before, *after)
    n = ndim(indices) - 1
    perm = (0,) + tuple(range(1 + n, 1 + n + axis)) + tuple(range(1, 1 + n)) + tuple(range(1 + n + axis, ndim(out)))
    return ops.transpose(out, perm), 0


def _index_add_axis_batch(prim, args, dims, axis=0):
    (x, indices, updates), (dx, di, du) = args, dims
    size = batch_size(args, dims)
    x, updates = batched_front(x, dx, size), batched_front(updates, du, size)
    if di is None:
        return prim.bind(x, indices, updates, axis=axis + 1), 0
    indices = to_front(indices, di)
    n = ndim(indices) - 1
    # updates (size, *before, *I, *after) -> (size, *I, *before, *after), as the rows name them
    perm = (0,) + tuple(range(1 + axis, 1 + axis + n)) + tuple(range(1, 1 + axis)) + \
        tuple(range(1 + axis + n, ndim(updates)))
    out = tensor_scatter_add.bind(ops.moveaxis(x, axis + 1, 1), _rows(indices, size), ops.transpose(updates, perm))
    return ops.moveaxis(out, 1, axis + 1), 0


# Linear in x and the updates (indices keep their values).
_REPEATED = np.array([2, 0, 2])
gather = defprim('gather', np.take, _gather_rule, vjp=_gather_vjp, jvp='linear', batch=_gather_batch,
                 samples=[((MATRIX, _REPEATED), {'axis': 1}), ((CUBE, np.array([[1, 1], [0, 1]])), {'axis': 0}),
                          ((CUBE, np.array([3, 3, -1, 1])), {'axis': 2}), ((MATRIX, np.array(1)), {'axis': 0})],
                          array_api=standard.gather)
index_add_axis = defprim('index_add_axis', kernels.index_add_axis, _index_add_rule, vjp=_index_add_vjp,
                         jvp='linear', batch=_index_add_axis_batch,
                         samples=[((MATRIX, _REPEATED, np.arange(6.).reshape(2, 3) / 4), {'axis': 1}),
                                  ((CUBE, np.array([1, 1, 0]), np.arange(36.).reshape(3, 3, 4) / 9), {'axis': 0}),
                                  ((CUBE, np.array([[3, 3], [-1, 0]]), np.arange(24.).reshape(2, 3, 2, 2) / 5),
                                   {'axis': 2})], array_api=standard.index_add_axis)


# ---------------------------------------------------------------- gather_nd
def _nd_shape(x, indices, name):
    shape = _index_shape(name, indices)
    if not shape or shape[-1] > len(x.shape):
        raise ValueError(f"{name}: index rows of length {shape[-1] if shape else None} do not fit "
                         f"an array of shape {x.shape}")
    return shape[:-1] + x.shape[shape[-1]:]


def _gather_nd_rule(x, indices):
    return Aval(_nd_shape(x, indices, 'gather_nd'), x.dtype)


def _tensor_scatter_add_rule(x, indices, updates):
    _check_updates('tensor_scatter_add', updates, _nd_shape(x, indices, 'tensor_scatter_add'))
    return Aval(x.shape, x.dtype)


def _gather_nd_batch(prim, args, dims):
    (x, indices), (dx, di) = args, dims
    if di is None:      # the batch goes after the indexed axes, among those a row takes whole
        k = indices.shape[-1]
        return prim.bind(ops.moveaxis(to_front(x, dx), 0, k), indices), ndim(indices) - 1
    size = batch_size(args, dims)
    return prim.bind(batched_front(x, dx, size), _numbered(to_front(indices, di), size)), 0


def _tensor_scatter_add_batch(prim, args, dims):
    (x, indices, updates), (dx, di, du) = args, dims
    size = batch_size(args, dims)
    x, updates = batched_front(x, dx, size), batched_front(updates, du, size)
    if di is None:
        k, n = indices.shape[-1], ndim(indices) - 1
        out = prim.bind(ops.moveaxis(x, 0, k), indices, ops.moveaxis(updates, 0, n))
        return out, k
    return prim.bind(x, _numbered(to_front(indices, di), size), updates), 0


_ROWS = np.array([[1, 2], [0, 0], [1, 2]])
gather_nd = defprim('gather_nd', kernels.gather_nd, _gather_nd_rule,
                    vjp=lambda g, x, indices, out: (ops.tensor_scatter_add(ops.zeros_like(x), indices, g), None),
                    jvp='linear', batch=_gather_nd_batch,
                    samples=[((CUBE, _ROWS), {}), ((MATRIX, np.array([[[0, 1]], [[1, 2]], [[0, 1]]])), {}),
                             ((CUBE, np.array([[1], [1], [0]])), {})], array_api=standard.gather_nd)
tensor_scatter_add = defprim('tensor_scatter_add', kernels.tensor_scatter_add, _tensor_scatter_add_rule,
                             vjp=lambda g, x, indices, updates, out: (g, None, ops.gather_nd(g, indices)),
                             jvp='linear', batch=_tensor_scatter_add_batch,
                             samples=[((MATRIX, np.array([[1, 2], [0, 0], [1, 2]]), np.array([0.5, -1.5, 2.5])), {}),
                                      ((CUBE, np.array([[1], [1], [0]]), np.arange(36.).reshape(3, 3, 4) / 7), {}),
                                      ((CUBE, _ROWS, np.arange(12.).reshape(3, 4) / 3), {})],
                                      array_api=standard.tensor_scatter_add)


# ---------------------------------------------------------------- element-wise gather (PyTorch's gather)
def _elements_shape(x, indices, axis, name):
    shape = _index_shape(name, indices)
    _check_axis(axis, x.shape)
    if len(shape) != len(x.shape) or any(i != axis and m > n for i, (m, n) in enumerate(zip(shape, x.shape))):
        raise ValueError(f"{name}: indices of shape {shape} do not fit an array of shape {x.shape} "
                         f"off axis {axis}")
    return shape


def _gather_elements_rule(x, indices, axis=0):
    return Aval(_elements_shape(x, indices, axis, 'gather_elements'), x.dtype)


def _scatter_elements_add_rule(x, indices, updates, axis=0):
    _check_updates('tensor_scatter_elements', updates, _elements_shape(x, indices, axis, 'tensor_scatter_elements'))
    return Aval(x.shape, x.dtype)


def _gather_elements_vjp(g, x, indices, out, axis=0):
    return ops.tensor_scatter_elements(ops.zeros_like(x), indices, g, axis, reduction='add'), None


def _scatter_elements_add_vjp(g, x, indices, updates, out, axis=0):
    return g, None, ops.gather_elements(g, axis, indices)


# Every operand has the same number of axes, so all go batched in front.
gather_elements = defprim('gather_elements', kernels.gather_elements, _gather_elements_rule,
                          vjp=_gather_elements_vjp, jvp='linear', batch=axis_batch('axis'),
                          samples=[((MATRIX, np.array([[0, 0, 1], [1, 0, 0]])), {}),
                                   ((MATRIX, np.array([[2, 2], [0, 2]])), {'axis': 1}),
                                   ((CUBE, np.array([[[3, 3], [0, 1], [2, 2]]])), {'axis': 2})],
                                   array_api=standard.gather_elements)
scatter_elements_add = defprim('scatter_elements_add', kernels.scatter_elements_add,
                               _scatter_elements_add_rule, vjp=_scatter_elements_add_vjp,
                               jvp='linear', batch=axis_batch('axis'),
                               samples=[((MATRIX, np.array([[0, 0, 1], [0, 0, 0]]), MATRIX[::-1] / 2), {}),
                                        ((MATRIX, np.array([[2, 2]]), np.array([[0.5, 1.5]])), {'axis': 1}),
                                        ((CUBE, np.array([[[3, 3], [0, 1], [2, 2]]]), np.arange(6.).reshape(1, 3, 2)),
                                         {'axis': 2})], array_api=standard.scatter_elements_add)


# ---------------------------------------------------------------- masked_fill and one_hot
def _masked_fill_vjp(g, x, mask, value, out):
    return ops.masked_fill(g, mask, 0.0), None, g * mask


masked_fill = defprim('masked_fill', kernels.masked_fill, elementwise(kernels.masked_fill), vjp=_masked_fill_vjp,
                      jvp='diagonal', batch=elementwise_batch, elementwise=True,
                      samples=[((MATRIX, np.array([[True, False, True], [False, False, True]]), np.array(0.5)), {}),
                               ((MATRIX, np.array([False, True, True]), np.array(-2.0)), {}),
                               ((CUBE, np.array([[True], [False], [True]]), np.array(1.5)), {})],
                               array_api=standard.masked_fill)


def _one_hot_rule(indices, depth, axis=-1, dtype=np.dtype(np.float32)):
    shape = _index_shape('one_hot', indices)
    if not -1 <= axis <= len(shape):
        raise ValueError(f"one_hot: axis {axis} is out of bounds for indices of shape {shape}")
    position = len(shape) if axis == -1 else axis
    return Aval(shape[:position] + (depth,) + shape[position:], np.dtype(dtype))


one_hot = defprim('one_hot', kernels.one_hot, _one_hot_rule, vjp=None, jvp=None, batch=axis_batch('axis'),
                  samples=[((np.array([0, 2, 2, -1]),), {'depth': 3}),
                           ((np.array([[1, 0], [3, 1]]),), {'depth': 4, 'axis': 0}),
                           ((np.array([[1, 0], [3, 1]]),), {'depth': 3, 'dtype': np.dtype(np.float64)})],
                           array_api=standard.one_hot)
