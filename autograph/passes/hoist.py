"""Graph -> Graph where what a loop computes the same way in every iteration is computed once,
before it.

An op of a loop's body whose operands all come from outside the loop (or from ops moved out
already) gives the same value in every iteration: it moves before the loop (`W.T` in the
adjoint of `h @ W` times `x`: `W.T @ x`, once rather than once per time step). Inner loops go first, so what leaves
them may leave the loops around them too. A value the loop saved for its adjoint that is now
computed before it is the same in every element of its list: the adjoint loop after it reads
the value itself, and `dce` then drops the list.

Only out of loops that surely run (`runs_at_least_once`): then the moved work is work the loop
would have done, and an op that can fail (an index out of bounds) fails where it would have.
Never moved: control flow, what acts, draws random numbers or writes into its operand, and ops
without operands (a fill costs little, and each run of a loop may need its own, which
`passes.inplace` writes into). A transpose moves only with work it feeds or when the loop saves
it: on its own, `w.T` is a view that costs what reading a variable does, and reads better where
it is used.
"""
from ..ir import Graph, Value
from ..ir.control import construct, saved_lists
from ..ir.core import Region, walk


def hoist(graph):
    return Graph(graph.name, graph.inputs, _hoisted(graph.ops), graph.outputs)


def _hoisted(ops):
    out = []
    repeated = {}    # id(saved list) -> the one value that is its every element
    for op in ops:
        if op.regions:
            _read_directly(op, repeated)
            op.regions = tuple(Region(r.args, _hoisted(r.ops), r.results) for r in op.regions)
            prim = construct(op)
            if prim.repeats and prim.runs_at_least_once(op):
                out.extend(_move_invariants(op, repeated))
        out.append(op)
    return out


def _move_invariants(op, repeated):
    """Take out of `op`'s body the ops that read nothing it defines; returns them, in order.
    Notes in `repeated` the lists that now save a value from before the loop."""
    prim = construct(op)
    body = prim.body(op)
    varying = _defined(body)
    moved, kept = [], []
    for inner in body.ops:
        if _movable(inner) and not any(id(v) in varying for v in inner.inputs if isinstance(v, Value)):
            moved.append(inner)
            varying.difference_update(id(o) for o in inner.outs)
        else:
            kept.append(inner)
    moved, kept = _views_stay(moved, kept, body)
    op.regions = tuple(Region(body.args, kept, body.results) if r is body else r for r in op.regions)
    count = prim.carried_count(op)
    for lst, saved in zip(op.outs[count:], body.results[count:]):
        if isinstance(saved, Value) and not saved.is_const and id(saved) not in varying:
            repeated[id(lst)] = saved
    return moved


def _views_stay(moved, kept, body):
    """Transposes that only ops left in the loop read go back into it (first: what they read
    is computed before the loop)."""
    needed = {id(v) for inner in moved for v in inner.inputs} | {id(v) for v in body.results}
    views = [inner for inner in moved if inner.prim.name == 'transpose' and id(inner.out) not in needed]
    if not views:
        return moved, kept
    return [inner for inner in moved if inner not in views], views + kept


def _read_directly(op, repeated):
    """A loop popping a list of one repeated value reads the value instead."""
    prim = construct(op)
    mapping = {id(arg): repeated[id(lst)] for lst, arg in zip(saved_lists(op), prim.popped_args(op))
               if id(lst) in repeated}
    if not mapping:
        return
    body = prim.body(op)
    for inner in walk(body.ops):
        inner.inputs = [mapping.get(id(v), v) for v in inner.inputs]
        for region in inner.regions:
            region.results = [mapping.get(id(v), v) for v in region.results]
    body.results = [mapping.get(id(v), v) for v in body.results]


def _defined(region):
    """ids of the values `region` defines: its arguments and its ops' results, at any depth."""
    ids = {id(a) for a in region.args}
    for op in walk(region.ops):
        ids.update(id(o) for o in op.outs)
        ids.update(id(a) for r in op.regions for a in r.args)
    return ids


def _movable(op):
    prim = op.prim
    return not (op.regions or prim.effect or prim.random or prim.consumes_first) and \
        any(isinstance(v, Value) and not v.is_const for v in op.inputs)
