"""Kernels written once against the Python array API standard (2024.12), for the primitives the
standard has no single function for. Code generated for an array API engine (dask.array, CuPy,
array_api_strict...) imports them from here, as NumPy code imports `runtime.kernels`; each
primitive's declaration names its kernel (`array_api=...`, see `runtime.array_api`).

Each kernel finds the namespace of its arrays (`namespace_of`); one without array operands (a
random draw, `tri`) takes it as the keyword `xp`. They use the standard's functions only, with
two exceptions that ask the namespace first: a scatter-add uses the library's own where it has
one (NumPy's and CuPy's `add.at`), else a one-hot product; einsum uses the library's where it has
one, else a broadcast product. Nothing here reads a value back to the host (no `if` on an
array), so a lazy engine (dask) stays lazy.

This module needs only NumPy to import; `array_api_compat` is imported the first time an array
of a type not seen before asks for its namespace (without it, the array's own
`__array_namespace__()` is used: NumPy 2's arrays have one).
"""
import math

import numpy as np

from .creation import _draw

_NAMESPACES = {}        # type of array -> its namespace, as array_api_compat gives it


def namespace_of(*arrays):
    """The array API namespace of the first array among `arrays` (Python numbers are skipped),
    remembered per type: `array_api_compat.array_namespace` takes about 25 us."""
    for a in arrays:
        kind = a.__class__     # (`type` is a soft keyword generated code never writes)
        xp = _NAMESPACES.get(kind)
        if xp is not None:
            return xp
        if a is None or kind in (bool, int, float, complex):
            continue
        try:
            import array_api_compat
        except ImportError:         # the standard's own protocol (NumPy 2's arrays have it)
            xp = _NAMESPACES[kind] = a.__array_namespace__()
        else:
            xp = _NAMESPACES[kind] = array_api_compat.array_namespace(a)
        return xp
    raise TypeError('no array among the operands')


def numpy_dtype(dtype):
    """The NumPy dtype of the same name as an array API dtype (array_api_strict.float32,
    torch.float32, or a NumPy dtype itself)."""
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rpartition('.')[2])


def _kind(xp, dtype):
    """'b', 'i', 'u', 'f' or 'c' for an array API dtype."""
    for kind, name in (('b', 'bool'), ('i', 'signed integer'), ('u', 'unsigned integer'),
                       ('f', 'real floating'), ('c', 'complex floating')):
        if xp.isdtype(dtype, name):
            return kind
    raise TypeError(f'a dtype of no kind: {dtype}')


def _floating(xp, x):
    """x in a floating dtype: integers and bools become the default float (float64), as in NumPy."""
    return x if _kind(xp, x.dtype) in 'fc' else xp.astype(x, xp.float64)


def _zeros_like(xp, x, shape=None):
    return xp.zeros(x.shape if shape is None else tuple(shape), dtype=x.dtype)


# ---------------------------------------------------------------- elementwise
def rsqrt(x):
    xp = namespace_of(x)
    return 1 / xp.sqrt(x)


def fmod(x, y):
    """The remainder with the sign of x (C's fmod): the standard's remainder has y's sign."""
    xp = namespace_of(x, y)
    r = xp.remainder(x, y)
    negative_x = x < 0
    return xp.where(xp.logical_and(r != 0, (r < 0) != negative_x), r - y, r)


def stop_gradient(x):
    return x


def cast(x, dtype):
    xp = namespace_of(x)
    return xp.astype(x, dtype)


def round(x, decimals=0):
    """Half to even, at `decimals` places as NumPy does it (scaled by 10 ** decimals)."""
    xp = namespace_of(x)
    if decimals == 0:
        return xp.round(x)
    scale = 10.0 ** decimals
    return xp.round(x * scale) / scale


# W. J. Cody's rational approximations of erf and erfc, as runtime.kernels.elementwise has them.
from .elementwise import _ERF_A, _ERF_B, _ERFC_C, _ERFC_D, _ERFC_P, _ERFC_Q, _INV_SQRT_PI  # noqa: E402


def _cody_ratio(t, num, den):
    top, bottom = num[-1] * t, t
    for a, b in zip(num[:-2], den[:-1]):
        top = (top + a) * t
        bottom = (bottom + b) * t
    return (top + num[-2]) / (bottom + den[-1])


def erf(x):
    """The error function, to about 2e-16 in float64: each of Cody's three ranges computed for
    every element, and the right one chosen (no data-dependent indexing)."""
    xp = namespace_of(x)
    x = _floating(xp, x)
    y = xp.abs(x)
    small = x * _cody_ratio(x * x, _ERF_A, _ERF_B)
    middle = xp.clip(y, 0.46875, 6.0)
    erfc = _cody_ratio(middle, _ERFC_C, _ERFC_D) * xp.exp(-middle * middle)
    far = xp.clip(y, 4.0, 6.0)
    t = 1 / (far * far)
    tail = (_INV_SQRT_PI - t * _cody_ratio(t, _ERFC_P, _ERFC_Q)) / far * xp.exp(-far * far)
    erfc = xp.where(y > 4, tail, erfc)
    inner = xp.where(y <= 0.46875, small, xp.copysign(0.5 - erfc + 0.5, x))
    return xp.where(y < 6, inner, xp.sign(x))


