"""A Cell created inside compiled code (`model = Network()` in a jitted function, as MindSpore's
static-graph tutorial writes it) is built once while compiling; its Parameters are inputs of the
compiled function."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, nn, ops
from autograph.errors import CompileError


class Network(nn.Cell):
    def __init__(self, width=4):
        super().__init__()
        self.dense = nn.Dense(3, width)
        self.out = nn.Dense(width, 1)

    def construct(self, x):
        return self.out(ops.tanh(self.dense(x)))


def run(x):
    model = Network(width=5)
    return ops.sum(model(x))


X = Tensor(np.array([[0.3, -1.2, 0.7], [1.5, 0.2, -0.4]], np.float32))


def test_the_same_seed_gives_eager_and_compiled_the_same_weights_and_value():
    autograph.set_seed(7)
    eager = run(X).asnumpy()
    autograph.set_seed(7)
    compiled = autograph.jit(run)
    np.testing.assert_allclose(compiled(X).asnumpy(), eager, rtol=1e-6)
    # Built once: the second call uses the same weights, where eager draws new ones.
    np.testing.assert_allclose(compiled(X).asnumpy(), eager, rtol=1e-6)
    assert compiled.cache_info().misses == 1


def test_gradients_through_a_cell_built_inside_match_differences():
    autograph.set_seed(3)
    x = Tensor(np.array([[0.3, -1.2, 0.7]]))
    grad = autograph.grad(lambda x: run(x))(x).asnumpy()
    autograph.set_seed(3)
    model = Network(width=5)
    model.to_float(autograph.float64)

    def value(a):
        return float(ops.sum(model(Tensor(a))).asnumpy())
    a, eps = x.asnumpy().astype(np.float64), 1e-6
    numeric = np.array([(value(a + eps * e) - value(a - eps * e)) / (2 * eps)
                        for e in np.eye(3).reshape(3, 1, 3)]).reshape(1, 3)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6)


def test_a_cell_built_from_tensor_values_is_refused_at_its_line():
    def make(x):
        model = Network(width=x)
        return model(x)
    with pytest.raises(CompileError, match="creating a Network from Tensor values"):
        autograph.jit(make)(X)
