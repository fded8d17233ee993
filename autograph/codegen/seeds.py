"""Which arrays of zeros or ones the generated code may write as a Python number.

An accumulator that starts at zeros (`dW = np.zeros((3, 3))`, then `dW += h.T @ dt` at every
iteration) starts at its first contribution instead when it is written `dW = 0.0`: the first
`+=` makes the array. So does a loop's seed of ones that only scales (`dh = 1.0`, then
`dt = dh * (1 - h * h)`). The number stands for the array when, at every place the loop reads
it, broadcasting it gives the same result the array would:

- the fill initialises one carried value of one loop that surely runs (its trip count is known
  when compiling), and nothing else reads it;
- inside the loop the carried value is read only by elementwise ops whose other operands
  already have the result's shape and dtype (or as the accumulator of `+=`/`*=` with an update
  of its own shape and dtype): never yielded or saved as it is, passed to another loop, or
  indexed;
- its next value is made by an op of the loop body itself (not of a branch inside it), with the
  carried value's shape and dtype: after one iteration the variable holds that array.

Input: a graph after the passes, and its uses (`emit._uses`). Output: the ids of such fills.
"""
import numpy as np

from ..ir import Value
from ..ir.control import construct
from ..ir.core import walk


def scalar_seeds(graph, uses):
    seeds = set()
    for loop in walk(graph.ops):
        if not loop.regions or not construct(loop).repeats or not construct(loop).runs_at_least_once(loop):
            continue
        prim = construct(loop)
        body = prim.body(loop)
        own = {id(o) for op in body.ops for o in op.outs}
        holders = [prim.carried_args(loop, region) for region in loop.regions]
        for k, (init, result) in enumerate(zip(prim.carried_inputs(loop), body.results)):
            if _is_fill(init) and [user for user, _ in uses.get(id(init), [])] == [loop] \
                    and _carried_inputs_at(prim, loop, init) == [k] \
                    and isinstance(result, Value) and id(result) in own and result.aval == init.aval \
                    and not result.weak \
                    and all(_reads_as_number(arg, uses, init) for args in holders if args for arg in [args[k]]):
                seeds.add(id(init))
    return seeds


def _is_fill(v):
    return v.op is not None and v.op.prim.name == 'full' and v.op.params['fill_value'] in (0, 1) \
        and v.dtype is not None and v.dtype.kind == 'f' and v.shape != ()


def _carried_inputs_at(prim, loop, init):
    return [k for k, v in enumerate(prim.carried_inputs(loop)) if v is init]


def _reads_as_number(arg, uses, init):
    """Whether every read of `arg` gives the same result with a number in its place."""
    for user, _ in uses.get(id(arg), []):
        if user is None or user.regions:
            return False        # yielded, saved, or handed to a nested construct
        others = [v for v in user.inputs if v is not arg]
        if len(others) == len(user.inputs) - 1 and user.prim.augmented and user.inputs[0] is arg:
            update = user.inputs[1]
            if not (isinstance(update, Value) and update.aval == init.aval and not update.weak):
                return False
            continue
        if not user.prim.elementwise or not user.outs or user.out.aval.dtype != init.dtype:
            return False
        shapes = [v.shape for v in others if isinstance(v, Value)]
        try:
            if not shapes or np.broadcast_shapes(*shapes) != tuple(user.out.shape):
                return False
        except ValueError:
            return False
        if not any(isinstance(v, Value) and v.dtype == init.dtype and not v.weak for v in others):
            return False
    return True
