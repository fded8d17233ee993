"""nn layers against hand-written NumPy references: forward eagerly and compiled with
`autograph.jit`, gradients with respect to inputs and Parameters against central differences in
float64, Dropout's statistics and set_train, BatchNorm's moving statistics, initialisers,
Parameter names and reprs."""
import math

import numpy as np
import pytest

import autograph
from autograph import Tensor, nn, ops
from tests.numerics import central_difference

F64 = autograph.float64


# ---------------------------------------------------------------- helpers
def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def close(actual, expected, rtol=1e-6, atol=1e-7):
    actual = actual.asnumpy() if isinstance(actual, Tensor) else np.asarray(actual)
    np.testing.assert_allclose(actual, np.asarray(expected), rtol=rtol, atol=atol)


def forward_both(net, *args):
    """The Cell's output eagerly and compiled (they must agree); returns the eager one. The Cell
    is compiled through a function (see test_jit_of_a_cell_named_like_a_kernel)."""
    tensors = [Tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    eager = net(*tensors)

    def forward(*args):
        return net(*args)
    compiled = autograph.jit(forward)(*tensors)
    close(compiled, eager, rtol=1e-5, atol=1e-6)
    return eager


def param_difference(loss, param, *args):
    """d loss(*args) / d param by central differences, setting the Parameter's data."""
    saved = param.asnumpy().copy()

    def f(value):
        param.set_data(value)
        try:
            return float(loss(*args).asnumpy())
        finally:
            param.set_data(saved)
    return central_difference(f, saved)


def check_gradients(net, x, position=0, rtol=1e-6, atol=1e-8):
    """autograph.grad of sum(net(x) * r) (r random) with respect to x and every trainable
    Parameter, against central differences in float64."""
    proj = Tensor(randn(*net(x).shape, seed=7))

    def loss(x):
        return ops.sum(net(x) * proj)

    params = net.trainable_params()
    grads = autograph.grad(loss, position, weights=params)(x)
    if position is None:
        param_grads = grads
    else:
        dx, param_grads = grads
        close(dx, central_difference(lambda a: float(loss(Tensor(a)).asnumpy()), x.asnumpy()), rtol, atol)
    assert len(param_grads) == len(params)
    for param, g in zip(params, param_grads):
        close(g, param_difference(loss, param, x), rtol, atol)


# ---------------------------------------------------------------- NumPy references
def conv_reference(x, w, b, stride, pads, dilation, group):
    n, _, h, wd = x.shape
    out_c, cg, kh, kw = w.shape
    top, bottom, left, right = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    oh = (h + top + bottom - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    ow = (wd + left + right - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    out = np.zeros((n, out_c, oh, ow))
    per_group = out_c // group
    for oc in range(out_c):
        g = oc // per_group
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * stride[0]:i * stride[0] + (kh - 1) * dilation[0] + 1:dilation[0],
                           j * stride[1]:j * stride[1] + (kw - 1) * dilation[1] + 1:dilation[1]]
                out[:, oc, i, j] = np.sum(patch * w[oc], axis=(1, 2, 3))
    return out if b is None else out + b[None, :, None, None]


def pool_reference(x, k, s, pads, kind, dilation=(1, 1), count_pad=True, divisor=None):
    n, c, h, w = x.shape
    top, bottom, left, right = pads
    fill = -np.inf if kind == 'max' else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=fill)
    real = np.pad(np.ones((h, w)), ((top, bottom), (left, right)))
    oh = (h + top + bottom - (k[0] - 1) * dilation[0] - 1) // s[0] + 1
    ow = (w + left + right - (k[1] - 1) * dilation[1] - 1) // s[1] + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            rows = slice(i * s[0], i * s[0] + (k[0] - 1) * dilation[0] + 1, dilation[0])
            cols = slice(j * s[1], j * s[1] + (k[1] - 1) * dilation[1] + 1, dilation[1])
            window = xp[:, :, rows, cols]
            if kind == 'max':
                out[:, :, i, j] = window.max(axis=(2, 3))
            else:
                count = divisor or (window.shape[2] * window.shape[3] if count_pad else real[rows, cols].sum())
                out[:, :, i, j] = window.sum(axis=(2, 3)) / count
    return out


def same_pads(hw, k, s, d=(1, 1)):
    pads = []
    for size, kk, ss, dd in zip(hw, k, s, d):
        total = max((math.ceil(size / ss) - 1) * ss + (kk - 1) * dd + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return tuple(pads)


# ---------------------------------------------------------------- Dense
def test_dense_forward_and_gradients():
    x = randn(4, 3)
    net = nn.Dense(3, 2, weight_init=Tensor(randn(2, 3, seed=1)), bias_init=Tensor(randn(2, seed=2)),
                   activation='tanh')
    out = forward_both(net, x)
    close(out, np.tanh(x @ randn(2, 3, seed=1).T + randn(2, seed=2)), 1e-12)
    check_gradients(net, Tensor(x))


def test_dense_on_batched_input_without_bias():
    net = nn.Dense(3, 5, has_bias=False, dtype=F64)
    x = randn(2, 4, 3)
    close(forward_both(net, x), x @ net.weight.asnumpy().T, 1e-12)
    assert net.bias is None and [p.name for p in net.trainable_params()] == ['weight']


def test_dense_defaults_are_mindspore_2():
    np.random.seed(3)
    net = nn.Dense(16, 8)
    bound = 1 / math.sqrt(16)
    assert net.weight.dtype == autograph.float32 and net.weight.shape == (8, 16)
    assert np.abs(net.weight.asnumpy()).max() <= bound and np.abs(net.bias.asnumpy()).max() <= bound
    assert net.weight.asnumpy().std() > bound / 3   # uniform in ±bound, not the old 'normal' (0.01)
    np.random.seed(3)
    np.testing.assert_array_equal(nn.Dense(16, 8).weight.asnumpy(), net.weight.asnumpy())


@pytest.mark.parametrize('activation, reference', [
    ('relu', lambda y: np.maximum(y, 0)), ('sigmoid', lambda y: 1 / (1 + np.exp(-y))),
    ('softmax', lambda y: np.exp(y) / np.exp(y).sum(-1, keepdims=True)),
    (nn.Tanh(), np.tanh), (ops.relu, lambda y: np.maximum(y, 0))])
def test_dense_activation_by_name_cell_or_callable(activation, reference):
    net = nn.Dense(3, 4, activation=activation, dtype=F64)
    x = randn(5, 3)
    y = x @ net.weight.asnumpy().T + net.bias.asnumpy()
    close(forward_both(net, x), reference(y), 1e-12)
    if isinstance(activation, str):
        assert isinstance(net.activation, nn.Cell) and 'activation' in dict(net.cells_and_names())


def test_dense_rejects_bad_arguments():
    with pytest.raises(ValueError, match="'activation'"):
        nn.Dense(3, 4, activation='swishy')
    with pytest.raises(ValueError, match="'in_channels' must be a positive int"):
        nn.Dense(0, 4)
    with pytest.raises(ValueError, match=r"'weight_init' has shape \(3, 4\), expected \(4, 3\)"):
        nn.Dense(3, 4, weight_init=np.zeros((3, 4)))
    with pytest.raises(TypeError, match="'has_bias' must be a bool"):
        nn.Dense(3, 4, has_bias=1)


# ---------------------------------------------------------------- initialisers
@pytest.mark.parametrize('name, bound', [
    ('he_uniform', math.sqrt(6 / 40)), ('HeUniform', math.sqrt(6 / 40)),
    ('xavier_uniform', math.sqrt(6 / 70)), ('uniform', 0.07)])
def test_uniform_initialisers(name, bound):
    np.random.seed(0)
    w = nn.Dense(40, 30, weight_init=name).weight.asnumpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    np.random.seed(0)
    np.testing.assert_array_equal(nn.Dense(40, 30, weight_init=name).weight.asnumpy(), w)


@pytest.mark.parametrize('name, std', [('normal', 0.01), ('he_normal', math.sqrt(2 / 40)),
                                       ('xavier_normal', math.sqrt(2 / 70)), ('TruncatedNormal', 0.0088)])
def test_normal_initialisers(name, std):
    np.random.seed(1)
    w = nn.Dense(40, 30, weight_init=name).weight.asnumpy()
    assert abs(w.std() / std - 1) < 0.1 and abs(w.mean()) < std / 5
    if name == 'TruncatedNormal':
        assert np.abs(w).max() <= 0.02


def test_constant_tensor_array_and_callable_initialisers():
    assert (nn.Dense(2, 3, weight_init='zeros', bias_init='ones').bias.asnumpy() == 1).all()
    assert (nn.Dense(2, 3, weight_init=0.5).weight.asnumpy() == 0.5).all()
    net = nn.Dense(2, 3, weight_init=Tensor(np.ones((3, 2)), F64), bias_init=np.arange(3.0))
    assert net.weight.dtype == F64 and net.bias.dtype == autograph.float32   # a Tensor keeps its dtype
    assert nn.Dense(2, 3, weight_init=lambda shape: np.full(shape, 2.0)).weight.asnumpy().sum() == 12
    with pytest.raises(ValueError, match="names no initialiser"):
        nn.Dense(2, 3, weight_init='glorot')
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.Dense(2, 3, bias_init='he_uniform')
    with pytest.raises(TypeError, match="'weight_init' must be"):
        nn.Dense(2, 3, weight_init=object())


# ---------------------------------------------------------------- Conv2d
@pytest.mark.parametrize('kwargs, hw', [
    (dict(kernel_size=3), (5, 5)),                                           # 'same', stride 1
    (dict(kernel_size=2, stride=2), (5, 4)),                                 # 'same', asymmetric pads
    (dict(kernel_size=(3, 2), pad_mode='valid', stride=(2, 1)), (6, 5)),
    (dict(kernel_size=3, pad_mode='pad', padding=(1, 0, 2, 1), dilation=2), (6, 6)),
    (dict(kernel_size=3, pad_mode='pad', padding=1, group=2, has_bias=True), (4, 5)),
])
def test_conv2d_forward_and_gradients(kwargs, hw):
    np.random.seed(4)
    net = nn.Conv2d(4, 2, dtype=F64, **kwargs)
    x = randn(2, 4, *hw)
    k, s, d = net.kernel_size, net.stride, net.dilation
    if net.pad_mode == 'same':
        pads = same_pads(hw, k, s, d)
    elif net.pad_mode == 'valid':
        pads = (0, 0, 0, 0)
    else:
        pads = (net.padding,) * 4 if isinstance(net.padding, int) else net.padding
    bias = net.bias.asnumpy() if net.has_bias else None
    expected = conv_reference(x, net.weight.asnumpy(), bias, s, pads, d, net.group)
    out = forward_both(net, x)
    close(out, expected, 1e-10)
    if net.pad_mode == 'same':
        assert out.shape[2:] == tuple(math.ceil(n / st) for n, st in zip(hw, s))
    check_gradients(net, Tensor(x))


def test_conv2d_defaults_layout_and_repr():
    np.random.seed(0)
    net = nn.Conv2d(6, 4, 3, group=2, has_bias=True)
    assert net.weight.shape == (4, 3, 3, 3) and net.pad_mode == 'same'
    bound = 1 / math.sqrt(3 * 9)
    assert np.abs(net.weight.asnumpy()).max() <= bound and np.abs(net.bias.asnumpy()).max() <= bound
    assert repr(nn.Conv2d(1, 2, 3)) == (
        'Conv2d(input_channels=1, output_channels=2, kernel_size=(3, 3), stride=(1, 1), pad_mode=same, '
        'padding=0, dilation=(1, 1), group=1, has_bias=False, weight_init=None, bias_init=None, format=NCHW)')
    assert not nn.Conv2d(1, 2, 3).has_bias and [p.name for p in nn.Conv2d(1, 2, 3).get_parameters()] == ['weight']


def test_conv2d_rejects_bad_arguments():
    with pytest.raises(ValueError, match="'padding' must be 0 when 'pad_mode' is 'same'"):
        nn.Conv2d(1, 2, 3, padding=1)
    with pytest.raises(ValueError, match="'pad_mode' must be"):
        nn.Conv2d(1, 2, 3, pad_mode='full')
    with pytest.raises(ValueError, match="divisible by 'group'"):
        nn.Conv2d(3, 2, 3, group=2)
    with pytest.raises(ValueError, match="data_format 'NCHW'"):
        nn.Conv2d(1, 2, 3, data_format='NHWC')
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        nn.Conv2d(3, 2, 3)(Tensor(np.zeros((1, 2, 4, 4), np.float32)))


# ---------------------------------------------------------------- pooling
@pytest.mark.parametrize('kwargs, hw', [
    (dict(kernel_size=2, stride=2), (4, 6)),
    (dict(kernel_size=3, stride=2, pad_mode='same'), (5, 6)),                 # asymmetric pads
    (dict(kernel_size=2, stride=2, pad_mode='same'), (5, 5)),                 # pad only bottom/right
    (dict(kernel_size=3, stride=1, pad_mode='pad', padding=1), (4, 4)),
    (dict(kernel_size=2, stride=1, pad_mode='pad', padding=(1, 0), dilation=2), (5, 4)),
])
def test_max_pool2d_forward_and_gradients(kwargs, hw):
    net = nn.MaxPool2d(**kwargs)
    x = randn(2, 3, *hw)
    k, s = net.kernel_size, net.stride
    if net.pad_mode == 'same':
        pads = same_pads(hw, k, s, net.dilation)
    else:
        p = net.padding if isinstance(net.padding, tuple) else (net.padding,) * 2
        pads = (p[0], p[0], p[-1], p[-1])
    close(forward_both(net, x), pool_reference(x, k, s, pads, 'max', net.dilation), 1e-12)
    check_gradients(net, Tensor(x))


def test_max_pool2d_indices_and_unbatched_input():
    x = randn(1, 2, 4, 4)
    values, indices = nn.MaxPool2d(2, 2, return_indices=True)(Tensor(x))
    planes = x.reshape(1, 2, 16)
    flat = indices.asnumpy()
    assert flat.shape == (1, 2, 2, 2)
    close(np.take_along_axis(planes, flat.reshape(1, 2, 4), 2).reshape(1, 2, 2, 2), values.asnumpy(), 0)
    close(forward_both(nn.MaxPool2d(2, 2), x[0]), values.asnumpy()[0], 0)
    assert repr(nn.MaxPool2d(2, 2)) == 'MaxPool2d(kernel_size=(2, 2), stride=(2, 2), pad_mode=valid)'
    assert nn.MaxPool2d().kernel_size == (1, 1) and nn.MaxPool2d().stride == (1, 1)
    with pytest.raises(ValueError, match="return_indices=True needs pad_mode"):
        nn.MaxPool2d(2, pad_mode='same', return_indices=True)
    with pytest.raises(ValueError, match="ceil_mode=True is not supported"):
        nn.MaxPool2d(2, ceil_mode=True)


@pytest.mark.parametrize('kwargs, hw', [
    (dict(kernel_size=2, stride=2), (4, 6)),
    (dict(kernel_size=3, stride=2, pad_mode='same'), (5, 6)),
    (dict(kernel_size=3, stride=1, pad_mode='pad', padding=1), (4, 4)),
    (dict(kernel_size=3, stride=2, pad_mode='pad', padding=(1, 0, 1, 1), count_include_pad=False), (5, 5)),
    (dict(kernel_size=2, stride=1, pad_mode='pad', padding=1, divisor_override=3), (3, 3)),
])
def test_avg_pool2d_forward_and_gradients(kwargs, hw):
    net = nn.AvgPool2d(**kwargs)
    x = randn(2, 3, *hw)
    k, s = net.kernel_size, net.stride
    if net.pad_mode == 'same':
        pads, count = same_pads(hw, k, s), False
    else:
        p = net.padding if isinstance(net.padding, tuple) else (net.padding,)
        pads = p * 4 if len(p) == 1 else (p if len(p) == 4 else (p[0], p[0], p[1], p[1]))
        count = net.count_include_pad
    expected = pool_reference(x, k, s, pads, 'avg', count_pad=count, divisor=net.divisor_override)
    close(forward_both(net, x), expected, 1e-12)
    check_gradients(net, Tensor(x))


# ---------------------------------------------------------------- flatten and activations
def test_flatten():
    x = randn(2, 3, 4, 5)
    close(forward_both(nn.Flatten(), x), x.reshape(2, 60), 0)
    close(forward_both(nn.Flatten(1, 2), x), x.reshape(2, 12, 5), 0)
    check_gradients(nn.Flatten(), Tensor(x))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


@pytest.mark.parametrize('cell, reference', [
    (nn.ReLU(), lambda x: np.maximum(x, 0)), (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh), (nn.GELU(), _gelu_tanh),
    (nn.GELU(approximate=False), lambda x: x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))),
    (nn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    (nn.Softmax(axis=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True)),
])
def test_activations(cell, reference):
    x = randn(3, 4) + 0.01    # no element at relu's kink
    close(forward_both(cell, x), reference(x), 1e-10)
    check_gradients(cell, Tensor(x))


# ---------------------------------------------------------------- Dropout
def test_dropout_is_the_identity_when_not_training():
    x = Tensor(randn(3, 4))
    drop = nn.Dropout(p=0.5)
    assert not drop.training and drop(x) is x
    close(autograph.jit(drop)(x), x.asnumpy(), 0)
    assert repr(drop) == 'Dropout(p=0.5)' and repr(nn.Dropout(0.8)) == 'Dropout(keep_prob=0.8)'


@pytest.mark.parametrize('compiled', [False, True])
def test_dropout_statistics_in_training(compiled):
    drop = nn.Dropout(p=0.3).set_train()
    run = autograph.jit(drop) if compiled else drop
    x = Tensor(np.ones((200, 500)))
    first, second = run(x).asnumpy(), run(x).asnumpy()
    for out in (first, second):
        kept = out != 0
        assert abs(1 - kept.mean() - 0.3) < 0.01
        close(out[kept], 1 / 0.7, 1e-12)
    assert (first != second).any()               # a fresh mask at every call


def test_dropout_gradient_is_the_mask():
    drop = nn.Dropout(p=0.5).set_train()

    def loss(x):
        y = drop(x)
        return ops.sum(y * 3.0), y
    x = Tensor(np.full((50, 40), 2.0))
    (value, y), dx = autograph.value_and_grad(loss, 0, has_aux=True)(x)
    mask = dx.asnumpy() / 6.0                      # d(3 * x * mask / 0.5) = 6 * mask
    assert set(np.unique(mask)) == {0.0, 1.0} and 0.4 < mask.mean() < 0.6
    close(y, 4.0 * mask, 0)                        # the mask of this very call
    close(value, 3 * 4.0 * mask.sum(), 1e-12)


def test_dropout_rejects_bad_rates():
    with pytest.raises(ValueError, match=r"'p' must be a number in \[0, 1\)"):
        nn.Dropout(p=1.0)
    with pytest.raises(ValueError, match=r"'keep_prob' must be a number in \(0, 1\]"):
        nn.Dropout(keep_prob=0)
    x = Tensor(randn(2, 2))
    assert nn.Dropout(p=0).set_train()(x) is x


# ---------------------------------------------------------------- BatchNorm
def bn_reference(x, gamma, beta, mean, var, eps=1e-5):
    stat = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean.reshape(stat)) / np.sqrt(var.reshape(stat) + eps) * gamma.reshape(stat) + beta.reshape(stat)


