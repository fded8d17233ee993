"""Indexing ops (not `x[...]`): gather, gather_nd, index_select, gather_elements, masked_fill,
the scatter-adds (scatter_add, index_add, tensor_scatter_add, tensor_scatter_elements) and
one_hot. Index operands are integer arrays (Python ints and lists are turned into arrays); they
get no gradient. Negative indices count from the end, as in NumPy; repeated indices add up in
scatter-adds and in gradients of gathers."""
import numpy as np

from ..primitives import indexing as P
from ..primitives.core import normalize_axis
from .shapes import broadcast_to, reshape
from .common import aval_of, dtype_arg, ndim_of, numpy_function, tensor_method
from .creation import ones, zeros_like


def _indices(indices, what='indices'):
    """Index operand -> an integer array (Python ints and lists become int64 arrays)."""
    if isinstance(indices, (bool, int, np.integer, list, tuple)):
        indices = np.asarray(indices, dtype=np.int64)
    if not np.issubdtype(aval_of(indices)[1], np.integer):
        raise TypeError(f"{what} must be integers, got {aval_of(indices)[1]}")
    return indices


# ---------------------------------------------------------------- gathers
@tensor_method()
def gather(input_params, input_indices, axis, batch_dims=0):
    """MindSpore `ops.gather`: slices of `input_params` along `axis` picked by `input_indices`;
    the result's shape is params.shape[:axis] + indices.shape + params.shape[axis+1:]. With
    batch_dims=b, the first b axes of params and indices are matched (a gather per batch)."""
    indices = _indices(input_indices, 'input_indices')
    shape, _ = aval_of(input_params)
    axis = normalize_axis(axis, len(shape))
    if batch_dims == 0:
        return P.gather.bind(input_params, indices, axis=axis)
    return _batch_gather(input_params, indices, axis, batch_dims)


def _batch_gather(x, indices, axis, batch_dims):
    """gather with batch dims: with x merged to (batch, pre, axis, rest) and the indices to
    (batch, index), an element-wise gather along the axis of indices broadcast over pre and rest."""
    shape, index_shape = aval_of(x)[0], aval_of(indices)[0]
    b = batch_dims + len(index_shape) if batch_dims < 0 else batch_dims
    if not 0 < b <= min(axis, len(index_shape)) or shape[:b] != index_shape[:b]:
        raise ValueError(f"gather: batch_dims {batch_dims} does not fit params of shape {shape}, "
                         f"indices of shape {index_shape} and axis {axis}")
    size = lambda dims: int(np.prod(dims))
    batch, pre, rest, picks = shape[:b], shape[b:axis], shape[axis + 1:], index_shape[b:]
    merged = reshape(x, (size(batch), size(pre), shape[axis], size(rest)))
    spread = broadcast_to(reshape(indices, (size(batch), 1, size(picks), 1)),
                          (size(batch), size(pre), size(picks), size(rest)))
    return reshape(gather_elements(merged, 2, spread), batch + pre + picks + rest)


@tensor_method()
def index_select(input, axis, index):
    """Slices along `axis` at the positions of the 1-D `index`."""
    index = _indices(index, 'index')
    if len(aval_of(index)[0]) != 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {aval_of(index)[0]}")
    return gather(input, index, axis)


@tensor_method()
def gather_nd(input_x, indices):
    """Each row indices[..., :] (its last axis) names an element or a slice of input_x."""
    return P.gather_nd.bind(input_x, _indices(indices))


@tensor_method()
def gather_elements(input, dim, index):
    """out[i][j] = input[index[i][j]][j] for dim 0 (and so on for other dims); `index` has
    input's rank and may be smaller than input on the other axes."""
    return P.gather_elements.bind(input, _indices(index, 'index'), axis=normalize_axis(dim, ndim_of(input)))


# ---------------------------------------------------------------- scatter-adds
def scatter_add(input_x, indices, updates):
    """MindSpore `ops.scatter_add`: input_x with updates[i...] added to row input_x[indices[i...]]
    (along axis 0; updates.shape == indices.shape + input_x.shape[1:]). Returns a new array
    (MindSpore also updates a Parameter in place; compiled code never mutates)."""
    return P.index_add_axis.bind(input_x, _indices(indices), updates, axis=0)


def index_add(x, indices, y, axis, use_lock=True, check_index_bound=True):
    """x with y's slices along `axis` added at positions `indices` (any shape here; MindSpore
    takes 1-D indices): y.shape == x.shape[:axis] + indices.shape + x.shape[axis+1:]."""
    axis = normalize_axis(axis, ndim_of(x))
    return P.index_add_axis.bind(x, _indices(indices), y, axis=axis)


