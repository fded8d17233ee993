"""A reference evaluator of the IR: runs a graph op by op with the primitives' kernels, and
control flow as the definitions in ir/control.py say. The fuzzer uses it to tell where a wrong
value comes from: when the optimised IR evaluates to the eager result but the generated code
does not, code generation is at fault; when the IR is wrong too, the frontend, AD or a pass is.
"""
import numpy as np

from autograph.ir import Value
from autograph.ir.control import COND, CUSTOM, FOR, FOR_SAVED, WHILE, body, carried_count
from autograph.tree import map_tree


def evaluate(graph, inputs):
    """The outputs of `graph` (their structure) for arrays `inputs`, one per graph input."""
    env = {id(v): x for v, x in zip(graph.inputs, inputs)}
    _run(graph.ops, env)
    return map_tree(lambda v: _get(v, env), graph.outputs)


def evaluate_entry(entry, args):
    """Evaluate a compiled entry's graph (autograph.jit(f).last) for the user's arguments, the
    way Compiled.__call__ passes them to the generated function."""
    def array(x):
        return x.asnumpy() if hasattr(x, 'asnumpy') else x
    arrays = [array(args[i]) for i in entry.array_positions] + [array(p) for p in entry.implicit]
    return evaluate(entry.graph, arrays)


def _get(v, env):
    if not isinstance(v, Value):
        return v
    if v.is_const:
        return v.const
    return env[id(v)]


def _region(region, args, env):
    inner = dict(env)
    inner.update((id(a), x) for a, x in zip(region.args, args))
    _run(region.ops, inner)
    return [_get(v, inner) for v in region.results]


def _run(ops, env):
    for op in ops:
        args = [_get(v, env) for v in op.inputs]
        prim = op.prim
        if prim is COND:
            outs = _region(op.regions[0] if bool(np.all(args[0])) else op.regions[1], [], env)
        elif prim in (FOR, WHILE, FOR_SAVED):
            outs = _loop(op, args, env)
        elif prim is CUSTOM:
            outs = _region(op.regions[0], args, env)[:op.params['outputs']]
        elif getattr(prim, 'effect', False):
            continue        # print, run-time checks
        else:
            if getattr(prim, 'consumes_first', False):
                args[0] = np.array(args[0])
            outs = [prim.kernel(*args, **op.params)]
        for v, x in zip(op.outs, outs):
            env[id(v)] = x


def _loop(op, args, env):
    n = carried_count(op)
    saves = len(op.outs) - n
    lists = [[] for _ in range(saves)]

    def step(leading, carried):
        out = _region(body(op), leading + carried, env)
        for lst, x in zip(lists, out[n:]):
            lst.append(x)
        return out[:n]
    if op.prim is FOR:
        start, stop, step_size = (int(a) for a in args[:3])
        carried = args[3:]
        for i in range(start, stop, step_size):
            carried = step([np.int64(i)], carried)
    elif op.prim is WHILE:
        carried = args
        while bool(np.all(_region(op.regions[0], carried, env)[0])):
            carried = step([], carried)
    else:   # for_saved: inputs [*lists, *inits]; each iteration pops one element of each list
        k = len(body(op).args) - n
        sequences, carried = args[:k], args[k:]
        for items in zip(*[list(reversed(list(s))) for s in sequences]):
            carried = step(list(items), carried)
    return list(carried) + lists
