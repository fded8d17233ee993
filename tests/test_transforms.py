"""vjp, GradOperation (with sens_param), jacrev, hessian and check_grad, against finite
differences in float64."""
import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops
from tests.numerics import central_difference

X = np.array([0.3, -0.2])
W = np.array([[1.0, 0.5, -0.3], [0.2, 0.1, 0.7]])


def layer(x, w):
    return ops.tanh(x @ w)


def scalar(x):
    return ops.sum(ops.sin(x) * x ** 2)


def test_vjp_gives_the_gradient_of_the_weighted_output():
    out, vjp_fn = autograph.vjp(layer, X, W)
    v = np.array([1.0, 2.0, -1.0])
    np.testing.assert_allclose(out, np.tanh(X @ W))
    dx, dw = vjp_fn(v)
    np.testing.assert_allclose(dx, central_difference(lambda x: v @ np.tanh(x @ W), X), rtol=1e-7)
    np.testing.assert_allclose(dw, central_difference(lambda w: v @ np.tanh(X @ w), W), rtol=1e-7)
    assert 'sens' in autograph.get_source(vjp_fn.grad_fn)


def test_vjp_with_aux():
    def with_aux(x, w):
        y = layer(x, w)
        return y, ops.sum(y)
    out, vjp_fn, aux = autograph.vjp(with_aux, X, W, has_aux=True)
    np.testing.assert_allclose(aux[0], np.tanh(X @ W).sum())
    dx, _ = vjp_fn(np.ones(3))
    np.testing.assert_allclose(dx, central_difference(lambda x: np.tanh(x @ W).sum(), X), rtol=1e-7)


def test_jacrev_has_output_by_input_shape():
    jac = autograph.jacrev(layer)(X, W)
    h = np.tanh(X @ W)
    assert jac.shape == (3, 2)
    np.testing.assert_allclose(jac, (1 - h * h)[:, None] * W.T, rtol=1e-12)
    jx, jw = autograph.jacrev(layer, grad_position=(0, 1))(X, W)
    assert jx.shape == (3, 2) and jw.shape == (3, 2, 3)
    for i in range(3):
        np.testing.assert_allclose(jw[i], central_difference(lambda w: np.tanh(X @ w)[i], W), rtol=1e-6)


def test_hessian_of_a_scalar_function():
    hess = autograph.hessian(scalar)(X)
    exact = np.diag(2 * np.sin(X) + 4 * X * np.cos(X) - X ** 2 * np.sin(X))
    np.testing.assert_allclose(hess, exact, rtol=1e-10, atol=1e-12)


def test_hessian_of_an_mlp_loss_against_differences_of_its_gradient():
    w1 = np.array([[0.4, -0.3], [0.2, 0.5]])

    def loss(w):
        return ops.sum(ops.tanh(X @ w) ** 2)
    grad = autograph.grad(loss)
    hess = autograph.hessian(loss)(w1)
    assert hess.shape == (2, 2, 2, 2)
    for i in range(2):
        for j in range(2):
            numeric = central_difference(lambda w: grad(w)[i, j], w1)
            np.testing.assert_allclose(hess[i, j], numeric, rtol=1e-6, atol=1e-9)


