"""The activation Cells, Identity, Dropout2d, CellList/CellDict and the Cell methods: values
against NumPy, eager against compiled, gradients against central differences."""
import math

import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn
from tests.nn.gradcheck import check_cell_grads

X = np.array([[-2.0, -0.5, 0.0, 0.3], [1.5, -1.2, 2.2, -0.1]])


def _log_softmax(x, axis):
    shifted = x - x.max(axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis, keepdims=True))


CASES = [
    (nn.LeakyReLU(), lambda x: np.where(x >= 0, x, 0.2 * x)),
    (nn.LeakyReLU(alpha=0.05), lambda x: np.where(x >= 0, x, 0.05 * x)),
    (nn.ELU(), lambda x: np.where(x > 0, x, np.expm1(x))),
    (nn.ELU(alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (nn.PReLU(), lambda x: np.where(x >= 0, x, 0.25 * x)),
    (nn.LogSoftmax(), lambda x: _log_softmax(x, -1)),
    (nn.LogSoftmax(axis=0), lambda x: _log_softmax(x, 0)),
    (nn.Softmax(axis=0), lambda x: np.exp(_log_softmax(x, 0))),
    (nn.GELU(), lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.Identity(), lambda x: x),
]


@pytest.mark.parametrize('cell, reference', CASES, ids=lambda c: type(c).__name__ if isinstance(c, nn.Cell) else '')
def test_activation_values_eager_and_compiled(cell, reference):
    x = Tensor(X.astype(np.float32))
    want = reference(X)
    np.testing.assert_allclose(cell(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(autograph.jit(cell)(x).asnumpy(), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('make', [nn.LeakyReLU, nn.ELU, nn.LogSoftmax, nn.SiLU, lambda: nn.PReLU(4, 0.1)])
def test_activation_gradients(make):
    check_cell_grads(make(), X + 0.01)           # away from the kinks at 0


def test_prelu_per_channel_slope_and_its_gradient():
    x = np.random.default_rng(1).standard_normal((2, 3, 2, 2))
    net = nn.PReLU(channel=3, w=Tensor(np.array([0.1, 0.2, 0.3], np.float32)))
    assert [name for name, _ in net.parameters_and_names()] == ['w'] and net.w.shape == (3,)
    slope = np.array([0.1, 0.2, 0.3]).reshape(1, 3, 1, 1)
    np.testing.assert_allclose(net(Tensor(x.astype(np.float32))).asnumpy(), np.where(x >= 0, x, slope * x),
                               rtol=1e-6)
    check_cell_grads(net, x)
    assert nn.Dense(2, 3, activation='leakyrelu').activation.alpha == 0.2
    with pytest.raises(ValueError, match="'channel' must be a positive int"):
        nn.PReLU(0)


@pytest.mark.parametrize('compiled', [False, True])
def test_dropout2d_zeroes_whole_channels(compiled):
    autograph.set_seed(1)
    try:
        drop = nn.Dropout2d(p=0.5).set_train()
        fn = autograph.jit(drop) if compiled else drop
        x = Tensor(np.ones((4, 8, 3, 3), np.float32))
        out = fn(x).asnumpy()
        per_channel = out.reshape(4, 8, 9)
        assert (per_channel == per_channel[..., :1]).all()             # one decision per channel
        assert set(np.unique(out)) == {0.0, 2.0}
        assert not np.array_equal(fn(x).asnumpy(), out)                # a fresh draw per call
        drop.set_train(False)
        np.testing.assert_array_equal(fn(x).asnumpy(), x.asnumpy())
    finally:
        autograph.set_seed(None)
    with pytest.raises(ValueError, match=r"must be \(N, C, H, W\)"):
        nn.Dropout2d().set_train()(Tensor(np.ones((2, 3), np.float32)))


# ---------------------------------------------------------------- containers and Cell methods
class _Stack(nn.Cell):
    def __init__(self):
        super().__init__()
        self.layers = nn.CellList([nn.Dense(3, 4), nn.ReLU()])
        self.layers.append(nn.Dense(4, 2))
        self.heads = nn.CellDict({'a': nn.Dense(2, 1), 'b': nn.Dense(2, 3)})

    def construct(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.heads['a'](x), self.heads['b'](x)


def test_celllist_and_celldict_register_and_compile():
    net = _Stack()
    names = [name for name, _ in net.parameters_and_names()]
    assert names == ['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias',
                     'heads.a.weight', 'heads.a.bias', 'heads.b.weight', 'heads.b.bias']
    x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    eager, compiled = net(x), autograph.jit(net)(x)
    for e, c in zip(eager, compiled):
        np.testing.assert_allclose(c.asnumpy(), e.asnumpy(), rtol=1e-6)
    assert len(net.layers) == 3 and isinstance(net.layers[1], nn.ReLU) and len(net.layers[:2]) == 2
    assert net.heads.keys() == ['a', 'b'] and 'b' in net.heads and len(net.heads) == 2
    popped = net.heads.pop('b')
    assert isinstance(popped, nn.Dense) and net.heads.keys() == ['a']
    net.heads.update([('c', nn.ReLU())])
    assert list(net.heads) == ['a', 'c']
    with pytest.raises(TypeError, match="must be a Cell"):
        net.heads['d'] = 3
    with pytest.raises(KeyError):
        net.heads['x.y'] = nn.ReLU()
    net.layers.insert(0, nn.Identity())
    assert isinstance(net.layers[0], nn.Identity) and len(net.layers) == 4
    del net.layers[0]
    assert isinstance(net.layers[1], nn.ReLU)


def test_cell_methods():
    net = _Stack()
    assert [name for name, _ in net.cells_and_names()][:3] == ['', 'layers', 'layers.0']
    assert net.set_grad() is net and net.requires_grad
    assert list(net.name_cells()) == ['layers', 'heads'] and len(net.cells()) == 2
    net.insert_param_to_cell('scale', Parameter(Tensor(np.ones(2, np.float32))))
    assert net.parameters_dict()['scale'] is net.scale
    with pytest.raises(KeyError, match="must not contain '.'"):
        net.insert_param_to_cell('a.b', Parameter(Tensor(np.ones(1))))
    net.insert_child_to_cell('extra', nn.ReLU())
    assert 'extra' in net.name_cells()
    assert net.to_float(autograph.float64) is net and net.layers[0].weight.dtype == autograph.float64