def batch_stats(x):
    axes = (0,) + tuple(range(2, x.ndim))
    return x.mean(axes), x.var(axes), x.var(axes, ddof=1)


def make_bn(cls, c, **kwargs):
    return cls(c, gamma_init=Tensor(1 + 0.1 * randn(c, seed=11)), beta_init=Tensor(randn(c, seed=12)),
               moving_mean_init=Tensor(randn(c, seed=13)), moving_var_init=Tensor(1 + np.arange(c) / c),
               **kwargs)


@pytest.mark.parametrize('cls, shape', [(nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, (4, 3, 5)),
                                        (nn.BatchNorm2d, (2, 3, 4, 5))])
def test_batch_norm_eval_uses_moving_statistics(cls, shape):
    bn = make_bn(cls, 3)
    x = randn(*shape)
    mm, mv = bn.moving_mean.asnumpy().copy(), bn.moving_variance.asnumpy().copy()
    expected = bn_reference(x, bn.gamma.asnumpy(), bn.beta.asnumpy(), mm, mv)
    close(forward_both(bn, x), expected, 1e-12)
    close(bn.moving_mean, mm, 0)
    close(bn.moving_variance, mv, 0)
    check_gradients(bn, Tensor(x))


@pytest.mark.parametrize('compiled', [False, True])
@pytest.mark.parametrize('cls, shape', [(nn.BatchNorm1d, (6, 3)), (nn.BatchNorm2d, (2, 3, 4, 5))])
def test_batch_norm_training_step(cls, shape, compiled):
    bn = make_bn(cls, 3, momentum=0.8).set_train()
    run = autograph.jit(bn) if compiled else bn
    mm, mv = bn.moving_mean.asnumpy().copy(), bn.moving_variance.asnumpy().copy()
    for step in range(2):
        x = randn(*shape, seed=20 + step)
        mean, var, unbiased = batch_stats(x)
        out = run(Tensor(x))
        close(out, bn_reference(x, bn.gamma.asnumpy(), bn.beta.asnumpy(), mean, var), 1e-12)
        mm, mv = 0.8 * mm + 0.2 * mean, 0.8 * mv + 0.2 * unbiased
        close(bn.moving_mean, mm, 1e-12)
        close(bn.moving_variance, mv, 1e-12)


