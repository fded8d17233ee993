"""Graph -> Graph without the ops whose results nothing uses (all primitives are pure; `print`
and run-time checks are kept).

A control-flow op is kept when any of its results is used; its regions are cleaned against
their yielded values. Loops that save values for their adjoint lose the saves nobody reads: the
adjoint loop drops a saved list whose elements its body never uses (it keeps one, which counts
its iterations), and the forward loop then stops saving it."""
from ..ir import Graph, Value
from ..ir.control import construct
from ..ir.core import Region, walk
from ..ir.effects import has_effect


def dce(graph):
    live = {id(v) for v in graph.output_values()}
    return Graph(graph.name, graph.inputs, _live_ops(graph.ops, live), graph.outputs)


def _live_ops(ops, live):
    """`ops` without those whose results nothing in `live` (ids of values read later) reads;
    `live` gains what the kept ops read. (Ids of whole lists at once: this runs three times
    over every op the compiler makes.)"""
    kept = []
    for op in reversed(ops):
        if live.isdisjoint(map(id, op.outs)) and not has_effect(op):
            continue
        if op.regions:
            _drop_dead_carried(op, live)
            _clean_regions(op)
            _drop_unread_lists(op)
            _drop_unused_saves(op, live)
            for region in op.regions:
                live.update(id(v) for v in _reads(region))
        kept.append(op)
        live.update(map(id, op.inputs))
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


def _drop_dead_carried(op, live):
    """A carried value nobody reads after the op, and the op itself never needs (a loop's value
    only ever overwritten, passed on unchanged, or feeding only its own next value, as a counter
    nobody reads does), need not be carried. An if's results have no arguments holding them:
    nobody reading one is enough."""
    prim = construct(op)
    count = prim.carried_count(op)
    holders = [args for args in (prim.carried_args(op, region) for region in op.regions) if args]
    dead = {k for k in range(count) if id(op.outs[k]) not in live}
    if holders and dead:
        body = prim.body(op)
        others = {id(v) for region in op.regions if region is not body for v in _reads(region)}
        while True:     # a slot stays dead while only dead slots' next values read it
            yielded = [r for k, r in enumerate(body.results) if k not in dead and isinstance(r, Value)]
            needed = _needed(body.ops, {id(v) for v in yielded}) | others
            still = {k for k in dead if not any(id(h[k]) in needed for h in holders)}
            if still == dead:
                break
            dead = still
    if dead:
        prim.drop_results(op, sorted(dead))


def _needed(ops, live):
    """ids of the values that `ops` read to compute what `live` names (and their effects)."""
    live = set(live)
    for op in reversed(ops):
        if live.isdisjoint(map(id, op.outs)) and not has_effect(op):
            continue
        live.update(map(id, op.inputs))
        for region in op.regions:
            live.update(id(v) for v in _reads(region))
    return live


def _drop_unread_lists(op):
    """A saved list whose elements the body never reads is not popped; one stays, as the lists
    decide how many times the loop runs."""
    prim = construct(op)
    popped = prim.popped_args(op)
    if not popped:
        return
    read = {id(v) for v in _reads(prim.body(op))}
    keep = [k for k in range(len(popped)) if id(popped[k]) in read] or [0]
    prim.drop_lists(op, set(range(len(popped))) - set(keep))


def _drop_unused_saves(op, live):
    prim = construct(op)
    count = prim.carried_count(op)
    dead = [k for k in range(count, count + prim.saves(op)) if id(op.outs[k]) not in live]
    if dead:
        prim.drop_results(op, dead)
