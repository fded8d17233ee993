"""Kernels of the array families (reductions, shapes, indexing) that NumPy lacks in the form a
primitive calls them: `kernel(*arrays, **params)`. Scatter-adds accumulate repeated indices."""
import numpy as np


# ---------------------------------------------------------------- reductions
def vector_norm(x, ord=2.0, axis=None, keepdims=False):
    """The vector p-norm over `axis` (all axes for None): 2, 1, inf, -inf, 0 (count of non-zeros)
    or any other p as sum(|x|**p)**(1/p)."""
    a = np.abs(x)
    if ord == 2:
        return np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))
    if ord == 1:
        return np.sum(a, axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return np.max(a, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return np.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(np.result_type(a.dtype, np.float16))
    return np.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1 / ord)


# ---------------------------------------------------------------- shapes
def concat(*arrays, axis=0):
    return np.concatenate(arrays, axis=axis)


def stack(*arrays, axis=0):
    return np.stack(arrays, axis=axis)


def slice_axis(x, axis, start, stop):
    """x[start:stop] along `axis` (a view)."""
    return x[(slice(None),) * axis + (slice(start, stop),)]


def pad(x, pad_width, value=0.0):
    """Constant padding with one (before, after) pair per axis; negative widths crop instead,
    so pad with negated widths undoes (and is the adjoint of) a pad."""
    crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(pad_width, x.shape))
    grow = tuple((max(lo, 0), max(hi, 0)) for lo, hi in pad_width)
    return np.pad(x[crop], grow, constant_values=value)


def segment_sum(x, lengths, axis=0):
    """Sums of consecutive runs of lengths[i] elements along `axis` (0 for an empty run): the
    adjoint of np.repeat with a count per element."""
    lengths = np.asarray(lengths)
    starts = np.cumsum(lengths) - lengths
    full = lengths > 0
    if full.all():
        return np.add.reduceat(x, starts, axis=axis)
    out = np.zeros(x.shape[:axis] + (len(lengths),) + x.shape[axis + 1:], x.dtype)
    if full.any():
        out[(slice(None),) * axis + (full,)] = np.add.reduceat(x, starts[full], axis=axis)
    return out


# ---------------------------------------------------------------- indexing
def _add_rows(out, rows, values):
    """out[rows[i]] += values[i] for a 2-D `out`, summing repeated rows."""
    if out.shape[1] == 1:
        np.add.at(out[:, 0], rows, values[:, 0])
    elif len(rows) < 64:
        np.add.at(out, rows, values)
    else:                               # sum runs of equal rows, then add each sum once
        order = np.argsort(rows, kind='stable')
        rows = rows[order]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] += np.add.reduceat(values[order], starts, axis=0)


def index_add_axis(x, indices, updates, axis=0):
    """x with updates[..., i, ...] added at x[..., indices[i], ...] along `axis` (indices of any
    shape; repeated indices accumulate): the adjoint of np.take."""
    n = x.shape[axis]
    if updates.size == 0:
        return np.array(x, copy=True)
    rows = np.asarray(indices).reshape(-1)
    rows = np.where(rows < 0, rows + n, rows)
    out = np.array(np.moveaxis(x, axis, 0), order='C')         # a copy with `axis` first
    values = updates.reshape(x.shape[:axis] + (rows.size,) + x.shape[axis + 1:])
    _add_rows(out.reshape(n, -1), rows, np.moveaxis(values, axis, 0).reshape(rows.size, -1))
    return np.moveaxis(out, 0, axis)


def gather_nd(x, indices):
    """x[indices[..., 0], indices[..., 1], ...]: each index row picks an element or a slice."""
    return x[tuple(np.moveaxis(indices, -1, 0))]


def tensor_scatter_add(x, indices, updates):
    """x with updates added at the positions that index rows of `indices` name (as gather_nd
    reads them); repeated rows accumulate. The adjoint of gather_nd."""
    out = np.array(x, copy=True, order='C')    # C order: the reshape below must be a view
    if updates.size == 0:
        return out
    k = indices.shape[-1]
    head = x.shape[:k]
    index = np.moveaxis(indices, -1, 0).reshape(k, -1)
    index = np.where(index < 0, index + np.array(head).reshape(k, 1), index)
    rows = np.ravel_multi_index(tuple(index), head)
    _add_rows(out.reshape(int(np.prod(head)), -1), rows, updates.reshape(rows.size, -1))
    return out


def _element_index(indices, axis):
    index = list(np.indices(indices.shape, sparse=True))
    index[axis] = indices
    return tuple(index)


def gather_elements(x, indices, axis=0):
    """out[i][j] = x[indices[i][j]][j] for axis 0 (and so on): PyTorch's gather. `indices` may
    be smaller than x on the other axes."""
    return x[_element_index(indices, axis)]


def scatter_elements_add(x, indices, updates, axis=0):
    """x with updates[i][j] added at x[indices[i][j]][j] for axis 0 (and so on); repeated
    positions accumulate. The adjoint of gather_elements."""
    out = np.array(x, copy=True)
    np.add.at(out, _element_index(indices, axis), updates)
    return out


def masked_fill(x, mask, value):
    """x with `value` where `mask` is true, in x's dtype."""
    return np.where(mask, np.asarray(value, dtype=x.dtype), x)


def one_hot(indices, depth, axis=-1, dtype=np.dtype(np.float32)):
    """1 where the new axis' position equals the index, else 0; out-of-range indices give a
    row of zeros."""
    hot = np.expand_dims(indices, -1) == np.arange(depth)
    if axis != -1:
        hot = np.moveaxis(hot, -1, axis)
    return hot.astype(dtype)