# ---------------------------------------------------------------- activations
def sigmoid(x):
    xp = namespace_of(x)
    return 0.5 * xp.tanh(0.5 * x) + 0.5


def relu(x):
    xp = namespace_of(x)
    return xp.maximum(x, 0)


def relu6(x):
    xp = namespace_of(x)
    return xp.clip(x, 0, 6)


def silu(x):
    return x * sigmoid(x)


def softsign(x):
    xp = namespace_of(x)
    return x / (1 + xp.abs(x))


def sigmoid_cross_entropy_with_logits(x, y):
    return (1 - y) * x + softplus(-x)


def softplus(x, beta=1, threshold=20):
    xp = namespace_of(x)
    z = x * beta if beta != 1 else x
    out = xp.logaddexp(xp.zeros_like(z), z)
    if beta != 1:
        out = out / beta
    return xp.where(z > threshold, x, out)


def leaky_relu(x, alpha=0.2):
    xp = namespace_of(x)
    return xp.where(x > 0, x, x * alpha)


def elu(x, alpha=1.0):
    xp = namespace_of(x)
    return xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0)))


_SQRT_2_OVER_PI = 0.7978845608028654
_SQRT_HALF = 0.7071067811865476


def gelu(x, approximate='none'):
    xp = namespace_of(x)
    if approximate == 'tanh':
        return 0.5 * x * (1 + xp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * (x * x * x))))
    return 0.5 * x * (1 + erf(x * _SQRT_HALF))


def hardtanh(x, min_val=-1.0, max_val=1.0):
    xp = namespace_of(x)
    return xp.clip(x, min_val, max_val)


def softmax(x, axis=-1):
    xp = namespace_of(x)
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    xp = namespace_of(x)
    shifted = x - xp.max(x, axis=axis, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, shifted by the maximum (by 0 where that is infinite)."""
    xp = namespace_of(x)
    top = xp.max(x, axis=axis, keepdims=True)
    top = xp.where(xp.isfinite(top), top, xp.zeros_like(top))
    out = xp.log(xp.sum(xp.exp(x - top), axis=axis, keepdims=True)) + top
    if keepdims:
        return out
    axes = range(x.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    axes = {a % max(x.ndim, 1) for a in axes}
    return xp.reshape(out, tuple(n for i, n in enumerate(out.shape) if i not in axes))


# ---------------------------------------------------------------- creation
def tri(N, M=None, k=0, dtype=None, *, xp):
    """Ones at and below the k-th diagonal."""
    M = N if M is None else M
    rows = xp.reshape(xp.arange(N), (N, 1))
    cols = xp.reshape(xp.arange(M), (1, M))
    return xp.astype(cols <= rows + k, xp.float64 if dtype is None else dtype)


def randn(shape, seed=None, dtype=None, *, xp):
    """NumPy's draw from the stream `autograph.set_seed` seeds (every engine gets the same
    numbers), as an array of the engine; so are rand and bernoulli."""
    dtype = numpy_dtype(dtype or xp.float32)
    return xp.asarray(_draw(seed, lambda g: g.standard_normal(shape, dtype=dtype)))


def rand(shape, seed=None, dtype=None, *, xp):
    dtype = numpy_dtype(dtype or xp.float32)
    return xp.asarray(_draw(seed, lambda g: g.random(shape, dtype=dtype)))


def bernoulli(shape, p=0.5, seed=None, dtype=None, *, xp):
    dtype = numpy_dtype(dtype or xp.float32)
    return xp.asarray(_draw(seed, lambda g: (g.random(shape) < p).astype(dtype)))


# ---------------------------------------------------------------- shapes
def transpose(x, axes=None):
    xp = namespace_of(x)
    return xp.permute_dims(x, tuple(range(x.ndim))[::-1] if axes is None else tuple(axes))


def concat(*arrays, axis=0):
    xp = namespace_of(*arrays)
    return xp.concat(arrays, axis=axis)


def stack(*arrays, axis=0):
    xp = namespace_of(*arrays)
    return xp.stack(arrays, axis=axis)


def slice_axis(x, axis, start, stop):
    return x[(slice(None),) * axis + (slice(start, stop), Ellipsis)]


def pad(x, pad_width, value=0.0):
    """Constant padding, one (before, after) pair per axis; a negative width crops."""
    xp = namespace_of(x)
    x = x[tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(pad_width, x.shape))]
    for axis, (lo, hi) in enumerate(pad_width):
        parts = []
        for width, at in ((lo, 0), (hi, 1)):
            if width > 0:
                shape = x.shape[:axis] + (width,) + x.shape[axis + 1:]
                parts.insert(at * len(parts), xp.full(shape, value, dtype=x.dtype))
        if parts:
            x = xp.concat([parts[0], x, parts[1]] if len(parts) == 2 else
                          [parts[0], x] if lo > 0 else [x, parts[0]], axis=axis)
    return x


def repeat(x, repeats, axis=None):
    xp = namespace_of(x)
    if isinstance(repeats, (tuple, list)):
        repeats = xp.asarray(repeats, dtype=xp.int64)
    return xp.repeat(x, repeats, axis=axis)


def segment_sum(x, lengths, axis=0):
    """Sums of consecutive runs of lengths[i] elements along `axis` (0 for an empty run)."""
    xp = namespace_of(x)
    sums, start = [], 0
    for length in lengths:
        part = slice_axis(x, axis, start, start + length)
        sums.append(xp.sum(part, axis=axis, keepdims=True) if length else
                    _zeros_like(xp, x, x.shape[:axis] + (1,) + x.shape[axis + 1:]))
        start += length
    return xp.concat(sums, axis=axis)


# ---------------------------------------------------------------- gathers and scatters
def _wrapped(xp, indices, n):
    """Indices with negative ones counted from the end of an axis of length n."""
    return xp.where(indices < 0, indices + n, indices)


def _one_hot(xp, positions, n, dtype):
    """(len(positions), n): 1 where the column is the position."""
    m = positions.shape[0]
    return xp.astype(xp.reshape(positions, (m, 1)) == xp.reshape(xp.arange(n), (1, n)), dtype)


def _add_rows(xp, out, rows, values):
    """out (n, k) with values[i] (m, k) added at row rows[i]; repeated rows accumulate. The
    library's own scatter-add where it has one, else a one-hot product."""
    name = getattr(xp, '__name__', '')
    if name.endswith('numpy'):
        out = np.array(out, copy=True)
        np.add.at(out, rows, values)
        return out
    if name.endswith('cupy'):
        import cupyx
        out = out.copy()
        cupyx.scatter_add(out, rows, values)
        return out
    return out + xp.matmul(xp.matrix_transpose(_one_hot(xp, rows, out.shape[0], values.dtype)), values)


