"""Passes keep meaning and shrink graphs: every corpus graph verifies after each pass and computes
the same values before and after; and the individual rewrites do what their docstrings say."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from autograph.codegen import generate, load
from autograph.ir import verify
from autograph.passes import dce, inline_custom, optimize, simplify
from tests.codegen.corpus import CASES


def run(graph, arrays):
    """Codegen writes what the passes leave: a raw graph's custom rules are inlined first."""
    return load(generate(inline_custom(graph)))(*arrays)


def leaves(tree):
    if isinstance(tree, tuple):
        return [leaf for t in tree for leaf in leaves(t)]
    return [np.asarray(tree)]


@pytest.mark.parametrize('name', sorted(CASES))
def test_each_pass_verifies_and_keeps_values(name):
    fn, args = CASES[name]
    raw, explicit, _ = fn.build(args)
    verify(raw)
    arrays = [np.asarray(a) for a in args if isinstance(a, (Tensor, np.ndarray))]
    arrays += [np.asarray(v.param) for v in raw.inputs[len(explicit):]]
    before = run(raw, arrays)
    for stage in (simplify, dce, optimize):
        graph = verify(stage(raw))
        assert len(dce(graph).ops) <= len(raw.ops)     # simplify leaves what it replaced to dce
        for got, want in zip(leaves(run(graph, arrays)), leaves(before)):
            np.testing.assert_allclose(got, want, rtol=1e-6)


def compiled_ops(fn, *args):
    fn(*args)
    return [op.prim.name for op in fn.last.graph.ops]


x3 = Tensor(np.array([0.5, -1.0, 2.0], np.float32))


def test_ones_like_weight_folds_away():
    def f(x):
        return ops.sum(x * ops.ones_like(x) + ops.zeros_like(x))
    assert compiled_ops(autograph.jit(f), x3) == ['sum']


def test_common_subexpressions_are_computed_once():
    def f(x):
        return ops.exp(x) + ops.exp(x)
    assert compiled_ops(autograph.jit(f), x3).count('exp') == 1


def test_stop_gradient_and_dead_code_leave_no_trace():
    def f(x):
        unused = ops.log(x * x)
        return ops.stop_gradient(x) * 2
    assert compiled_ops(autograph.jit(f), x3) == ['mul']


def test_fill_operand_becomes_a_python_number():
    def f(x):
        return x * ops.full_like(x, 0.5)
    source = autograph.get_source(autograph.jit(f), x3)
    assert 'x * 0.5' in source and 'np.full' not in source


def test_broadcast_fill_keeps_its_shape():
    def f(x):
        return ops.ones((2, 3), autograph.float32) * x
    result = autograph.jit(f)(x3)
    np.testing.assert_array_equal(result.asnumpy(), np.ones((2, 3), np.float32) * x3.asnumpy())


def test_adjoint_of_neg_becomes_subtraction():
    def f(x, y):
        return ops.sum(x - y)
    source = autograph.get_source(autograph.grad(f, (0, 1)), x3, x3)
    assert '+ -' not in source


def test_dce_keeps_outputs_and_what_they_need():
    def f(x):
        a = ops.exp(x)
        b = ops.log(a)
        c = ops.sin(x)
        return b
    assert compiled_ops(autograph.jit(f), x3) == ['exp', 'log']