def test_batch_norm_training_gradients():
    bn = make_bn(nn.BatchNorm2d, 3).set_train()
    check_gradients(bn, Tensor(randn(2, 3, 2, 3)))


def test_a_gradient_step_updates_the_moving_statistics_once():
    bn = make_bn(nn.BatchNorm1d, 3).set_train()
    mm, mv = bn.moving_mean.asnumpy().copy(), bn.moving_variance.asnumpy().copy()
    x = randn(5, 3)
    mean, _, unbiased = batch_stats(x)

    def loss(x):
        y = bn(x)
        return ops.sum(y * y)
    autograph.grad(loss, 0, weights=bn.trainable_params())(Tensor(x))
    close(bn.moving_mean, 0.9 * mm + 0.1 * mean, 1e-12)
    close(bn.moving_variance, 0.9 * mv + 0.1 * unbiased, 1e-12)


def test_batch_norm_applied_twice_in_one_compiled_step():
    bn = make_bn(nn.BatchNorm1d, 3).set_train()
    mm = bn.moving_mean.asnumpy().copy()
    x = randn(5, 3)
    mean = batch_stats(x)[0]

    def twice(x):
        return bn(bn(x))
    expected = 0.9 * (0.9 * mm + 0.1 * mean) + 0.1 * bn.beta.asnumpy()   # bn(x) has mean beta
    twice(Tensor(x))
    close(bn.moving_mean, expected, 1e-12)                    # eagerly
    bn.moving_mean.set_data(mm)
    autograph.jit(twice)(Tensor(x))
    close(bn.moving_mean, expected, 1e-12)


