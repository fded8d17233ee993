"""train.Model end to end: a compiled training step from network, loss and optimizer, the
callbacks' output in MindSpore's format, eval's dict of metrics, and the metrics themselves."""
import re

import numpy as np
import pytest

import autograph
from autograph import nn
from autograph.dataset import NumpySlicesDataset
from autograph.train import (MAE, MSE, Accuracy, Callback, Loss, LossMonitor, Model, Precision,
                             Recall, TimeMonitor)


def blobs(n=96, seed=0):
    """Three separable clusters in 4 dimensions."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n).astype(np.int32)
    centres = np.eye(3, 4, dtype=np.float32) * 4
    return (centres[y] + rng.normal(size=(n, 4)).astype(np.float32)), y


def mlp():
    np.random.seed(0)
    return nn.SequentialCell(nn.Dense(4, 16, activation='relu'), nn.Dense(16, 3))


def test_train_on_a_dataset_then_eval_returns_mindsporess_dict(capsys):
    x, y = blobs()
    net = mlp()
    model = Model(net, nn.CrossEntropyLoss(), nn.Adam(net.trainable_params(), 0.05), metrics={'accuracy', 'loss'})
    data = NumpySlicesDataset((x, y), column_names=['x', 'y'], shuffle=False).batch(16)
    before = model.eval(data)
    model.train(3, data, callbacks=[LossMonitor(3), TimeMonitor()])
    after = model.eval(data)
    assert set(after) == {'accuracy', 'loss'}
    assert after['loss'] < before['loss'] and after['accuracy'] > 0.9
    lines = capsys.readouterr().out.strip().splitlines()
    losses = [line for line in lines if line.startswith('epoch:')]
    assert [re.match(r'epoch: (\d) step: (\d), loss is [\d.e-]+$', l).groups() for l in losses] == \
        [(str(e), str(s)) for e in (1, 2, 3) for s in (3, 6)]
    times = [line for line in lines if line.startswith('epoch time')]
    assert len(times) == 3 and all(re.match(r'epoch time: [\d.]+ ms, per step time: [\d.]+ ms$', t) for t in times)


def test_the_step_is_compiled_once_and_matches_a_hand_written_step():
    x, y = blobs(32)
    nets = [mlp(), mlp()]
    model = Model(nets[0], nn.CrossEntropyLoss(), nn.SGD(nets[0].trainable_params(), 0.1))
    model.train(2, [(x, y)] * 3)
    loss_fn, optimizer = nn.CrossEntropyLoss(), nn.SGD(nets[1].trainable_params(), 0.1)
    grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(nets[1](a), b), None, nets[1].trainable_params())
    for _ in range(6):
        _, grads = grad_fn(x, y)
        optimizer(grads)
    for p, q in zip(nets[0].trainable_params(), nets[1].trainable_params()):
        np.testing.assert_allclose(p.asnumpy(), q.asnumpy(), rtol=1e-5, atol=1e-6)
    assert len(model._compiled['train'].cache) == 1


def test_callbacks_see_mindsporess_run_context_and_can_stop():
    seen = []

    class Stopper(Callback):
        def step_end(self, run_context):
            args = run_context.original_args()
            seen.append((args.cur_epoch_num, args.cur_step_num, args.batch_num))
            if args.cur_step_num == 5:
                run_context.request_stop()

    x, y = blobs(32)
    net = mlp()
    Model(net, nn.CrossEntropyLoss(), nn.SGD(net.trainable_params(), 0.1)).train(4, [(x, y)] * 3, callbacks=Stopper())
    assert seen == [(1, 1, 3), (1, 2, 3), (1, 3, 3), (2, 4, 3), (2, 5, 3)]


def test_a_nan_loss_stops_training_as_mindspore_does():
    x, y = blobs(16)
    x[0, 0] = np.nan
    net = mlp()
    model = Model(net, nn.CrossEntropyLoss(), nn.SGD(net.trainable_params(), 0.1))
    with pytest.raises(ValueError, match=r'epoch: 1 step: 1\. Invalid loss, terminating training\.'):
        model.train(1, [(x, y)], callbacks=LossMonitor())


def test_a_network_with_its_own_loss_and_predict():
    x, y = blobs(32)
    net = mlp()
    with_loss = nn.WithLossCell(net, nn.CrossEntropyLoss())
    model = Model(with_loss, optimizer=nn.Adam(net.trainable_params(), 0.05))
    model.train(5, [(x, y)] * 4)
    predictions = Model(net).predict(autograph.Tensor(x))
    assert predictions.shape == (32, 3)
    assert np.mean(np.argmax(predictions.asnumpy(), axis=1) == y) > 0.9


def test_model_errors_say_what_is_missing():
    net = mlp()
    with pytest.raises(ValueError, match='no optimizer'):
        Model(net, nn.CrossEntropyLoss()).train(1, [])
    with pytest.raises(ValueError, match='no metrics'):
        Model(net, nn.CrossEntropyLoss()).eval([])
    with pytest.raises(KeyError, match="no metric named 'f1'"):
        Model(net, nn.CrossEntropyLoss(), metrics={'f1'})
    with pytest.raises(TypeError, match='Callback'):
        Model(net, nn.CrossEntropyLoss(), nn.SGD(net.trainable_params())).train(1, [], callbacks=[print])


def test_metrics_against_counts_by_hand():
    scores = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
    labels = np.array([0, 1, 1, 2])
    accuracy, precision, recall = Accuracy(), Precision(), Recall()
    for metric in (accuracy, precision, recall):
        metric.update(scores[:2], labels[:2])
        metric.update(scores[2:], labels[2:])
    assert accuracy.eval() == 0.5
    np.testing.assert_allclose(precision.eval(), [0.5, 1.0, 0.0])
    np.testing.assert_allclose(recall.eval(), [1.0, 0.5, 0.0])
    assert precision.eval(average=True) == pytest.approx(0.5)
    one_hot = np.eye(3)[labels]
    assert Accuracy()(scores, one_hot) == 0.5
    assert Accuracy('multilabel')(np.array([[0.9, 0.2], [0.4, 0.6]]), np.array([[1, 0], [1, 1]])) == 0.5
    loss = Loss()
    loss.update(autograph.Tensor(np.float32(2.0)))
    loss.update(np.array([1.0, 3.0, 5.0]))
    assert loss.eval() == 2.5
    assert MAE()(np.array([[1.0], [3.0]]), np.array([[2.0], [1.0]])) == 1.5
    assert MSE()(np.array([[1.0], [3.0]]), np.array([[2.0], [1.0]])) == 2.5
    for metric in (Accuracy(), Loss(), Precision()):
        with pytest.raises(RuntimeError, match='number of samples is 0'):
            metric.eval()


def test_progress_bar_drives_tqdm_when_it_is_installed(monkeypatch):
    import sys
    import types
    bars = []

    class FakeTqdm:
        def __init__(self, total=None, leave=True, desc=''):
            self.total, self.desc, self.updates, self.closed, self.postfix = total, desc, 0, False, None
            bars.append(self)

        def set_postfix(self, refresh=False, **values):
            self.postfix = values

        def update(self, n):
            self.updates += n

        def close(self):
            self.closed = True

        @staticmethod
        def write(text):
            print(text)

    monkeypatch.setitem(sys.modules, 'tqdm', types.SimpleNamespace(tqdm=FakeTqdm))
    from autograph.train import ProgressBar
    x, y = blobs(16)
    net = mlp()
    Model(net, nn.CrossEntropyLoss(), nn.SGD(net.trainable_params(), 0.1)).train(2, [(x, y)] * 3, callbacks=[ProgressBar()])
    assert [(b.desc, b.total, b.updates, b.closed) for b in bars] == [('epoch 1/2', 3, 3, True), ('epoch 2/2', 3, 3, True)]
    assert 'loss' in bars[0].postfix
