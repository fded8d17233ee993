"""autograph.export / load / nn.GraphCell: ONNX models run in onnxruntime and agree with the net
(rtol 1e-5) for an MLP, a CNN and LSTMs; the NUMPY format loads back; MindSpore's own formats
are refused by name; a primitive with no ONNX spelling is refused with the user's line."""
import os
import subprocess
import sys

import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops
from autograph.errors import CompileError


def mlp():
    np.random.seed(0)
    return nn.SequentialCell(nn.Flatten(), nn.Dense(64, 32, activation='relu'), nn.Dense(32, 10), nn.Softmax())


def cnn():
    np.random.seed(1)
    return nn.SequentialCell(
        nn.Conv2d(1, 8, 3, pad_mode='same', has_bias=True), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(8, 16, 3, pad_mode='valid', has_bias=True), nn.Tanh(), nn.AvgPool2d(2, 2),
        nn.Flatten(), nn.Dense(16, 10))


class LoopLSTM(nn.Cell):
    """An LSTM written out: its time loop is a run-time loop in the IR (an ONNX Loop)."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        rng = np.random.default_rng(0)
        self.hidden_size = hidden_size
        self.w_ih = Parameter(Tensor((rng.normal(size=(4 * hidden_size, input_size)) * 0.3).astype(np.float32)), name='w_ih')
        self.w_hh = Parameter(Tensor((rng.normal(size=(4 * hidden_size, hidden_size)) * 0.3).astype(np.float32)), name='w_hh')
        self.bias = Parameter(Tensor((rng.normal(size=(4 * hidden_size,)) * 0.1).astype(np.float32)), name='bias')

    def construct(self, x):
        hs = self.hidden_size
        h = ops.zeros((x.shape[1], hs), autograph.float32)
        c = ops.zeros((x.shape[1], hs), autograph.float32)
        for t in range(x.shape[0]):
            gates = ops.matmul(x[t], self.w_ih.T) + ops.matmul(h, self.w_hh.T) + self.bias
            i, f = ops.sigmoid(gates[:, :hs]), ops.sigmoid(gates[:, hs:2 * hs])
            g, o = ops.tanh(gates[:, 2 * hs:3 * hs]), ops.sigmoid(gates[:, 3 * hs:])
            c = f * c + i * g
            h = o * ops.tanh(c)
        return h


class LibraryLSTM(nn.Cell):
    def __init__(self):
        super().__init__()
        np.random.seed(2)
        self.lstm = nn.LSTM(3, 4, batch_first=True)
        self.head = nn.Dense(4, 2)

    def construct(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def rng_input(*shape):
    return Tensor(np.random.default_rng(3).normal(size=shape).astype(np.float32))


CASES = {'mlp': (mlp, (2, 8, 8)), 'cnn': (cnn, (2, 1, 8, 8)), 'loop_lstm': (lambda: LoopLSTM(3, 4), (5, 2, 3))}
if hasattr(nn, 'LSTM'):
    CASES['nn_lstm'] = (LibraryLSTM, (2, 5, 3))


@pytest.mark.parametrize('case', sorted(CASES))
def test_onnx_runs_in_onnxruntime_as_the_net(case, tmp_path):
    pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    make, shape = CASES[case]
    net, x = make(), rng_input(*shape)
    path = autograph.export(net, x, file_name=str(tmp_path / case), file_format='ONNX')
    assert path.endswith(f'{case}.onnx')
    session = ort.InferenceSession(path)
    (got,) = session.run(None, {session.get_inputs()[0].name: x.asnumpy()})
    np.testing.assert_allclose(got, net(x).asnumpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('case', sorted(CASES))
def test_numpy_format_loads_back_into_a_graph_cell(case, tmp_path):
    make, shape = CASES[case]
    net, x = make(), rng_input(*shape)
    path = autograph.export(net, x, file_name=str(tmp_path / f'{case}.py'), file_format='NUMPY')
    cell = nn.GraphCell(autograph.load(path))
    out = cell(x)
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.asnumpy(), net(x).asnumpy(), rtol=1e-6)
    assert isinstance(cell(x.asnumpy()), np.ndarray)


def test_the_numpy_export_runs_without_autograph(tmp_path):
    net, x = mlp(), rng_input(2, 8, 8)
    path = autograph.export(net, x, file_name=str(tmp_path / 'mlp'), file_format='NUMPY')
    script = (f"import sys, numpy as np; sys.modules['autograph'] = sys.modules['runtime'] = None\n"
              f"ns = {{}}; exec(open({path!r}).read(), ns)\n"
              f"np.save({str(tmp_path / 'out.npy')!r}, ns['predict'](np.load({str(tmp_path / 'x.npy')!r})))")
    np.save(tmp_path / 'x.npy', x.asnumpy())
    subprocess.run([sys.executable, '-c', script], check=True, cwd=tmp_path, env={**os.environ, 'PYTHONPATH': ''})
    np.testing.assert_allclose(np.load(tmp_path / 'out.npy'), net(x).asnumpy(), rtol=1e-6)


@pytest.mark.parametrize('fmt', ['MINDIR', 'AIR', 'mindir'])
def test_mindspores_formats_are_refused_naming_ours(fmt, tmp_path):
    with pytest.raises(ValueError, match=r"autograph writes 'ONNX', 'NUMPY' and 'ARRAY_API'"):
        autograph.export(mlp(), rng_input(2, 8, 8), file_name=str(tmp_path / 'net'), file_format=fmt)


def test_export_switches_to_inference_and_back(tmp_path):
    net = nn.SequentialCell(nn.Dense(4, 4), nn.Dropout(p=0.5))
    net.set_train(True)
    x = rng_input(3, 4)
    path = autograph.export(net, x, file_name=str(tmp_path / 'drop'), file_format='NUMPY')
    assert net.training
    net.set_train(False)
    np.testing.assert_allclose(nn.GraphCell(autograph.load(path))(x).asnumpy(), net(x).asnumpy(), rtol=1e-6)


class Cumulative(nn.Cell):
    def construct(self, x):
        doubled = x * 2
        return ops.cumprod(doubled, 0)


def test_a_primitive_without_onnx_spelling_is_refused_with_the_users_line(tmp_path):
    pytest.importorskip('onnx')
    with pytest.raises(CompileError, match=r"(?s)does not support the primitive 'cumprod'.*ops\.cumprod\(doubled, 0\)"):
        autograph.export(Cumulative(), rng_input(3), file_name=str(tmp_path / 'c'), file_format='ONNX')


class Reductions(nn.Cell):
    def construct(self, x):
        scanned = ops.cumsum(x, 1) + ops.tile(x, (1, 1)) - ops.flip(x, 1)
        return scanned[::-1, 1:], ops.argmax(x, 1), ops.argmin(x), ops.cumsum(x), ops.logsumexp(x, 1)


def test_scans_arg_extremes_and_indexing_in_onnxruntime(tmp_path):
    pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    x = rng_input(3, 4)
    path = autograph.export(Reductions(), x, file_name=str(tmp_path / 'r'), file_format='ONNX')
    got = ort.InferenceSession(path).run(None, {'x': x.asnumpy()})
    for g, want in zip(got, Reductions()(x)):
        assert g.dtype == want.asnumpy().dtype
        np.testing.assert_allclose(g, want.asnumpy(), rtol=1e-5, atol=1e-6)


LAYERS = {
    'norms_and_dropout': (lambda: nn.SequentialCell(nn.Dense(4, 6), nn.BatchNorm1d(6), nn.GELU(), nn.Dropout(p=0.3),
                                                    nn.LayerNorm((6,)), nn.Dense(6, 2), nn.LogSoftmax()), (3, 4)),
    'batch_norm_2d': (lambda: nn.SequentialCell(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten()), (2, 2, 6, 6)),
    'embedding': (lambda: nn.SequentialCell(nn.Embedding(10, 4), nn.Flatten(), nn.Dense(12, 2)), (2, 3)),
}
if hasattr(nn, 'GRU'):
    LAYERS['gru'] = (lambda: nn.GRU(3, 4), (5, 2, 3))
    LAYERS['deep_bidirectional_rnn'] = (lambda: nn.RNN(3, 4, num_layers=2, bidirectional=True), (5, 2, 3))


@pytest.mark.parametrize('case', sorted(LAYERS))
def test_layers_in_inference_mode_in_onnxruntime(case, tmp_path):
    pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    make, shape = LAYERS[case]
    np.random.seed(4)
    net = make()
    x = Tensor(np.random.default_rng(5).integers(0, 10, shape).astype(np.int32)) if case == 'embedding' \
        else rng_input(*shape)
    path = autograph.export(net, x, file_name=str(tmp_path / case), file_format='ONNX')
    got = ort.InferenceSession(path).run(None, {'x': x.asnumpy()})
    want = net(x)
    want = [want] if isinstance(want, Tensor) else list(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.asnumpy(), rtol=1e-5, atol=1e-6)


class Branchy(nn.Cell):
    """An if and a while on Tensor conditions: ONNX If and a Loop with no trip count."""

    def construct(self, x):
        if x.sum() > 0:
            y = x * 2
        else:
            y = -x
        halvings = 0
        while y.max() > 0.1:
            y = y / 2
            halvings = halvings + 1
        return y, halvings


@pytest.mark.parametrize('sign', [1, -1])
def test_if_and_while_on_tensors_in_onnxruntime(sign, tmp_path):
    pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    x = Tensor(sign * np.abs(rng_input(4).asnumpy()))
    path = autograph.export(Branchy(), x, file_name=str(tmp_path / 'b'), file_format='ONNX')
    y, halvings = ort.InferenceSession(path).run(None, {'x': x.asnumpy()})
    want_y, want_halvings = Branchy()(x)
    np.testing.assert_allclose(y, want_y.asnumpy(), rtol=1e-6)
    assert int(halvings) == int(want_halvings) > 0


def test_load_refuses_what_it_does_not_read(tmp_path):
    with pytest.raises(ValueError, match='onnxruntime'):
        autograph.load(str(tmp_path / 'net.onnx'))
    with pytest.raises(FileNotFoundError):
        autograph.load(str(tmp_path / 'missing.py'))
    with pytest.raises(TypeError, match='autograph.load'):
        nn.GraphCell(lambda x: x)


@pytest.mark.parametrize('file_format', ['NUMPY', 'ARRAY_API'])
def test_an_exported_module_states_and_checks_the_shapes_it_was_exported_for(tmp_path, file_format):
    net = nn.SequentialCell(nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 2))
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    path = str(tmp_path / 'model.py')
    autograph.export(net, Tensor(x), file_name=path, file_format=file_format)
    assert '#   x: float32[5, 3]' in open(path).read()
    graph = autograph.load(path)
    np.testing.assert_allclose(np.asarray(graph(x)), net(Tensor(x)).asnumpy(), rtol=1e-6)
    with pytest.raises(ValueError, match=r'x must be float32\[5, 3\], got float32\[6, 3\]'):
        graph(np.ones((6, 3), np.float32))
    with pytest.raises(ValueError, match=r'x must be float32\[5, 3\], got float64\[5, 3\]'):
        graph(x.astype(np.float64))
