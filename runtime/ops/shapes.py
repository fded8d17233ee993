"""Ops that rearrange arrays: reshape and its relatives (expand_dims, squeeze, flatten), axis
permutations, broadcast_to, concat/stack and their inverses (split, chunk, unstack, narrow), tile,
repeat_interleave, flip and pad. The NumPy functions (`np.concatenate`, `np.split`, `np.pad`, ...)
keep NumPy's signatures and results."""
import numpy as np

from ..primitives import shapes as P
from ..primitives.core import normalize_axis
from .common import aval_of, ndim_of, numpy_function, pick, shape_arg, symbolic, tensor_method


def _axis(axis, ndim):
    """One axis (an int, negative counted from the end) -> non-negative int."""
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an int, got {axis!r}")
    return normalize_axis(int(axis), ndim)


def _ints(values, what):
    """An int or a sequence of ints (a list, tuple, numpy array or Tensor known now) -> tuple."""
    if isinstance(values, (int, np.integer)):
        return (int(values),)
    if symbolic(values) or (isinstance(values, (list, tuple)) and any(symbolic(v) for v in values)):
        raise TypeError(f"{what} must be known at compile time (ints), not a Tensor, whose value "
                        "is known only when the code runs")
    try:
        return tuple(int(v) for v in np.asarray(values).reshape(-1))
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be known at compile time (ints), got {values!r}") from None


# ---------------------------------------------------------------- reshape and relatives
def reshape(input, shape):
    """New shape, one entry of which may be -1 (inferred)."""
    old, _ = aval_of(input)
    shape = shape_arg(shape)
    if shape.count(-1) > 1:
        raise ValueError(f"cannot reshape an array of shape {old} into {shape}: more than one -1")
    if -1 in shape:
        known = int(np.prod([n for n in shape if n != -1]))
        size = int(np.prod(old))
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape an array of shape {old} (size {size}) into shape {shape}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    return P.reshape.bind(input, shape=shape)


def expand_dims(input, axis=None, *, dim=None):
    """A new axis of size 1 at `axis` (negative: counted from the end of the result)."""
    shape, _ = aval_of(input)
    axis = _axis(pick('axis', axis, dim), len(shape) + 1)
    return reshape(input, shape[:axis] + (1,) + shape[axis:])


def unsqueeze(input, dim):
    return expand_dims(input, dim)


@tensor_method()
def squeeze(input, axis=None, *, dim=None):
    """Removes axes of size 1: all of them (axis None) or those named, which must have size 1
    (MindSpore raises for others)."""
    shape, _ = aval_of(input)
    axis = pick('axis', axis, dim)
    if axis is None:
        return reshape(input, tuple(n for n in shape if n != 1))
    axes = [normalize_axis(a, len(shape)) for a in _ints(axis, 'axis')]
    for a in axes:
        if shape[a] != 1:
            raise ValueError(f"cannot squeeze axis {a} of size {shape[a]} of an array of shape {shape}")
    return reshape(input, tuple(n for i, n in enumerate(shape) if i not in axes))


def flatten(input, order='C', *, start_dim=1, end_dim=-1):
    """MindSpore 2.x `ops.flatten`: merges the axes start_dim..end_dim (by default all but the
    first, start_dim=1; Tensor.flatten starts at 0). A 0-d input becomes 1-D. order='F' merges
    them in column-major order."""
    shape, _ = aval_of(input)
    if order not in ('C', 'F'):
        raise ValueError(f"flatten: order must be 'C' or 'F', got {order!r}")
    if not shape:
        return reshape(input, (1,))
    start, end = normalize_axis(start_dim, len(shape)), normalize_axis(end_dim, len(shape))
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {shape}")
    if order == 'F' and end > start:
        perm = tuple(range(start)) + tuple(range(end, start - 1, -1)) + tuple(range(end + 1, len(shape)))
        input, shape = transpose(input, perm), tuple(shape[a] for a in perm)
    return reshape(input, shape[:start] + (int(np.prod(shape[start:end + 1])),) + shape[end + 1:])


@tensor_method('flatten')
def _flatten_method(input, order='C', *, start_dim=0, end_dim=-1):
    return flatten(input, order, start_dim=start_dim, end_dim=end_dim)


@tensor_method()
def ravel(input):
    return reshape(input, (-1,))


@tensor_method()
def broadcast_to(input, shape):
    """Broadcast to `shape`; a -1 keeps the input's size on that axis (MindSpore)."""
    old, _ = aval_of(input)
    shape = shape_arg(shape)
    lead = len(shape) - len(old)
    if -1 in shape[:lead] or lead < 0:
        raise ValueError(f"cannot broadcast an array of shape {old} to shape {shape}")
    shape = shape[:lead] + tuple(o if n == -1 else n for n, o in zip(shape[lead:], old))
    return P.broadcast_to.bind(input, shape=shape)