def test_batch_norm_use_batch_statistics_overrides_the_mode():
    x = randn(5, 3)
    mean, var, unbiased = batch_stats(x)
    fixed = make_bn(nn.BatchNorm1d, 3, use_batch_statistics=False).set_train()
    mm = fixed.moving_mean.asnumpy().copy()
    expected = bn_reference(x, fixed.gamma.asnumpy(), fixed.beta.asnumpy(), mm, fixed.moving_variance.asnumpy())
    close(forward_both(fixed, x), expected, 1e-12)
    close(fixed.moving_mean, mm, 0)
    batch = make_bn(nn.BatchNorm1d, 3, use_batch_statistics=True)      # not training
    mm = batch.moving_mean.asnumpy().copy()
    close(batch(Tensor(x)), bn_reference(x, batch.gamma.asnumpy(), batch.beta.asnumpy(), mean, var), 1e-12)
    close(batch.moving_mean, 0.9 * mm + 0.1 * mean, 1e-12)


def test_batch_norm_parameters_names_and_repr():
    bn = nn.BatchNorm2d(4)
    assert [n for n, _ in bn.parameters_and_names()] == ['moving_mean', 'moving_variance', 'gamma', 'beta']
    assert [p.name for p in bn.trainable_params()] == ['gamma', 'beta']
    assert not bn.moving_mean.requires_grad and not bn.moving_variance.requires_grad
    assert (bn.gamma.asnumpy() == 1).all() and (bn.moving_variance.asnumpy() == 1).all()
    assert (bn.beta.asnumpy() == 0).all() and (bn.moving_mean.asnumpy() == 0).all()
    assert nn.BatchNorm1d(2, affine=False).trainable_params() == []
    assert repr(bn).startswith('BatchNorm2d(num_features=4, eps=1e-05, momentum=0.9, gamma=Parameter (name=gamma')

    class Block(nn.Cell):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3)
            self.bn = nn.BatchNorm2d(4)

        def construct(self, x):
            return self.bn(self.conv(x))
    names = list(Block().parameters_dict())
    assert names == ['conv.weight', 'bn.moving_mean', 'bn.moving_variance', 'bn.gamma', 'bn.beta']
    seq = nn.SequentialCell(nn.Dense(2, 3), nn.BatchNorm1d(3))
    assert [p.name for p in seq.trainable_params()] == ['0.weight', '0.bias', '1.gamma', '1.beta']
    assert [p.name for p in seq.untrainable_params()] == ['1.moving_mean', '1.moving_variance']


