"""Lambdas wherever a function is accepted: found in their file by line, parameters and the
positions of their code, so several on one line (and lambdas inside lambdas) each compile as
themselves. Values against plain Python, gradients against central differences."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, nn, ops
from tests.numerics import central_difference

X = np.array([0.5, -1.0, 2.0])


def grad_check(fn, *xs):
    got = autograph.grad(fn, tuple(range(len(xs))) if len(xs) > 1 else 0)(*[Tensor(x) for x in xs])
    want = central_difference(lambda *a: float(fn(*[Tensor(v) for v in a])), *xs)
    for g, w in zip(got if len(xs) > 1 else (got,), want if len(xs) > 1 else (want,)):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-6, atol=1e-8)


def test_grad_value_and_grad_and_jit_of_a_lambda():
    grad_check(lambda x: ops.sum(x * x * x), X)
    grad_check(lambda x, y: ops.sum(ops.sin(x) * y), X, X[::-1].copy())
    (value, aux), dx = autograph.value_and_grad(lambda x, y: (ops.sum(x * y), y * 2), has_aux=True)(Tensor(X), Tensor(X))
    assert float(value) == pytest.approx(float(np.sum(X * X)))
    np.testing.assert_allclose(dx.asnumpy(), X)
    np.testing.assert_allclose(aux.asnumpy(), 2 * X)
    np.testing.assert_allclose(autograph.jit(lambda a, b: a @ b)(np.eye(2) * 3, np.ones((2, 2))), np.full((2, 2), 3.0))


def test_several_lambdas_on_one_line_each_compile_as_themselves():
    double, cube, square = (lambda v: ops.sum(v * 2.0)), (lambda v: ops.sum(v ** 3)), (lambda w: ops.sum(w * w))
    np.testing.assert_allclose(autograph.grad(double)(Tensor(X)).asnumpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(autograph.grad(cube)(Tensor(X)).asnumpy(), 3 * X ** 2)
    np.testing.assert_allclose(autograph.grad(square)(Tensor(X)).asnumpy(), 2 * X)


def test_a_lambda_made_by_a_lambda():
    scaled = lambda a: (lambda b: ops.sum(a * b * b))   # noqa: E731
    np.testing.assert_allclose(autograph.grad(scaled(3.0))(Tensor(X)).asnumpy(), 6 * X)
    np.testing.assert_allclose(autograph.grad(scaled(0.5))(Tensor(X)).asnumpy(), X)


def test_third_derivative_of_a_lambda():
    third = autograph.grad(autograph.grad(autograph.grad(lambda v: ops.sum(v ** 4))))
    assert float(third(Tensor(np.array(2.0)))) == pytest.approx(48.0)


def test_transformations_take_lambdas():
    x, v = Tensor(X), Tensor(np.ones(3))
    (dx,) = autograph.vjp(lambda a: a * a, x)[1](v)      # one input: a 1-tuple, as in MindSpore
    np.testing.assert_allclose(dx.asnumpy(), 2 * X)
    np.testing.assert_allclose(autograph.jvp(lambda a: a * a, x, v)[1].asnumpy(), 2 * X)
    np.testing.assert_allclose(autograph.jacrev(lambda a: a * a)(x).asnumpy(), np.diag(2 * X))
    np.testing.assert_allclose(autograph.jacfwd(lambda a: a * a)(x).asnumpy(), np.diag(2 * X))
    np.testing.assert_allclose(autograph.hessian(lambda a: ops.sum(a ** 3))(x).asnumpy(), np.diag(6 * X))


@autograph.custom_vjp
def clipped_identity(v):
    return v * 1.0


clipped_identity.defvjp(lambda v: (clipped_identity(v), v), lambda v, g: (ops.clip(g, -0.5, 0.5),))


def test_custom_vjp_rules_given_as_lambdas():
    np.testing.assert_allclose(autograph.grad(lambda v: ops.sum(clipped_identity(v) * 3.0))(Tensor(X)).asnumpy(),
                               [0.5, 0.5, 0.5])


def test_a_lambda_capturing_a_loop_variable_sees_it_as_python_does():
    np.random.seed(0)
    cells = [nn.Dense(3, 1), nn.Dense(3, 1)]
    grads = [autograph.grad(lambda x: ops.sum(cell(x))) for cell in cells]
    x = Tensor(np.ones((2, 3), np.float32))
    # The comprehension's `cell` is the last Cell when the lambdas run: Python's late binding.
    for g in grads:
        np.testing.assert_allclose(g(x).asnumpy(), np.tile(cells[-1].weight.asnumpy(), (2, 1)), rtol=1e-6)
    bound = [autograph.grad(lambda x, cell=cell: ops.sum(cell(x))) for cell in cells]
    for g, cell in zip(bound, cells):
        np.testing.assert_allclose(g(x).asnumpy(), np.tile(cell.weight.asnumpy(), (2, 1)), rtol=1e-6)


def test_a_lambdas_generated_code_shows_its_line():
    source = autograph.get_source(autograph.grad(lambda v: ops.sum(ops.exp(v))), Tensor(X))
    assert '    # source = autograph.get_source(autograph.grad(lambda v: ops.sum(ops.exp(v))), Tensor(X))' in source
    assert 'def lambda_grad(v):' in source


def test_a_compile_error_in_a_lambda_points_at_it():
    with pytest.raises(autograph.CompileError, match=r'test_lambdas\.py", line \d+, column \d+: .*'):
        autograph.jit(lambda v: v.no_such_method())(Tensor(X))