@tensor_method()
def tensor_scatter_add(input_x, indices, updates):
    """input_x with `updates` added at the elements or slices that the rows of `indices` name
    (as gather_nd reads them)."""
    return P.tensor_scatter_add.bind(input_x, _indices(indices), updates)


def tensor_scatter_elements(input_x, indices, updates, axis=0, reduction='none'):
    """Element-wise scatter: output[indices[i][j]][j] (axis 0) receives updates[i][j].
    reduction='add' adds (repeated positions accumulate); 'none' assigns (where positions repeat,
    MindSpore leaves the result undefined; here their updates add up)."""
    indices = _indices(indices)
    axis = normalize_axis(axis, ndim_of(input_x))
    added = P.scatter_elements_add.bind(input_x if reduction == 'add' else zeros_like(input_x),
                                        indices, updates, axis=axis)
    if reduction == 'add':
        return added
    if reduction != 'none':
        raise ValueError(f"tensor_scatter_elements: reduction must be 'none' or 'add', got {reduction!r}")
    hit = P.scatter_elements_add.bind(zeros_like(input_x, np.bool_), indices,
                                      ones(aval_of(indices)[0], np.bool_), axis=axis)
    return masked_fill(input_x, hit, 0) + added


@tensor_method('scatter_add')
def _scatter_add_method(input, dim, index, src):
    """Tensor.scatter_add(dim, index, src) (MindSpore 2.5+, PyTorch's): element-wise scatter-add."""
    return tensor_scatter_elements(input, index, src, dim, reduction='add')


# ---------------------------------------------------------------- masked_fill, one_hot
@tensor_method()
def masked_fill(input_x, mask, value):
    """input_x with `value` (a number or a 0-d Tensor, cast to input_x's dtype) where the boolean
    `mask` (broadcast against input_x) is true. Gradients: input_x where mask is false, value the
    sum over the masked elements."""
    return P.masked_fill.bind(input_x, mask, value)


def one_hot(indices, depth, on_value=1, off_value=0, axis=-1):
    """A new axis of size `depth` at `axis` (-1: last) holding on_value at each index and
    off_value elsewhere; indices outside [0, depth) give all off_value. The dtype is that of
    on_value when it is a Tensor, else float32 (MindSpore would make Python ints int64; float32
    keeps losses in float32). Not differentiable with respect to indices; on_value and off_value
    get gradients when they are Tensors."""
    indices = _indices(indices)
    shape = aval_of(indices)[0]
    if not -1 <= axis <= len(shape):
        raise ValueError(f"one_hot: axis {axis} is out of bounds for indices of shape {shape}")
    numbers = all(isinstance(v, (bool, int, float)) for v in (on_value, off_value))
    dtype = dtype_arg(None) if numbers else np.result_type(*(aval_of(v)[1] for v in (on_value, off_value)
                                                             if not isinstance(v, (bool, int, float))))
    hot = P.one_hot.bind(indices, depth=int(depth), axis=axis, dtype=np.dtype(dtype))
    if numbers and on_value == 1 and off_value == 0:
        return hot
    return hot * on_value + (1 - hot) * off_value


# ---------------------------------------------------------------- NumPy functions
@numpy_function(np.take)
def _numpy_take(a, indices, axis=None, out=None, mode='raise'):
    if out is not None or mode != 'raise':
        raise TypeError("np.take(out=..., mode=...) is not supported in compiled code")
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    return gather(a, indices, axis)


@numpy_function(np.take_along_axis)
def _numpy_take_along_axis(arr, indices, axis):
    """NumPy's take_along_axis: indices and arr broadcast against each other off `axis`."""
    indices = _indices(indices)
    shape, index_shape = aval_of(arr)[0], aval_of(indices)[0]
    axis = normalize_axis(axis, len(shape))
    if len(index_shape) != len(shape):
        raise ValueError(f"np.take_along_axis: indices of shape {index_shape} and arr of shape {shape} "
                         "differ in rank")
    common = np.broadcast_shapes(shape[:axis] + (1,) + shape[axis + 1:],
                                 index_shape[:axis] + (1,) + index_shape[axis + 1:])
    arr = broadcast_to(arr, common[:axis] + (shape[axis],) + common[axis + 1:])
    indices = broadcast_to(indices, common[:axis] + (index_shape[axis],) + common[axis + 1:])
    return gather_elements(arr, axis, indices)
