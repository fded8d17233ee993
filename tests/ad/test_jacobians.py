"""Jacobians as compiled transforms: composed forms against central differences in float64, each
compiled once per call signature, and vjp's cached gradient function."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from tests.numerics import central_difference

rng = np.random.default_rng(1)
X = rng.uniform(-1, 1, 3)
W = rng.uniform(-0.8, 0.8, (3, 2))


def vector_field(x):
    return ops.sin(x) * ops.sum(x ** 2)


def mlp_energy(x, w):
    return ops.sum(ops.tanh(ops.matmul(x, w)) ** 2)


def jacobian_by_differences(f, x):
    """d f(x)[i...] / d x[j...] by central differences, shape f(x).shape + x.shape."""
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    for index in np.ndindex(out_shape):
        jac[index] = central_difference(lambda v: float(np.asarray(f(v))[index]), x)
    return jac


def second_derivative_by_differences(f, x):
    """d^2 f / dx dx of a vector function f: differences of its compiled Jacobian."""
    jac = autograph.jacrev(f)
    return jacobian_by_differences(lambda v: np.asarray(jac(v)), x)


@pytest.mark.parametrize('compose', [
    lambda f: autograph.jacfwd(autograph.jacrev(f)),
    lambda f: autograph.jacrev(autograph.jacrev(f)),
    lambda f: autograph.jacfwd(autograph.jacfwd(f)),
    lambda f: autograph.jacrev(autograph.jacfwd(f)),
], ids=['fwd_rev', 'rev_rev', 'fwd_fwd', 'rev_fwd'])
def test_second_derivatives_of_a_vector_function(compose):
    second = compose(vector_field)(X)
    assert second.shape == (3, 3, 3)
    np.testing.assert_allclose(second, second_derivative_by_differences(vector_field, X), rtol=1e-6, atol=1e-9)


def test_hessian_through_matmul_in_both_positions():
    hx = autograph.hessian(mlp_energy)(X, W)
    np.testing.assert_allclose(hx, jacobian_by_differences(lambda v: autograph.grad(mlp_energy)(v, W), X),
                               rtol=1e-6, atol=1e-9)
    blocks = autograph.hessian(mlp_energy, (0, 1))(X, W)
    assert blocks[0][1].shape == (3, 3, 2) and blocks[1][1].shape == (3, 2, 3, 2)
    dw = autograph.grad(mlp_energy, 1)
    np.testing.assert_allclose(blocks[1][1], jacobian_by_differences(lambda v: dw(X, v), W), rtol=1e-6, atol=1e-9)
    dx = autograph.grad(mlp_energy)
    np.testing.assert_allclose(blocks[0][1], jacobian_by_differences(lambda v: dx(X, v), W), rtol=1e-6, atol=1e-9)


def jacobian_norm(x):
    return ops.sum(autograph.jacrev(vector_field)(x) ** 2)


def test_grad_of_jacrev():
    got = autograph.grad(jacobian_norm)(X)
    want = central_difference(lambda v: float(np.sum(np.asarray(autograph.jacrev(vector_field)(v)) ** 2)), X)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def rnn(h, w, n):
    for _ in range(n):
        h = ops.tanh(h @ w)
    return h


def test_composed_jacobians_through_a_run_time_loop():
    w = rng.uniform(-0.7, 0.7, (3, 3))
    n = Tensor(np.array(3))
    second = autograph.jacrev(autograph.jacrev(rnn))(X, w, n)
    want = jacobian_by_differences(lambda v: np.asarray(autograph.jacrev(rnn)(v, w, n)), X)
    np.testing.assert_allclose(np.asarray(second), want, rtol=1e-6, atol=1e-9)
    forward_over_reverse = autograph.jacfwd(autograph.jacrev(rnn))(X, w, n)
    np.testing.assert_allclose(np.asarray(forward_over_reverse), want, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize('make', [autograph.jacrev, autograph.jacfwd, autograph.hessian])
def test_each_jacobian_compiles_once_per_signature(make):
    def f(x):
        y = ops.sin(x) * x
        return ops.sum(y) if make is autograph.hessian else y
    fn = make(f)
    for _ in range(3):
        fn(X)
    fn(W)
    info = fn.cache_info()
    assert (info.misses, info.hits) == (2, 2)
    assert make(f) is fn                # asking again gives the same compiled function


def test_a_jacobian_is_one_compiled_call_of_batched_code():
    jac = autograph.jacrev(vector_field)
    jac(X)
    source = autograph.get_source(jac)
    assert 'np.eye(N=3, M=3' in source and 'for ' not in source


def test_vjp_compiles_once_and_returns_a_tuple_per_input():
    def f(x):
        return ops.sin(x) * 2
    v = np.array([1.0, -1.0, 0.5])
    for _ in range(3):
        out, vjp_fn = autograph.vjp(f, X)
        grads = vjp_fn(v)
    assert isinstance(grads, tuple) and len(grads) == 1
    np.testing.assert_allclose(grads[0], 2 * np.cos(X) * v)
    info = vjp_fn.grad_fn.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    np.testing.assert_allclose(out, np.sin(X) * 2)
