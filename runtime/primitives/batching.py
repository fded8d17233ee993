"""Batching rules that families share, and the helpers primitive-specific rules are made of.

A batching rule `batch(prim, args, dims, **params) -> (out, out_dim)` applies `prim` to many
examples at once: `args[i]` holds one operand per example along axis `dims[i]`, or, with
`dims[i]` None, one operand that every example shares. The result holds the examples along
`out_dim`. Rules are written with `runtime.ops` and `bind`, like adjoint rules, so the same rule
runs eagerly on arrays and builds IR inside the compiler.

Most rules move each batched operand's examples to the front (axis 0) and then say what the
primitive does with one more leading axis: elementwise primitives broadcast it, reductions and
axis-wise primitives shift their axes past it, matrix functions already treat leading axes as a
batch.
"""
from .. import ops


def ndim(x):
    return len(getattr(x, 'shape', ()))


def batch_size(args, dims):
    return next(a.shape[d] for a, d in zip(args, dims) if d is not None)


def to_front(x, d):
    """x with its batch axis `d` moved to axis 0."""
    if d in (None, 0):
        return x
    return ops.moveaxis(x, d, 0)


def batched_front(x, d, size):
    """x with its examples along axis 0; an operand every example shares is broadcast."""
    if d is not None:
        return to_front(x, d)
    shape = tuple(getattr(x, 'shape', ()))
    return ops.broadcast_to(ops.reshape(x, (1,) + shape), (size,) + shape)


def all_front(args, dims):
    """Every operand with its examples along axis 0 (shared ones broadcast)."""
    size = batch_size(args, dims)
    return [batched_front(a, d, size) for a, d in zip(args, dims)]


def lift(x, rank):
    """A front-batched x whose examples have fewer than `rank` axes gets leading 1s, so that it
    broadcasts against operands of `rank` axes per example the way one example would."""
    core = ndim(x) - 1
    if core >= rank:
        return x
    return ops.reshape(x, (x.shape[0],) + (1,) * (rank - core) + tuple(x.shape[1:]))


def shift_axis(axis):
    """An axis param of one example, for a front-batched operand (negative axes stay)."""
    if axis is None:
        return None
    if isinstance(axis, tuple):
        return tuple(shift_axis(a) for a in axis)
    return axis + 1 if axis >= 0 else axis


def one_axis(axes):
    """A tuple of axes in the canonical form of reductions: one axis as an int."""
    return axes[0] if len(axes) == 1 else axes


# ---------------------------------------------------------------- shared rules
def elementwise_batch(prim, args, dims, **params):
    """Broadcasting elementwise primitives: the batch is one more leading axis to broadcast."""
    rank = max(ndim(a) - (d is not None) for a, d in zip(args, dims))
    moved = [a if d is None else lift(to_front(a, d), rank) for a, d in zip(args, dims)]
    return prim.bind(*moved, **params), 0


def reduction_batch(prim, args, dims, axis=None, **params):
    """Reductions over `axis` (None: every axis of an example); the batch axis is never reduced."""
    x = to_front(args[0], dims[0])
    axes = tuple(range(1, ndim(x))) if axis is None else shift_axis(axis if isinstance(axis, tuple) else (axis,))
    return prim.bind(x, axis=one_axis(axes), **params), 0


def front_batch(prim, args, dims, **params):
    """Primitives that treat leading axes as a batch already (matrix functions): the examples
    go in front."""
    return prim.bind(*all_front(args, dims), **params), 0


def axis_batch(*names):
    """Primitives with axis params (each a non-negative or negative int, or a tuple of them):
    the operands go in front, shared ones broadcast, and the axes shift past the batch."""
    def rule(prim, args, dims, **params):
        params = {**{k: prim.param_defaults[k] for k in names if k in prim.param_defaults}, **params}
        shifted = {k: shift_axis(v) if k in names else v for k, v in params.items()}
        return prim.bind(*all_front(args, dims), **shifted), 0
    rule.__name__ = rule.__qualname__ = f"axis_batch({', '.join(map(repr, names))})"
    return rule


def merged_batch(prim, args, dims, **params):
    """Primitives over (N, C, H, W) arrays whose operands all lead with N: the examples are
    merged into N and split out again."""
    moved = all_front(args, dims)
    size = moved[0].shape[0]
    merged = [ops.reshape(x, (size * x.shape[1],) + tuple(x.shape[2:])) for x in moved]
    out = prim.bind(*merged, **params)
    return ops.reshape(out, (size, out.shape[0] // size) + tuple(out.shape[1:])), 0


# A rule's place for primitives that take no operands, so have nothing to batch.
NO_OPERANDS = 'it takes no operands: there is nothing to batch'
