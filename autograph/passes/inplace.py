"""Graph -> Graph where an accumulation into a few elements writes in place.

`acc + index_add(g, index)` allocates a whole array of zeros and adds it; when nothing else reads
`acc` and `acc` is an array this code made (not an input, a constant, a view of either, or a
value saved for later), it becomes `index_add_to(acc, g, index)`, which adds `g` into `acc`'s
elements where they are. In a loop over time steps this turns quadratic work into linear work.
Runs last, after dead-code elimination, on use counts that are then final.
"""
from runtime.primitive import REGISTRY
from ..ir import Value
from ..ir.control import carried_args, carried_inputs
from ..ir.core import Op, walk
from ..tree import flatten

_ADD, _INDEX_ADD, _INDEX_ADD_TO = (REGISTRY[n] for n in ('add', 'index_add', 'index_add_to'))


def inplace(graph):
    uses = _use_counts(graph)
    owned = _owned(graph, uses)
    for ops in _op_lists(graph.ops):
        for position, op in enumerate(ops):
            if op.prim is not _ADD:
                continue
            for acc, update in (op.inputs, op.inputs[::-1]):
                if _can_write_into(acc, update, uses, owned):
                    g, *arrays = update.op.inputs
                    ops[position] = Op(_INDEX_ADD_TO, [acc, g, *arrays], {'index': update.op.params['index']},
                                       op.outs, op.loc)
                    owned.add(id(op.out))
                    break
    return graph


def _can_write_into(acc, update, uses, owned):
    return (isinstance(update, Value) and update.op is not None and update.op.prim is _INDEX_ADD
            and uses.get(id(update)) == 1 and id(acc) in owned and uses.get(id(acc)) == 1
            and acc.aval == update.aval)


def _op_lists(ops):
    yield ops
    for op in ops:
        for region in op.regions:
            yield from _op_lists(region.ops)


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
    while changed:   # loop-carried values: owned when both their start and each update are
        changed = False
        for op in walk(graph.ops):
            if not op.regions or len(op.regions[-1].args) == 0:
                continue
            body = op.regions[-1]
            for init, arg, result in zip(carried_inputs(op), carried_args(op), body.results):
                if id(arg) in owned or arg.shape == ():
                    continue
                if id(init) in owned and uses.get(id(init)) == 1 and (
                        id(result) in owned or result is arg or _accumulates_into(result, arg)):
                    owned.add(id(arg))
                    changed = True
    return owned


def _accumulates_into(result, arg):
    """`result` is `arg + index_add(...)`, which this pass will make write into `arg`."""
    return (isinstance(result, Value) and result.op is not None and result.op.prim is _ADD
            and any(v is arg for v in result.op.inputs))
