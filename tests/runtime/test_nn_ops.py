"""Neural-network ops and losses: forward results against hand-written NumPy references (eagerly
on Tensors and compiled, float32 and float64), MindSpore's argument conventions, compile-time
shape errors, dropout's randomness, and gradients of realistic composites against central
differences in float64."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from tests.numerics import central_difference, central_difference_at

RNG = np.random.default_rng(1)


def rand(*shape):
    return RNG.standard_normal(shape)


def agree(op, args, kwargs, expected, dtype):
    """op(*args, **kwargs) eagerly on Tensors and compiled equals `expected` (computed in float64
    from the float64 arrays). args are arrays; float arrays, there and in kwargs, are cast to
    dtype (integer targets are kept)."""
    def tensor(a):
        if isinstance(a, np.ndarray):
            return Tensor(np.asarray(a, dtype) if a.dtype.kind == 'f' else a)
        return a

    inputs = [tensor(a) for a in args]
    params = {k: tensor(v) for k, v in kwargs.items()}

    def f(*xs):
        return op(*xs, **params)

    rtol = 2e-4 if dtype == np.float32 else 1e-9
    for got in (op(*inputs, **params), autograph.jit(f)(*inputs)):
        assert got.asnumpy().dtype == dtype
        np.testing.assert_allclose(got.asnumpy(), expected, rtol=rtol, atol=rtol)


DTYPES = [np.float32, np.float64]


# ---------------------------------------------------------------- references
def conv_reference(x, w, b, stride, pads, dilation, groups):
    (top, bottom), (left, right) = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    (sh, sw), (dh, dw) = stride, dilation
    o, cg, kh, kw = w.shape
    oh = (xp.shape[2] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp.shape[3] - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((x.shape[0], o, oh, ow))
    for oc in range(o):
        g = oc // (o // groups)
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg, i * sh:i * sh + (kh - 1) * dh + 1:dh,
                           j * sw:j * sw + (kw - 1) * dw + 1:dw]
                out[:, oc, i, j] = np.sum(patch * w[oc], axis=(1, 2, 3))
    return out if b is None else out + b[:, None, None]


def pool_reference(x, kernel, stride, pads, reduce, fill=0.0, dilation=(1, 1), count=None):
    (top, bottom), (left, right) = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=fill)
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh = (xp.shape[2] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp.shape[3] - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = xp[:, :, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw]
            out[:, :, i, j] = reduce(window, axis=(2, 3))
            if count is not None:
                out[:, :, i, j] /= count(i, j)
    return out


def log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


# ---------------------------------------------------------------- dense and convolution
X = rand(2, 3, 7, 6)
W = rand(4, 3, 3, 3)
B = rand(4)

CONVS = [  # (kwargs of ops.conv2d, x, w, padding/stride/dilation/groups of the reference)
    ({}, X, W, ((0, 0), (0, 0)), (1, 1), (1, 1), 1),
    ({'stride': 2, 'pad_mode': 'pad', 'padding': 1}, X, W, ((1, 1), (1, 1)), (2, 2), (1, 1), 1),
    ({'stride': 2, 'pad_mode': 'same'}, X, W, ((1, 1), (0, 1)), (2, 2), (1, 1), 1),
    ({'padding': 'same', 'dilation': 2}, X, W, ((2, 2), (2, 2)), (1, 1), (2, 2), 1),
    ({'padding': (1, 2), 'stride': (1, 2)}, X, W, ((1, 1), (2, 2)), (1, 2), (1, 1), 1),
    ({'pad_mode': 'pad', 'padding': (0, 1, 2, 0)}, X, W, ((0, 1), (2, 0)), (1, 1), (1, 1), 1),
    ({'groups': 2}, rand(2, 4, 5, 5), rand(6, 2, 2, 3), ((0, 0), (0, 0)), (1, 1), (1, 1), 2),
]


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('kwargs,x,w,pads,stride,dilation,groups', CONVS, ids=[str(c[0]) for c in CONVS])
def test_conv2d_matches_reference(kwargs, x, w, pads, stride, dilation, groups, dtype):
    b = rand(w.shape[0])
    expected = conv_reference(x, w, b, stride, pads, dilation, groups)
    agree(ops.conv2d, (x, w, b), kwargs, expected, dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_dense_uses_mindspores_weight_layout(dtype):
    x, w, b = rand(5, 3), rand(4, 3), rand(4)
    agree(ops.dense, (x, w, b), {}, x @ w.T + b, dtype)
    agree(ops.linear, (x, w), {}, x @ w.T, dtype)


# ---------------------------------------------------------------- pooling
P = rand(2, 3, 6, 7)


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('kwargs,expected', [
    ({'kernel_size': 2}, pool_reference(P, (2, 2), (2, 2), ((0, 0), (0, 0)), np.max)),
    ({'kernel_size': 3, 'stride': 1, 'padding': 1},
     pool_reference(P, (3, 3), (1, 1), ((1, 1), (1, 1)), np.max, -np.inf)),
    ({'kernel_size': (2, 3), 'stride': (2, 1), 'padding': (1, 0), 'dilation': (1, 2)},
     pool_reference(P, (2, 3), (2, 1), ((1, 1), (0, 0)), np.max, -np.inf, (1, 2))),
], ids=['k2', 'k3-pad1', 'rect-dilated'])
def test_max_pool2d_matches_reference(kwargs, expected, dtype):
    agree(ops.max_pool2d, (P,), kwargs, expected, dtype)


def _valid_count(size, kernel, stride, pads):
    """Entries of each window that are not padding (count_include_pad=False)."""
    def count(i, j):
        rows = [r for r in range(i * stride[0], i * stride[0] + kernel[0]) if pads[0][0] <= r < pads[0][0] + size[0]]
        cols = [c for c in range(j * stride[1], j * stride[1] + kernel[1]) if pads[1][0] <= c < pads[1][0] + size[1]]
        return len(rows) * len(cols)
    return count


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('kwargs,expected', [
    ({'kernel_size': 2, 'stride': 2}, pool_reference(P, (2, 2), (2, 2), ((0, 0), (0, 0)), np.mean)),
    ({'kernel_size': 3}, pool_reference(P, (3, 3), (1, 1), ((0, 0), (0, 0)), np.mean)),
    ({'kernel_size': 3, 'stride': 2, 'padding': 1},
     pool_reference(P, (3, 3), (2, 2), ((1, 1), (1, 1)), np.mean)),
    ({'kernel_size': 3, 'stride': 2, 'padding': (1, 0, 0, 1), 'count_include_pad': False},
     pool_reference(P, (3, 3), (2, 2), ((1, 0), (0, 1)), np.sum,
                    count=_valid_count((6, 7), (3, 3), (2, 2), ((1, 0), (0, 1))))),
    ({'kernel_size': 2, 'divisor_override': 3}, pool_reference(P, (2, 2), (1, 1), ((0, 0), (0, 0)), np.sum) / 3),
], ids=['k2s2', 'stride-defaults-to-1', 'pad', 'exclude-pad', 'divisor'])
def test_avg_pool2d_matches_reference(kwargs, expected, dtype):
    agree(ops.avg_pool2d, (P,), kwargs, expected, dtype)


def test_max_pool2d_indices_and_tied_gradient():
    x = np.array([[[[1.0, 3.0, 3.0, 0.0],
                    [3.0, 2.0, 1.0, 3.0]]]])
    out, idx = ops.max_pool2d(Tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(out.asnumpy(), [[[[3.0, 3.0]]]])
    np.testing.assert_array_equal(idx.asnumpy(), [[[[1, 2]]]])        # flat indices into 2 x 4; ties: first
    grad = autograph.grad(max_pool_sum)(x)
    np.testing.assert_array_equal(grad, [[[[0, 1, 1, 0], [0, 0, 0, 0]]]])


def max_pool_sum(x):
    return ops.max_pool2d(x, 2).sum()


# ---------------------------------------------------------------- normalisation
@pytest.mark.parametrize('dtype', DTYPES)
def test_layer_norm(dtype):
    x, w, b = rand(2, 3, 4), rand(3, 4), rand(3, 4)
    mu = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    agree(ops.layer_norm, (x,), {'normalized_shape': (3, 4), 'weight': w, 'bias': b}, (x - mu) / np.sqrt(var + 1e-5) * w + b, dtype)
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    agree(ops.layer_norm, (x,), {'normalized_shape': 4, 'eps': 1e-3}, (x - mu) / np.sqrt(var + 1e-3), dtype)


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('training', [True, False])
def test_batch_norm(training, dtype):
    x, mean, var, w, b = rand(4, 3, 2, 2), rand(3), np.abs(rand(3)) + 0.5, rand(3), rand(3)
    if training:
        mu, sigma2 = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    else:
        mu, sigma2 = mean, var
    shape = (1, 3, 1, 1)
    expected = (x - mu.reshape(shape)) / np.sqrt(sigma2.reshape(shape) + 1e-5) * w.reshape(shape) + b.reshape(shape)
    agree(ops.batch_norm, (x, mean, var, w, b), {'training': training}, expected, dtype)


# ---------------------------------------------------------------- dropout
def dropped(x):
    return ops.dropout(x, p=0.25, seed=4)


def test_dropout_scales_kept_values_and_is_deterministic_with_a_seed():
    x = np.abs(rand(200, 50)) + 0.1
    out = autograph.jit(dropped)(Tensor(x)).asnumpy()
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.75)
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_array_equal(out, ops.dropout(Tensor(x), p=0.25, seed=4).asnumpy())
    np.testing.assert_array_equal(out, autograph.jit(dropped)(Tensor(x)).asnumpy())
    grad = autograph.grad(dropout_sum)(x)
    np.testing.assert_allclose(grad, kept / 0.75)


def dropout_sum(x):
    return ops.dropout(x, p=0.25, seed=4).sum()


def test_dropout_identity_cases():
    x = Tensor(rand(3, 4))
    assert ops.dropout(x, training=False) is x
    assert ops.dropout(x, p=0.0) is x
    np.testing.assert_array_equal(ops.dropout(x, p=1.0).asnumpy(), np.zeros((3, 4)))
    with pytest.raises(ValueError):
        ops.dropout(x, p=1.5)


# ---------------------------------------------------------------- losses
LOGITS = rand(5, 4)
LABELS = np.array([0, 3, 1, 3, 2])
PROBS = np.exp(log_softmax(rand(5, 4), 1))
CLASS_W = np.array([0.5, 1.0, 2.0, 1.5])
PROBABILITIES = 1 / (1 + np.exp(-rand(3, 4)))
BINARY = (rand(3, 4) > 0).astype(np.float64)


def ce_indices(logits, target, weight=None, ignore=-100, smoothing=0.0, axis=1):
    """PyTorch's formula, by hand: weighted NLL of the target class, mixed with the (weighted)
    uniform loss, divided by the total weight of the targets not ignored."""
    logp = log_softmax(logits, axis)
    logp = np.moveaxis(logp, axis, -1)
    classes = logp.shape[-1]
    w = np.ones(classes) if weight is None else weight
    valid = target != ignore
    safe = np.where(valid, target, 0)
    picked = np.take_along_axis(logp, safe[..., None], -1)[..., 0]
    nll = -w[safe] * picked * valid
    smooth = -(logp * w).sum(-1) * valid
    loss = (1 - smoothing) * nll + smoothing / classes * smooth
    return loss, (w[safe] * valid).sum()


def ce_mean(*args, **kwargs):
    loss, total_weight = ce_indices(*args, **kwargs)
    return loss.sum() / total_weight


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('kwargs,reference', [
    ({}, lambda: ce_indices(LOGITS, LABELS)[0].sum() / 5),
    ({'reduction': 'sum'}, lambda: ce_indices(LOGITS, LABELS)[0].sum()),
    ({'reduction': 'none'}, lambda: ce_indices(LOGITS, LABELS)[0]),
    ({'weight': CLASS_W}, lambda: ce_mean(LOGITS, LABELS, CLASS_W)),
    ({'ignore_index': 3}, lambda: ce_mean(LOGITS, LABELS, ignore=3)),
    ({'label_smoothing': 0.2, 'weight': CLASS_W}, lambda: ce_mean(LOGITS, LABELS, CLASS_W, smoothing=0.2)),
], ids=['mean', 'sum', 'none', 'weight', 'ignore_index', 'smoothing'])
def test_cross_entropy_with_class_indices(kwargs, reference, dtype):
    kwargs = dict(kwargs)
    args = (LOGITS, LABELS) + ((kwargs.pop('weight'),) if 'weight' in kwargs else ())
    agree(ops.cross_entropy, args, kwargs, reference(), dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_cross_entropy_ignored_targets_outside_the_classes_and_spatial_targets(dtype):
    labels = np.array([0, -100, 1, 3, -100])
    agree(ops.cross_entropy, (LOGITS, labels), {}, ce_mean(LOGITS, labels), dtype)
    logits, target = rand(2, 3, 2, 2), np.array([[[0, 2], [1, 1]], [[2, 0], [0, 1]]])
    agree(ops.cross_entropy, (logits, target), {'reduction': 'none'}, ce_indices(logits, target)[0], dtype)
    agree(ops.cross_entropy, (LOGITS[0], np.array(2)), {}, -log_softmax(LOGITS[0], 0)[2], dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_cross_entropy_with_class_probabilities(dtype):
    logp = log_softmax(LOGITS, 1)
    agree(ops.cross_entropy, (LOGITS, PROBS), {}, -(PROBS * logp).sum(1).mean(), dtype)
    smoothed = PROBS * 0.9 + 0.1 / 4
    agree(ops.cross_entropy, (LOGITS, PROBS, CLASS_W), {'label_smoothing': 0.1, 'reduction': 'sum'},
          -(smoothed * CLASS_W * logp).sum(), dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_nll_loss_takes_log_probabilities(dtype):
    logp = log_softmax(LOGITS, 1)
    agree(ops.nll_loss, (logp, LABELS, CLASS_W), {}, ce_mean(LOGITS, LABELS, CLASS_W), dtype)


def bce_reference(p, y, w=1.0):
    return -w * (y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))


ELEMENTWISE_LOSSES = [  # (op, args, kwargs, expected)
    (ops.binary_cross_entropy, (PROBABILITIES, BINARY), {}, bce_reference(PROBABILITIES, BINARY).mean()),
    (ops.binary_cross_entropy, (PROBABILITIES, BINARY, CLASS_W), {'reduction': 'none'},
     bce_reference(PROBABILITIES, BINARY, CLASS_W)),
    (ops.mse_loss, (LOGITS, PROBS), {}, ((LOGITS - PROBS) ** 2).mean()),
    (ops.mse_loss, (LOGITS, PROBS), {'reduction': 'sum'}, ((LOGITS - PROBS) ** 2).sum()),
    (ops.l1_loss, (LOGITS, PROBS), {}, np.abs(LOGITS - PROBS).mean()),
    (ops.smooth_l1_loss, (LOGITS, PROBS), {},
     np.where(np.abs(LOGITS - PROBS) < 1, 0.5 * (LOGITS - PROBS) ** 2, np.abs(LOGITS - PROBS) - 0.5)),
    (ops.smooth_l1_loss, (LOGITS, PROBS), {'beta': 0.5, 'reduction': 'mean'},
     np.where(np.abs(LOGITS - PROBS) < 0.5, (LOGITS - PROBS) ** 2, np.abs(LOGITS - PROBS) - 0.25).mean()),
    (ops.kl_div, (np.log(PROBS), PROBS[::-1].copy()), {},
     (PROBS[::-1] * (np.log(PROBS[::-1]) - np.log(PROBS))).mean()),
    (ops.kl_div, (np.log(PROBS), PROBS[::-1].copy()), {'reduction': 'batchmean'},
     (PROBS[::-1] * (np.log(PROBS[::-1]) - np.log(PROBS))).sum() / 5),
    (ops.kl_div, (np.log(PROBS), np.log(PROBS[::-1])), {'reduction': 'sum', 'log_target': True},
     (PROBS[::-1] * (np.log(PROBS[::-1]) - np.log(PROBS))).sum()),
]


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('op,args,kwargs,expected', ELEMENTWISE_LOSSES,
                         ids=[f'{op.__name__}-{i}' for i, (op, *_) in enumerate(ELEMENTWISE_LOSSES)])
def test_elementwise_losses(op, args, kwargs, expected, dtype):
    agree(op, args, kwargs, expected, dtype)


def test_kl_div_zero_labels_contribute_zero_and_aliases():
    logits, labels = np.array([0.2, 0.7, 0.1]), np.array([0.0, 1.0, 0.0])
    got = ops.kl_div(input=Tensor(logits), target=Tensor(labels))
    np.testing.assert_allclose(got.asnumpy(), -0.7 / 3)


@pytest.mark.parametrize('dtype', DTYPES)
def test_binary_cross_entropy_is_finite_at_zero_and_one(dtype):
    p, y = np.array([0.0, 1.0, 0.0, 1.0], dtype), np.array([0.0, 1.0, 1.0, 0.0], dtype)
    floor = 100.0 if dtype == np.float64 else -np.log(np.finfo(np.float32).tiny)
    loss = ops.binary_cross_entropy(Tensor(p), Tensor(y), reduction='none').asnumpy()
    np.testing.assert_allclose(loss, [0, 0, floor, floor], rtol=1e-6, atol=1e-6)
    grad = autograph.grad(bce_sum)(p, y)
    assert np.all(np.isfinite(grad))


def bce_sum(p, y):
    return ops.binary_cross_entropy(p, y, reduction='sum')


# ---------------------------------------------------------------- errors
def conv_channels(x, w):
    return ops.conv2d(x, w)


def conv_too_small(x, w):
    return ops.conv2d(x, w)


def pool_padding(x):
    return ops.max_pool2d(x, 2, padding=2)


def ce_targets(x, t):
    return ops.cross_entropy(x, t)


def layer_norm_shape(x):
    return ops.layer_norm(x, (3,))


@pytest.mark.parametrize('fn,args,words', [
    (conv_channels, (rand(1, 3, 5, 5), rand(2, 4, 3, 3)), ['(2, 4, 3, 3)', '(1, 3, 5, 5)']),
    (conv_too_small, (rand(1, 1, 2, 2), rand(1, 1, 3, 3)), ['window', '2 + 0 + 0']),
    (pool_padding, (rand(1, 1, 4, 4),), ['padding', 'half']),
    (ce_targets, (LOGITS, np.array([0, 1])), ['(2,)', '(5,)']),
    (layer_norm_shape, (rand(2, 4),), ['(3,)', '(2, 4)']),
], ids=['conv-channels', 'conv-window', 'pool-padding', 'ce-targets', 'layer-norm'])
def test_shape_errors_are_compile_errors_naming_the_shapes(fn, args, words):
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(fn)(*args)
    for word in words:
        assert word in str(info.value)
    assert 'test_nn_ops.py' in str(info.value)


@pytest.mark.parametrize('call', [
    lambda: ops.conv2d(Tensor(X), Tensor(W), pad_mode='same', padding=1),
    lambda: ops.conv2d(Tensor(X), Tensor(W), pad_mode='full'),
    lambda: ops.conv2d(Tensor(X), Tensor(W), stride=0),
    lambda: ops.max_pool2d(Tensor(P), 2, ceil_mode=True),
    lambda: ops.cross_entropy(Tensor(LOGITS), Tensor(LABELS), reduction='avg'),
    lambda: ops.smooth_l1_loss(Tensor(LOGITS), Tensor(PROBS), beta=0.0),
], ids=['same-with-padding', 'pad-mode', 'stride', 'ceil-mode', 'reduction', 'beta'])
def test_bad_arguments_raise_value_errors(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------- gradients of composites
def small_cnn(x, w1, b1, w2, labels):
    h = ops.relu(ops.conv2d(x, w1, b1, pad_mode='same'))
    h = ops.max_pool2d(h, 2)
    h = ops.avg_pool2d(h, 2, 1, padding=1, count_include_pad=False)
    h = ops.reshape(h, (h.shape[0], -1))
    return ops.cross_entropy(ops.dense(h, w2), labels, label_smoothing=0.1)


def normalised_regression(x, w, gamma, beta, y):
    h = ops.batch_norm(ops.conv2d(x, w, stride=2, pad_mode='pad', padding=1), None, None, gamma, beta,
                       training=True)
    h = ops.layer_norm(ops.tanh(h), (2, 3, 3))
    return ops.smooth_l1_loss(ops.mean(h, (2, 3)), y, beta=0.5, reduction='mean') + ops.mse_loss(h, 0.5 * h * h)


def probabilistic_losses(logits, probs, target_logp):
    p = ops.sigmoid(logits)
    return (ops.binary_cross_entropy(p, probs) + ops.kl_div(ops.log_softmax(logits, 1), probs, 'batchmean')
            + ops.kl_div(ops.log_softmax(logits, 1), target_logp, 'sum', log_target=True)
            + ops.l1_loss(p, probs) + ops.nll_loss(ops.log_softmax(logits, 1), probs, reduction='sum'))


COMPOSITES = [
    (small_cnn, (rand(2, 1, 6, 6), rand(2, 1, 3, 3), rand(2), rand(3, 32) / 4, np.array([0, 2])), (0, 1, 2, 3)),
    (normalised_regression, (rand(2, 3, 6, 6), rand(2, 3, 3, 3), rand(2), rand(2), rand(2, 2)), (0, 1, 2, 3, 4)),
    (probabilistic_losses, (rand(3, 4), PROBS[:3].copy(), np.log(PROBS[2:5])), (0, 1, 2)),
]


@pytest.mark.parametrize('fn,args,positions', COMPOSITES, ids=[f.__name__ for f, _, _ in COMPOSITES])
def test_composite_gradients_match_finite_differences(fn, args, positions):
    grads = autograph.grad(fn, positions)(*args)

    def f(*xs):
        return float(fn(*[Tensor(x) for x in xs]).asnumpy())
    for got, want in zip(grads, central_difference_at(f, args, positions)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def conv_squares(x, w):
    return (ops.conv2d(x, w, stride=2, pad_mode='pad', padding=1) ** 2).sum()


def test_second_derivatives_through_convolution():
    x, w = rand(1, 2, 5, 5), rand(3, 2, 3, 3)
    inner = autograph.grad(conv_squares, 1)

    def outer_loss(x, w):
        return (inner(x, w) ** 2).sum()

    got = autograph.grad(outer_loss, 0)(x, w)
    np.testing.assert_allclose(got, central_difference(lambda v: float(outer_loss(v, w)), x), rtol=1e-5, atol=1e-6)
