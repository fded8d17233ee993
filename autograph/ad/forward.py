"""Forward mode: Graph -> Graph that also computes tangents (a Jacobian-vector product).

`forward(graph, tangents)` walks the ops in order and builds, beside each result, its tangent
from its inputs' tangents with the primitive's forward rule, chosen by `prim.jvp_kind`:

- 'diagonal' (and every elementwise primitive): the derivative is elementwise, so the tangent is
  the adjoint rule applied to the tangents: sum over inputs of vjp(g=t_i)[i];
- 'linear': the primitive is linear in its float operands: the tangent is the primitive applied
  to the tangents (index operands keep their values);
- 'bilinear': f(t_x, y) + f(x, t_y) (matmul, einsum, convolutions);
- 'reduction': a reduction whose adjoint is the output cotangent broadcast times an elementwise
  partial derivative: sum(vjp(ones) * t) over the reduced axes;
- otherwise `prim.jvp(primals, tangents, out, **params)`, written beside the primitive.

Tangents that are zero are None and cost nothing. Control flow carries tangents too: a `cond`
yields its results' tangents from each branch, and a loop carries the tangents of its carried
values, so forward mode needs no saved values. The result's outputs are
`(graph.outputs, tangents of the outputs)`.
"""
import numpy as np

from runtime import ops
from runtime.primitives import unbroadcast
from ..ir import Builder, Graph, Value, flatten, map_tree
from ..ir.control import COND, CUSTOM, FOR, WHILE, carried_args, carried_inputs, make
from ..ir.core import Op, Region, clone_into


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
        if getattr(op.prim, 'effect', False) and not op.outs:
            builder.ops.append(op)
            continue
        if op.prim is CUSTOM:
            _custom(op, env, builder)
        elif op.prim is COND:
            _cond(op, env, builder)
        elif op.prim in (FOR, WHILE):
            _loop(op, env, builder)
        elif op.regions:
            raise ForwardModeError(f"forward mode through {op.prim.name} is not supported")
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
    kind = getattr(prim, 'jvp_kind', 'diagonal' if prim.elementwise else None)
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
    rule = getattr(prim, 'jvp', None)
    if rule is None:
        raise ForwardModeError(f"forward mode has no rule for the primitive {prim.name!r}")
    return rule(primals, tangents, out, **params)


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
    active = [k for k, out in enumerate(op.outs) if _is_float(out)]
    regions = []
    for region in op.regions:
        with builder.region() as body:
            _tangents_of(region.ops, env, builder)
            extra = [_tangent_or_zeros(region.results[k], env) if isinstance(region.results[k], Value)
                     and not region.results[k].is_const else ops.zeros_like(op.outs[k]) for k in active]
        regions.append(Region(region.args, body, list(region.results) + extra))
    tangent_outs = [Value(op.outs[k].aval, 'd' + (op.outs[k].name or 't')) for k in active]
    builder.ops.append(Op(op.prim, op.inputs, op.params, list(op.outs) + tangent_outs, op.loc, tuple(regions)))
    for k, t in zip(active, tangent_outs):
        env[id(op.outs[k])] = t


def _loop(op, env, builder):
    """The loop also carries the tangents of its carried values."""
    if op.params.get('saves'):
        raise ForwardModeError("forward mode over a loop that reverse mode made is not supported yet")
    inits, args = carried_inputs(op), carried_args(op)
    active = [k for k, arg in enumerate(args) if _is_float(arg)]
    tangent_inits = [_tangent_or_zeros(inits[k], env) for k in active]
    tangent_args = [Value(args[k].aval, 'd' + (args[k].name or 't')) for k in active]
    for k, t in zip(active, tangent_args):
        env[id(args[k])] = t
    regions = []
    for region in op.regions:
        region_args = list(region.args)
        if region is not op.regions[-1]:        # a while test: its own arguments
            test_tangents = [Value(region.args[k].aval) for k in active]
            region_args += test_tangents
            with builder.region() as body:
                _tangents_of(region.ops, env, builder)
            regions.append(Region(region_args, body, region.results))
            continue
        with builder.region() as body:
            _tangents_of(region.ops, env, builder)
            extra = [_tangent_or_zeros(region.results[k], env) for k in active]
        regions.append(Region(region_args + tangent_args, body, list(region.results) + extra))
    tangent_outs = [Value(op.outs[k].aval, 'd' + (op.outs[k].name or 't')) for k in active]
    builder.ops.append(Op(op.prim, list(op.inputs) + tangent_inits, op.params,
                          list(op.outs) + tangent_outs, op.loc, tuple(regions)))
    for k, t in zip(active, tangent_outs):
        env[id(op.outs[k])] = t
