"""Primitives that move data without arithmetic: reshape, transpose, broadcast, concatenation and
stacking, slicing along an axis, padding, tiling, repeating and flipping.

Params are canonical (the ops normalise them): axes are non-negative, `tile`'s reps have one entry
per axis, `repeat` always has an axis, `pad_width` one (before, after) pair per axis."""
import numpy as np

from .. import kernels, ops
from ..kernels import array_api as standard
from .batching import axis_batch, lift, to_front
from .core import MATRIX, Aval, defprim, normalize_axis, result_dtype, shape_of, unbroadcast

CUBE = np.array([[[0.7, -1.3, 2.1, 0.4], [-0.2, 3.0, -1.1, 1.6], [0.9, -0.5, 1.2, -2.4]],
                 [[1.4, 0.3, -0.8, 2.2], [-1.7, 0.6, 2.5, -0.9], [0.1, 1.9, -1.4, 0.8]]])


def torch_padding(pad_width):
    """(before, after) pairs per axis -> ops.pad's flat padding, last axis first."""
    return tuple(v for lo, hi in reversed(pad_width) for v in (lo, hi))


def _check_axis(axis, ndim, shape):
    if not 0 <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for an array of shape {shape}")


# ---------------------------------------------------------------- reshape, transpose, broadcast
def _reshape_rule(x, shape):
    size = int(np.prod(x.shape))
    if int(np.prod(shape)) != size:
        raise ValueError(f"cannot reshape an array of shape {x.shape} (size {size}) into shape {shape}")
    return Aval(tuple(shape), x.dtype)


def _transpose_rule(x, axes=None):
    axes = tuple(reversed(range(len(x.shape)))) if axes is None else axes
    if sorted(axes) != list(range(len(x.shape))):
        raise ValueError(f"axes {axes} are not a permutation of the {len(x.shape)} axes of {x.shape}")
    return Aval(tuple(x.shape[a] for a in axes), x.dtype)


def _transpose_vjp(g, x, out, axes=None):
    return (ops.transpose(g, None if axes is None else tuple(np.argsort(axes).tolist())),)


def _broadcast_to_rule(x, shape):
    try:
        if np.broadcast_shapes(x.shape, shape) == tuple(shape):
            return Aval(tuple(shape), x.dtype)
    except ValueError:
        pass
    raise ValueError(f"cannot broadcast an array of shape {x.shape} to shape {shape}")


def _reshape_batch(prim, args, dims, shape):
    x = to_front(args[0], dims[0])
    return prim.bind(x, shape=(x.shape[0],) + tuple(shape)), 0


def _transpose_batch(prim, args, dims, axes=None):
    x = to_front(args[0], dims[0])
    axes = tuple(reversed(range(len(x.shape) - 1))) if axes is None else axes
    return prim.bind(x, axes=(0,) + tuple(a + 1 for a in axes)), 0


def _broadcast_to_batch(prim, args, dims, shape):
    x = lift(to_front(args[0], dims[0]), len(shape))
    return prim.bind(x, shape=(x.shape[0],) + tuple(shape)), 0


# Everything here is linear: the tangent is the primitive applied to the tangents.
reshape = defprim('reshape', np.reshape, _reshape_rule,
                  vjp=lambda g, x, out, shape: (ops.reshape(g, x.shape),), jvp='linear', batch=_reshape_batch,
                  samples=[((MATRIX,), {'shape': (3, 2)}), ((MATRIX,), {'shape': (6,)}),
                           ((MATRIX,), {'shape': (1, 2, 1, 3)})],
                  keeps_fill=True, rewrites=('same_aval', 'reshape_of_reshape', 'unit_axes'))
transpose = defprim('transpose', np.transpose, _transpose_rule, vjp=_transpose_vjp, jvp='linear',
                    batch=_transpose_batch,
                    samples=[((MATRIX,), {}), ((np.arange(24.).reshape(2, 3, 4),), {'axes': (1, 2, 0)})],
                    rewrites=('vector_transpose', 'transpose_of_transpose'), attribute='T',
                    array_api=standard.transpose)
broadcast_to = defprim('broadcast_to', np.broadcast_to, _broadcast_to_rule,
                       vjp=lambda g, x, out, shape: (unbroadcast(g, x.shape),), jvp='linear',
                       batch=_broadcast_to_batch,
                       samples=[((np.array([[0.5], [1.5]]),), {'shape': (3, 2, 4)}),
                                ((np.array(0.5),), {'shape': (2,)})],
                       keeps_fill=True, rewrites=('same_aval', 'broadcast_of_reshape'))


# ---------------------------------------------------------------- concat and stack
def _array_shapes(name, operands):
    if not operands:
        raise ValueError(f"{name} needs at least one array")
    if any(not isinstance(o, Aval) for o in operands):
        raise ValueError(f"{name} takes arrays, not Python numbers")
    return [o.shape for o in operands]


