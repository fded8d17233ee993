"""set_seed, the initializers of autograph.common.initializer, and set_context/get_context."""
import math

import numpy as np
import pytest

import autograph
from autograph import Tensor, nn
from autograph.common import initializer as init
from autograph.common.initializer import initializer


@pytest.fixture(autouse=True)
def _clear_seed():
    yield
    autograph.set_seed(None)


class _Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.fc = nn.Dense(4, 8)
        self.drop = nn.Dropout(p=0.5)
        self.out = nn.Dense(8, 1)

    def construct(self, x):
        return self.out(self.drop(self.fc(x)))


def _losses(seed, compiled, steps=4):
    autograph.set_seed(seed)
    net = _Net()
    net.set_train()
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params(), 0.1))
    if compiled:
        step = autograph.jit(step)
    x = Tensor(np.linspace(-1, 1, 20, dtype=np.float32).reshape(5, 4))
    y = Tensor(np.ones((5, 1), np.float32))
    return [step(x, y).asnumpy().item() for _ in range(steps)]


@pytest.mark.parametrize('compiled', [False, True])
def test_same_seed_same_losses_with_dropout(compiled):
    first = _losses(3, compiled)
    assert first == _losses(3, compiled)          # bit-identical
    assert first != _losses(4, compiled)


def test_eager_and_compiled_draw_the_same_numbers():
    # One stream serves both, so the same sequence of draws gives the same masks.
    assert _losses(5, False) == _losses(5, True)


@pytest.mark.parametrize('compiled', [False, True])
def test_dropout_draws_a_new_mask_at_each_call(compiled):
    autograph.set_seed(0)
    drop = nn.Dropout(p=0.5).set_train()
    fn = autograph.jit(drop) if compiled else drop
    x = Tensor(np.ones((64,), np.float32))
    a, b = fn(x).asnumpy(), fn(x).asnumpy()
    assert set(np.unique(a)) <= {0.0, 2.0} and not np.array_equal(a, b)
    autograph.set_seed(0)
    np.testing.assert_array_equal(fn(x).asnumpy(), a)


def test_seed_makes_initial_weights_reproducible():
    autograph.set_seed(11)
    w = nn.Dense(3, 5).weight.asnumpy()
    autograph.set_seed(11)
    np.testing.assert_array_equal(nn.Dense(3, 5).weight.asnumpy(), w)
    autograph.set_seed(12)
    assert not np.array_equal(nn.Dense(3, 5).weight.asnumpy(), w)
    assert autograph.get_seed() == 12


def test_initial_weights_do_not_depend_on_earlier_random_ops():
    autograph.set_seed(1)
    w = nn.Dense(3, 5).weight.asnumpy()
    autograph.set_seed(1)
    autograph.ops.dropout(Tensor(np.ones(10, np.float32)), 0.5)
    np.testing.assert_array_equal(nn.Dense(3, 5).weight.asnumpy(), w)


def test_set_seed_checks_its_argument():
    with pytest.raises(TypeError, match="must be type of int"):
        autograph.set_seed(1.5)
    with pytest.raises(ValueError, match="non-negative"):
        autograph.set_seed(-1)


# ---------------------------------------------------------------- initializers
def test_initializer_classes_and_names():
    autograph.set_seed(0)
    assert initializer(init.Zero(), (2, 3)).asnumpy().tolist() == [[0] * 3] * 2
    assert (initializer('ones', 4).asnumpy() == 1).all()
    assert (initializer(init.Constant(2.5), [2, 2], autograph.float64).asnumpy() == 2.5).all()
    assert initializer(3, (2,)).dtype == autograph.float32
    t = initializer(init.Normal(sigma=0.5, mean=1.0), (200, 100))
    assert t.shape == (200, 100) and t.dtype == autograph.float32
    assert abs(t.asnumpy().mean() - 1) < 0.01 and abs(t.asnumpy().std() - 0.5) < 0.01
    u = initializer(init.Uniform(scale=0.3), (100, 100)).asnumpy()
    assert u.max() <= 0.3 and u.min() >= -0.3 and u.max() > 0.29
    tn = initializer(init.TruncatedNormal(sigma=1.0, a=-1.0, b=0.5), (1000,)).asnumpy()
    assert tn.min() >= -1 and tn.max() <= 0.5 and tn.min() < -0.95


@pytest.mark.parametrize('make, kind, scale', [
    (init.XavierUniform(gain=2), 'uniform', 2 * math.sqrt(6 / (40 + 30))),
    (init.XavierNormal(), 'normal', math.sqrt(2 / (40 + 30))),
    (init.HeUniform(), 'uniform', math.sqrt(6 / 40)),
    (init.HeUniform(negative_slope=1, mode='fan_out'), 'uniform', math.sqrt(3 / 30)),
    (init.HeNormal(nonlinearity='relu'), 'normal', math.sqrt(2 / 40)),
    ('xavier_normal', 'normal', math.sqrt(2 / (40 + 30))),
    ('HeNormal', 'normal', math.sqrt(2 / 40))])
def test_fan_based_initializers(make, kind, scale):
    autograph.set_seed(2)
    w = initializer(make, (30, 40), autograph.float64).asnumpy()
    if kind == 'uniform':
        assert np.abs(w).max() <= scale and np.abs(w).max() > 0.95 * scale
    else:
        assert abs(w.std() / scale - 1) < 0.1


def test_layers_take_initializer_instances():
    net = nn.Dense(3, 2, weight_init=init.Constant(0.5), bias_init=init.Zero())
    assert (net.weight.asnumpy() == 0.5).all() and (net.bias.asnumpy() == 0).all()
    conv = nn.Conv2d(2, 4, 3, weight_init=init.XavierUniform())
    assert conv.weight.shape == (4, 2, 3, 3)
    with pytest.raises(ValueError, match="names no initialiser"):
        initializer('glorot', (2, 2))
    with pytest.raises(ValueError, match="'mode' must be"):
        init.HeNormal(mode='fan_avg')


def test_initializer_fills_an_array_in_place():
    arr = np.zeros((2, 2))
    init.One()(arr)
    assert (arr == 1).all()


# ---------------------------------------------------------------- context
def test_set_context_is_accepted_and_recorded():
    before = autograph.get_context('mode')
    try:
        autograph.set_context(mode=autograph.PYNATIVE_MODE, device_target='CPU')
        assert autograph.get_context('mode') == autograph.PYNATIVE_MODE
        assert autograph.get_context('device_target') == 'CPU'
        autograph.set_context(mode=autograph.GRAPH_MODE, save_graphs=False)
        assert autograph.jit(lambda x: x * 2)(Tensor(np.ones(2))).asnumpy().tolist() == [2, 2]
    finally:
        autograph.set_context(mode=before)
    with pytest.raises(ValueError, match="'device_target' must be 'CPU'"):
        autograph.set_context(device_target='GPU')
    with pytest.raises(ValueError, match="'mode' must be"):
        autograph.set_context(mode=3)
    with pytest.raises(ValueError, match="not a context option"):
        autograph.set_context(colour='red')
