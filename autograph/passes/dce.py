"""Graph -> Graph without the ops whose results nothing uses (all primitives are pure)."""
from ..ir import Graph, Value


def dce(graph):
    live = {id(v) for v in graph.output_values()}
    kept = []
    for op in reversed(graph.ops):
        if id(op.out) in live:
            kept.append(op)
            live.update(id(v) for v in op.inputs if isinstance(v, Value))
    return Graph(graph.name, graph.inputs, kept[::-1], graph.outputs)