# ---------------------------------------------------------------- axis permutations
def transpose(input, input_perm=None):
    ndim = ndim_of(input)
    axes = None if input_perm is None else tuple(normalize_axis(a, ndim) for a in _ints(input_perm, 'input_perm'))
    if axes == tuple(reversed(range(ndim))):
        axes = None
    return P.transpose.bind(input, axes=axes)


def permute(input, dims=None, *, axis=None):
    return transpose(input, pick('dims', dims, axis))


@tensor_method()
def swapaxes(input, axis0, axis1):
    ndim = ndim_of(input)
    perm = list(range(ndim))
    a, b = _axis(axis0, ndim), _axis(axis1, ndim)
    perm[a], perm[b] = perm[b], perm[a]
    return transpose(input, tuple(perm))


@tensor_method()
def moveaxis(x, source, destination):
    ndim = ndim_of(x)
    source = [normalize_axis(a, ndim) for a in _ints(source, 'source')]
    destination = [normalize_axis(a, ndim) for a in _ints(destination, 'destination')]
    order = [a for a in range(ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(x, tuple(order))


movedim = moveaxis


# Tensor methods take the shape or the axes as separate arguments too: x.reshape(4, 3).
@tensor_method('reshape', 'view')
def _reshape_method(input, *shape):
    return reshape(input, shape[0] if len(shape) == 1 else shape)


@tensor_method('transpose')
def _transpose_method(input, *axes):
    return transpose(input, axes[0] if len(axes) == 1 else (axes or None))


@tensor_method('permute')
def _permute_method(input, *axis):
    return transpose(input, axis[0] if len(axis) == 1 else axis)


@tensor_method('expand_dims', 'unsqueeze')
def _expand_dims_method(input, axis):
    return expand_dims(input, axis)


tensor_method('T')(property(transpose))


# ---------------------------------------------------------------- concat, stack and their inverses
def _arrays(tensors, what):
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError(f"{what} takes a non-empty list or tuple of arrays")
    return tuple(tensors)


def concat(tensors, axis=None, *, dim=None):
    """Joins arrays along an existing axis (default 0; all other sizes must agree)."""
    tensors = _arrays(tensors, 'concat')
    axis = pick('axis', axis, dim) or 0
    if len(tensors) == 1:
        return tensors[0]
    return P.concat.bind(*tensors, axis=_axis(axis, ndim_of(tensors[0])))


cat = concat


def stack(tensors, axis=None, *, dim=None):
    """Joins arrays of one shape along a new axis (default 0)."""
    tensors = _arrays(tensors, 'stack')
    axis = pick('axis', axis, dim) or 0
    return P.stack.bind(*tensors, axis=_axis(axis, ndim_of(tensors[0]) + 1))


@tensor_method()
def narrow(input, axis, start, length):
    """The `length` elements from `start` on along `axis` (MindSpore `ops.narrow`)."""
    shape, _ = aval_of(input)
    axis = _axis(axis, len(shape))
    n = shape[axis]
    start = start + n if start < 0 else start
    if not (0 <= start <= n and 0 <= length <= n - start):
        raise ValueError(f"narrow: {length} elements from {start} do not fit axis {axis} of shape {shape}")
    if start == 0 and length == n:
        return input
    return P.slice_axis.bind(input, axis=axis, start=start, stop=start + length)


def _pieces(input, axis, sizes):
    starts = np.cumsum((0,) + tuple(sizes[:-1]))
    return tuple(narrow(input, axis, int(s), int(n)) for s, n in zip(starts, sizes))


@tensor_method()
def split(tensor, split_size_or_sections, axis=0, *, dim=None):
    """A tuple of pieces along `axis`: of `split_size_or_sections` elements each (an int; the last
    piece may be shorter) or of the listed sizes, which must add up to the axis' size."""
    shape, _ = aval_of(tensor)
    axis = _axis(axis if dim is None else dim, len(shape))
    n = shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: the piece size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
    else:
        sizes = list(_ints(split_size_or_sections, 'split_size_or_sections'))
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ValueError(f"split: sizes {tuple(sizes)} do not add up to axis {axis} of shape {shape}")
    return _pieces(tensor, axis, sizes or [0])


@tensor_method()
def chunk(input, chunks, axis=None, *, dim=None):
    """Up to `chunks` pieces of ceil(n / chunks) elements along `axis` (default 0; the last may
    be shorter)."""
    axis = pick('axis', axis, dim) or 0
    n = aval_of(input)[0][_axis(axis, ndim_of(input))]
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    return split(input, max(-(-n // chunks), 1), axis)


def unstack(input_x, axis=None, *, dim=None):
    """The slices along `axis` (default 0), each without that axis."""
    shape, _ = aval_of(input_x)
    axis = _axis(pick('axis', axis, dim) or 0, len(shape))
    rest = shape[:axis] + shape[axis + 1:]
    return tuple(reshape(narrow(input_x, axis, i, 1), rest) for i in range(shape[axis]))


# ---------------------------------------------------------------- tile, repeat, flip
@tensor_method()
def tile(input, dims=None, *, multiples=None, reps=None):
    """`input` repeated `dims[i]` times along axis i; a shorter `dims` is padded with leading 1s,
    a longer one adds leading axes."""
    reps = _ints(pick('dims', dims, multiples, reps), 'dims')
    shape, _ = aval_of(input)
    if len(reps) > len(shape):
        shape = (1,) * (len(reps) - len(shape)) + shape
        input = reshape(input, shape)
    reps = (1,) * (len(shape) - len(reps)) + reps
    if all(r == 1 for r in reps):
        return input
    return P.tile.bind(input, reps=reps)


def repeat_interleave(input, repeats, axis=None, *, dim=None):
    """Each element repeated `repeats` times (an int, or one count per element along the axis)
    along `axis`; the flattened input for None."""
    axis = pick('axis', axis, dim)
    counts = _ints(repeats, 'repeats')
    if any(c < 0 for c in counts):
        raise ValueError(f"repeats must not be negative, got {counts}")
    if axis is None:
        input, axis = reshape(input, (-1,)), 0
    shape, _ = aval_of(input)
    axis = _axis(axis, len(shape))
    if len(counts) == 1 or len(set(counts)) == 1 and len(counts) == shape[axis]:
        counts = counts[0]
    return P.repeat.bind(input, repeats=counts, axis=axis)


@tensor_method('repeat')
def _repeat_method(input, repeats, axis=None):
    """Tensor.repeat: NumPy's repeat (elements repeated, as repeat_interleave)."""
    return repeat_interleave(input, repeats, axis)


@tensor_method('repeat_interleave')
def _repeat_interleave_method(input, repeats, dim=None):
    return repeat_interleave(input, repeats, dim)


@tensor_method()
def flip(input, dims=None, *, axis=None):
    """Reverses the order of elements along `dims` (all axes for None)."""
    dims = pick('dims', dims, axis)
    ndim = ndim_of(input)
    dims = normalize_axis(None if dims is None else _ints(dims, 'dims'), ndim)
    if dims == ():
        return input
    return P.flip.bind(input, axis=dims)


# ---------------------------------------------------------------- pad
def _pad_copies(x, axis, before, after, mode):
    """x padded along `axis` with copies of its own elements: mirrored about the edges
    ('reflect', edges not repeated), the edge repeated ('replicate') or wrapped ('circular')."""
    n = aval_of(x)[0][axis]
    if mode == 'reflect':
        head, tail = flip(narrow(x, axis, 1, before), axis), flip(narrow(x, axis, n - 1 - after, after), axis)
    elif mode == 'replicate':
        head = repeat_interleave(narrow(x, axis, 0, 1), before, axis)
        tail = repeat_interleave(narrow(x, axis, n - 1, 1), after, axis)
    else:
        head, tail = narrow(x, axis, n - before, before), narrow(x, axis, 0, after)
    return concat([p for p, size in ((head, before), (x, n), (tail, after)) if size], axis)


def pad(input_x, padding, mode='constant', value=None):
    """MindSpore `ops.pad`: `padding` holds (before, after) pairs starting from the LAST axis
    ((left, right) of the last axis, then (top, bottom) of the one before, ...), as in PyTorch.
    Negative amounts crop. Modes: 'constant' (with `value`, default 0), 'reflect' and
    'circular' (amounts up to the axis' size less one, resp. the size) and 'replicate'; these
    copy elements, so their gradients add up the copies."""
    shape, _ = aval_of(input_x)
    padding = _ints(padding, 'padding')
    if len(padding) % 2 or len(padding) // 2 > len(shape):
        raise ValueError(f"pad: padding {padding} needs (before, after) pairs for at most the "
                         f"{len(shape)} axes of shape {shape}")
    widths = [(0, 0)] * len(shape)
    for i in range(len(padding) // 2):
        widths[len(shape) - 1 - i] = (padding[2 * i], padding[2 * i + 1])
    if mode == 'constant':
        if all(w == (0, 0) for w in widths):
            return input_x
        return P.pad.bind(input_x, pad_width=tuple(widths), value=float(0 if value is None else value))
    if mode not in ('reflect', 'replicate', 'circular'):
        raise ValueError(f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    if value is not None:
        raise ValueError(f"pad: value is only for mode 'constant', not {mode!r}")
    crop = [(min(lo, 0), min(hi, 0)) for lo, hi in widths]     # negative amounts crop first
    if any(w != (0, 0) for w in crop):
        input_x = P.pad.bind(input_x, pad_width=tuple(crop))
        shape = aval_of(input_x)[0]
    for axis, (before, after) in enumerate(widths):
        before, after, n = max(before, 0), max(after, 0), shape[axis]
        limit = n - 1 if mode == 'reflect' else n
        if max(before, after) > limit or (mode == 'replicate' and n == 0 and before + after):
            raise ValueError(f"pad: {mode} padding {(before, after)} does not fit axis {axis} of size {n}")
        if before or after:
            input_x = _pad_copies(input_x, axis, before, after, mode)
    return input_x


# ---------------------------------------------------------------- NumPy functions
@numpy_function(np.reshape)
def _numpy_reshape(a, shape=None, order='C', *, newshape=None, copy=None):
    if order != 'C':
        raise TypeError("np.reshape: only order='C' is supported in compiled code")
    return reshape(a, pick('shape', shape, newshape))


@numpy_function(np.ravel)
def _numpy_ravel(a, order='C'):
    return _numpy_reshape(a, (-1,), order)


@numpy_function(np.transpose)
def _numpy_transpose(a, axes=None):
    return transpose(a, axes)


@numpy_function(np.swapaxes)
def _numpy_swapaxes(a, axis1, axis2):
    return swapaxes(a, axis1, axis2)


@numpy_function(np.moveaxis)
def _numpy_moveaxis(a, source, destination):
    return moveaxis(a, source, destination)


@numpy_function(np.expand_dims)
def _numpy_expand_dims(a, axis):
    shape, _ = aval_of(a)
    axes = [normalize_axis(x, len(shape) + len(_ints(axis, 'axis'))) for x in _ints(axis, 'axis')]
    dims = iter(shape)
    return reshape(a, tuple(1 if i in axes else next(dims) for i in range(len(shape) + len(axes))))


@numpy_function(np.squeeze)
def _numpy_squeeze(a, axis=None):
    return squeeze(a, axis)


@numpy_function(np.broadcast_to)
def _numpy_broadcast_to(array, shape, subok=False):
    return P.broadcast_to.bind(array, shape=shape_arg(shape))


@numpy_function(np.concatenate)
def _numpy_concatenate(arrays, axis=0, out=None, *, dtype=None, casting='same_kind'):
    if out is not None or dtype is not None:
        raise TypeError("np.concatenate(out=..., dtype=...) is not supported in compiled code")
    arrays = _arrays(arrays, 'np.concatenate')
    if axis is None:
        arrays, axis = [reshape(a, (-1,)) for a in arrays], 0
    return concat(arrays, axis)


@numpy_function(np.stack)
def _numpy_stack(arrays, axis=0, out=None, *, dtype=None, casting='same_kind'):
    if out is not None or dtype is not None:
        raise TypeError("np.stack(out=..., dtype=...) is not supported in compiled code")
    return stack(arrays, axis)


@numpy_function(np.split)
def _numpy_split(ary, indices_or_sections, axis=0):
    """NumPy's split: an int gives that many equal pieces; a list gives the split points."""
    shape, _ = aval_of(ary)
    axis = _axis(axis, len(shape))
    n = shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError(f"np.split: axis {axis} of shape {shape} does not divide into "
                             f"{indices_or_sections} equal pieces")
        return list(split(ary, n // int(indices_or_sections), axis))
    bounds = [0] + [min(max(p + n if p < 0 else p, 0), n) for p in _ints(indices_or_sections, 'indices')] + [n]
    return [narrow(ary, axis, lo, max(hi - lo, 0)) for lo, hi in zip(bounds[:-1], bounds[1:])]


@numpy_function(np.tile)
def _numpy_tile(A, reps):
    return tile(A, reps)


@numpy_function(np.repeat)
def _numpy_repeat(a, repeats, axis=None):
    return repeat_interleave(a, repeats, axis)


@numpy_function(np.flip)
def _numpy_flip(m, axis=None):
    return flip(m, axis)


@numpy_function(np.pad)
def _numpy_pad(array, pad_width, mode='constant', **kwargs):
    """NumPy's pad for modes 'constant' (one scalar constant_values), 'edge', 'reflect' and 'wrap'."""
    shape, _ = aval_of(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64).reshape(-1, 2)
                             if np.ndim(pad_width) else np.full((1, 2), pad_width), (len(shape), 2))
    padding = tuple(int(v) for pair in widths[::-1] for v in pair)
    modes = {'constant': 'constant', 'edge': 'replicate', 'reflect': 'reflect', 'wrap': 'circular'}
    if mode not in modes or set(kwargs) - {'constant_values'}:
        raise TypeError(f"np.pad: mode {mode!r} with {sorted(kwargs)} is not supported in compiled code")
    value = kwargs.get('constant_values')
    if value is not None and np.ndim(value):
        raise TypeError("np.pad: constant_values must be one number in compiled code")
    return pad(array, padding, modes[mode], value if mode == 'constant' else None)
