"""Graph -> Graph without the ops whose results nothing uses (all primitives are pure). A
control-flow op is kept whole when any of its results is used, and its regions are cleaned
against all their yielded values."""
from ..ir import Graph, Value
from ..ir.core import Region


def dce(graph):
    live = {id(v) for v in graph.output_values()}
    return Graph(graph.name, graph.inputs, _live_ops(graph.ops, live), graph.outputs)


def _live_ops(ops, live):
    kept = []
    for op in reversed(ops):
        if any(id(o) in live for o in op.outs):
            regions = []
            for region in op.regions:
                inner = {id(v) for v in region.results if isinstance(v, Value)}
                region_ops = _live_ops(region.ops, inner)
                live.update(inner)  # what the region uses from outside stays alive
                regions.append(Region(region.args, region_ops, region.results))
            op.regions = tuple(regions)
            kept.append(op)
            live.update(id(v) for v in op.inputs if isinstance(v, Value))
    return kept[::-1]
