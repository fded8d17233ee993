"""Graph -> Graph where two ifs on one condition in a block are one if.

Reverse mode puts a branch's adjoint in an `if` of its own, on the condition of the forward
`if`, after whatever runs between them (`if c: y = tanh(h) ... dy = 2 * y; if c: dh = ...`).
Merged, each branch computes its forward, the work in between, and its adjoint, and the values
the adjoint of one branch keeps from its forward (`mul = 0.5 * h`) never need a `None` in the
other branch. The work in between is copied into both branches; it is only merged when it is a
few pure operations (no construct, no effect). Results nobody reads after the merged if are left
to `dce`. Input and output: a Graph after `simplify`; the output has the same inputs and
outputs.
"""
from ..ir import Builder, Graph
from ..ir.control import Cond, construct
from ..ir.core import Op, Region, clone_into
from ..ir.effects import has_effect

_MAX_BETWEEN = 16     # ops copied into both branches at most


def merge_branches(graph):
    return Graph(graph.name, graph.inputs, _merged_block(graph.ops), graph.outputs)


def _merged_block(ops):
    ops = list(ops)
    for op in ops:
        if op.regions:
            op.regions = tuple(Region(r.args, _merged_block(r.ops), r.results) for r in op.regions)
    k = 0
    while k < len(ops):
        second = _partner(ops, k)
        if second is None:
            k += 1
            continue
        ops[k:second + 1] = [_merge(ops[k], ops[k + 1:second], ops[second])]
    return ops


def _is_if(op):
    return op.regions and isinstance(construct(op), Cond)


def _partner(ops, k):
    """The position of the next `if` on ops[k]'s condition, with only a few pure ops between."""
    if not _is_if(ops[k]):
        return None
    condition = ops[k].inputs[0]
    for j in range(k + 1, min(len(ops), k + 2 + _MAX_BETWEEN)):
        op = ops[j]
        if _is_if(op) and op.inputs[0] is condition and len(op.regions) == len(ops[k].regions):
            return j
        if op.regions or has_effect(op):
            return None
    return None


def _merge(first, between, second):
    """One if: each branch is first's branch, the ops between, then second's branch. Its results
    are the values first, the ops between and second made, kept under their names."""
    carried_out = [o for op in between for o in op.outs]
    regions = []
    for mine, theirs in zip(first.regions, second.regions):
        builder = Builder()
        env = dict(zip(map(id, first.outs), mine.results))
        with builder.region() as body:
            builder.ops.extend(mine.ops)
            clone_into(builder, between, env)
            clone_into(builder, theirs.ops, env)
        results = list(mine.results) + [env[id(o)] for o in carried_out] + \
            [env.get(id(v), v) for v in theirs.results]
        regions.append(Region([], body, results))
    outs = list(first.outs) + carried_out + list(second.outs)
    return Op(first.prim, first.inputs, first.params, outs, first.loc, tuple(regions))