def _concat_rule(*xs, axis=0):
    shapes = _array_shapes('concat', xs)
    first = shapes[0]
    _check_axis(axis, len(first), first)
    for s in shapes:
        if len(s) != len(first) or s[:axis] + s[axis + 1:] != first[:axis] + first[axis + 1:]:
            raise ValueError(f"cannot concatenate arrays of shapes {', '.join(map(str, shapes))} "
                             f"along axis {axis}")
    size = sum(s[axis] for s in shapes)
    return Aval(first[:axis] + (size,) + first[axis + 1:], result_dtype(kernels.concat, xs, axis=axis))


def _concat_vjp(g, *xs, out, axis=0):
    cts, start = [], 0
    for x in xs:
        cts.append(ops.narrow(g, axis, start, x.shape[axis]))
        start += x.shape[axis]
    return tuple(cts)


def _stack_rule(*xs, axis=0):
    shapes = _array_shapes('stack', xs)
    first = shapes[0]
    if not 0 <= axis <= len(first):
        raise ValueError(f"axis {axis} is out of bounds for stacking arrays of shape {first}")
    if any(s != first for s in shapes):
        raise ValueError(f"cannot stack arrays of different shapes {', '.join(map(str, shapes))}")
    return Aval(first[:axis] + (len(xs),) + first[axis:], result_dtype(kernels.stack, xs, axis=axis))


def _stack_vjp(g, *xs, out, axis=0):
    return tuple(ops.reshape(ops.narrow(g, axis, i, 1), x.shape) for i, x in enumerate(xs))


_M2 = np.array([[1.1, 0.4, -0.6], [2.3, -0.9, 0.2]])
concat = defprim('concat', kernels.concat, _concat_rule, vjp=_concat_vjp, jvp='linear', batch=axis_batch('axis'),
                 samples=[((MATRIX, _M2), {}), ((MATRIX, _M2[:, :1], CUBE[:, 0, :]), {"axis": 1}),
                          ((np.array([0.5, -1.5]), np.array([2.5])), {})],
                 fresh=True, array_api=standard.concat)
stack = defprim('stack', kernels.stack, _stack_rule, vjp=_stack_vjp, jvp='linear', batch=axis_batch('axis'),
                samples=[((MATRIX, _M2), {}), ((MATRIX, _M2, 2 * MATRIX), {'axis': 2}),
                         ((np.array(0.5), np.array(-1.5)), {})],
                fresh=True, array_api=standard.stack)


# ---------------------------------------------------------------- slicing and padding
def _slice_axis_rule(x, axis, start, stop):
    _check_axis(axis, len(x.shape), x.shape)
    if not 0 <= start <= stop <= x.shape[axis]:
        raise ValueError(f"slice {start}:{stop} does not fit axis {axis} of an array of shape {x.shape}")
    return Aval(x.shape[:axis] + (stop - start,) + x.shape[axis + 1:], x.dtype)


def _slice_axis_vjp(g, x, out, axis, start, stop):
    widths = [(0, 0)] * len(x.shape)
    widths[axis] = (start, x.shape[axis] - stop)
    return (ops.pad(g, torch_padding(widths)),)


def _pad_rule(x, pad_width, value=0.0):
    if len(pad_width) != len(x.shape):
        raise ValueError(f"padding {pad_width} needs one (before, after) pair per axis of shape {x.shape}")
    shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pad_width))
    if any(n < 0 or -lo > n0 or -hi > n0 for n, n0, (lo, hi) in zip(shape, x.shape, pad_width)):
        raise ValueError(f"padding {pad_width} crops more than the shape {x.shape} has")
    return Aval(shape, x.dtype)


def _pad_vjp(g, x, out, pad_width, value=0.0):
    return (ops.pad(g, torch_padding(tuple((-lo, -hi) for lo, hi in pad_width))),)


def _pad_jvp(primals, tangents, out, pad_width, value=0.0):
    return pad.bind(tangents[0], pad_width=pad_width, value=0.0)     # the padding is constant


def _pad_batch(prim, args, dims, pad_width, value=0.0):
    return prim.bind(to_front(args[0], dims[0]), pad_width=((0, 0),) + tuple(pad_width), value=value), 0


slice_axis = defprim('slice_axis', kernels.slice_axis, _slice_axis_rule, vjp=_slice_axis_vjp, jvp='linear',
                     batch=axis_batch('axis'),
                     samples=[((MATRIX,), {'axis': 1, 'start': 1, 'stop': 3}),
                              ((CUBE,), {'axis': 0, 'start': 1, 'stop': 2}),
                              ((CUBE,), {'axis': 2, 'start': 0, 'stop': 3})], array_api=standard.slice_axis)
