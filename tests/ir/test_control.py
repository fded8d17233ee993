"""Control-flow constructs: what each says about the layout of its ops, and how the stages find
their rule for it."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from autograph.ad.batching import batch_graph
from autograph.ad.forward import ForwardModeError, forward
from autograph.ad.reverse import reverse
from autograph.codegen import generate
from autograph.errors import CompileError
from autograph.ir import Graph, Value, verify
from autograph.ir.control import (FOR, FOR_SAVED, WHILE, ControlFlow, ForRange, Loop, construct, rule_for)
from autograph.ir.core import Op, Region, walk
from autograph.passes import dce
from runtime.primitive import Aval


def two_loops(x, n):
    total = x
    for i in range(n):
        total = total * 0.5 + x * (i + 1)
    while ops.sum(total) > 1.0:
        total = total * 0.25
    return ops.sum(total)


def grad_graph():
    graph, _, _ = autograph.grad(two_loops).build((Tensor(np.array([1.0, 2.0])), Tensor(np.array(3))))
    return graph


def loops(graph, prim):
    return [op for op in walk(graph.ops) if op.prim is prim]


def test_each_loop_says_where_its_values_are():
    graph = grad_graph()
    [for_range] = loops(graph, FOR)
    [while_loop] = loops(graph, WHILE)
    adjoints = loops(graph, FOR_SAVED)
    assert len(adjoints) == 2

    prim, body = FOR, FOR.body(for_range)
    assert prim.bounds(for_range) == for_range.inputs[:3] == prim.header_inputs(for_range)
    assert prim.index_args(for_range) == body.args[:1] and body.args[0].name == 'i'
    assert prim.carried_inputs(for_range) == [graph.inputs[0]]
    assert prim.carried_args(for_range) == body.args[1:]
    assert prim.saved_lists(for_range) == prim.popped_args(for_range) == []
    assert prim.carried_count(for_range) + prim.saves(for_range) == len(for_range.outs)
    assert prim.test(for_range) is None and prim.repeats and not prim.selects

    test = WHILE.test(while_loop)
    assert test is while_loop.regions[0] and WHILE.body(while_loop) is while_loop.regions[1]
    assert WHILE.carried_args(while_loop, test) == test.args
    assert WHILE.carried_inputs(while_loop) == while_loop.inputs
    assert WHILE.header_inputs(while_loop) == []

    # The adjoints pop what the forward loops saved, last iteration first.
    forward_lists = {id(out) for op in (for_range, while_loop) for out in op.outs[construct(op).carried_count(op):]}
    for op in adjoints:
        lists = FOR_SAVED.saved_lists(op)
        assert lists and all(id(v) in forward_lists for v in lists)
        assert FOR_SAVED.popped_args(op) == FOR_SAVED.body(op).args[:len(lists)]
        assert FOR_SAVED.carried_inputs(op) == op.inputs[len(lists):]


def test_dce_removes_saves_and_lists_nobody_reads():
    graph = dce(grad_graph())
    verify(graph)
    [for_range] = loops(graph, FOR)
    [while_loop] = loops(graph, WHILE)
    first, second = loops(graph, FOR_SAVED)
    # Each `total` was saved for the cotangent of the constant 0.5, which nobody reads.
    assert FOR.saves(for_range) == 1 and len(FOR.body(for_range).results) == 2
    assert FOR_SAVED.saved_lists(second) == for_range.outs[1:]
    # The adjoint of the while loop reads no element either, but keeps its list: it counts.
    assert FOR_SAVED.saved_lists(first) == while_loop.outs[1:]
    assert len(FOR_SAVED.popped_args(first)) == 1


class Scan(ForRange):
    """A loop kind the stages have no entry of their own for."""


def test_rules_are_found_through_base_classes():
    table = {Loop: 'loop', ControlFlow: 'any'}
    assert rule_for(table, Scan('scan')) == 'loop'
    assert rule_for(table, ControlFlow('switch')) == 'any'
    assert rule_for({Loop: 'loop'}, ControlFlow('switch')) is None


def test_a_construct_without_rules_is_refused_by_name():
    switch = ControlFlow('switch')
    x = Value(Aval((2,), np.dtype(np.float64)), 'x')
    out = Value(x.aval, 'y')
    op = Op(switch, [x], {}, [out], None, (Region([], [], [x]),))
    graph = Graph('f', [x], [op], out)
    with pytest.raises(CompileError, match='reverse mode through switch'):
        reverse(graph, [[x]])
    with pytest.raises(ForwardModeError, match='forward mode through switch'):
        forward(graph, {id(x): x})
    with pytest.raises(CompileError, match='vmap through switch'):
        batch_graph(graph, [0], 3)
    with pytest.raises(NotImplementedError, match='code generation has no rule for switch'):
        generate(graph)
    with pytest.raises(NotImplementedError, match='switch does not say how to check it'):
        verify(graph)
