"""Indexing kernels: gathers and the scatter-adds that are their adjoints (repeated indices
accumulate), masked_fill and one_hot."""
import numpy as np


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
