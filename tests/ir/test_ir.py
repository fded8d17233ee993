"""The IR's text form and its verifier."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from autograph.ir import IRError, verify
from autograph.ir.core import Value
from runtime.primitive import Aval

x = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))


def f(x):
    y = ops.exp(x) * 2
    return ops.sum(y, axis=1)


def test_printed_ir_is_stable_and_readable():
    text = autograph.get_ir(autograph.jit(f), x)
    assert text == (
        'def f(x: f32[2,2]):\n'
        '  exp: f32[2,2] = exp(x)\n'
        '  y: f32[2,2] = mul(exp, 2)\n'
        '  out: f32[2] = sum(y, axis=1, keepdims=False)\n'
        '  return out')
    assert text == autograph.get_ir(autograph.jit(f), x)


def test_ir_of_a_grad_shows_the_adjoint():
    text = autograph.get_ir(autograph.grad(f), x)
    assert text.splitlines()[0] == 'def f_grad(x: f32[2,2]):'
    assert 'broadcast_to' in text or 'mul' in text


def graph_of(fn, *args):
    graph, _, _ = autograph.jit(fn).build(args)
    return graph


def test_verifier_accepts_traced_graphs():
    verify(graph_of(f, x))


def test_verifier_rejects_use_before_definition():
    graph = graph_of(f, x)
    graph.ops.reverse()
    with pytest.raises(IRError, match='used before it is defined'):
        verify(graph)


def test_verifier_rejects_a_wrong_shape():
    graph = graph_of(f, x)
    graph.ops[0].out.aval = Aval((3,), np.dtype(np.float32))
    with pytest.raises(IRError, match='rule says'):
        verify(graph)


def test_verifier_rejects_an_undefined_output():
    graph = graph_of(f, x)
    graph.outputs = Value(Aval((2,), np.dtype(np.float32)), 'ghost')
    with pytest.raises(IRError, match='not defined'):
        verify(graph)
