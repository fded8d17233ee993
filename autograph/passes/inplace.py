"""Graph -> Graph where results are computed into arrays nothing reads any more.

- `acc + index_add(g, index)` allocates a whole array of zeros and adds it; it becomes
  `index_add_to(acc, g, index)`, which adds `g` into `acc`'s elements where they are. In a loop
  over time steps this turns quadratic work into linear work.
- `acc + x` and `acc * x` (a primitive with an `in_place` form, on either operand) become
  `add_to(acc, x)` and `mul_to(acc, x)`, written `acc += x`, `acc *= x`: a loop's carried
  value updated to its next value stays in one array (`dW += h.T @ dt`, a gradient summed over
  iterations), and so does an array of at least 16 KiB that a bias is added to or a mask
  applies to (`add = x @ W1` then `add += b1`; a new array of a megabyte costs its page
  faults: 2% of an MLP's gradient at batch 1024, 0.7% at batch 64).

Either happens only when nothing else reads `acc`, it has the result's shape and dtype, and it is
an array this code made (not an input, a constant, a view of either, or a value saved for
later) in the same block: a value from outside a loop is read afresh by every iteration, so no
iteration may change it. Runs last, after dead-code elimination, on use counts that are then
final.
"""
import math

from runtime.primitive import REGISTRY
from ..ir import Value
from ..ir.control import carried_args, carried_inputs, construct
from ..ir.core import Op, walk
from ..tree import flatten

_ADD, _INDEX_ADD, _INDEX_ADD_TO = (REGISTRY[n] for n in ('add', 'index_add', 'index_add_to'))


def inplace(graph):
    uses = _use_counts(graph)
    owned = _owned(graph, uses)
    for carried, ops in _blocks(graph):
        local = set(carried) | {id(o) for op in ops for o in op.outs}
        for position, op in enumerate(ops):
            if op.prim.in_place is None:
                continue
            orders = (op.inputs, op.inputs[::-1])
            if _scatters(op.inputs[0], uses) and not _scatters(op.inputs[1], uses):
                orders = orders[::-1]             # the scatter goes into the other operand
            for acc, update in orders:
                if isinstance(acc, Value) and id(acc) in owned and id(acc) in local and \
                        uses.get(id(acc)) == 1 and acc.aval == op.out.aval and not update.weak:
                    new = _written_into(op, acc, update, uses, carried)
                    if new is not None:
                        ops[position] = new
                        owned.add(id(op.out))
                        break
    return graph


# Below this size NumPy's allocator hands back a block it just freed, and writing in place saves
# nothing measurable (it costs a line of code); a loop's accumulator is written in place anyway.
_LARGE = 1 << 14


def _scatters(v, uses):
    """Whether `v` is an `index_add` read only once: added into another array, it becomes a
    scatter into that array's elements."""
    return isinstance(v, Value) and v.op is not None and v.op.prim is _INDEX_ADD and uses.get(id(v)) == 1


def _written_into(op, acc, update, uses, carried):
    """`op` (`acc + update`, `acc * update`) computed into `acc`'s memory, or None where that
    saves nothing: a scatter into acc, a carried value's next value, or an array of `_LARGE`."""
    if op.prim is _ADD and _scatters(update, uses) and update.aval == acc.aval:
        g, *arrays = update.op.inputs
        return Op(_INDEX_ADD_TO, [acc, g, *arrays], {'index': update.op.params['index']}, op.outs, op.loc)
    if carried.get(id(acc)) is op.out or acc.dtype.itemsize * math.prod(acc.shape) >= _LARGE:
        op.out.name = op.out.name or op.prim.name    # `add += b` has a variable: it keeps add's name
        return Op(REGISTRY[op.prim.in_place], [acc, update], {}, op.outs, op.loc)
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
