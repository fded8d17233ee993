"""Graph -> Graph without the ops whose results nothing uses (all primitives are pure; `print`
and run-time checks are kept).

A control-flow op is kept when any of its results is used; its regions are cleaned against
their yielded values. Loops that save values for their adjoint lose the saves nobody reads: the
adjoint loop drops a saved list whose elements its body never uses (it keeps one, which counts
its iterations), and the forward loop then stops saving it."""
from ..ir import Graph, Value
from ..ir.control import COND, FOR, FOR_SAVED, WHILE, carried_args, carried_count
from ..ir.core import Region, walk
from ..ir.effects import has_effect


def dce(graph):
    live = {id(v) for v in graph.output_values()}
    return Graph(graph.name, graph.inputs, _live_ops(graph.ops, live), graph.outputs)


def _live_ops(ops, live):
    kept = []
    for op in reversed(ops):
        if not any(id(o) in live for o in op.outs) and not has_effect(op):
            continue
        if op.regions:
            if op.prim in (FOR, WHILE, FOR_SAVED):
                _drop_dead_carried(op, live)
            elif op.prim is COND:
                _drop_dead_results(op, live)
            _clean_regions(op)
            if op.prim is FOR_SAVED:
                _drop_unread_lists(op)
            if op.params.get('saves'):
                _drop_unused_saves(op, live)
            for region in op.regions:
                live.update(id(v) for v in _reads(region))
        kept.append(op)
        live.update(id(v) for v in op.inputs if isinstance(v, Value))
    return kept[::-1]


def _clean_regions(op):
    regions = []
    for region in op.regions:
        inner = {id(v) for v in region.results if isinstance(v, Value)}
        regions.append(Region(region.args, _live_ops(region.ops, inner), region.results))
    op.regions = tuple(regions)


def _reads(region):
    """Values that a region's ops and results read (at any depth)."""
    values = [v for op in walk(region.ops) for v in op.inputs]
    values += [v for op in walk(region.ops) for r in op.regions for v in r.results]
    return [v for v in values + list(region.results) if isinstance(v, Value)]


def _drop_dead_results(op, live):
    """An if's results that nobody reads are not yielded (so their branches need not compute them)."""
    keep = [k for k, out in enumerate(op.outs) if id(out) in live]
    if len(keep) == len(op.outs):
        return
    op.outs = [op.outs[k] for k in keep]
    op.regions = tuple(Region(r.args, r.ops, [r.results[k] for k in keep]) for r in op.regions)


def _drop_dead_carried(op, live):
    """A carried value nobody reads after the loop, and the loop itself never reads (it is only
    ever overwritten, or passed on unchanged), need not be carried."""
    carried = len(op.outs) - op.params.get('saves', 0)
    args = carried_args(op)
    body = op.regions[-1]
    passed_on = {k for k in range(carried) if body.results[k] is args[k]}
    read = {id(v) for region in op.regions[:-1] for v in _reads(region)}
    read.update(id(v) for v in _reads(Region(body.args, body.ops,
                                             [r for k, r in enumerate(body.results) if k not in passed_on])))
    test_args = op.regions[0].args if op.prim is WHILE else args   # the while test has its own
    dead = [k for k in range(carried) if id(op.outs[k]) not in live and id(args[k]) not in read
            and id(test_args[k]) not in read]
    if not dead:
        return
    lead = len(body.args) - carried            # the index of a for loop
    first_init = len(op.inputs) - carried
    keep = [k for k in range(len(op.outs)) if k not in dead]
    op.inputs = op.inputs[:first_init] + [op.inputs[first_init + k] for k in range(carried) if k not in dead]
    op.outs = [op.outs[k] for k in keep]
    regions = []
    for region in op.regions[:-1]:             # a while loop's test takes the carried values too
        regions.append(Region([a for k, a in enumerate(region.args) if k not in dead], region.ops,
                              region.results))
    regions.append(Region(body.args[:lead] + [a for k, a in enumerate(body.args[lead:]) if k not in dead],
                          body.ops, [r for k, r in enumerate(body.results) if k not in dead]))
    op.regions = tuple(regions)


def _drop_unread_lists(op):
    body = op.regions[0]
    lists = len(body.args) - carried_count(op)
    read = {id(v) for v in _reads(body)}
    keep = [k for k in range(lists) if id(body.args[k]) in read] or [0]
    drop = set(range(lists)) - set(keep)
    op.inputs = [v for k, v in enumerate(op.inputs) if k not in drop]
    op.regions = (Region([a for k, a in enumerate(body.args) if k not in drop], body.ops, body.results),)


def _drop_unused_saves(op, live):
    saves = op.params['saves']
    carried = len(op.outs) - saves
    keep = [k for k in range(carried, len(op.outs)) if id(op.outs[k]) in live]
    drop = set(range(carried, len(op.outs))) - set(keep)
    if not drop:
        return
    body = op.regions[-1]
    op.outs = [o for k, o in enumerate(op.outs) if k not in drop]
    op.params = {**op.params, 'saves': saves - len(drop)}
    results = [r for k, r in enumerate(body.results) if k not in drop]
    op.regions = op.regions[:-1] + (Region(body.args, body.ops, results),)
