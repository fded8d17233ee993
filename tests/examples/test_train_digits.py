"""The digits example trains for real: a few epochs with a fixed seed reach a stated test accuracy
(scikit-learn's digits ship inside the package; the test extra installs it)."""
import importlib.util
import pathlib

import numpy as np
import pytest

import autograph

pytest.importorskip('sklearn')
EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / 'examples' / 'train_digits.py'
spec = importlib.util.spec_from_file_location('train_digits', EXAMPLE)
train_digits = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train_digits)


def test_mlp_reaches_95_percent_in_five_epochs():
    net, train_step, losses, accuracy = train_digits.train('mlp', epochs=5, progress=False)
    assert accuracy >= 0.95
    assert np.mean(losses[-20:]) < 0.3 * np.mean(losses[:5])
    source = autograph.get_source(train_step)
    assert 'def train_step(' in source and 'assign(' in source
    assert train_step.cache_info().entries == 1          # one compilation for the whole run


def test_cnn_learns():
    net, train_step, losses, accuracy = train_digits.train('cnn', epochs=3, progress=False)
    assert accuracy >= 0.9


def test_the_training_step_compiled_equals_eager():
    """The same step run eagerly (PyNative) and compiled moves the weights the same way."""
    from autograph import nn, Tensor
    np.random.seed(3)
    x = Tensor(np.random.rand(8, 8, 8).astype(np.float32))
    y = Tensor(np.arange(8, dtype=np.int32) % 10)
    results = []
    for compiled in (False, True):
        np.random.seed(1)
        net = train_digits.mlp()
        optimizer = nn.Adam(net.trainable_params(), learning_rate=0.01)
        loss_fn = nn.CrossEntropyLoss()

        def forward(a, b):
            return loss_fn(net(a), b)
        grad_fn = autograph.value_and_grad(forward, None, weights=net.trainable_params())

        def step(a, b):
            loss, grads = grad_fn(a, b)
            optimizer(grads)
            return loss
        run = autograph.jit(step) if compiled else step
        for _ in range(3):
            run(x, y)
        results.append([p.asnumpy().copy() for p in net.trainable_params()])
    for eager, compiled in zip(*results):
        np.testing.assert_allclose(compiled, eager, rtol=1e-5, atol=1e-6)
