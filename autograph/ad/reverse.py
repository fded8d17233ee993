"""Reverse mode: Graph -> Graph that also computes gradients.

`reverse(graph, wrt, seed_all)` keeps the forward ops (straight-line SSA keeps every forward value
alive, so no tape is needed) and appends the adjoint ops, built by each primitive's `vjp` rule.

- Seeds: every float output gets a cotangent of ones (MindSpore differentiates the sum of all
  outputs), or only the first output when `seed_all` is False (`has_aux`).
- Activity: only ops on a path from a requested input to a seeded output get an adjoint; other
  cotangents are never built.
- Symbolic zeros: a missing cotangent is zero and is never materialised, except where the user
  asked for the gradient of an input that does not influence the output.
- Broadcasting: a cotangent in the output's broadcast shape is summed back to its input's shape.

`wrt` is a list of groups, each a list of graph inputs whose cotangents add up into one gradient
(a weight that is reached both as an argument and as a Parameter of a Cell is one group).
The result's outputs are `(graph.outputs, (grad_group_0, grad_group_1, ...))`.
"""
import numpy as np

from runtime import ops
from runtime.primitives import unbroadcast
from ..ir import Builder, Graph, flatten, Value


def reverse(graph, wrt, seed_all=True):
    builder = Builder()
    builder.ops = list(graph.ops)
    active = _active_values(graph, [v for group in wrt for v in group])
    cotangents = {}
    forward = {id(op.out) for op in graph.ops}

    def accumulate(value, ct):
        if ct.dtype != value.dtype:
            ct = ops.cast(ct, value.dtype)
        previous = cotangents.get(id(value))
        cotangents[id(value)] = ct if previous is None else previous + ct

    with builder.active():
        outputs = [v for v in flatten(graph.outputs) if isinstance(v, Value)]
        seeded = outputs if seed_all else outputs[:1]
        for out in seeded:
            if id(out) in active:
                with builder.at(out.op.loc._replace(grad=True) if out.op and out.op.loc else None):
                    accumulate(out, ops.ones_like(out))
        for op in reversed(graph.ops):
            g = cotangents.get(id(op.out))
            if g is None or op.prim.vjp is None:
                continue
            if id(g) not in forward:  # a forward value can be a cotangent too: it keeps its name
                _name_cotangent(g, op.out)  # complete now: every use of op.out came later
            with builder.at(op.loc._replace(grad=True) if op.loc else None):
                input_cts = op.prim.vjp(g, *op.inputs, out=op.out, **op.params)
                for x, ct in zip(op.inputs, input_cts):
                    if ct is not None and id(x) in active:
                        accumulate(x, unbroadcast(ct, x.shape))
        grads = tuple(_gradient(builder, group, cotangents) for group in wrt)
    return Graph(graph.name, graph.inputs, builder.ops, (graph.outputs, grads))


def _active_values(graph, wrt):
    """Values that depend on a requested input through differentiable float ops."""
    active = {id(v) for v in wrt if np.issubdtype(v.dtype, np.inexact)}
    for op in graph.ops:
        if (op.prim.vjp is not None and np.issubdtype(op.out.dtype, np.inexact)
                and any(id(v) in active for v in op.inputs)):
            active.add(id(op.out))
    return active


def _gradient(builder, group, cotangents):
    parts = [cotangents[id(v)] for v in group if id(v) in cotangents]
    if not parts:
        # The user asked for it, and it is zero: the one place a zero is materialised.
        return ops.zeros_like(group[0])
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    _name_cotangent(total, group[0])
    return total


def _name_cotangent(ct, value):
    if ct.name is None and not ct.is_const:
        ct.name = 'd' + (value.name or 't')
