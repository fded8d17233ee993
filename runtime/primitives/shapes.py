"""Primitives that move data without arithmetic: reshape, transpose, broadcast."""
import numpy as np

from .. import ops
from .core import MATRIX, Aval, defprim, unbroadcast

# ---------------------------------------------------------------- shapes
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


reshape = defprim('reshape', np.reshape, _reshape_rule,
                  lambda g, x, out, shape: (ops.reshape(g, x.shape),),
                  [((MATRIX,), {'shape': (3, 2)}), ((MATRIX,), {'shape': (6,)})])
transpose = defprim('transpose', np.transpose, _transpose_rule, _transpose_vjp,
                    [((MATRIX,), {}), ((np.arange(24.).reshape(2, 3, 4),), {'axes': (1, 2, 0)})])
broadcast_to = defprim('broadcast_to', np.broadcast_to, _broadcast_to_rule,
                       lambda g, x, out, shape: (unbroadcast(g, x.shape),),
                       [((np.array([[0.5], [1.5]]),), {'shape': (3, 2, 4)})])


