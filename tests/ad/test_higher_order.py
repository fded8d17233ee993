"""Gradients of gradients: reverse mode applied to generated adjoints (straight-line code,
value_and_grad, Hessians through run-time loops), against analytic values and central
differences of the derivative below. The control-flow corpus runs second and third derivatives
of every entry (tests/frontend/test_control_flow.py)."""
import numpy as np

import autograph
from autograph import Tensor, ops
from tests.numerics import central_difference

X = np.array([0.3, 1.2, -0.8])


def sin_x_squared(x):
    return ops.sum(ops.sin(x) * x * x)


first = autograph.grad(sin_x_squared)


def first_sum(x):
    return first(x).sum()


second = autograph.grad(first_sum)


def second_sum(x):
    return second(x).sum()


third = autograph.grad(second_sum)


def test_second_and_third_derivatives_are_analytic_values():
    c, s = np.cos(X), np.sin(X)
    np.testing.assert_allclose(second(X), -s * X * X + 4 * X * c + 2 * s, rtol=1e-12)
    np.testing.assert_allclose(third(X), -c * X * X - 6 * X * s + 6 * c, rtol=1e-12)


def test_fourth_order_against_differences_of_the_third():
    def third_sum(x):
        return third(x).sum()

    fourth = autograph.grad(third_sum)(X)
    np.testing.assert_allclose(fourth, central_difference(lambda v: float(np.sum(third(v))), X),
                               rtol=1e-6)


def softplus_value_and_slope(x):
    return ops.sum(ops.log(1 + ops.exp(x)) * x)


value_and_slope = autograph.value_and_grad(softplus_value_and_slope)


def value_plus_slope(x):
    value, slope = value_and_slope(x)
    return value + (slope * slope).sum()


def test_grad_through_value_and_grad():
    g = autograph.grad(value_plus_slope)(X)
    np.testing.assert_allclose(g, central_difference(lambda v: float(value_plus_slope(Tensor(v))), X),
                               rtol=1e-6)


def rnn(h, w, n):
    for _ in range(n):
        h = ops.tanh(h @ w)
    return ops.sum(h * h)


def test_hessian_through_a_runtime_loop():
    rng = np.random.default_rng(3)
    h0, w = rng.uniform(-1, 1, 3), rng.uniform(-0.7, 0.7, (3, 3))
    n = Tensor(np.array(4))
    hess = autograph.hessian(rnn)(h0, w, n)
    gradient = autograph.grad(rnn)
    want = np.stack([central_difference(lambda v: float(np.asarray(gradient(v, w, n))[k]), h0)
                     for k in range(3)])
    np.testing.assert_allclose(np.asarray(hess), want, rtol=1e-6, atol=1e-9)


def test_second_order_source_stays_small():
    """grad(grad(f)) is about the size of grad(f): no dead forward code, no zero chains."""
    grad_source = autograph.get_source(first, X)
    second_source = autograph.get_source(second, X)
    assert len(second_source.splitlines()) <= 2 * len(grad_source.splitlines())
    assert 'zeros' not in second_source
