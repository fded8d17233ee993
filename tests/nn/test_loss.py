"""nn losses against their formulas for every reduction, eagerly and compiled with
`autograph.jit`, and their gradients against central differences in float64."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, nn
from tests.numerics import central_difference

REDUCTIONS = ['mean', 'sum', 'none']


def rng(seed=0):
    return np.random.default_rng(seed)


def close(actual, expected, rtol=1e-10, atol=1e-12):
    actual = actual.asnumpy() if isinstance(actual, Tensor) else np.asarray(actual)
    np.testing.assert_allclose(actual, np.asarray(expected), rtol=rtol, atol=atol)


def reduce(loss, reduction):
    return {'mean': np.mean, 'sum': np.sum, 'none': lambda a: a}[reduction](loss)


def check(loss_cell, logits, labels, expected):
    """The loss eagerly, compiled, and its gradient w.r.t. the logits against central differences."""
    args = (Tensor(logits), Tensor(labels))
    close(loss_cell(*args), expected)
    close(autograph.jit(loss_cell)(*args), expected)
    if np.ndim(expected) == 0:
        grad = autograph.grad(loss_cell, 0)(*args)
        numeric = central_difference(lambda x: float(loss_cell(Tensor(x), args[1]).asnumpy()), logits)
        close(grad, numeric, rtol=1e-6, atol=1e-8)


def log_softmax(x, axis):
    shifted = x - x.max(axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis, keepdims=True))


# ---------------------------------------------------------------- elementwise losses
@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_mse_and_l1_loss(reduction):
    x, y = rng().standard_normal((3, 4)), rng(1).standard_normal((3, 4))
    check(nn.MSELoss(reduction), x, y, reduce((x - y) ** 2, reduction))
    check(nn.L1Loss(reduction), x, y, reduce(np.abs(x - y), reduction))


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('beta', [1.0, 0.5])
def test_smooth_l1_loss(beta, reduction):
    x, y = rng().standard_normal((4, 5)), rng(1).standard_normal((4, 5))
    d = np.abs(x - y)
    expected = np.where(d < beta, 0.5 * d ** 2 / beta, d - 0.5 * beta)
    check(nn.SmoothL1Loss(beta, reduction), x, y, reduce(expected, reduction))


def test_defaults():
    assert nn.SmoothL1Loss().reduction == 'none' and nn.SmoothL1Loss().beta == 1.0
    for cls in (nn.MSELoss, nn.L1Loss, nn.BCELoss, nn.BCEWithLogitsLoss, nn.NLLLoss, nn.CrossEntropyLoss):
        assert cls().reduction == 'mean'
    ce = nn.CrossEntropyLoss()
    assert ce.weight is None and ce.ignore_index == -100 and ce.label_smoothing == 0.0


# ---------------------------------------------------------------- binary cross entropy
@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('weighted', [False, True])
def test_bce_loss(weighted, reduction):
    p = rng().uniform(0.05, 0.95, (3, 4))
    y = (rng(1).uniform(size=(3, 4)) > 0.5).astype(np.float64)
    w = rng(2).uniform(0.5, 2, (3, 4))
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p)) * (w if weighted else 1)
    check(nn.BCELoss(Tensor(w) if weighted else None, reduction), p, y, reduce(loss, reduction))


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_bce_with_logits_loss(reduction):
    x = rng().standard_normal((3, 4)) * 3
    y = rng(1).uniform(size=(3, 4))
    w, pw = rng(2).uniform(0.5, 2, (4,)), rng(3).uniform(0.5, 2, (4,))
    sig = 1 / (1 + np.exp(-x))
    loss = -w * (pw * y * np.log(sig) + (1 - y) * np.log(1 - sig))
    check(nn.BCEWithLogitsLoss(reduction, Tensor(w), Tensor(pw)), x, y, reduce(loss, reduction))
    plain = -(y * np.log(sig) + (1 - y) * np.log(1 - sig))
    check(nn.BCEWithLogitsLoss(reduction), x, y, reduce(plain, reduction))


# ---------------------------------------------------------------- class losses
def nll_reference(logp, labels, weight, ignore_index, reduction, smoothing=0.0):
    """PyTorch's (and MindSpore's) definition, classes on axis 1 (or 0 for one sample)."""
    axis = 1 if logp.ndim > 1 else 0
    c = logp.shape[axis]
    w = np.ones(c) if weight is None else weight
    logp = np.moveaxis(logp, axis, -1)
    valid = labels != ignore_index
    safe = np.where(valid, labels, 0)
    picked = np.take_along_axis(logp, safe[..., None], -1)[..., 0]
    w_y = w[safe] * valid
    loss = -w_y * picked
    if smoothing:
        smooth = -(logp * w).sum(-1) * valid
        loss = (1 - smoothing) * loss + smoothing / c * smooth
    if reduction == 'mean':
        return loss.sum() / w_y.sum()
    return reduce(loss, reduction)


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('weighted', [False, True])
def test_nll_loss(weighted, reduction):
    logp = log_softmax(rng().standard_normal((5, 4)), 1)
    labels = np.array([0, 3, 1, 3, 2])
    w = rng(1).uniform(0.5, 2, 4) if weighted else None
    expected = nll_reference(logp, labels, w, -100, reduction)
    check(nn.NLLLoss(None if w is None else Tensor(w), reduction=reduction), logp, labels, expected)
    ignoring = nn.NLLLoss(None if w is None else Tensor(w), ignore_index=3, reduction=reduction)
    check(ignoring, logp, labels, nll_reference(logp, labels, w, 3, reduction))


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('weighted, ignore_index, smoothing', [
    (False, -100, 0.0), (True, -100, 0.0), (True, 1, 0.0), (False, -100, 0.2), (True, 2, 0.1)])
def test_cross_entropy_loss_with_class_indices(weighted, ignore_index, smoothing, reduction):
    x = rng().standard_normal((6, 4))
    labels = np.array([1, 0, 3, 2, 1, 2])
    w = rng(1).uniform(0.5, 2, 4) if weighted else None
    loss = nn.CrossEntropyLoss(None if w is None else Tensor(w), ignore_index, reduction, smoothing)
    expected = nll_reference(log_softmax(x, 1), labels, w, ignore_index, reduction, smoothing)
    check(loss, x, labels, expected)


@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_cross_entropy_loss_on_spatial_and_single_inputs(reduction):
    x = rng().standard_normal((2, 3, 4))          # (N, C, d)
    labels = rng(1).integers(0, 3, (2, 4))
    w = rng(2).uniform(0.5, 2, 3)
    expected = nll_reference(log_softmax(x, 1), labels, w, -100, reduction)
    check(nn.CrossEntropyLoss(Tensor(w), reduction=reduction), x, labels, expected)
    single = rng(3).standard_normal(5)             # (C,) and a 0-d label
    expected = reduce(-log_softmax(single, 0)[2], reduction)
    check(nn.CrossEntropyLoss(reduction=reduction), single, np.array(2), expected)


@pytest.mark.parametrize('reduction', REDUCTIONS)
@pytest.mark.parametrize('smoothing', [0.0, 0.3])
def test_cross_entropy_loss_with_probabilities(smoothing, reduction):
    x = rng().standard_normal((5, 3))
    target = rng(1).uniform(size=(5, 3))
    target /= target.sum(1, keepdims=True)
    w = rng(2).uniform(0.5, 2, 3)
    smoothed = (1 - smoothing) * target + smoothing / 3
    expected = reduce(-(smoothed * w * log_softmax(x, 1)).sum(1), reduction)
    check(nn.CrossEntropyLoss(Tensor(w), reduction=reduction, label_smoothing=smoothing), x, target, expected)


# ---------------------------------------------------------------- arguments
@pytest.mark.parametrize('make', [
    lambda: nn.MSELoss('avg'), lambda: nn.L1Loss('avg'), lambda: nn.SmoothL1Loss(reduction='avg'),
    lambda: nn.BCELoss(reduction='avg'), lambda: nn.BCEWithLogitsLoss('avg'),
    lambda: nn.NLLLoss(reduction='avg'), lambda: nn.CrossEntropyLoss(reduction='avg')])
def test_bad_reduction_is_refused_when_built(make):
    with pytest.raises(ValueError, match="'reduction' must be 'mean', 'sum' or 'none', got 'avg'"):
        make()


def test_bad_arguments():
    with pytest.raises(ValueError, match="'beta' must be a positive number"):
        nn.SmoothL1Loss(beta=0)
    with pytest.raises(ValueError, match=r"'label_smoothing' must be a number in \[0, 1\]"):
        nn.CrossEntropyLoss(label_smoothing=1.5)
    with pytest.raises(TypeError, match="'weight' must be a Tensor or None"):
        nn.CrossEntropyLoss(weight=[1.0, 2.0])
    with pytest.raises(TypeError, match="'ignore_index' must be an int"):
        nn.NLLLoss(ignore_index=1.5)
    assert isinstance(nn.BCELoss(np.ones(3)).weight, Tensor)    # arrays become Tensors