def test_batch_norm_rejects_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match=r"'momentum' must be a number in \[0, 1\]"):
        nn.BatchNorm2d(3, momentum=1.5)
    with pytest.raises(ValueError, match="'use_batch_statistics' must be a bool or None"):
        nn.BatchNorm2d(3, use_batch_statistics=1)
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        nn.BatchNorm2d(3)(Tensor(np.zeros((2, 4, 2, 2), np.float32)))
    with pytest.raises(ValueError, match=r"\(N, 3\) or \(N, 3, L\)"):
        nn.BatchNorm1d(3)(Tensor(np.zeros((2, 3, 2, 2), np.float32)))


def test_set_train_after_compiling_recompiles():
    bn = make_bn(nn.BatchNorm1d, 3)
    run = autograph.jit(bn)
    x = randn(5, 3)
    run(Tensor(x))
    bn.set_train()
    mean, var, _ = batch_stats(x)
    close(run(Tensor(x)), bn_reference(x, bn.gamma.asnumpy(), bn.beta.asnumpy(), mean, var), 1e-12)


@pytest.mark.parametrize('cell', [nn.ReLU(), nn.Conv2d(1, 1, 3)])
def test_jit_of_a_cell_named_like_a_kernel(cell):
    x = Tensor(randn(1, 1, 3, 3))
    close(autograph.jit(cell)(x), cell(x), 1e-6)