def gather(x, indices, axis=None):
    """np.take: indices of any shape, negative ones from the end."""
    xp = namespace_of(x)
    if axis is None:
        x, axis = xp.reshape(x, (-1,)), 0
    flat = _wrapped(xp, xp.reshape(indices, (-1,)), x.shape[axis])
    out = xp.take(x, flat, axis=axis)
    return xp.reshape(out, x.shape[:axis] + tuple(indices.shape) + x.shape[axis + 1:])


def index_add_axis(x, indices, updates, axis=0):
    """x with updates[..., i, ...] added at x[..., indices[i], ...] along `axis`."""
    xp = namespace_of(x)
    n = x.shape[axis]
    rows = _wrapped(xp, xp.reshape(indices, (-1,)), n)
    m = rows.shape[0]
    values = xp.reshape(updates, x.shape[:axis] + (m,) + x.shape[axis + 1:])
    values = xp.reshape(xp.moveaxis(values, axis, 0), (m, -1))
    front = xp.moveaxis(x, axis, 0)
    out = _add_rows(xp, xp.reshape(front, (n, -1)), rows, values)
    return xp.moveaxis(xp.reshape(out, front.shape), 0, axis)


def _flat_rows(xp, indices, head):
    """Row-major positions in an array of shape `head` of the index rows (..., k) of `indices`."""
    k = len(head)
    flat = xp.zeros(tuple(indices.shape[:-1]), dtype=indices.dtype)
    for j in range(k):
        flat = flat * head[j] + _wrapped(xp, indices[..., j], head[j])
    return xp.reshape(flat, (-1,))


def gather_nd(x, indices):
    xp = namespace_of(x)
    k = indices.shape[-1]
    head = x.shape[:k]
    rows = xp.take(xp.reshape(x, (math.prod(head), -1)), _flat_rows(xp, indices, head), axis=0)
    return xp.reshape(rows, tuple(indices.shape[:-1]) + x.shape[k:])


def tensor_scatter_add(x, indices, updates):
    xp = namespace_of(x)
    k = indices.shape[-1]
    head = x.shape[:k]
    rows = _flat_rows(xp, indices, head)
    out = _add_rows(xp, xp.reshape(x, (math.prod(head), -1)), rows,
                    xp.reshape(updates, (rows.shape[0], -1)))
    return xp.reshape(out, x.shape)


def _cropped(x, shape, axis):
    """x cut to `shape` on every axis but `axis`."""
    return x[tuple(slice(None) if a == axis else slice(0, n) for a, n in enumerate(shape))]


def gather_elements(x, indices, axis=0):
    """out[i][j] = x[indices[i][j]][j] for axis 0: the standard's take_along_axis where the
    namespace has it, else a one-hot sum."""
    xp = namespace_of(x)
    n = x.shape[axis]
    x = _cropped(x, indices.shape, axis)
    indices = _wrapped(xp, indices, n)
    if hasattr(xp, 'take_along_axis'):
        return xp.take_along_axis(x, indices, axis=axis)
    hot = xp.expand_dims(xp.moveaxis(indices, axis, -1), axis=-1) == xp.arange(n)
    picked = xp.where(hot, xp.expand_dims(xp.moveaxis(x, axis, -1), axis=-2), xp.zeros_like(x[..., :1, None]))
    return xp.moveaxis(xp.sum(picked, axis=-1), -1, axis)


