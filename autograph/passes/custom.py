"""Graph -> Graph with each `custom` op replaced by a copy of its forward region.

A custom op keeps the user's gradient rule only for reverse mode, which has run by the time a
graph is optimised for code generation. Inlined, its forward computation is ordinary code that
the other passes simplify, and the results the caller never reads (the value, when only the
gradient is returned) are removed like any other dead code."""
from ..ir import Builder, Graph, Value
from ..ir.control import ControlFlow, body
from ..ir.core import clone_into, walk
from ..tree import map_tree


def inline_custom(graph):
    if not any(_inlined(op) for op in walk(graph.ops)):
        return graph
    env = {}
    builder = Builder()
    with builder.active():
        clone_into(builder, graph.ops, env, _forward_in_place)
    outputs = map_tree(lambda v: env.get(id(v), v) if isinstance(v, Value) else v, graph.outputs)
    return Graph(graph.name, graph.inputs, builder.ops, outputs)


def _inlined(op):
    return isinstance(op.prim, ControlFlow) and op.prim.inlined_after_ad


def _forward_in_place(builder, op, env):
    if not _inlined(op):
        return False
    forward = body(op)
    env.update(zip(map(id, forward.args), [env.get(id(v), v) for v in op.inputs]))
    clone_into(builder, forward.ops, env, _forward_in_place)
    env.update((id(out), env.get(id(r), r)) for out, r in zip(op.outs, forward.results))
    return True
