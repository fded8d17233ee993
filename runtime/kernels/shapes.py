"""Kernels that move data, in the form a primitive calls them: `kernel(*arrays, **params)`."""
import numpy as np


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