def scatter_elements_add(x, indices, updates, axis=0):
    """x with updates[i][j] added at x[indices[i][j]][j] for axis 0; repeats accumulate."""
    xp = namespace_of(x)
    n = x.shape[axis]
    indices = _wrapped(xp, indices, n)
    hot = xp.expand_dims(xp.moveaxis(indices, axis, -1), axis=-1) == xp.arange(n)   # (..., m, n)
    spread = xp.where(hot, xp.expand_dims(xp.moveaxis(updates, axis, -1), axis=-1),
                      xp.zeros((1,), dtype=updates.dtype))
    added = xp.moveaxis(xp.sum(spread, axis=-2), -1, axis)
    grow = tuple((0, 0) if a == axis else (0, n_x - n_i)
                 for a, (n_x, n_i) in enumerate(zip(x.shape, added.shape)))
    return x + pad(added, grow)


def masked_fill(x, mask, value):
    xp = namespace_of(x)
    value = xp.astype(value, x.dtype) if hasattr(value, 'shape') else xp.asarray(value, dtype=x.dtype)
    return xp.where(mask, value, x)


def one_hot(indices, depth, axis=-1, dtype=None):
    xp = namespace_of(indices)
    hot = xp.expand_dims(indices, axis=-1) == xp.arange(depth)
    if axis != -1:
        hot = xp.moveaxis(hot, -1, axis)
    return xp.astype(hot, xp.float32 if dtype is None else dtype)


# ---------------------------------------------------------------- subscripts
def build_index(template, arrays=(), xp=None):
    """The index for `template` with `arrays` in place of its markers; a tuple of ints in it
    (a list in NumPy's spelling) becomes an index array."""
    arrays = iter(arrays)
    template = template if isinstance(template, tuple) else (template,)
    return tuple(next(arrays) if isinstance(item, str) else
                 xp.asarray(item, dtype=xp.int64) if isinstance(item, tuple) else item for item in template)


def _is_basic(where):
    return all(item is None or item is Ellipsis or isinstance(item, (int, slice)) for item in where)


def _full(where, ndim):
    """The index with its Ellipsis (or a missing one at the end) written out as slices: the
    standard wants an item for every axis."""
    consumed = sum(1 for item in where if item is not None and item is not Ellipsis)
    if not any(item is Ellipsis for item in where):
        where = tuple(where) + (Ellipsis,)
    out = []
    for item in where:
        out += [slice(None)] * (ndim - consumed) if item is Ellipsis else [item]
    return tuple(out)


def _index(xp, x, where):
    """x[where] with NumPy's meaning, for any mix of ints, slices, None, Ellipsis and integer
    arrays: the standard's own indexing for the basic items, then one `take` of the positions
    the arrays (and the ints beside them) pick, placed where NumPy places them."""
    items = list(_full(where, x.ndim))
    if _is_basic(items):
        return x[tuple(items)]
    if sum(1 for item in items if item is not None) == 1 and _is_bool(xp, items[0]):
        return x[items[0]]
    for k in range(len(items) - 1, -1, -1):         # a mask stands for the positions it holds
        if hasattr(items[k], 'shape') and _is_bool(xp, items[k]):
            items[k:k + 1] = list(xp.nonzero(items[k]))
    x = x[tuple(item if isinstance(item, slice) else slice(None) for item in items if item is not None)]
    advanced, axes, at, axis = [], [], [], 0
    for k, item in enumerate(items):
        if item is None:
            continue
        if not isinstance(item, slice):
            a = item if hasattr(item, 'shape') else xp.asarray(item, dtype=xp.int64)
            advanced.append(_wrapped(xp, a, x.shape[axis]))
            axes.append(axis)
            at.append(k)
        axis += 1
    if len(advanced) > 1:
        advanced = xp.broadcast_arrays(*advanced)
    picked_shape = tuple(advanced[0].shape)
    flat = advanced[0]
    for a, ax in zip(advanced[1:], axes[1:]):
        flat = flat * x.shape[ax] + a
    rest = [ax for ax in range(x.ndim) if ax not in axes]
    rest_shape = tuple(x.shape[ax] for ax in rest)
    table = xp.reshape(xp.permute_dims(x, tuple(axes + rest)), (-1,) + rest_shape)
    out = xp.reshape(xp.take(table, xp.reshape(flat, (-1,)), axis=0), picked_shape + rest_shape)
    # NumPy puts the picked axes where the advanced items stand if they stand together, else first.
    adjacent = at == list(range(at[0], at[-1] + 1))
    shape = [] if adjacent else list(picked_shape)
    before = 0
    rest_sizes = iter(rest_shape)
    for k, item in enumerate(items):
        if item is None:
            shape.append(1)
        elif isinstance(item, slice):
            shape.append(next(rest_sizes))
            before += k < at[0]
        elif adjacent and k == at[0]:
            shape += list(picked_shape)
    if adjacent and before:
        n, m = len(picked_shape), len(rest_shape)
        out = xp.permute_dims(out, tuple(range(n, n + before)) + tuple(range(n)) + tuple(range(n + before, n + m)))
    return xp.reshape(out, tuple(shape))


