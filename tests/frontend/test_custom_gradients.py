"""Custom gradients: a Cell's bprop (MindSpore) and autograph.custom_vjp (JAX)."""
import numpy as np
import pytest

import autograph
from autograph import CompileError, Parameter, Tensor, nn, ops
from tests.numerics import central_difference

X = np.array([[0.5, 0.6, 0.4], [1.2, 1.3, 1.1]], np.float32)
Y = np.array([[0.01, 0.3, 1.1], [0.1, 0.2, 1.3], [2.1, 1.2, 3.3]], np.float32)


class MatMulWithBprop(nn.Cell):
    """MindSpore's bprop tutorial example: the gradients are x + 1 and y + 1, whatever dout is."""

    def construct(self, x, y):
        return ops.matmul(x, y)

    def bprop(self, x, y, out, dout):
        return x + 1, y + 1


def test_bprop_replaces_the_gradient_as_in_mindspore_tutorial():
    dx, dy = autograph.grad(MatMulWithBprop(), (0, 1))(Tensor(X), Tensor(Y))
    np.testing.assert_allclose(dx.asnumpy(), X + 1)
    np.testing.assert_allclose(dy.asnumpy(), Y + 1)
    assert dx.dtype == autograph.float32


def test_bprop_cell_forward_value_is_construct():
    out = autograph.jit(MatMulWithBprop())(Tensor(X), Tensor(Y))
    np.testing.assert_allclose(out.asnumpy(), X @ Y, rtol=1e-6)


class SquareRootSafe(nn.Cell):
    """A correct rule written by hand, used inside a bigger function: the chain rule must go
    through it. d sqrt(x) = dout / (2 out)."""

    def construct(self, x):
        return ops.sqrt(x)

    def bprop(self, x, out, dout):
        return (dout / (2 * out),)


def test_bprop_composes_with_the_rest_of_the_function():
    cell = SquareRootSafe()

    def loss(x, w):
        return (cell(x * w) * ops.sin(x)).sum()

    x = np.array([0.7, 1.5, 2.2])
    w = np.array([1.3, 0.4, 2.0])
    dx, dw = autograph.grad(loss, (0, 1))(x, w)
    fx, fw = central_difference(lambda a, b: float(np.sum(np.sqrt(a * b) * np.sin(a))), x, w)
    np.testing.assert_allclose(dx, fx, rtol=1e-6)
    np.testing.assert_allclose(dw, fw, rtol=1e-6)


def test_bprop_sees_out_and_dout_and_its_cell():
    class Scaled(nn.Cell):
        def __init__(self):
            super().__init__()
            self.k = 3.0

        def construct(self, x):
            return ops.exp(x)

        def bprop(self, x, out, dout):
            return (self.k * out * dout,)      # deliberately 3x the true gradient

    cell = Scaled()

    def loss(v):
        return (cell(v) * 2.0).sum()

    x = np.array([0.1, -0.5])
    g = autograph.grad(loss)(x)
    np.testing.assert_allclose(g, 3 * np.exp(x) * 2.0)


@autograph.custom_vjp
def clipped_sin(x):
    return ops.sin(x)


def _clipped_sin_fwd(x):
    return ops.sin(x), ops.cos(x)


def _clipped_sin_bwd(cos_x, g):
    return (ops.clip(g * cos_x, -0.5, 0.5),)


clipped_sin.defvjp(_clipped_sin_fwd, _clipped_sin_bwd)


def clipped_loss(v):
    return (clipped_sin(v) * 3.0).sum()


def test_custom_vjp_uses_the_backward_rule():
    x = np.array([0.1, 1.0, 2.0, 3.0])
    g = autograph.grad(clipped_loss)(x)
    np.testing.assert_allclose(g, np.clip(3 * np.cos(x), -0.5, 0.5))


def test_custom_vjp_called_eagerly_and_compiled_runs_the_function():
    x = np.array([0.1, 1.0])
    np.testing.assert_allclose(clipped_sin(x), np.sin(x))
    np.testing.assert_allclose(autograph.jit(clipped_loss)(x), 3 * np.sin(x).sum())


def test_generated_gradient_has_no_forward_work_nobody_reads():
    source = autograph.get_source(autograph.grad(clipped_loss), np.ones(3))
    assert 'np.cos' in source and 'np.sin' not in source
    assert 'np.clip' in source


@autograph.custom_vjp
def log1pexp(x):
    return ops.log(1 + ops.exp(x))


def _log1pexp_fwd(x):
    return log1pexp(x), x


def _log1pexp_bwd(x, g):
    return (g * (1 - 1 / (1 + ops.exp(x))),)   # the numerically stable form of the derivative


log1pexp.defvjp(_log1pexp_fwd, _log1pexp_bwd)


def softplus_sum(v):
    return log1pexp(v).sum()


def test_custom_vjp_fixes_a_numerically_unstable_gradient():
    x = np.array([-3.0, 0.5, 800.0])
    g = autograph.grad(softplus_sum)(x)
    np.testing.assert_allclose(g, [1 / (1 + np.exp(3.0)), 1 / (1 + np.exp(-0.5)), 1.0])


def test_grad_of_grad_differentiates_the_rule():
    # second derivative of log(1 + e^x) through the custom rule: sigmoid(x) * (1 - sigmoid(x))
    x = np.array([-1.0, 0.3, 2.0])
    first = autograph.grad(softplus_sum)

    def first_sum(v):
        return first(v).sum()

    d2 = autograph.grad(first_sum)(x)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(d2, s * (1 - s), rtol=1e-7)