def test_grad_operation_forms():
    w = Parameter(Tensor(W), name='w')

    def net(x):
        return ops.sum(layer(x, w))
    h = np.tanh(X @ W)
    dx = W @ (1 - h * h)
    np.testing.assert_allclose(autograph.GradOperation()(net)(Tensor(X)).asnumpy(), dx)
    (gx,) = autograph.GradOperation(get_all=True)(net)(Tensor(X))
    np.testing.assert_allclose(gx.asnumpy(), dx)
    (gw,) = autograph.GradOperation(get_by_list=True)(net, [w])(Tensor(X))
    np.testing.assert_allclose(gw.asnumpy(), np.outer(X, 1 - h * h))
    (gx2,), (gw2,) = autograph.GradOperation(get_all=True, get_by_list=True)(net, [w])(Tensor(X))
    np.testing.assert_allclose(gx2.asnumpy(), dx)
    sens = autograph.GradOperation(sens_param=True)(lambda_layer)(X, W, np.array([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(sens, W @ (np.array([1.0, 0.0, 2.0]) * (1 - h * h)))
    with pytest.raises(TypeError, match='needs the Parameters'):
        autograph.GradOperation(get_by_list=True)(net)


def lambda_layer(x, w):
    return layer(x, w)


def test_sensitivity_must_match_the_output():
    grad_op = autograph.GradOperation(sens_param=True)(lambda_layer)
    with pytest.raises(ValueError, match='sensitivity must match'):
        grad_op(X, W, np.ones(2))


def test_check_grad_reports_and_fails_on_mismatch():
    report = autograph.check_grad(scalar, X)
    assert report.startswith('input 0: max |compiled - numeric|')
    with pytest.raises(AssertionError, match='MISMATCH'):
        autograph.check_grad(scalar, X, eps=1e-1, rtol=0, atol=0)


def test_jvp_is_forward_mode_and_matches_finite_differences():
    v = (np.array([1.0, 0.5]), np.full((2, 3), 0.1))
    out, tangent = autograph.jvp(layer, (X, W), v)
    np.testing.assert_allclose(out, np.tanh(X @ W))
    eps = 1e-6
    numeric = (np.tanh((X + eps * v[0]) @ (W + eps * v[1])) - np.tanh((X - eps * v[0]) @ (W - eps * v[1]))) / (2 * eps)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-7)
    source = autograph.get_source(autograph.jvp_function(layer))
    assert 'def layer_jvp(x, w, dx, dw):' in source and 'dx @ w + x @ dw' in source


def test_jvp_with_tensors_and_aux():
    def with_aux(x):
        y = ops.sin(x)
        return ops.sum(y * y), y
    out, tangent, aux = autograph.jvp(with_aux, Tensor(X), Tensor(np.ones(2)), has_aux=True)
    np.testing.assert_allclose(tangent.asnumpy(), np.sum(2 * np.sin(X) * np.cos(X)))
    np.testing.assert_allclose(aux[0].asnumpy(), np.sin(X))


def test_jacfwd_equals_jacrev():
    np.testing.assert_allclose(autograph.jacfwd(layer)(X, W), autograph.jacrev(layer)(X, W), rtol=1e-12)
    jx, jw = autograph.jacfwd(layer, grad_position=(0, 1))(X, W)
    assert jx.shape == (3, 2) and jw.shape == (3, 2, 3)
    np.testing.assert_allclose(jw, autograph.jacrev(layer, grad_position=1)(X, W), rtol=1e-12)


def test_jvp_tangent_shapes_are_checked():
    with pytest.raises(ValueError, match='tangent'):
        autograph.jvp(layer, (X, W), (np.ones(3), np.ones((2, 3))))


class MultipleInputsMultipleOutputsNet(nn.Cell):
    def construct(self, x, y, z):
        return x ** 2 + y ** 2 + z ** 2, x * y * z


XM = np.array([[1, 2], [3, 4]], np.float32)
ZM = np.ones((2, 2), np.float32)


@pytest.mark.parametrize('jac', [autograph.jacrev, autograph.jacfwd])
def test_jacobian_with_aux_as_in_mindspore_docs(jac):
    result, aux = jac(MultipleInputsMultipleOutputsNet(), grad_position=0, has_aux=True)(
        Tensor(XM), Tensor(XM), Tensor(ZM))
    want = np.zeros((2, 2, 2, 2), np.float32)
    for i, j in np.ndindex(2, 2):
        want[i, j, i, j] = 2 * XM[i, j]
    np.testing.assert_array_equal(result.asnumpy(), want)
    np.testing.assert_array_equal(aux.asnumpy(), [[1, 4], [9, 16]])


def two_outputs(x, y):
    return ops.sin(x) * y.sum(), ops.outer(x, y)


@pytest.mark.parametrize('jac', [autograph.jacrev, autograph.jacfwd])
def test_jacobian_structure_for_several_outputs_and_positions(jac):
    x, y = np.array([0.3, -1.2]), np.array([0.5, 2.0, -0.7])
    both = jac(two_outputs, (0, 1))(x, y)
    assert len(both) == 2 and all(len(row) == 2 for row in both)    # [output][position]
    assert both[0][0].shape == (2, 2) and both[0][1].shape == (2, 3)
    assert both[1][0].shape == (2, 3, 2) and both[1][1].shape == (2, 3, 3)
    for o in range(2):
        for p, arg in enumerate((x, y)):
            for index in np.ndindex(np.shape(two_outputs(x, y)[o])):
                def element(*xs, o=o, index=index):
                    return float(np.asarray(two_outputs(*xs)[o])[index])
                want = central_difference(lambda v: element(*((v, y) if p == 0 else (x, v))), arg)
                np.testing.assert_allclose(np.asarray(both[o][p])[index], want, rtol=1e-7, atol=1e-10)
    per_output = jac(two_outputs, 0)(x, y)
    assert isinstance(per_output, tuple) and len(per_output) == 2
    np.testing.assert_allclose(per_output[1], both[1][0])


def test_jacobian_rejects_a_bad_grad_position():
    with pytest.raises(TypeError, match='grad_position'):
        autograph.jacrev(two_outputs, 'x')


def tanh_layer_and_cube(x, w):
    return ops.sum(ops.tanh(x @ w) ** 2) + ops.sum(x * x * x)


def test_hessian_blocks_for_several_positions():
    x, w = np.array([0.3, -0.5]), np.array([[0.2, 0.7, -0.3], [0.5, -1.1, 0.4]])
    blocks = autograph.hessian(tanh_layer_and_cube, (0, 1))(x, w)
    gradient = autograph.grad(tanh_layer_and_cube, (0, 1))
    for i in range(2):
        for j, arg in enumerate((x, w)):
            assert blocks[i][j].shape == (x, w)[i].shape + arg.shape
            for index in np.ndindex((x, w)[i].shape):
                def element(v, index=index, i=i, j=j):
                    return float(np.asarray(gradient(*((v, w) if j == 0 else (x, v)))[i])[index])
                np.testing.assert_allclose(blocks[i][j][index], central_difference(element, arg),
                                           rtol=1e-6, atol=1e-9)


V3 = np.array([1.0, 0.5, -0.3])


def sin_times_x(x):
    return ops.sum(ops.sin(x) * x)


def directional_derivative(x):
    """jvp inside compiled code: d/dt f(x + t v) at t = 0."""
    _, tangent = autograph.jvp(sin_times_x, (x,), (V3,))
    return tangent


def test_grad_of_jvp_is_reverse_over_forward():
    x = np.array([0.3, 1.1, -0.7])
    hvp = autograph.grad(directional_derivative)(x)
    np.testing.assert_allclose(hvp, (2 * np.cos(x) - x * np.sin(x)) * V3, rtol=1e-12)


def test_jvp_of_jvp_is_a_second_directional_derivative():
    x = np.array([0.3, 1.1, -0.7])
    _, second = autograph.jvp(directional_derivative, (x,), (V3,))
    np.testing.assert_allclose(second, np.sum((2 * np.cos(x) - x * np.sin(x)) * V3 * V3), rtol=1e-12)


def unrolled_map(h, w, n):
    for _ in range(n):
        h = ops.tanh(h @ w)
    return h


def test_jacrev_and_jacfwd_of_a_function_with_a_runtime_loop():
    rng = np.random.default_rng(5)
    h, w, n = rng.uniform(-1, 1, 3), rng.uniform(-0.8, 0.8, (3, 3)), Tensor(np.array(3))
    reverse = autograph.jacrev(unrolled_map)(h, w, n)
    forward = autograph.jacfwd(unrolled_map)(h, w, n)
    for k in range(3):
        want = central_difference(lambda v: float(np.asarray(unrolled_map(Tensor(v), Tensor(w), 3))[k]), h)
        np.testing.assert_allclose(np.asarray(reverse)[k], want, rtol=1e-7)
    np.testing.assert_allclose(np.asarray(forward), np.asarray(reverse), rtol=1e-12)
