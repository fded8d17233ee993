"""Graph -> Graph where accumulations write in place.

- `acc + index_add(g, index)` allocates a whole array of zeros and adds it; it becomes
  `index_add_to(acc, g, index)`, which adds `g` into `acc`'s elements where they are. In a loop
  over time steps this turns quadratic work into linear work.
- In a loop body, `acc + x` that is the next value of the carried value `acc` becomes
  `add_to(acc, x)`, written `acc += x`: a gradient summed over iterations (`dW += h.T @ dt`)
  stays in one array.

Either happens only when nothing else reads `acc` and `acc` is an array this code made (not an
input, a constant, a view of either, or a value saved for later) in the same block: a value
from outside a loop is read afresh by every iteration, so no iteration may change it.
Runs last, after dead-code elimination, on use counts that are then final.
"""
from runtime.primitive import REGISTRY
from ..ir import Value
from ..ir.control import carried_args, carried_inputs, construct
from ..ir.core import Op, walk
from ..tree import flatten

_ADD, _ADD_TO, _INDEX_ADD, _INDEX_ADD_TO = (REGISTRY[n] for n in ('add', 'add_to', 'index_add', 'index_add_to'))


def inplace(graph):
    uses = _use_counts(graph)
    owned = _owned(graph, uses)
    for carried, ops in _blocks(graph):
        local = set(carried) | {id(o) for op in ops for o in op.outs}
        for position, op in enumerate(ops):
            if op.prim is not _ADD:
                continue
            for acc, update in (op.inputs, op.inputs[::-1]):
                new = _written_into(op, acc, update, uses, owned, local, carried)
                if new is not None:
                    ops[position] = new
                    owned.add(id(op.out))
                    break
    return graph


def _written_into(op, acc, update, uses, owned, local, carried):
    """The in-place form of `op` (`acc + update`) writing into `acc`, or None where it may not."""
    if not (isinstance(acc, Value) and id(acc) in owned and id(acc) in local and uses.get(id(acc)) == 1
            and acc.aval == op.out.aval):
        return None
    if isinstance(update, Value) and update.op is not None and update.op.prim is _INDEX_ADD \
            and uses.get(id(update)) == 1 and update.aval == acc.aval:   # not broadcast into acc
        g, *arrays = update.op.inputs
        return Op(_INDEX_ADD_TO, [acc, g, *arrays], {'index': update.op.params['index']}, op.outs, op.loc)
    if carried.get(id(acc)) is op.out:
        return Op(_ADD_TO, [acc, update], {}, op.outs, op.loc)
    return None


def _blocks(graph):
    """({id(carried argument): its next value}, ops) for the function's body and every region."""
    yield {}, graph.ops
    for op in walk(graph.ops):
        for region in op.regions:
            args = carried_args(op) if region is construct(op).body(op) else []
            yield {id(a): r for a, r in zip(args, region.results)}, region.ops


def _use_counts(graph):
    uses = {}

    def note(v):
        if isinstance(v, Value):
            uses[id(v)] = uses.get(id(v), 0) + 1
    for op in walk(graph.ops):
        for v in op.inputs:
            note(v)
        for region in op.regions:
            for v in region.results:
                note(v)
    for v in flatten(graph.outputs):
        note(v)
    return uses


def _owned(graph, uses):
    """ids of arrays this code made itself, which it may overwrite once nothing else reads them."""
    owned = set()
    for op in walk(graph.ops):
        if not op.regions and op.outs and op.out.shape != () and (
                op.prim.elementwise or op.prim.fresh):
            owned.add(id(op.out))
    changed = True
    while changed:   # loop-carried values: owned when their start and each update are, and
        changed = False  # no iteration's value is kept (saved, or read after the loop) but the last
        for block_ops in _op_lists(graph.ops):
            defined = {id(o) for op in block_ops for o in op.outs}
            for op in block_ops:
                if not op.regions or len(op.regions[-1].args) == 0:
                    continue
                body = op.regions[-1]
                for init, arg, result, out in zip(carried_inputs(op), carried_args(op), body.results, op.outs):
                    if id(arg) in owned or arg.shape == ():
                        continue
                    if id(init) in owned and id(init) in defined and uses.get(id(init)) == 1 and (
                            result is arg or id(result) in owned and uses.get(id(result)) == 1):
                        owned.update((id(arg), id(out)))    # the loop ends with the array it carried
                        changed = True
    return owned


def _op_lists(ops):
    yield ops
    for op in ops:
        for region in op.regions:
            yield from _op_lists(region.ops)