pad = defprim('pad', kernels.pad, _pad_rule, vjp=_pad_vjp, jvp=_pad_jvp, batch=_pad_batch,
              samples=[((MATRIX,), {'pad_width': ((1, 2), (0, 1))}),
                       ((MATRIX,), {'pad_width': ((0, 0), (2, 1)), 'value': 0.5}),
                       ((CUBE,), {'pad_width': ((0, 0), (-1, 1), (2, -3))}),
                       ((np.array([0.3, -1.2, 0.8]),), {'pad_width': ((-1, 2),)})], array_api=standard.pad)


# ---------------------------------------------------------------- tile, repeat, flip
def _tile_rule(x, reps):
    if len(reps) != len(x.shape) or any(r < 0 for r in reps):
        raise ValueError(f"tile needs one non-negative repetition count per axis of shape {x.shape}, got {reps}")
    return Aval(tuple(n * r for n, r in zip(x.shape, reps)), x.dtype)


def _tile_vjp(g, x, out, reps):
    interleaved = tuple(v for r, n in zip(reps, x.shape) for v in (r, n))
    return (ops.sum(ops.reshape(g, interleaved), tuple(range(0, len(interleaved), 2))),)


def _repeat_rule(x, repeats, axis):
    _check_axis(axis, len(x.shape), x.shape)
    n = x.shape[axis]
    if isinstance(repeats, int):
        size = n * repeats
    elif len(repeats) == n:
        size = sum(repeats)
    else:
        raise ValueError(f"repeats {repeats} needs one count per element of axis {axis} of shape {x.shape}")
    return Aval(x.shape[:axis] + (size,) + x.shape[axis + 1:], x.dtype)


def _repeat_vjp(g, x, out, repeats, axis):
    if isinstance(repeats, int):
        split = x.shape[:axis] + (x.shape[axis], repeats) + x.shape[axis + 1:]
        return (ops.sum(ops.reshape(g, split), axis + 1),)
    return (segment_sum.bind(g, lengths=repeats, axis=axis),)   # each run of copies onto its source


def _segment_sum_rule(x, lengths, axis=0):
    _check_axis(axis, len(x.shape), x.shape)
    if sum(lengths) != x.shape[axis] or any(n < 0 for n in lengths):
        raise ValueError(f"segment lengths {lengths} do not add up to axis {axis} of shape {x.shape}")
    return Aval(x.shape[:axis] + (len(lengths),) + x.shape[axis + 1:], x.dtype)


def _flip_rule(x, axis=None):
    normalize_axis(axis, len(x.shape))
    return Aval(shape_of(x), x.dtype)


def _tile_batch(prim, args, dims, reps):
    return prim.bind(to_front(args[0], dims[0]), reps=(1,) + tuple(reps)), 0


def _flip_batch(prim, args, dims, axis=None):
    x = to_front(args[0], dims[0])
    axes = tuple(range(1, len(x.shape))) if axis is None else \
        tuple(a + 1 for a in (axis if isinstance(axis, tuple) else (axis,)))
    return prim.bind(x, axis=axes[0] if len(axes) == 1 else axes), 0


tile = defprim('tile', np.tile, _tile_rule, vjp=_tile_vjp, jvp='linear', batch=_tile_batch,
               samples=[((MATRIX,), {'reps': (2, 3)}), ((MATRIX,), {'reps': (1, 2)}), ((CUBE,), {'reps': (2, 1, 1)})],
               array_api='tile(reps)')
repeat = defprim('repeat', np.repeat, _repeat_rule, vjp=_repeat_vjp, jvp='linear', batch=axis_batch('axis'),
                 samples=[((MATRIX,), {'repeats': 2, 'axis': 1}), ((MATRIX,), {'repeats': 3, 'axis': 0}),
                          ((MATRIX,), {'repeats': (1, 0, 3), 'axis': 1}), ((CUBE,), {'repeats': (2, 1, 2), 'axis': 1})],
                          array_api=standard.repeat)
segment_sum = defprim('segment_sum', kernels.segment_sum, _segment_sum_rule,
                      vjp=lambda g, x, out, lengths, axis=0: (ops.repeat_interleave(g, lengths, axis),),
                      jvp='linear', batch=axis_batch('axis'),
                      samples=[((MATRIX,), {'lengths': (2, 0, 1), 'axis': 1}), ((CUBE,), {'lengths': (0, 2), 'axis': 0}),
                               ((CUBE,), {'lengths': (0, 1, 2, 0), 'axis': 1})],
                               array_api=standard.segment_sum)
flip = defprim('flip', np.flip, _flip_rule, vjp=lambda g, x, out, axis=None: (ops.flip(g, axis),), jvp='linear',
               batch=_flip_batch,
               samples=[((MATRIX,), {}), ((MATRIX,), {'axis': 1}), ((CUBE,), {'axis': (0, 2)})])