def _is_bool(xp, item):
    return hasattr(item, 'dtype') and xp.isdtype(item.dtype, 'bool')


def _positions(xp, shape, where):
    """The row-major position of every element `x[where]` reads from an array of `shape`,
    shaped as that result."""
    return _index(xp, xp.reshape(xp.arange(math.prod(shape), dtype=xp.int64), shape), where)


def _scatter_into(xp, out, where, g):
    """out with g added at out[where]; repeated positions accumulate."""
    if _is_basic(where):
        # No element repeats: add into a copy. Axes that None inserts are not in `out`.
        target = _full(tuple(item for item in where if item is not None), out.ndim)
        g = xp.reshape(xp.broadcast_to(g, tuple(_index(xp, out, where).shape)), tuple(out[target].shape))
        out = xp.asarray(out, copy=True)
        out[target] = out[target] + g
        return out
    positions = _positions(xp, tuple(out.shape), where)
    values = xp.reshape(xp.broadcast_to(g, tuple(positions.shape)), (-1, 1))
    flat = _add_rows(xp, xp.reshape(out, (-1, 1)), xp.reshape(positions, (-1,)), values)
    return xp.reshape(flat, tuple(out.shape))


def getitem(x, *arrays, index):
    xp = namespace_of(x)
    return _index(xp, x, build_index(index, arrays, xp))


def index_add(g, *arrays, index, shape):
    """Zeros of `shape` with g added at `index`: the adjoint of getitem."""
    xp = namespace_of(g)
    return _scatter_into(xp, xp.zeros(tuple(shape), dtype=g.dtype), build_index(index, arrays, xp), g)


def setitem(x, value, *arrays, index):
    """A copy of x with value written at index (of repeated positions, the last one's value)."""
    xp = namespace_of(x)
    where = build_index(index, arrays, xp)
    value = xp.astype(value, x.dtype) if hasattr(value, 'shape') else xp.asarray(value, dtype=x.dtype)
    if _is_basic(where):
        target = _full(tuple(item for item in where if item is not None), x.ndim)
        value = xp.reshape(xp.broadcast_to(value, tuple(_index(xp, x, where).shape)), tuple(x[target].shape))
        out = xp.asarray(x, copy=True)
        out[target] = value
        return out
    positions = _positions(xp, tuple(x.shape), where)
    values = xp.reshape(xp.broadcast_to(value, tuple(positions.shape)), (-1,))
    positions = xp.reshape(positions, (-1, 1))
    m, size = positions.shape[0], math.prod(x.shape)
    hot = positions == xp.reshape(xp.arange(size, dtype=xp.int64), (1, size))
    last = xp.max(xp.where(hot, xp.reshape(xp.arange(m, dtype=xp.int64), (m, 1)), xp.asarray(-1)), axis=0)
    written = xp.take(values, xp.where(last >= 0, last, xp.zeros_like(last)))
    return xp.reshape(xp.where(last >= 0, written, xp.reshape(x, (-1,))), tuple(x.shape))


def index_add_to(acc, g, *arrays, index):
    """acc with g added at index (repeated integer indices accumulate)."""
    xp = namespace_of(acc)
    return _scatter_into(xp, acc, build_index(index, arrays, xp), g)


