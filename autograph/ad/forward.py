"""Forward mode: Graph -> Graph that also computes tangents (a Jacobian-vector product).

`forward(graph, tangents)` walks the ops in order and builds, beside each result, its tangent
from its inputs' tangents with the forward rule its primitive declares (`jvp=` in its one
declaration, `runtime.primitives`): one of four structural kinds, which need nothing more of
the primitive than its adjoint rule or itself,

- 'diagonal': the derivative is elementwise (every member of the elementwise family), so the
  tangent is the adjoint rule applied to the tangents: sum over inputs of vjp(g=t_i)[i];
- 'linear': the primitive is linear in its float operands: the tangent is the primitive applied
  to the tangents (index operands keep their values);
- 'bilinear': f(t_x, y) + f(x, t_y) (matmul, einsum, convolutions);
- 'reduction': a reduction whose adjoint is the output cotangent broadcast times an elementwise
  partial derivative: sum(vjp(ones) * t) over the reduced axes;
or a rule `jvp(primals, tangents, out, **params)` of its own. A primitive with no derivative
declares jvp None (with vjp None): its result gets no tangent.

Tangents that are zero are None and cost nothing. Control flow carries tangents too: a `cond`
yields its results' tangents from each branch, and a loop carries the tangents of its carried
values, so forward mode needs no saved values of its own (it carries those of the gradients it
differentiates). The result's outputs are
`(graph.outputs, tangents of the outputs)`.
"""
import numpy as np

from runtime import ops
from ..ir import Builder, Graph, Value
from ..ir.control import Cond, Custom, Loop, construct, is_list, placeholder, rule_for
from ..ir.core import Op, Region, clone_into
from ..tree import map_tree


class ForwardModeError(TypeError):
    pass


def forward(graph, tangents):
    """`tangents`: id(input Value) -> tangent Value for the inputs being perturbed."""
    builder = Builder()
    with builder.active():
        env = dict(tangents)
        with builder.region() as ops_:
            _tangents_of(graph.ops, env, builder)
            out_tangents = map_tree(lambda v: _tangent_or_zeros(v, env) if isinstance(v, Value) else None,
                                    graph.outputs)
    return Graph(graph.name, graph.inputs, ops_, (graph.outputs, out_tangents))


def _tangent_or_zeros(v, env):
    t = env.get(id(v))
    if t is None:
        return ops.zeros_like(v) if np.issubdtype(v.dtype, np.inexact) else None
    return t


def _tangents_of(op_list, env, builder):
    """Re-emit `op_list` into the builder, each op followed by its result's tangent."""
    for op in op_list:
        inputs = op.inputs
        if op.prim.effect and not op.outs:
            builder.ops.append(op)
            continue
        if op.regions:
            rule = rule_for(_TANGENTS, op.prim)
            if rule is None:
                raise ForwardModeError(f"forward mode through {op.prim.name} is not supported")
            rule(op, env, builder)
        else:
            builder.ops.append(op)
            tangents = [env.get(id(v)) for v in inputs]
            if any(t is not None for t in tangents) and op.prim.vjp is not None:
                with builder.at(op.loc):
                    t = tangent_rule(op.prim, list(inputs), tangents, op.out, op.params)
                if t is not None:
                    if t.dtype != op.out.dtype:
                        t = ops.cast(t, op.out.dtype)
                    if t.name is None and not t.is_const and t.op is not None and t.op is not op:
                        t.name = 'd' + (op.out.name or 't')
                    env[id(op.out)] = t


def tangent_rule(prim, primals, tangents, out, params):
    kind = prim.jvp
    if kind == 'diagonal':
        total = None
        for k, t in enumerate(tangents):
            if t is None:
                continue
            g = ops.broadcast_to(t, out.shape) if tuple(t.shape) != tuple(out.shape) else t
            part = prim.vjp(g, *primals, out=out, **params)[k]
            if part is not None:
                part = ops.broadcast_to(part, out.shape) if tuple(part.shape) != tuple(out.shape) else part
                total = part if total is None else total + part
        return total
    if kind == 'linear':
        args = [t if t is not None else (ops.zeros_like(p) if _is_float(p) else p)
                for p, t in zip(primals, tangents)]
        return prim.bind(*args, **params)
    if kind == 'bilinear':
        total = None
        for k, t in enumerate(tangents):
            if t is not None:
                args = list(primals)
                args[k] = t
                part = prim.bind(*args, **params)
                total = part if total is None else total + part
        return total
    if kind == 'reduction':
        partial = prim.vjp(ops.ones_like(out), *primals, out=out, **params)[0]
        if partial is None:
            return None
        axis = params.get('axis')
        axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
        return ops.sum(partial * tangents[0], axis, keepdims=bool(params.get('keepdims', False)))
    if kind is None:
        raise ForwardModeError(f"forward mode has no rule for the primitive {prim.name!r}")
    return kind(primals, tangents, out, **params)


def _is_float(v):
    return v.dtype is not None and np.issubdtype(v.dtype, np.inexact)


