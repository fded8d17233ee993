"""RNN, GRU and LSTM against a NumPy implementation written here, eager and compiled; gradients
against central differences; the time loop stays a loop in the generated code."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, nn
from tests.nn.gradcheck import check_cell_grads


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _cell(mode, x, h, c, w_ih, w_hh, b_ih, b_hh):
    gx, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
    if mode == 'LSTM':
        i, f, g, o = np.split(gx + gh, 4, axis=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        return _sigmoid(o) * np.tanh(c), c
    if mode == 'GRU':
        (xr, xz, xn), (hr, hz, hn) = np.split(gx, 3, -1), np.split(gh, 3, -1)
        r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        return (1 - z) * n + z * h, c
    return (np.maximum(gx + gh, 0) if mode == 'relu' else np.tanh(gx + gh)), c


def reference(net, mode, x, h0=None, c0=None):
    """Loops written out in NumPy, from the Cell's Parameters by their MindSpore names."""
    p = {name: param.asnumpy().astype(np.float64) for name, param in net.parameters_and_names()}
    x = np.swapaxes(x, 0, 1) if net.batch_first else x
    steps, batch = x.shape[:2]
    dirs = 2 if net.bidirectional else 1
    zeros = np.zeros((dirs * net.num_layers, batch, net.hidden_size))
    h0 = zeros if h0 is None else h0
    c0 = zeros if c0 is None else c0
    h_n, c_n = [], []
    for layer in range(net.num_layers):
        outs = []
        for d, suffix in enumerate(['', '_reverse'][:dirs]):
            w = [p.get(f'{k}_l{layer}{suffix}', 0.0) for k in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')]
            h, c = h0[layer * dirs + d], c0[layer * dirs + d]
            out = np.zeros((steps, batch, net.hidden_size))
            for t in (range(steps - 1, -1, -1) if d else range(steps)):
                h, c = _cell(mode, x[t], h, c, *w)
                out[t] = h
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        x = np.concatenate(outs, -1)
    x = np.swapaxes(x, 0, 1) if net.batch_first else x
    return x, np.stack(h_n), np.stack(c_n)


def _make(mode, **kwargs):
    if mode == 'LSTM':
        return nn.LSTM(3, 4, **kwargs)
    if mode == 'GRU':
        return nn.GRU(3, 4, **kwargs)
    return nn.RNN(3, 4, nonlinearity=mode, **kwargs)


def _outputs(mode, result):
    out, state = result
    return (out, state[0], state[1]) if mode == 'LSTM' else (out, state)


CONFIGS = [dict(), dict(num_layers=2), dict(bidirectional=True), dict(batch_first=True),
           dict(num_layers=2, bidirectional=True, batch_first=True), dict(has_bias=False)]


@pytest.mark.parametrize('mode', ['LSTM', 'GRU', 'tanh', 'relu'])
@pytest.mark.parametrize('config', CONFIGS, ids=lambda c: ','.join(c) or 'default')
def test_values_eager_and_compiled(mode, config):
    autograph.set_seed(0)
    try:
        net = _make(mode, **config)
    finally:
        autograph.set_seed(None)
    x = np.random.default_rng(1).standard_normal((2, 5, 3) if config.get('batch_first') else (5, 2, 3))
    out, h_n, c_n = reference(net, mode, x)
    want = (out, h_n, c_n) if mode == 'LSTM' else (out, h_n)
    for run in (net, autograph.jit(net)):
        got = _outputs(mode, run(Tensor(x.astype(np.float32))))
        for g, w in zip(got, want):
            assert g.shape == w.shape
            np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('mode', ['LSTM', 'GRU', 'tanh'])
def test_initial_state(mode):
    net = _make(mode, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(2)
    x, h0, c0 = rng.standard_normal((4, 3, 3)), rng.standard_normal((4, 3, 4)), rng.standard_normal((4, 3, 4))
    f32 = lambda a: Tensor(a.astype(np.float32))                           # noqa: E731
    hx = (f32(h0), f32(c0)) if mode == 'LSTM' else f32(h0)
    want = reference(net, mode, x, h0, c0)
    for run in (net, autograph.jit(net)):
        got = _outputs(mode, run(f32(x), hx))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-5, atol=1e-5)


def test_parameter_names_shapes_and_init():
    net = nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    shapes = {name: p.shape for name, p in net.parameters_and_names()}
    assert list(shapes)[:8] == ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
                                'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse',
                                'bias_hh_l0_reverse']
    assert shapes['weight_ih_l0'] == (20, 3) and shapes['weight_ih_l1'] == (20, 10)
    assert shapes['weight_hh_l1_reverse'] == (20, 5) and shapes['bias_ih_l1'] == (20,)
    assert len(shapes) == 16
    assert max(np.abs(p.asnumpy()).max() for p in net.get_parameters()) <= 1 / np.sqrt(5)
    assert nn.GRU(3, 5).weight_hh_l0.shape == (15, 5) and nn.RNN(3, 5, has_bias=False).trainable_params()[1].name == 'weight_hh_l0'
    wrapped = nn.SequentialCell([nn.GRU(3, 5)])
    assert [n for n, _ in wrapped.parameters_and_names()][0] == '0.weight_ih_l0'


