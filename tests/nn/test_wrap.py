"""WithLossCell, WithEvalCell and TrainOneStepCell, eagerly and compiled: the same losses, the
update SGD gives by hand, and user Cells inside them compiled from their source."""
import numpy as np
import pytest

import autograph
from autograph import ParameterTuple, Tensor, nn, ops

RNG = np.random.default_rng(1)
X = Tensor(RNG.standard_normal((8, 3)).astype(np.float32))
Y = Tensor(RNG.standard_normal((8, 1)).astype(np.float32))


class Gate(nn.Cell):
    """A user Cell with an if on Tensors: it must be compiled from source inside SequentialCell."""

    def construct(self, x):
        if ops.sum(x) > 0:
            return x * 2.0
        return x - 1.0


def losses(compiled, sens=None, steps=4):
    np.random.seed(0)
    net = nn.SequentialCell(nn.Dense(3, 4, activation='tanh'), Gate(), nn.Dense(4, 1))
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()),
                                nn.SGD(net.trainable_params(), learning_rate=0.05), sens=sens)
    step = autograph.jit(train) if compiled else train
    return [float(step(X, Y)) for _ in range(steps)], net


def test_compiled_and_eager_steps_agree():
    eager, eager_net = losses(False)
    compiled, compiled_net = losses(True)
    np.testing.assert_allclose(compiled, eager, rtol=1e-6)
    for a, b in zip(eager_net.trainable_params(), compiled_net.trainable_params()):
        np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-6)
    assert eager[-1] < eager[0]


def test_one_step_is_sgd_by_hand():
    np.random.seed(0)
    dense = nn.Dense(3, 1)
    w, b = dense.weight.asnumpy().astype(np.float64), dense.bias.asnumpy().astype(np.float64)
    train = autograph.jit(nn.TrainOneStepCell(nn.WithLossCell(dense, nn.MSELoss()),
                                              nn.SGD(dense.trainable_params(), learning_rate=0.1)))
    loss = float(train(X, Y))
    x, y = X.asnumpy().astype(np.float64), Y.asnumpy().astype(np.float64)
    residual = x @ w.T + b - y
    np.testing.assert_allclose(loss, np.mean(residual ** 2), rtol=1e-5)
    dw = 2 * residual.T @ x / residual.size
    np.testing.assert_allclose(dense.weight.asnumpy(), w - 0.1 * dw, rtol=1e-5)


@pytest.mark.parametrize('compiled', [False, True])
def test_sens_scales_the_gradients(compiled):
    plain, plain_net = losses(compiled, steps=1)
    scaled, scaled_net = losses(compiled, sens=2.0, steps=1)
    assert plain == scaled
    _, start = losses(compiled, steps=0)
    for p0, p1, p2 in zip(start.trainable_params(), plain_net.trainable_params(), scaled_net.trainable_params()):
        np.testing.assert_allclose(p2.asnumpy() - p0.asnumpy(), 2 * (p1.asnumpy() - p0.asnumpy()), rtol=1e-4, atol=1e-7)


def test_with_loss_cell_keeps_parameter_names_and_with_eval_cell_returns_three():
    net = nn.Dense(3, 1)
    assert [p.name for p in nn.WithLossCell(net, nn.MSELoss()).trainable_params()] == ['weight', 'bias']
    evaluate = nn.WithEvalCell(net, nn.MSELoss())
    for fn in (evaluate, autograph.jit(evaluate)):
        loss, out, label = fn(X, Y)
        np.testing.assert_allclose(out.asnumpy(), net(X).asnumpy(), rtol=1e-6)
        np.testing.assert_allclose(float(loss), np.mean((net(X).asnumpy() - Y.asnumpy()) ** 2), rtol=1e-5)
        np.testing.assert_array_equal(label.asnumpy(), Y.asnumpy())


class HoldsParameterTuple(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc = nn.Dense(3, 1)
        self.params = ParameterTuple(self.fc.trainable_params())

    def construct(self, x, y):
        def forward(x, y):
            return ops.mean((self.fc(x) - y) ** 2)
        return autograph.value_and_grad(forward, None, self.params)(x, y)


def test_value_and_grad_of_a_parameter_tuple_held_by_a_cell_inside_compiled_code():
    net = HoldsParameterTuple()
    (loss, (dw, db)), (loss2, (dw2, db2)) = net(X, Y), autograph.jit(net)(X, Y)
    np.testing.assert_allclose(float(loss2), float(loss), rtol=1e-6)
    np.testing.assert_allclose(dw2.asnumpy(), dw.asnumpy(), rtol=1e-5)
    np.testing.assert_allclose(db2.asnumpy(), db.asnumpy(), rtol=1e-5)
