"""Graph -> Graph with each `custom` op replaced by a copy of its forward region.

A custom op keeps the user's gradient rule only for reverse mode, which has run by the time a
graph is optimised for code generation. Inlined, its forward computation is ordinary code that
the other passes simplify, and the results the caller never reads (the value, when only the
gradient is returned) are removed like any other dead code."""
from ..ir import Graph, Value, map_tree
from ..ir.control import CUSTOM
from ..ir.core import Region


def inline_custom(graph):
    env = {}
    ops = _inlined(graph.ops, env)
    if not env:
        return graph
    outputs = map_tree(lambda v: env.get(id(v), v) if isinstance(v, Value) else v, graph.outputs)
    return Graph(graph.name, graph.inputs, ops, outputs)


def _inlined(ops, env):
    """`ops` with custom ops (at any depth) replaced by their forward regions' ops, reading
    through `env`, which maps each value replaced to its replacement. Ops are updated in place."""
    kept = []
    for op in ops:
        op.inputs = [env.get(id(v), v) for v in op.inputs]
        if op.prim is CUSTOM:
            forward = op.regions[0]
            env.update(zip(map(id, forward.args), op.inputs))
            kept += _inlined(forward.ops, env)
            env.update((id(out), env.get(id(r), r)) for out, r in zip(op.outs, forward.results))
            continue
        op.regions = tuple(Region(r.args, _inlined(r.ops, env), [env.get(id(v), v) for v in r.results])
                           for r in op.regions)
        kept.append(op)
    return kept