# ---------------------------------------------------------------- LayerNorm
def ln_reference(x, gamma, beta, axes, eps):
    mean = x.mean(axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axes, keepdims=True) + eps) * gamma + beta


@pytest.mark.parametrize('shape, kwargs, axes', [
    ((4, 5), dict(normalized_shape=(5,)), (1,)),
    ((2, 3, 4), dict(normalized_shape=(3, 4), begin_norm_axis=1, begin_params_axis=1), (1, 2)),
    ((2, 3, 4), dict(normalized_shape=[4], begin_norm_axis=1), (1, 2)),
])
def test_layer_norm(shape, kwargs, axes):
    n = kwargs['normalized_shape']
    net = nn.LayerNorm(gamma_init=Tensor(1 + 0.1 * randn(*n, seed=1)), beta_init=Tensor(randn(*n, seed=2)),
                       **kwargs)
    x = randn(*shape)
    close(forward_both(net, x), ln_reference(x, net.gamma.asnumpy(), net.beta.asnumpy(), axes, 1e-7), 1e-10)
    check_gradients(net, Tensor(x))
    assert [p.name for p in net.trainable_params()] == ['gamma', 'beta']


def test_layer_norm_defaults_and_errors():
    net = nn.LayerNorm((3,))
    assert net.epsilon == 1e-7 and (net.gamma.asnumpy() == 1).all() and (net.beta.asnumpy() == 0).all()
    assert repr(net).startswith('LayerNorm(normalized_shape=(3,), begin_norm_axis=-1, begin_params_axis=-1')
    with pytest.raises(TypeError, match="'normalized_shape' must be a tuple or list"):
        nn.LayerNorm(3)
    with pytest.raises(ValueError, match="must be the input's shape from begin_params_axis"):
        nn.LayerNorm((4,))(Tensor(np.zeros((2, 3), np.float32)))


