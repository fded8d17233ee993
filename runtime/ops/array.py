"""Ops that rearrange arrays: reshape, transpose, swapaxes, expand_dims, broadcast_to."""
import numpy as np

from ..primitives import shapes as P
from .common import aval_of, ndim_of, shape_arg, tensor_method


def reshape(input, shape):
    old, _ = aval_of(input)
    shape = shape_arg(shape)
    if -1 in shape:
        known = int(np.prod([n for n in shape if n != -1]))
        shape = tuple(int(np.prod(old)) // max(known, 1) if n == -1 else n for n in shape)
    return P.reshape.bind(input, shape=shape)


def transpose(input, input_perm=None):
    ndim = ndim_of(input)
    axes = None if input_perm is None else tuple(a % max(ndim, 1) for a in input_perm)
    if axes == tuple(reversed(range(ndim))):
        axes = None
    return P.transpose.bind(input, axes=axes)


def swapaxes(input, axis0, axis1):
    perm = list(range(ndim_of(input)))
    perm[axis0], perm[axis1] = perm[axis1], perm[axis0]
    return transpose(input, tuple(perm))


def expand_dims(input, axis):
    shape, _ = aval_of(input)
    axis = axis % (len(shape) + 1)
    return reshape(input, shape[:axis] + (1,) + shape[axis:])


def broadcast_to(input, shape):
    return P.broadcast_to.bind(input, shape=shape_arg(shape))


# Tensor methods take the shape or the axes as separate arguments too: x.reshape(4, 3).
@tensor_method('reshape')
def _reshape_method(input, *shape):
    return reshape(input, shape[0] if len(shape) == 1 else shape)


@tensor_method('transpose')
def _transpose_method(input, *axes):
    return transpose(input, axes[0] if len(axes) == 1 else (axes or None))


tensor_method('T')(property(transpose))