# ---------------------------------------------------------------- linear algebra
def dot(a, b):
    """np.dot: a matrix product for up to two axes; otherwise over a's last and b's second-last."""
    xp = namespace_of(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim <= 2 and b.ndim <= 2:
        return xp.matmul(a, b)
    return xp.tensordot(a, b, axes=([a.ndim - 1], [max(b.ndim - 2, 0)]))


def outer(a, b):
    xp = namespace_of(a, b)
    return xp.reshape(a, (-1, 1)) * xp.reshape(b, (1, -1))


def einsum(*operands, equation):
    """The library's einsum where its namespace has one (NumPy's, CuPy's, dask's); else each
    operand laid out over all the equation's indices, multiplied and summed (the memory of the
    full product: a fallback for libraries without einsum)."""
    xp = namespace_of(*operands)
    own = getattr(xp, 'einsum', None)
    if own is not None:
        return own(equation, *operands)
    inputs, arrow, output = equation.replace(' ', '').partition('->')
    inputs = inputs.split(',')
    # '...' stands for the same leading letters in every term (capitals: never the user's).
    dots = max((x.ndim - len(spec) + 3 for spec, x in zip(inputs, operands) if '...' in spec), default=0)
    spare = [c for c in 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' if c not in equation][:dots]
    inputs = [spec.replace('...', ''.join(spare[dots - (x.ndim - len(spec) + 3):])) if '...' in spec else spec
              for spec, x in zip(inputs, operands)]
    if arrow:
        output = output.replace('...', ''.join(spare))
    else:
        letters = ''.join(inputs)
        output = ''.join(spare) + ''.join(sorted(c for c in set(letters) - set(spare) if letters.count(c) == 1))
    letters = list(dict.fromkeys(output + ''.join(inputs)))
    sizes = {}
    for spec, x in zip(inputs, operands):
        for c, n in zip(spec, x.shape):
            sizes[c] = max(sizes.get(c, 1), n)
    product = None
    for spec, operand in zip(inputs, operands):
        if len(set(spec)) != len(spec):    # a repeated index: a diagonal first
            raise NotImplementedError(f"einsum {equation!r} takes a diagonal, which needs a library "
                                      f"with einsum; {getattr(xp, '__name__', xp)} has none")
        order = sorted(range(len(spec)), key=lambda i: letters.index(spec[i]))
        moved = xp.permute_dims(operand, tuple(order))
        shape = [1] * len(letters)
        for i in order:
            shape[letters.index(spec[i])] = operand.shape[i]
        moved = xp.reshape(moved, tuple(shape))
        product = moved if product is None else product * moved
    product = xp.broadcast_to(product, tuple(sizes[c] for c in letters))
    summed = tuple(range(len(output), len(letters)))
    return xp.sum(product, axis=summed) if summed else product


def cholesky(x, upper=False):
    """The Cholesky factor, from the lower triangle (upper=True: from the upper one, as NumPy
    reads it)."""
    xp = namespace_of(x)
    if upper:
        return xp.linalg.matrix_transpose(xp.linalg.cholesky(xp.linalg.matrix_transpose(x)))
    return xp.linalg.cholesky(x)


def trace(x, offset=0, axis1=0, axis2=1, dtype=None):
    """Sums along the offset diagonal of the axes axis1, axis2 (NumPy's defaults: the first two)."""
    xp = namespace_of(x)
    moved = xp.moveaxis(x, (axis1, axis2), (-2, -1))
    n, m = moved.shape[-2:]
    picked = xp.where(xp.eye(n, m, k=offset, dtype=xp.bool), moved, xp.zeros_like(moved[..., :1, :1]))
    out = xp.sum(picked, axis=(-2, -1))
    return out if dtype is None else xp.astype(out, dtype)


def diag(x, k=0):
    """np.diag: a vector's diagonal matrix, or a matrix's k-th diagonal."""
    xp = namespace_of(x)
    if x.ndim == 1:
        n = x.shape[0] + abs(k)
        rows = pad(x, ((0, abs(k)),) if k >= 0 else ((abs(k), 0),))
        return xp.eye(n, k=k, dtype=x.dtype) * xp.reshape(rows, (n, 1))
    n, m = x.shape
    start_row, start_col = (0, k) if k >= 0 else (-k, 0)
    count = max(0, min(n - start_row, m - start_col))
    flat = (xp.arange(count, dtype=xp.int64) + start_row) * m + xp.arange(count, dtype=xp.int64) + start_col
    return xp.take(xp.reshape(x, (-1,)), flat)


# ---------------------------------------------------------------- reductions
def vector_norm(x, ord=2.0, axis=None, keepdims=False):
    xp = namespace_of(x)
    a = xp.abs(x)
    if ord == 2:
        return xp.sqrt(xp.sum(a * a, axis=axis, keepdims=keepdims))
    if ord == 1:
        return xp.sum(a, axis=axis, keepdims=keepdims)
    if ord == math.inf:
        return xp.max(a, axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return xp.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return xp.sum(xp.astype(a != 0, a.dtype if _kind(xp, a.dtype) in 'fc' else xp.float64),
                      axis=axis, keepdims=keepdims)
    return xp.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1 / ord)


# ---------------------------------------------------------------- convolution and pooling
_NO_PAD = ((0, 0), (0, 0))


def _pad2d(x, padding, value=0):
    padding = tuple(map(tuple, padding))
    return x if padding == _NO_PAD else pad(x, ((0, 0), (0, 0)) + padding, value)


def _windows(x, kernel_size, stride, dilation):
    """(N, C, OH, OW, KH, KW): the windows of a padded NCHW array, one strided slice per tap."""
    xp = namespace_of(x)
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    n, c, h, w = x.shape
    oh, ow = (h - (kh - 1) * dh - 1) // sh + 1, (w - (kw - 1) * dw - 1) // sw + 1
    taps = [x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            for i in range(kh) for j in range(kw)]
    return xp.reshape(xp.stack(taps, axis=-1), (n, c, oh, ow, kh, kw))


def _spread(xp, v, axis, start, step, size):
    """An array of length `size` along `axis` holding v[k] at start + k * step, zeros elsewhere."""
    count = v.shape[axis]
    if step > 1 and count > 1:
        zeros = xp.zeros(v.shape, dtype=v.dtype)
        v = xp.stack([v] + [zeros] * (step - 1), axis=axis + 1)
        v = xp.reshape(v, v.shape[:axis] + (count * step,) + v.shape[axis + 2:])
        v = slice_axis(v, axis, 0, (count - 1) * step + 1)
    widths = [(0, 0)] * v.ndim
    widths[axis] = (start, size - start - v.shape[axis])
    return pad(v, tuple(widths))


def _scatter_taps(cols, padded_shape, stride, dilation, padding):
    """Adjoint of `_windows`: cols (N, C, OH, OW, KH, KW) added back into the padded input's
    shape (each tap spread over its strided positions), then the padding cropped."""
    xp = namespace_of(cols)
    kh, kw = cols.shape[4:]
    (sh, sw), (dh, dw) = stride, dilation
    out = None
    for i in range(kh):
        for j in range(kw):
            tap = _spread(xp, cols[..., i, j], 2, i * dh, sh, padded_shape[2])
            tap = _spread(xp, tap, 3, j * dw, sw, padded_shape[3])
            out = tap if out is None else out + tap
    (top, bottom), (left, right) = padding
    return out[:, :, top:padded_shape[2] - bottom, left:padded_shape[3] - right]


def _padded_shape(n, c, input_size, padding):
    (top, bottom), (left, right) = padding
    return (n, c, input_size[0] + top + bottom, input_size[1] + left + right)


def _grouped(xp, fn, groups, axis, *parts):
    """fn applied to each group's slice of parts along their axes, concatenated along `axis`."""
    if groups == 1:
        return fn(*(p for p, _ in parts))
    outs = []
    for g in range(groups):
        sliced = []
        for p, a in parts:
            size = p.shape[a] // groups
            sliced.append(slice_axis(p, a, g * size, (g + 1) * size))
        outs.append(fn(*sliced))
    return xp.concat(outs, axis=axis)


def _taps(x, kernel_size, stride, dilation):
    """[(i, j, x's (N, C, OH, OW) slice that tap (i, j) of each window reads)] of a padded x."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    h, w = x.shape[2:]
    oh, ow = (h - (kh - 1) * dh - 1) // sh + 1, (w - (kw - 1) * dw - 1) // sw + 1
    return [(i, j, x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw])
            for i in range(kh) for j in range(kw)]


def conv2d(x, w, stride=(1, 1), padding=_NO_PAD, dilation=(1, 1), groups=1):
    xp = namespace_of(x, w)
    if groups == 1:     # one product per tap: no (N, C, OH, OW, KH, KW) copy of the windows
        taps = _taps(_pad2d(x, padding), w.shape[2:], stride, dilation)
        out = None
        for i, j, tap in taps:
            term = xp.tensordot(tap, w[:, :, i, j], axes=([1], [1]))       # N OH OW O
            out = term if out is None else out + term
        return xp.permute_dims(out, (0, 3, 1, 2))
    win = _windows(_pad2d(x, padding), w.shape[2:], stride, dilation)
    out = _grouped(xp, lambda wi, wg: xp.tensordot(wi, wg, axes=([1, 4, 5], [1, 2, 3])), groups, 3,
                   (win, 1), (w, 0))
    return xp.permute_dims(out, (0, 3, 1, 2))


def conv2d_input_grad(g, w, input_size, stride=(1, 1), padding=_NO_PAD, dilation=(1, 1), groups=1):
    xp = namespace_of(g, w)
    n = g.shape[0]
    cg = w.shape[1]
    cols = _grouped(xp, lambda gg, wg: xp.tensordot(gg, wg, axes=([1], [0])), groups, 3, (g, 1), (w, 0))
    cols = xp.permute_dims(cols, (0, 3, 1, 2, 4, 5))
    return _scatter_taps(cols, _padded_shape(n, groups * cg, input_size, padding), stride, dilation, padding)


def conv2d_weight_grad(x, g, kernel_size, stride=(1, 1), padding=_NO_PAD, dilation=(1, 1), groups=1):
    xp = namespace_of(x, g)
    if groups == 1:
        taps = _taps(_pad2d(x, padding), kernel_size, stride, dilation)
        rows = [xp.tensordot(g, tap, axes=([0, 2, 3], [0, 2, 3])) for _, _, tap in taps]    # O C each
        out = xp.stack(rows, axis=-1)
        return xp.reshape(out, out.shape[:2] + tuple(kernel_size))
    win = _windows(_pad2d(x, padding), kernel_size, stride, dilation)
    return _grouped(xp, lambda gg, wi: xp.tensordot(gg, wi, axes=([0, 2, 3], [0, 2, 3])), groups, 0,
                    (g, 1), (win, 1))


def _lowest(xp, dtype):
    return -math.inf if _kind(xp, dtype) in 'fc' else xp.iinfo(dtype).min


def _taps_flat(win):
    xp = namespace_of(win)
    n, c, oh, ow, kh, kw = win.shape
    return xp.reshape(win, (n, c, oh, ow, kh * kw))


def _window_argmax(x, kernel_size, stride, padding, dilation):
    xp = namespace_of(x)
    win = _windows(_pad2d(x, padding, _lowest(xp, x.dtype)), kernel_size, stride, dilation)
    return xp.argmax(_taps_flat(win), axis=-1)


def _tiles(x, kernel_size, stride, padding, dilation):
    """(N, C, OH, OW, KH * KW): the windows, by reshaping, where they tile x exactly (stride =
    kernel size, no padding or dilation, sizes divisible); else None."""
    xp = namespace_of(x)
    (kh, kw), (n, c, h, w) = kernel_size, x.shape
    if tuple(stride) != (kh, kw) or tuple(map(tuple, padding)) != _NO_PAD or tuple(dilation) != (1, 1) \
            or h % kh or w % kw:
        return None
    tiles = xp.permute_dims(xp.reshape(x, (n, c, h // kh, kh, w // kw, kw)), (0, 1, 2, 4, 3, 5))
    return xp.reshape(tiles, (n, c, h // kh, w // kw, kh * kw))


def _untiled(tiles, kernel_size):
    """The inverse of `_tiles`: (N, C, OH, OW, KH * KW) back to (N, C, OH * KH, OW * KW)."""
    xp = namespace_of(tiles)
    (kh, kw), (n, c, oh, ow, _) = kernel_size, tiles.shape
    tiles = xp.permute_dims(xp.reshape(tiles, (n, c, oh, ow, kh, kw)), (0, 1, 2, 4, 3, 5))
    return xp.reshape(tiles, (n, c, oh * kh, ow * kw))


def max_pool2d(x, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    xp = namespace_of(x)
    tiles = _tiles(x, kernel_size, stride, padding, dilation)
    if tiles is not None:
        return xp.max(tiles, axis=-1)
    win = _windows(_pad2d(x, padding, _lowest(xp, x.dtype)), kernel_size, stride, dilation)
    return xp.max(win, axis=(4, 5))


def max_pool2d_grad(x, g, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    xp = namespace_of(x, g)
    tiles = _tiles(x, kernel_size, stride, padding, dilation)
    if tiles is not None:       # each window's cotangent to its first maximum, in place
        hit = xp.expand_dims(xp.argmax(tiles, axis=-1), axis=-1) == xp.arange(tiles.shape[-1])
        return _untiled(xp.where(hit, xp.expand_dims(g, axis=-1), xp.zeros((1,), dtype=g.dtype)), kernel_size)
    arg = _window_argmax(x, kernel_size, stride, padding, dilation)
    kh, kw = kernel_size
    taps = xp.reshape(xp.arange(kh * kw, dtype=arg.dtype), (kh, kw))
    hit = xp.reshape(arg, arg.shape + (1, 1)) == taps
    cols = xp.where(hit, xp.reshape(g, g.shape + (1, 1)), xp.zeros((1,), dtype=g.dtype))
    return _scatter_taps(cols, _padded_shape(*x.shape[:2], x.shape[2:], padding), stride, dilation, padding)


def max_pool2d_select(x, h, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    xp = namespace_of(x, h)
    arg = _window_argmax(x, kernel_size, stride, padding, dilation)
    win = _taps_flat(_windows(_pad2d(h, padding), kernel_size, stride, dilation))
    hit = xp.expand_dims(arg, axis=-1) == xp.arange(win.shape[-1], dtype=arg.dtype)
    return xp.sum(xp.where(hit, win, xp.zeros((1,), dtype=win.dtype)), axis=-1)


def max_pool2d_indices(x, kernel_size, stride, padding=_NO_PAD, dilation=(1, 1)):
    xp = namespace_of(x)
    arg = xp.astype(_window_argmax(x, kernel_size, stride, padding, dilation), xp.int64)
    oh, ow = arg.shape[2:]
    i, j = arg // kernel_size[1], arg % kernel_size[1]
    (top, _), (left, _) = padding
    rows = xp.reshape(xp.arange(oh, dtype=xp.int64), (oh, 1)) * stride[0] + i * dilation[0] - top
    cols = xp.reshape(xp.arange(ow, dtype=xp.int64), (1, ow)) * stride[1] + j * dilation[1] - left
    return rows * x.shape[3] + cols


def _avg_divisor(xp, input_size, kernel_size, stride, padding, count_include_pad, divisor_override, dtype):
    if divisor_override:
        return divisor_override
    if count_include_pad or tuple(map(tuple, padding)) == _NO_PAD:
        return kernel_size[0] * kernel_size[1]
    ones = _pad2d(xp.ones((1, 1) + tuple(input_size), dtype=dtype), padding)
    return xp.sum(_windows(ones, kernel_size, stride, (1, 1)), axis=(4, 5))[0, 0, ...]


def avg_pool2d(x, kernel_size, stride, padding=_NO_PAD, count_include_pad=True, divisor_override=None):
    xp = namespace_of(x)
    x = _floating(xp, x)
    total = xp.sum(_windows(_pad2d(x, padding), kernel_size, stride, (1, 1)), axis=(4, 5))
    return total / _avg_divisor(xp, x.shape[2:], kernel_size, stride, padding, count_include_pad,
                                divisor_override, total.dtype)


def avg_pool2d_grad(g, input_size, kernel_size, stride, padding=_NO_PAD, count_include_pad=True,
                    divisor_override=None):
    xp = namespace_of(g)
    g = g / _avg_divisor(xp, input_size, kernel_size, stride, padding, count_include_pad,
                         divisor_override, g.dtype)
    cols = xp.broadcast_to(xp.reshape(g, g.shape + (1, 1)), g.shape + tuple(kernel_size))
    return _scatter_taps(cols, _padded_shape(*g.shape[:2], input_size, padding), stride, (1, 1), padding)
