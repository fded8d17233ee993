"""Size limits that a compiler built on recursion would hit: a run-time loop of 10,000 iterations
is compiled once and differentiated through without recursion, and functions of 2,000 statements
compile (the times are printed by benchmarks/bench_compile.py, never asserted)."""
import importlib.util
import sys

import numpy as np

import autograph
from autograph import ops


def rnn(x, w, n):
    h = x
    for t in range(n):
        h = ops.tanh(h @ w)
    return ops.sum(h)


def test_ten_thousand_iterations_differentiate_without_recursion():
    x, w = np.full(4, 0.1), np.eye(4) * 0.5 + 0.01
    dx, dw = autograph.grad(rnn, (0, 1))(x, w, 10_000)
    h, hs = x, []
    for _ in range(10_000):
        hs.append(h)
        h = np.tanh(h @ w)
    dh, expected_dw = np.ones(4), np.zeros_like(w)
    for h_before in reversed(hs):
        dz = dh * (1 - np.tanh(h_before @ w) ** 2)
        expected_dw += np.outer(h_before, dz)
        dh = w @ dz
    np.testing.assert_allclose(dx, dh, rtol=1e-10)
    np.testing.assert_allclose(dw, expected_dw, rtol=1e-10)
    assert 'for t in range(10000):' in autograph.get_source(autograph.jit(rnn), x, w, 10_000)


def write_long_function(path, statements):
    lines = ['from autograph import ops', '', '', 'def long_function(x):', '    y = x']
    lines += [f'    y = ops.sin(y) * {1 + i % 3} + x' for i in range(statements)]
    lines += ['    return ops.sum(y)', '']
    path.write_text('\n'.join(lines))


def test_two_thousand_statements_compile_and_differentiate(tmp_path):
    path = tmp_path / 'long_module.py'
    write_long_function(path, 2_000)
    spec = importlib.util.spec_from_file_location('long_module', path)
    module = importlib.util.module_from_spec(spec)
    sys.modules['long_module'] = module
    spec.loader.exec_module(module)
    x = np.array([0.3, -0.2])
    y, dy = x, np.ones_like(x)          # forward mode by hand: dy = d y / d x, elementwise
    for i in range(2_000):
        y, dy = np.sin(y) * (1 + i % 3) + x, np.cos(y) * (1 + i % 3) * dy + 1
    np.testing.assert_allclose(autograph.jit(module.long_function)(x), y.sum(), rtol=1e-12)
    np.testing.assert_allclose(autograph.grad(module.long_function)(x), dy, rtol=1e-9)


def test_many_ifs_on_compile_time_values_compile_without_recursion(tmp_path):
    """Each top-level `if` on a Python value ran the rest of the function one call deeper
    (a RecursionError at 500 of them); now only one whose branches may return does."""
    path = tmp_path / 'many_ifs.py'
    lines = ['from autograph import ops', '', '', 'def many_ifs(x, flag):', '    y = x']
    for i in range(2_000):
        lines += ['    if flag:', f'        y = ops.sin(y) * {1 + i % 3} + x']
    path.write_text('\n'.join(lines + ['    return ops.sum(y)', '']))
    spec = importlib.util.spec_from_file_location('many_ifs', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([0.3, -0.2])
    y = x
    for i in range(2_000):
        y = np.sin(y) * (1 + i % 3) + x
    np.testing.assert_allclose(autograph.jit(module.many_ifs)(x, True), y.sum(), rtol=1e-12)
    np.testing.assert_allclose(autograph.jit(module.many_ifs)(x, False), x.sum(), rtol=1e-12)


def test_a_chain_of_returning_ifs_on_compile_time_values_compiles_without_recursion(tmp_path):
    """`if k == i: return ...` 2,000 times: only a taken branch that may return takes the rest of
    the function with it, so the branches not taken leave the lowering flat."""
    path = tmp_path / 'returning_ifs.py'
    lines = ['from autograph import ops', '', '', 'def returning_ifs(x, k):', '    y = x']
    for i in range(2_000):
        lines += [f'    if k == {i}:', f'        return ops.sum(y) * {i + 1}', '    y = ops.sin(y)']
    path.write_text('\n'.join(lines + ['    return ops.sum(y)', '']))
    spec = importlib.util.spec_from_file_location('returning_ifs', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([0.3, -0.2])
    for k in (5, 1_999, 5_000):
        y, dy = x, np.ones_like(x)
        for _ in range(min(k, 2_000)):
            y, dy = np.sin(y), np.cos(y) * dy
        scale = k + 1 if k < 2_000 else 1
        np.testing.assert_allclose(autograph.jit(module.returning_ifs)(x, k), scale * y.sum(), rtol=1e-12)
        np.testing.assert_allclose(autograph.grad(module.returning_ifs)(x, k), scale * dy, rtol=1e-9)


def product_chain(x, n):
    y = x
    for _ in (0,) * n:      # a tuple: unrolled, every step from one source line
        y = y * x
    return ops.sum(y)


def test_an_unrolled_chain_of_one_line_is_written_in_lines_of_bounded_depth():
    """300 steps of one statement: the adjoint sums 300 terms. Written as one nested expression
    they overflowed the unparser's recursion; inline expressions now nest a bounded depth."""
    x = np.array([1.001, 0.999, 1.002])
    grad_fn = autograph.grad(product_chain)
    np.testing.assert_allclose(grad_fn(x, 300), 301 * x ** 300, rtol=1e-10)
    source = autograph.get_source(grad_fn, x, 300)
    assert max(line.count('(') for line in source.splitlines()) < 40
    np.testing.assert_allclose(autograph.jit(product_chain)(x, 300), np.sum(x ** 301), rtol=1e-10)