def test_custom_rule_inside_a_runtime_loop():
    def f(x, n):
        for _ in range(n):
            x = log1pexp(x) * 0.5
        return x.sum()

    x = np.array([0.2, -0.7])
    n = Tensor(np.array(3))
    g = autograph.grad(f)(x, n)

    def reference(v):
        for _ in range(3):
            v = np.log1p(np.exp(v)) * 0.5
        return float(v.sum())
    np.testing.assert_allclose(g, central_difference(reference, x), rtol=1e-6)


def test_forward_mode_differentiates_the_forward_computation():
    x = np.array([0.2, 1.1])
    value, tangent = autograph.jvp(clipped_loss, (x,), (np.ones(2),))
    np.testing.assert_allclose(value, 3 * np.sin(x).sum())
    np.testing.assert_allclose(tangent, 3 * np.cos(x).sum())


def test_parameters_in_a_bprop_cell_get_no_gradient_from_its_construct():
    w = Parameter(Tensor(np.array([2.0, 3.0])), name='w')

    class Weighted(nn.Cell):
        def __init__(self):
            super().__init__()
            self.w = w

        def construct(self, x):
            return x * self.w

        def bprop(self, x, out, dout):
            return (dout * self.w,)

    net = Weighted()
    x = Tensor(np.array([1.0, 4.0]))
    def loss(v):
        return net(v).sum()

    gx, gw = autograph.grad(loss, 0, weights=[w])(x)
    np.testing.assert_allclose(gx.asnumpy(), [2.0, 3.0])
    np.testing.assert_allclose(gw[0].asnumpy(), [0.0, 0.0])


def test_tuple_arguments_get_tuple_gradients():
    @autograph.custom_vjp
    def pair_product(xy):
        return xy[0] * xy[1]

    def fwd(xy):
        return xy[0] * xy[1], xy

    def bwd(xy, g):
        return ((g * xy[1], g * xy[0]),)

    pair_product.defvjp(fwd, bwd)
    a, b = np.array([1.0, 2.0]), np.array([3.0, 5.0])
    def loss(p):
        return pair_product(p).sum()

    ga, gb = autograph.grad(loss)((a, b))
    np.testing.assert_allclose(ga, b)
    np.testing.assert_allclose(gb, a)


def test_none_gradient_is_zero_and_scalar_gradients_broadcast():
    @autograph.custom_vjp
    def f(x, y):
        return x * y

    def fwd(x, y):
        return x * y, ()

    def bwd(res, g):
        return None, 2.0

    def loss(x, y):
        return f(x, y).sum()

    f.defvjp(fwd, bwd)
    gx, gy = autograph.grad(loss, (0, 1))(np.ones(2), np.ones(2))
    np.testing.assert_allclose(gx, [0.0, 0.0])
    np.testing.assert_allclose(gy, [2.0, 2.0])


# ---------------------------------------------------------------- errors
class WrongCount(nn.Cell):
    def construct(self, x, y):
        return x * y

    def bprop(self, x, y, out, dout):
        return (dout,)


def test_bprop_returning_the_wrong_number_of_gradients_is_refused():
    with pytest.raises(CompileError, match=r"returns 1 gradient\(s\) for 2 input\(s\)"):
        autograph.grad(WrongCount())(np.ones(2), np.ones(2))


def test_bprop_gradient_of_the_wrong_shape_is_refused_naming_the_rule():
    class WrongShape(nn.Cell):
        def construct(self, x):
            return x.sum()

        def bprop(self, x, out, dout):
            return (ops.ones((2, 3)),)

    with pytest.raises(CompileError, match=r"bprop: the gradient for input 0 has shape \(2, 3\)"):
        autograph.grad(WrongShape())(np.ones(3))


def test_custom_vjp_without_defvjp_says_what_to_do():
    @autograph.custom_vjp
    def g(x):
        return x * 2

    def loss(v):
        return g(v).sum()

    with pytest.raises(CompileError, match=r"defvjp\(fwd, bwd\)"):
        autograph.grad(loss)(np.ones(2))


def test_custom_vjp_fwd_must_return_a_pair():
    @autograph.custom_vjp
    def g(x):
        return x * 2

    def fwd(x):
        return x * 2

    def bwd(r, d):
        return (d,)

    def loss(v):
        return g(v).sum()

    g.defvjp(fwd, bwd)
    with pytest.raises(CompileError, match=r"must return a pair \(out, residuals\)"):
        autograph.grad(loss)(np.ones(2))


def test_assign_inside_a_bprop_cell_is_refused():
    p = Parameter(Tensor(np.zeros(2)), name='p')

    class Assigns(nn.Cell):
        def construct(self, x):
            ops.assign(p, x)
            return x * 2

        def bprop(self, x, out, dout):
            return (dout * 2,)

    cell = Assigns()

    def loss(v):
        return cell(v).sum()

    with pytest.raises(CompileError, match=r"ops.assign inside the forward computation"):
        autograph.grad(loss)(np.ones(2))


def test_errors_in_what_a_rule_returns_point_at_the_rule():
    with pytest.raises(CompileError) as info:
        autograph.grad(WrongCount())(np.ones(2), np.ones(2))
    assert info.value.loc.filename == __file__
    assert 'def bprop' in info.value.loc.text