def _custom(op, env, builder):
    """A custom rule is for reverse mode; forward mode differentiates a copy of the body."""
    builder.ops.append(op)
    region = op.regions[0]
    copies = {id(a): x for a, x in zip(region.args, op.inputs)}
    with builder.region() as body:
        clone_into(builder, region.ops, copies)
    _tangents_of(body, env, builder)
    for out, result in zip(op.outs, region.results):
        tangent = env.get(id(copies.get(id(result), result)))
        if tangent is not None:
            env[id(out)] = tangent


def _cond(op, env, builder):
    """Each branch also yields the tangents of its results (zeros where it has none)."""
    active = [k for k, out in enumerate(op.outs) if _is_float(out) and not is_list(out)]
    # Saved lists a branch exports (in a gradient's forward part) export their tangents too.
    lists = [k for k, out in enumerate(op.outs) if is_list(out)]
    regions, list_tangents = [], []
    for region in op.regions:
        with builder.region() as body:
            _tangents_of(region.ops, env, builder)
            extra = [_tangent_or_zeros(region.results[k], env) if isinstance(region.results[k], Value)
                     and not region.results[k].is_const else ops.zeros_like(op.outs[k]) for k in active]
        list_tangents.append([env.get(id(region.results[k])) for k in lists])
        regions.append((region, body, extra))
    lists = [k for i, k in enumerate(lists) if any(ts[i] is not None for ts in list_tangents)]
    for n, (region, body, extra) in enumerate(regions):
        exported = [env[id(region.results[k])] if env.get(id(region.results[k])) is not None
                    else placeholder(op.outs[k].aval) for k in lists]
        regions[n] = Region(region.args, body, list(region.results) + extra + exported)
    active += lists
    tangent_outs = [Value(op.outs[k].aval, 'd' + (op.outs[k].name or 't')) for k in active]
    builder.ops.append(Op(op.prim, op.inputs, op.params, list(op.outs) + tangent_outs, op.loc, tuple(regions)))
    for k, t in zip(active, tangent_outs):
        env[id(op.outs[k])] = t


def _loop(op, env, builder):
    """The loop also carries the tangents of its carried values. A loop made by reverse mode
    also saves the tangents of the values it saves, and a `for_saved` loop pops the tangents of
    its lists beside them."""
    prim = construct(op)
    count = prim.carried_count(op)
    inits, args = prim.carried_inputs(op), prim.carried_args(op)
    lists, popped = prim.saved_lists(op), prim.popped_args(op)
    repeated = prim.body(op)
    list_tangents = [(k, env[id(lst)]) for k, lst in enumerate(lists) if env.get(id(lst)) is not None]
    popped_tangents = [Value(popped[k].aval, 'd' + (popped[k].name or 't')) for k, _ in list_tangents]
    for (k, _), t in zip(list_tangents, popped_tangents):
        env[id(popped[k])] = t
    active = [k for k, arg in enumerate(args) if _is_float(arg)]
    tangent_inits = [_tangent_or_zeros(inits[k], env) for k in active]
    tangent_args = [Value(args[k].aval, 'd' + (args[k].name or 't')) for k in active]
    for k, t in zip(active, tangent_args):
        env[id(args[k])] = t
    regions, saved_tangents = [], []
    for region in op.regions:
        if region is not repeated:              # a while test: its own arguments
            test_tangents = [Value(region.args[k].aval) for k in active]
            with builder.region() as body:
                _tangents_of(region.ops, env, builder)
            regions.append(Region(list(region.args) + test_tangents, body, region.results))
            continue
        with builder.region() as body:
            _tangents_of(region.ops, env, builder)
            extra = [_tangent_or_zeros(region.results[k], env) for k in active]
        saved = list(region.results[count:])
        saved_tangents = [(j, env[id(v)]) for j, v in enumerate(saved) if env.get(id(v)) is not None]
        region_args = prim.index_args(op) + popped + popped_tangents + args + tangent_args
        results = list(region.results[:count]) + extra + saved + [t for _, t in saved_tangents]
        regions.append(Region(region_args, body, results))
    carried_outs, saved_outs = list(op.outs[:count]), list(op.outs[count:])
    tangent_outs = [Value(op.outs[k].aval, 'd' + (op.outs[k].name or 't')) for k in active]
    tangent_lists = [Value(saved_outs[j].aval, 'd' + (saved_outs[j].name or 't')) for j, _ in saved_tangents]
    inputs = prim.bounds(op) + lists + [t for _, t in list_tangents] + inits + tangent_inits
    params = op.params
    if saved_outs:
        params = {**op.params, 'saves': len(saved_outs) + len(tangent_lists)}
    builder.ops.append(Op(op.prim, inputs, params, carried_outs + tangent_outs + saved_outs + tangent_lists,
                          op.loc, tuple(regions)))
    for k, t in zip(active, tangent_outs):
        env[id(op.outs[k])] = t
    for (j, _), t in zip(saved_tangents, tangent_lists):
        env[id(saved_outs[j])] = t


# How forward mode treats each construct: a rule re-emits the op so that it also yields the
# tangents of its results, and records them in `env`.
_TANGENTS = {Custom: _custom, Cond: _cond, Loop: _loop}