# ---------------------------------------------------------------- Embedding
@pytest.mark.parametrize('use_one_hot', [False, True])
def test_embedding_forward_and_gradient(use_one_hot):
    table = randn(6, 3)
    net = nn.Embedding(6, 3, use_one_hot=use_one_hot, embedding_table=Tensor(table))
    ids = Tensor(np.array([[0, 2, 2], [5, 1, 2]], np.int32))
    out = forward_both(net, ids)
    assert out.shape == (2, 3, 3)
    close(out, table[ids.asnumpy()], 1e-12)
    check_gradients(net, ids, position=None)                      # repeated ids add up


def test_embedding_defaults_padding_and_errors():
    np.random.seed(0)
    net = nn.Embedding(50, 40, padding_idx=3)
    table = net.embedding_table.asnumpy()
    assert net.embedding_table.name == 'embedding_table' and table.dtype == np.float32
    assert (table[3] == 0).all() and abs(np.delete(table, 3, 0).std() - 0.01) < 0.001
    assert repr(nn.Embedding(5, 2)).startswith('Embedding(vocab_size=5, embedding_size=2, use_one_hot=False')
    with pytest.raises(TypeError, match="integer Tensor"):
        net(Tensor(np.zeros(3, np.float32)))
    with pytest.raises(ValueError, match=r"'padding_idx' must be None or an int in \[0, 5\)"):
        nn.Embedding(5, 2, padding_idx=5)


