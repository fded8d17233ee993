"""Activations with real values: each against a hand-written NumPy reference in float32 and float64,
eagerly and compiled; MindSpore's documented examples and defaults; gradients at the kinks;
softmax/log_softmax/logsumexp axes (axis/dim, keepdims spellings, negative axes, MindSpore's
axis=() for logsumexp), stability and axis errors; and gradients of small networks against
central differences."""
import math

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from tests.numerics import central_difference_at

DTYPES = [np.float32, np.float64]
RTOL = {np.float32: 2e-6, np.float64: 1e-12}
X = np.array([[0.7, -1.3, 2.1, 25.0], [-0.2, 3.0, -1.1, -30.0]])


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_erf(x):
    return np.vectorize(math.erf, otypes=[float])(x)


def np_softplus(x, beta=1, threshold=20):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(np.minimum(beta * x, threshold))) / beta)


def np_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def np_logsumexp(x, axis=None, keepdims=False):
    top = x.max(axis, keepdims=True)
    out = np.log(np.exp(x - top).sum(axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis)


ELEMENTWISE = [
    ('sigmoid', {}, np_sigmoid),
    ('relu', {}, lambda x: np.maximum(x, 0)),
    ('relu6', {}, lambda x: np.minimum(np.maximum(x, 0), 6)),
    ('leaky_relu', {}, lambda x: np.where(x >= 0, x, 0.2 * x)),
    ('leaky_relu', {'alpha': 0.01}, lambda x: np.where(x >= 0, x, 0.01 * x)),
    ('elu', {}, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    ('elu', {'alpha': 0.5}, lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    ('gelu', {}, lambda x: 0.5 * x * (1 + np_erf(x / np.sqrt(2)))),
    ('gelu', {'approximate': 'tanh'}, np_gelu_tanh),
    ('silu', {}, lambda x: x * np_sigmoid(x)),
    ('softplus', {}, np_softplus),
    ('softplus', {'beta': 2, 'threshold': 3}, lambda x: np_softplus(x, 2, 3)),
    ('softsign', {}, lambda x: x / (1 + np.abs(x))),
    ('hardtanh', {}, lambda x: np.clip(x, -1, 1)),
    ('hardtanh', {'min_val': -2, 'max_val': 0.5}, lambda x: np.clip(x, -2, 0.5)),
]
IDS = [f"{name}-{'-'.join(map(str, kw.values())) or 'default'}" for name, kw, _ in ELEMENTWISE]


@pytest.mark.parametrize('dtype', DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize('name,kwargs,reference', ELEMENTWISE, ids=IDS)
def test_elementwise_activation_against_reference(name, kwargs, reference, dtype):
    x = X.astype(dtype)
    expected = reference(X).astype(dtype)
    op = getattr(ops, name)

    def apply(x):
        return op(x, **kwargs)
    for result in (op(Tensor(x), **kwargs), autograph.jit(apply)(Tensor(x))):
        assert result.asnumpy().dtype == dtype
        np.testing.assert_allclose(result.asnumpy(), expected, rtol=RTOL[dtype], atol=RTOL[dtype])


def test_mindspore_documented_examples():
    """The examples of MindSpore's documentation of these ops (float32)."""
    def f32(values):
        return Tensor(np.array(values, np.float32))
    close = np.testing.assert_allclose
    close(ops.leaky_relu(f32([[-1.0, 4.0, -8.0], [2.0, -5.0, 9.0]])).asnumpy(),
          [[-0.2, 4.0, -1.6], [2.0, -1.0, 9.0]], rtol=1e-6)
    close(ops.gelu(f32([1.0, 2.0, 3.0])).asnumpy(), [0.8413447, 1.9544997, 2.9959505], rtol=1e-6)
    close(ops.softplus(f32([0.1, 0.2, 30, 25])).asnumpy(), [0.74439657, 0.7981388, 30.0, 25.0], rtol=1e-6)
    close(ops.hardtanh(f32([-1, -2, 0, 2, 1])).asnumpy(), [-1.0, -1.0, 0.0, 1.0, 1.0])
    close(ops.elu(f32([[-1.0, 4.0, -8.0], [2.0, -5.0, 9.0]])).asnumpy(),
          [[-0.63212055, 4.0, -0.99966455], [2.0, -0.99326205, 9.0]], rtol=1e-6)


def test_tensor_methods():
    x = Tensor(X)
    np.testing.assert_allclose(x.sigmoid().asnumpy(), np_sigmoid(X), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(x.relu().asnumpy(), np.maximum(X, 0))
    np.testing.assert_allclose(x.softmax(0).asnumpy(), np_softmax(X, 0), rtol=1e-12)
    np.testing.assert_allclose(x.logsumexp(1, keepdims=True).asnumpy(), np_logsumexp(X, 1, True), rtol=1e-12)


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match='approximate'):
        ops.gelu(Tensor(X), approximate='erf')


# ---------------------------------------------------------------- gradients at kinks
KINKS = [('relu', {}, [0.0], [0.0]),
         ('relu6', {}, [0.0, 6.0], [0.0, 0.0]),
         ('leaky_relu', {'alpha': 0.1}, [0.0], [0.1]),
         ('elu', {'alpha': 0.5}, [0.0], [0.5]),
         ('hardtanh', {}, [-1.0, 1.0], [0.0, 0.0]),
         ('hardtanh', {'min_val': 0.0, 'max_val': 2.0}, [0.0, 2.0], [0.0, 0.0])]


@pytest.mark.parametrize('name,kwargs,at,slope', KINKS, ids=[f'{k[0]}-{k[2]}' for k in KINKS])
def test_gradient_at_kinks_follows_the_usual_convention(name, kwargs, at, slope):
    op = getattr(ops, name)

    def total(x):
        return ops.sum(op(x, **kwargs))
    np.testing.assert_array_equal(autograph.grad(total)(np.array(at)), slope)


def softplus_total(x):
    return ops.sum(ops.softplus(x, beta=2, threshold=3))


def test_softplus_is_linear_beyond_the_threshold():
    x = np.array([1.6, 1.4, -0.3])                        # beta x = 3.2 > 3: the linear branch
    out = ops.softplus(Tensor(x), beta=2, threshold=3).asnumpy()
    assert out[0] == 1.6
    np.testing.assert_allclose(out[1:], np.log1p(np.exp(2 * x[1:])) / 2, rtol=1e-12)
    np.testing.assert_allclose(autograph.grad(softplus_total)(x), [1.0, *np_sigmoid(2 * x[1:])], rtol=1e-12)


def plain_softplus(x):
    return ops.softplus(x, 1.0, 20)


def test_default_softplus_params_stay_out_of_ir_and_code():
    fn = autograph.jit(plain_softplus)
    fn(Tensor(X))
    assert 'softplus(x)' in autograph.get_ir(fn)
    assert 'softplus(x)' in autograph.get_source(fn)


# ---------------------------------------------------------------- over an axis
CUBE = np.arange(24.0).reshape(2, 3, 4) / 5 - 2
AXES = [({}, -1), ({'axis': 0}, 0), ({'axis': -2}, 1), ({'dim': 1}, 1), ({'dim': -1}, -1)]


@pytest.mark.parametrize('dtype', DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize('kwargs,axis', AXES, ids=[str(a[0]) for a in AXES])
@pytest.mark.parametrize('name,reference', [('softmax', np_softmax),
                                            ('log_softmax', lambda x, a: np.log(np_softmax(x, a)))])
def test_softmax_family_axes(name, reference, kwargs, axis, dtype):
    x = CUBE.astype(dtype)
    op = getattr(ops, name)

    def apply(x):
        return op(x, **kwargs)
    expected = reference(CUBE, axis).astype(dtype)
    for result in (op(Tensor(x), **kwargs), autograph.jit(apply)(Tensor(x))):
        assert result.asnumpy().dtype == dtype
        np.testing.assert_allclose(result.asnumpy(), expected, rtol=RTOL[dtype], atol=RTOL[dtype])


LSE = [({'axis': 1}, 1, False), ({'dim': -1, 'keepdims': True}, 2, True),
       ({'axis': (0, 2), 'keep_dims': True}, (0, 2), True), ({'axis': [-1, 0], 'keepdim': False}, (0, 2), False),
       ({}, None, False), ({'axis': ()}, None, False)]


@pytest.mark.parametrize('dtype', DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize('kwargs,axis,keepdims', LSE, ids=[str(a[0]) for a in LSE])
def test_logsumexp_axes_and_keepdims(kwargs, axis, keepdims, dtype):
    x = CUBE.astype(dtype)

    def apply(x):
        return ops.logsumexp(x, **kwargs)
    expected = np_logsumexp(CUBE, axis, keepdims).astype(dtype)
    for result in (ops.logsumexp(Tensor(x), **kwargs), autograph.jit(apply)(Tensor(x))):
        assert result.shape == expected.shape and result.asnumpy().dtype == dtype
        np.testing.assert_allclose(result.asnumpy(), expected, rtol=RTOL[dtype])


def test_large_inputs_do_not_overflow():
    x = Tensor(np.array([[1000.0, 1001.0, -1000.0], [-np.inf, 0.0, 0.0]], np.float32))
    with np.errstate(over='raise', divide='raise', invalid='raise'):
        np.testing.assert_allclose(ops.softmax(x).asnumpy()[0], np_softmax(np.array([0.0, 1.0, -2000.0])),
                                   rtol=1e-6)
        np.testing.assert_allclose(ops.logsumexp(x, 1).asnumpy(), [1001 + np.log1p(np.exp(-1)), np.log(2)],
                                   rtol=1e-6)
        np.testing.assert_allclose(ops.log_softmax(x).asnumpy()[1, 1:], np.log([0.5, 0.5]), rtol=1e-6)
        assert np.isfinite(ops.sigmoid(Tensor(np.array([-1000.0, 1000.0]))).asnumpy()).all()
        assert np.isfinite(ops.softplus(Tensor(np.array([-1000.0, 1000.0]))).asnumpy()).all()


def test_softmax_dtype_casts_first():
    out = ops.softmax(Tensor(CUBE.astype(np.float32)), dtype=autograph.float64)
    assert out.dtype == autograph.float64


def test_axis_given_twice_is_an_error():
    with pytest.raises(TypeError, match='more than once'):
        ops.softmax(Tensor(CUBE), axis=0, dim=0)


def softmax_axis_2(x):
    return ops.softmax(x, axis=2)


def logsumexp_axis_minus_3(x):
    return ops.logsumexp(x, -3)


@pytest.mark.parametrize('fn,axis', [(softmax_axis_2, 'axis 2'), (logsumexp_axis_minus_3, 'axis -3')])
def test_bad_axis_is_a_compile_error(fn, axis):
    with pytest.raises(autograph.CompileError, match=f'{axis} is out of bounds.*dimension 2'):
        autograph.jit(fn)(Tensor(X))


# ---------------------------------------------------------------- gradients of small networks
def mlp(x, w1, w2, labels):
    h = ops.gelu(x @ w1) + ops.silu(x @ w1) * 0.5 + ops.elu(x @ w1, 0.7) + ops.leaky_relu(x @ w1)
    h = ops.softsign(h) + ops.hardtanh(h, -0.8, 0.8) + ops.relu6(h * 4) + ops.softplus(h, 2, 3)
    logits = ops.gelu(h, approximate='tanh') @ w2
    return -ops.mean(ops.sum(labels * ops.log_softmax(logits, -1), -1))


def np_mlp(x, w1, w2, labels):
    a = x @ w1
    h = (0.5 * a * (1 + np_erf(a / np.sqrt(2))) + a * np_sigmoid(a) * 0.5 + np.where(a > 0, a, 0.7 * np.expm1(a))
         + np.where(a > 0, a, 0.2 * a))
    h = h / (1 + np.abs(h)) + np.clip(h, -0.8, 0.8) + np.clip(4 * h, 0, 6) + np_softplus(h, 2, 3)
    logits = np_gelu_tanh(h) @ w2
    return -np.mean(np.sum(labels * np.log(np_softmax(logits, -1)), -1))


def attention(q, k, v):
    scores = ops.softmax(q @ ops.transpose(k) / 2.0, dim=-1)
    return ops.sum(ops.sigmoid(scores @ v)) + ops.sum(ops.logsumexp(q, 0, keepdims=True) * k[:1])


def np_attention(q, k, v):
    scores = np_softmax(q @ k.T / 2.0, -1)
    return np.sum(np_sigmoid(scores @ v)) + np.sum(np_logsumexp(q, 0, True) * k[:1])


rng = np.random.default_rng(7)
MLP_ARGS = (rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(5, 3)),
            np.eye(3)[[0, 2, 1, 2]])
ATTENTION_ARGS = (rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))


@pytest.mark.parametrize('fn,reference,args,positions', [
    (mlp, np_mlp, MLP_ARGS, (0, 1, 2)),
    (attention, np_attention, ATTENTION_ARGS, (0, 1, 2)),
], ids=['mlp', 'attention'])
def test_network_gradients_match_central_differences(fn, reference, args, positions):
    np.testing.assert_allclose(autograph.jit(fn)(*args), reference(*args), rtol=1e-12)
    grads = autograph.grad(fn, positions)(*args)
    for got, want in zip(grads, central_difference_at(reference, args, positions)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_float32_network_gradients_stay_float32():
    args = tuple(a.astype(np.float32) for a in MLP_ARGS)
    grads = autograph.grad(mlp, (1, 2))(*args)
    want = autograph.grad(mlp, (1, 2))(*MLP_ARGS)
    for got, ref in zip(grads, want):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- generated code reads back
def activations_with_params(x):
    h = ops.leaky_relu(x, 0.05) + ops.elu(x, 0.5) + ops.softplus(x, beta=2) + ops.hardtanh(x, -2, 2)
    return ops.sum(ops.gelu(h, 'tanh') * ops.logsumexp(x, 1, keep_dims=True) + ops.softmax(x, 0))


def test_generated_code_compiles_again(tmp_path):
    x = X[:, :3]
    fn = autograph.grad(activations_with_params)
    expected = fn(x)
    path = tmp_path / 'generated.py'
    path.write_text(autograph.get_source(fn))
    namespace = {}
    exec(compile(path.read_text(), str(path), 'exec'), namespace)
    generated = namespace[fn.last.generated.name]
    np.testing.assert_allclose(generated(x), expected, rtol=1e-12)
    np.testing.assert_allclose(autograph.jit(generated)(x), expected, rtol=1e-12)
