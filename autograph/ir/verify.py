"""Checks that a Graph is well formed: each value defined once, before its uses, in a scope that
encloses them; each primitive op's recorded shape and dtype equal to what its rule says; each
control-flow op's regions consistent with its results. Tests run it after every pass."""
from collections.abc import Iterable

from runtime.primitive import Primitive
from .control import construct
from .core import Graph, Op, Value, operand
from ..tree import flatten


class IRError(AssertionError):
    pass


def verify(graph: Graph) -> Graph:
    _verify_ops(graph.ops, {id(v) for v in graph.inputs}, set())
    defined = {id(v) for v in graph.inputs} | {id(o) for op in graph.ops for o in op.outs}
    for v in flatten(graph.outputs):
        if isinstance(v, Value) and not v.is_const and id(v) not in defined:
            raise IRError(f'output {v} is not defined')
    return graph


def _verify_ops(ops: Iterable[Op], visible: set[int], everywhere: set[int]) -> None:
    """`visible`: ids usable here; `everywhere`: ids defined anywhere so far (defined twice?)."""
    visible = set(visible)
    for op in ops:
        for v in op.inputs:
            _check_use(op, v, visible)
        for region in op.regions:
            inner = visible | {id(v) for v in region.args}
            _verify_ops(region.ops, inner, everywhere)
            inner |= {id(o) for o in _defined(region.ops)}
            for v in region.results:
                _check_use(op, v, inner)
        for out in op.outs:
            if id(out) in everywhere:
                raise IRError(f'{op}: {out} defined twice')
            everywhere.add(id(out))
            visible.add(id(out))
        if op.regions:
            _check_control(op)
        elif not op.prim.effect:
            _check_rule(op)


def _defined(ops: Iterable[Op]) -> list[Value]:
    return [o for op in ops for o in op.outs]


def _check_use(op: Op, v: Value, visible: set[int]) -> None:
    if isinstance(v, Value) and not v.is_const and id(v) not in visible:
        raise IRError(f'{op}: input {v} used before it is defined, or out of its scope')


def _check_rule(op: Op) -> None:
    if not isinstance(op.prim, Primitive):
        raise IRError(f'{op}: {op.prim} has no regions, yet it is neither a primitive nor an effect')
    expected = op.prim.abstract(*(operand(v, op.prim) for v in op.inputs), **op.params)
    if tuple(expected.shape) != tuple(op.out.shape) or expected.dtype != op.out.dtype:
        raise IRError(f'{op}: records {op.out.aval}, its rule says {expected}')


def _check_control(op: Op) -> None:
    problems = construct(op).problems(op)
    if problems:
        raise IRError(f'{op}: {problems[0]}')