# ---------------------------------------------------------------- a network of them
class SmallCNN(nn.Cell):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, has_bias=True, dtype=F64)
        self.bn = make_bn(nn.BatchNorm2d, 3)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2, 2)
        self.flatten = nn.Flatten()
        self.drop = nn.Dropout(p=0.5)
        self.fc = nn.Dense(12, 2, dtype=F64)

    def construct(self, x):
        return self.fc(self.drop(self.flatten(self.pool(self.relu(self.bn(self.conv(x)))))))


@pytest.mark.parametrize('training', [False, True])
def test_small_cnn_gradients(training):
    np.random.seed(5)
    net = SmallCNN()
    net.set_train(training)
    net.drop.set_train(False)      # a fixed network for finite differences
    check_gradients(net, Tensor(randn(2, 2, 4, 4)))
    assert [p.name for p in net.trainable_params()] == ['conv.weight', 'conv.bias', 'bn.gamma', 'bn.beta',
                                                        'fc.weight', 'fc.bias']


# ---------------------------------------------------------------- to_float
def test_to_float_casts_floating_parameters():
    net = nn.SequentialCell(nn.Dense(3, 2), nn.BatchNorm1d(2), nn.Embedding(4, 3))
    assert net.to_float(autograph.float16) is net
    assert {p.dtype for p in net.get_parameters()} == {autograph.float16}
    net.to_float(F64)
    out = net[0](Tensor(np.ones((1, 3))))
    assert out.dtype == F64
    with pytest.raises(ValueError, match="'dst_type' must be float16, float32 or float64"):
        net.to_float(autograph.int32)