@pytest.mark.parametrize('mode', ['LSTM', 'GRU', 'tanh'])
def test_gradients_against_differences(mode):
    net = _make(mode, num_layers=2, bidirectional=True, batch_first=True)
    x = np.random.default_rng(3).standard_normal((2, 3, 3))
    check_cell_grads(net, x, outputs=lambda r: (r[0], r[1][0], r[1][1]) if mode == 'LSTM' else r)


def test_the_time_loop_stays_a_loop_in_generated_code():
    net = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    fn = autograph.jit(net)
    short = autograph.get_source(fn, Tensor(np.ones((3, 2, 3), np.float32)))
    long = autograph.get_source(fn, Tensor(np.ones((40, 2, 3), np.float32)))
    assert short.count('for ') == 4 and len(long.splitlines()) == len(short.splitlines())
    grad = autograph.grad(lambda x: net(x)[0].sum(), 0, net.trainable_params())
    source = autograph.get_source(grad, Tensor(np.ones((40, 2, 3), np.float32)))
    assert source.count('for ') == 8                   # each loop and its adjoint, backwards


def test_training_a_gru_with_dropout_is_reproducible():
    def losses():
        autograph.set_seed(7)
        net = nn.SequentialCell([nn.GRU(3, 4, num_layers=2, dropout=0.3)])
        net.set_train()

        class Head(nn.Cell):
            def __init__(self):
                super().__init__()
                self.rnn, self.fc = net[0], nn.Dense(4, 1)

            def construct(self, x):
                out, _ = self.rnn(x)
                return self.fc(out[-1])

        head = Head().set_train()
        step = autograph.jit(nn.TrainOneStepCell(nn.WithLossCell(head, nn.MSELoss()),
                                                 nn.Adam(head.trainable_params(), 0.01)))
        x = Tensor(np.linspace(-1, 1, 30, dtype=np.float32).reshape(5, 2, 3))
        y = Tensor(np.ones((2, 1), np.float32))
        return [step(x, y).asnumpy().item() for _ in range(3)]
    try:
        first = losses()
        assert first == losses() and first[-1] < first[0]
    finally:
        autograph.set_seed(None)


def test_argument_checks():
    with pytest.raises(ValueError, match=r"must be \(seq_len, batch, 3\)"):
        nn.LSTM(3, 4)(Tensor(np.ones((2, 3), np.float32)))
    with pytest.raises(ValueError, match="initial state hx must have shape"):
        nn.GRU(3, 4)(Tensor(np.ones((5, 2, 3), np.float32)), Tensor(np.zeros((1, 3, 4), np.float32)))
    with pytest.raises(ValueError, match="'nonlinearity'"):
        nn.RNN(3, 4, nonlinearity='sigmoid')
    with pytest.raises(ValueError, match="'seq_length' is not supported"):
        nn.RNN(3, 4)(Tensor(np.ones((5, 2, 3), np.float32)), None, Tensor(np.array([5, 3])))
    with pytest.raises(TypeError, match="pair"):
        nn.LSTM(3, 4)(Tensor(np.ones((5, 2, 3), np.float32)), Tensor(np.zeros((1, 2, 4), np.float32)))
