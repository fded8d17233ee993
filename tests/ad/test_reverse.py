"""Reverse mode: activity analysis, symbolic zeros, integer inputs, non-differentiable primitives
and broadcasting, checked on values and on the generated source."""
import numpy as np

import autograph
from autograph import Tensor, ops

x = np.array([0.5, -1.5, 2.0])
w = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]])


def test_gradient_of_an_integer_input_is_zeros_of_its_shape():
    def f(x, n):
        return ops.sum(x * n)
    n = np.array([1, 2, 3])
    dx, dn = autograph.grad(f, (0, 1))(x, n)
    np.testing.assert_array_equal(dx, n)
    assert dn.shape == n.shape and dn.dtype == n.dtype and not dn.any()


def test_non_differentiable_primitive_on_the_path_gives_zero_not_an_error():
    def f(x):
        return ops.sum(ops.sign(x) * 3.0)
    np.testing.assert_array_equal(autograph.grad(f)(x), np.zeros(3))


def test_comparisons_carry_no_gradient_but_their_uses_do():
    def f(x):
        return ops.sum(x * (x > 0))
    np.testing.assert_array_equal(autograph.grad(f)(x), [1.0, 0.0, 1.0])


def test_only_requested_gradients_are_built():
    def f(x, w):
        return ops.sum(ops.tanh(x @ w))
    source = autograph.get_source(autograph.grad(f, 0), x, w)
    code = [line for line in source.splitlines() if not line.strip().startswith('#')]
    assert sum(line.count('@') for line in code) == 2   # x @ w forward, w @ dy backward: no dw


def test_an_input_the_output_ignores_gets_materialised_zeros_only_at_the_boundary():
    def f(x, w):
        return ops.sum(x * 2.0)
    dx, dw = autograph.grad(f, (0, 1))(x, w)
    np.testing.assert_array_equal(dx, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(dw, np.zeros_like(w))


def test_broadcast_operands_get_their_gradient_summed_back_to_their_shape():
    def f(a, b, c):
        return ops.sum((a + b) * c)
    a = np.arange(6.).reshape(2, 3)
    b = np.array([1.0, 2.0, 3.0])
    c = np.array([[2.0], [3.0]])
    da, db, dc = autograph.grad(f, (0, 1, 2))(a, b, c)
    np.testing.assert_allclose(da, np.broadcast_to(c, (2, 3)))
    np.testing.assert_allclose(db, [5.0, 5.0, 5.0])
    np.testing.assert_allclose(dc, (a + b).sum(axis=1, keepdims=True))
    source = autograph.get_source(autograph.grad(f, (0, 1, 2)), a, b, c)
    assert '.sum(' in source and 'axis=0' in source and 'keepdims=True' in source


def test_a_value_used_twice_accumulates_its_cotangent():
    def f(x):
        y = ops.exp(x)
        return ops.sum(y * y + y)
    expected = 2 * np.exp(2 * x) + np.exp(x)
    np.testing.assert_allclose(autograph.grad(f)(x), expected)


def test_float32_stays_float32_through_the_adjoint():
    def f(x):
        return ops.mean(ops.sigmoid(x) * 2.5 + 1)
    g = autograph.grad(f)(Tensor(x.astype(np.float32)))
    assert g.dtype == autograph.float32
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(g.asnumpy(), 2.5 * s * (1 - s) / 3, rtol=1e-6)
