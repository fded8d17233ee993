"""Conv1d, Conv2dTranspose, MaxPool1d/AvgPool1d and GroupNorm against NumPy written here, eager
and compiled; gradients against central differences."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, nn, ops
from tests.nn.gradcheck import check_cell_grads

RNG = np.random.default_rng(0)


def _both(cell, x):
    """The cell's output eagerly and compiled, which must agree."""
    t = Tensor(np.asarray(x, np.float32))
    eager, compiled = cell(t), autograph.jit(cell)(t)
    np.testing.assert_allclose(compiled.asnumpy(), eager.asnumpy(), rtol=1e-6, atol=1e-6)
    return eager.asnumpy()


# ---------------------------------------------------------------- Conv1d
def conv1d_reference(x, w, b, stride, pads, dilation, group):
    x = np.pad(x, ((0, 0), (0, 0), pads))
    n, c, length = x.shape
    out_c, per_group, k = w.shape
    steps = (length - dilation * (k - 1) - 1) // stride + 1
    out = np.zeros((n, out_c, steps))
    in_per, out_per = c // group, out_c // group
    for o in range(out_c):
        g = o // out_per
        for t in range(steps):
            window = x[:, g * in_per:(g + 1) * in_per, t * stride:t * stride + dilation * (k - 1) + 1:dilation]
            out[:, o, t] = (window * w[o]).sum((1, 2))
    return out + (0 if b is None else b[None, :, None])


@pytest.mark.parametrize('kwargs, pads', [
    (dict(kernel_size=3), (1, 1)),
    (dict(kernel_size=4, stride=2), (1, 2)),                      # 'same': ceil(9 / 2) = 5, the odd pad after
    (dict(kernel_size=3, pad_mode='valid', dilation=2), (0, 0)),
    (dict(kernel_size=3, pad_mode='pad', padding=(2, 1), has_bias=True), (2, 1)),
    (dict(kernel_size=2, pad_mode='valid', group=2, has_bias=True), (0, 0))])
def test_conv1d(kwargs, pads):
    net = nn.Conv1d(4, 6, **kwargs)
    assert net.weight.shape == (6, 4 // kwargs.get('group', 1), kwargs['kernel_size'])
    x = RNG.standard_normal((2, 4, 9))
    bias = net.bias.asnumpy() if net.has_bias else None
    want = conv1d_reference(x, net.weight.asnumpy().astype(np.float64), bias, kwargs.get('stride', 1), pads,
                            kwargs.get('dilation', 1), kwargs.get('group', 1))
    np.testing.assert_allclose(_both(net, x), want, rtol=1e-5, atol=1e-5)
    check_cell_grads(net, x)


# ---------------------------------------------------------------- Conv2dTranspose
def conv_transpose_reference(x, w, b, stride, pads, dilation, size):
    """Each input pixel scatters its weighted kernel into the output."""
    n, ci, h, wd = x.shape
    _, co, kh, kw = w.shape
    out = np.zeros((n, co) + size)
    for i in range(h):
        for j in range(wd):
            for a in range(kh):
                for c in range(kw):
                    oi, oj = i * stride[0] - pads[0] + a * dilation[0], j * stride[1] - pads[2] + c * dilation[1]
                    if 0 <= oi < size[0] and 0 <= oj < size[1]:
                        out[:, :, oi, oj] += x[:, :, i, j] @ w[:, :, a, c]
    return out + (0 if b is None else b[None, :, None, None])


@pytest.mark.parametrize('kwargs, pads, size', [
    (dict(kernel_size=3), (1, 1, 1, 1), (4, 5)),
    (dict(kernel_size=3, stride=2), (0, 1, 0, 1), (8, 10)),                       # 'same': size * stride
    (dict(kernel_size=3, stride=2, pad_mode='valid'), (0, 0, 0, 0), (9, 11)),
    (dict(kernel_size=1, stride=3, pad_mode='valid'), (0, 0, 0, 0), (12, 15)),   # at least size * stride
    (dict(kernel_size=(3, 2), stride=2, pad_mode='pad', padding=(1, 0, 0, 1), output_padding=1,
          has_bias=True), (1, 0, 0, 1), (9, 10)),
    (dict(kernel_size=2, dilation=2, pad_mode='valid', has_bias=True), (0, 0, 0, 0), (6, 7))])
def test_conv2d_transpose(kwargs, pads, size):
    net = nn.Conv2dTranspose(3, 2, **kwargs)
    k = kwargs['kernel_size']
    assert net.weight.shape == (3, 2) + (k if isinstance(k, tuple) else (k, k))
    x = RNG.standard_normal((2, 3, 4, 5))
    bias = net.bias.asnumpy() if net.has_bias else None
    stride = (kwargs.get('stride', 1),) * 2
    dilation = (kwargs.get('dilation', 1),) * 2
    want = conv_transpose_reference(x, net.weight.asnumpy().astype(np.float64), bias, stride, pads, dilation, size)
    got = _both(net, x)
    assert got.shape == (2, 2) + size
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    check_cell_grads(net, x)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    conv = nn.Conv2d(2, 3, 3, stride=2, pad_mode='pad', padding=1, group=1)
    up = nn.Conv2dTranspose(3, 2, 3, stride=2, pad_mode='pad', padding=1, weight_init=conv.weight.asnumpy())
    x, y = RNG.standard_normal((1, 2, 7, 7)).astype(np.float32), RNG.standard_normal((1, 3, 4, 4)).astype(np.float32)
    lhs = (conv(Tensor(x)).asnumpy() * y).sum()
    rhs = (x * up(Tensor(y)).asnumpy()).sum()
    assert abs(lhs - rhs) < 1e-4 * abs(lhs)


def test_conv_transpose2d_op_groups():
    x, w = RNG.standard_normal((1, 4, 3, 3)), RNG.standard_normal((4, 1, 2, 2))
    got = ops.conv_transpose2d(Tensor(x), Tensor(w), groups=2).asnumpy()
    for g in range(2):
        want = conv_transpose_reference(x[:, 2 * g:2 * g + 2], w[2 * g:2 * g + 2], None, (1, 1), (0,) * 4, (1, 1), (4, 4))
        np.testing.assert_allclose(got[:, g:g + 1], want, rtol=1e-10)
    with pytest.raises(ValueError, match="output_padding"):
        ops.conv_transpose2d(Tensor(x), Tensor(w), output_padding=1)


# ---------------------------------------------------------------- pooling
def pool1d_reference(x, k, s, reduce):
    steps = (x.shape[-1] - k) // s + 1
    return np.stack([reduce(x[..., t * s:t * s + k], -1) for t in range(steps)], -1)


@pytest.mark.parametrize('cell, k, s, reduce', [
    (nn.MaxPool1d(2, 2), 2, 2, np.max), (nn.MaxPool1d(3, 1), 3, 1, np.max),
    (nn.AvgPool1d(2, 2), 2, 2, np.mean), (nn.AvgPool1d(3, 2), 3, 2, np.mean)])
def test_pool1d(cell, k, s, reduce):
    x = RNG.standard_normal((2, 3, 9))
    np.testing.assert_allclose(_both(cell, x), pool1d_reference(x, k, s, reduce), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_both(cell, x[0]), pool1d_reference(x[0], k, s, reduce), rtol=1e-5, atol=1e-6)   # (C, L)
    check_cell_grads(cell, x)


def test_pool1d_padding_and_indices():
    x = RNG.standard_normal((1, 2, 7))
    same = _both(nn.MaxPool1d(3, 2, pad_mode='same'), x)                     # pads 1 each side with -inf
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1)), constant_values=-np.inf)
    np.testing.assert_allclose(same, pool1d_reference(padded, 3, 2, np.max), rtol=1e-6)
    avg = _both(nn.AvgPool1d(3, 2, pad_mode='pad', padding=1), x)          # zeros counted
    np.testing.assert_allclose(avg, pool1d_reference(np.pad(x, ((0, 0), (0, 0), (1, 1))), 3, 2, np.mean), rtol=1e-5, atol=1e-6)
    values, indices = nn.MaxPool1d(2, 2, return_indices=True)(Tensor(x.astype(np.float32)))
    assert values.shape == indices.shape == (1, 2, 3)
    np.testing.assert_array_equal(indices.asnumpy(), np.argmax(x[..., :6].reshape(1, 2, 3, 2), -1) + [0, 2, 4])
    with pytest.raises(ValueError, match=r"\(N, C, L\) or \(C, L\)"):
        nn.MaxPool1d(2)(Tensor(np.ones((1, 1, 2, 2), np.float32)))


# ---------------------------------------------------------------- GroupNorm
@pytest.mark.parametrize('groups, shape', [(2, (3, 4, 5)), (1, (2, 4, 3, 3)), (4, (2, 4, 2, 3))])
def test_group_norm(groups, shape):
    net = nn.GroupNorm(groups, 4, eps=1e-3)
    assert [name for name, _ in net.parameters_and_names()] == ['gamma', 'beta']
    net.gamma.set_data(Tensor(np.array([1.0, 2.0, 0.5, -1.0], np.float32)))
    net.beta.set_data(Tensor(np.array([0.0, 0.1, -0.2, 0.3], np.float32)))
    x = RNG.standard_normal(shape) * 3 + 1
    grouped = x.reshape(shape[0], groups, -1)
    normed = ((grouped - grouped.mean(-1, keepdims=True)) / np.sqrt(grouped.var(-1, keepdims=True) + 1e-3)).reshape(shape)
    channels = (1, 4) + (1,) * (len(shape) - 2)
    want = normed * net.gamma.asnumpy().reshape(channels) + net.beta.asnumpy().reshape(channels)
    np.testing.assert_allclose(_both(net, x), want, rtol=1e-4, atol=1e-5)
    check_cell_grads(net, x)


def test_group_norm_checks():
    with pytest.raises(ValueError, match="divisible"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match=r"must be \(N, 4, \.\.\.\)"):
        nn.GroupNorm(2, 4)(Tensor(np.ones((2, 3, 5), np.float32)))
    assert not nn.GroupNorm(2, 4, affine=False).trainable_params()
