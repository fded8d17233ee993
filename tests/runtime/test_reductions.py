"""Reductions and scans against NumPy: eager and compiled, float32 and float64, the MindSpore
spellings, Tensor methods and NumPy functions; compile-time axis errors; gradients of composite
functions (ties, zeros, a zero norm) against finite differences."""
import importlib.util

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from runtime import primitives
from runtime.primitive import REGISTRY, Primitive
from runtime.primitives import reductions
from tests.numerics import central_difference, central_difference_at
from tests.runtime.test_primitives import make_loss

RNG = np.random.default_rng(7)
X = RNG.uniform(-2, 2, (3, 4, 5))
MODES = ['eager', 'compiled']


def op_fn(op, **kwargs):
    def f(x):
        return op(x, **kwargs)
    return f


def run(fn, mode, *arrays):
    args = [Tensor(a) for a in arrays]
    out = fn(*args) if mode == 'eager' else autograph.jit(fn)(*args)
    return out


def check(got, want, dtype):
    got = np.asarray(got.asnumpy() if isinstance(got, Tensor) else got)
    assert got.shape == np.shape(want)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


REDUCTIONS = [
    (ops.sum, {}, lambda x: np.sum(x)),
    (ops.sum, {'dim': 1}, lambda x: np.sum(x, 1)),
    (ops.sum, {'axis': (0, -1), 'keepdims': True}, lambda x: np.sum(x, (0, 2), keepdims=True)),
    (ops.sum, {'axis': ()}, lambda x: x),
    (ops.mean, {'axis': -2, 'keep_dims': True}, lambda x: np.mean(x, 1, keepdims=True)),
    (ops.mean, {'dim': (1, 2), 'keepdim': True}, lambda x: np.mean(x, (1, 2), keepdims=True)),
    (ops.prod, {'axis': 2}, lambda x: np.prod(x, 2)),
    (ops.prod, {'dim': (0, 1), 'keepdims': True}, lambda x: np.prod(x, (0, 1), keepdims=True)),
    (ops.amax, {}, lambda x: np.max(x)),
    (ops.amax, {'axis': (0, 2), 'keepdims': True}, lambda x: np.max(x, (0, 2), keepdims=True)),
    (ops.amin, {'dim': -1}, lambda x: np.min(x, -1)),
    (ops.amax, {'axis': 1, 'initial': 1.5}, lambda x: np.max(x, 1, initial=1.5)),
    (ops.argmax, {'dim': 1}, lambda x: np.argmax(x, 1)),
    (ops.argmax, {}, lambda x: np.argmax(x)),
    (ops.argmin, {'axis': -1, 'keepdims': True}, lambda x: np.argmin(x, -1, keepdims=True)),
    (ops.var, {}, lambda x: np.var(x)),
    (ops.var, {'axis': 1, 'ddof': 1, 'keepdims': True}, lambda x: np.var(x, 1, ddof=1, keepdims=True)),
    (ops.var, {'dim': (0, 2), 'correction': 1}, lambda x: np.var(x, (0, 2), ddof=1)),
    (ops.std, {'axis': 0, 'ddof': True}, lambda x: np.std(x, 0, ddof=1)),
    (ops.std, {'dim': -1, 'keepdim': True}, lambda x: np.std(x, -1, keepdims=True)),
    (ops.norm, {}, lambda x: np.linalg.norm(x.ravel())),
    (ops.norm, {'dim': 1}, lambda x: np.linalg.norm(x, axis=1)),
    (ops.norm, {'ord': 1, 'dim': -1, 'keepdim': True}, lambda x: np.linalg.norm(x, 1, -1, keepdims=True)),
    (ops.norm, {'ord': float('inf'), 'dim': 0}, lambda x: np.linalg.norm(x, np.inf, 0)),
    (ops.norm, {'ord': -float('inf'), 'dim': 0}, lambda x: np.linalg.norm(x, -np.inf, 0)),
    (ops.norm, {'ord': 3, 'dim': 2}, lambda x: np.linalg.norm(x, 3, 2)),
    (ops.norm, {'ord': 0, 'dim': 2}, lambda x: np.linalg.norm(x, 0, 2)),
    (ops.norm, {'dim': (0, 2)}, lambda x: np.sqrt(np.sum(x * x, (0, 2)))),
    (ops.norm, {'ord': 'fro', 'dim': (1, 2), 'keepdim': True}, lambda x: np.linalg.norm(x, 'fro', (1, 2), True)),
    (ops.norm, {'ord': 1, 'dim': (0, 2)}, lambda x: np.linalg.norm(x, 1, (0, 2))),
    (ops.norm, {'ord': float('inf'), 'dim': (2, 1)}, lambda x: np.linalg.norm(x, np.inf, (2, 1))),
    (ops.norm, {'ord': -1, 'dim': (0, 1), 'keepdim': True}, lambda x: np.linalg.norm(x, -1, (0, 1), True)),
    (ops.cumsum, {'axis': 1}, lambda x: np.cumsum(x, 1)),
    (ops.cumsum, {'dim': -1}, lambda x: np.cumsum(x, -1)),
    (ops.cumsum, {}, lambda x: np.cumsum(x)),
    (ops.cumprod, {'dim': 2}, lambda x: np.cumprod(x, 2)),
    (ops.cumprod, {'axis': 0}, lambda x: np.cumprod(x, 0)),
]


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('op,kwargs,reference', REDUCTIONS,
                         ids=[f"{op.__name__}-{i}" for i, (op, _, _) in enumerate(REDUCTIONS)])
def test_reduction_against_numpy(op, kwargs, reference, dtype, mode):
    x = X.astype(dtype)
    got = run(op_fn(op, **kwargs), mode, x)
    want = reference(x.astype(np.float64))
    check(got, want, dtype)
    if np.issubdtype(np.asarray(want).dtype, np.floating):
        assert got.asnumpy().dtype == dtype


@pytest.mark.parametrize('mode', MODES)
def test_max_and_min_return_values_and_indices(mode):
    x = X.astype(np.float32)
    values, indices = run(op_fn(ops.max, axis=1, keepdims=True), mode, x)
    check(values, np.max(x, 1, keepdims=True), np.float32)
    np.testing.assert_array_equal(indices.asnumpy(), np.argmax(x, 1)[:, None])
    values, indices = run(op_fn(ops.min, dim=-1), mode, x)
    check(values, np.min(x, -1), np.float32)
    np.testing.assert_array_equal(indices.asnumpy(), np.argmin(x, -1))
    # Without an axis MindSpore 2.x returns the extreme of all elements and the index 0.
    value, index = run(op_fn(ops.max), mode, x)
    check(value, np.max(x), np.float32)
    assert index.asnumpy() == 0 and index.asnumpy().dtype == np.int64


def test_max_with_where_and_initial():
    x = X[0].astype(np.float64)
    where = x < 1.0
    values, _ = ops.max(Tensor(x), 1, initial=-5.0, where=Tensor(where))
    np.testing.assert_allclose(values.asnumpy(), np.max(x, 1, initial=-5.0, where=where))


@pytest.mark.parametrize('mode', MODES)
def test_tensor_methods(mode):
    def f(x):
        return (x.sum(1), x.mean(axis=0, keep_dims=True), x.prod(), x.max(), x.min(axis=2),
                x.max(axis=1, return_indices=True)[1], x.argmax(axis=0), x.argmin(),
                x.var(ddof=1), x.std(axis=1), x.norm(dim=2), x.cumsum(axis=1), x.cumprod(0),
                x.amax(axis=(0, 1)), x.amin())
    x = X.astype(np.float64)
    got = f(Tensor(x)) if mode == 'eager' else autograph.jit(f)(Tensor(x))
    want = (np.sum(x, 1), np.mean(x, 0, keepdims=True), np.prod(x), np.max(x), np.min(x, 2),
            np.argmax(x, 1), np.argmax(x, 0), np.argmin(x), np.var(x, ddof=1), np.std(x, 1),
            np.linalg.norm(x, axis=2), np.cumsum(x, 1), np.cumprod(x, 0), np.max(x, (0, 1)), np.min(x))
    for g, w in zip(got, want):
        check(g, w, np.float64)


def numpy_code(x):
    centered = (x - np.mean(x, axis=0, keepdims=True)) / np.std(x, axis=0, ddof=1)
    peak = np.max(x, axis=1) + np.min(x, axis=(0, 2)).sum() + np.amax(x) - np.amin(x, 0).mean()
    return (np.sum(centered ** 2 * np.cumsum(x, axis=2)) + np.linalg.norm(x, axis=2).sum()
            + np.prod(x, axis=1).sum() + peak.sum() + np.var(x) + np.cumprod(x, axis=-1).sum()
            + np.sum(x, axis=1, keepdims=True).mean())


def test_numpy_functions_compile_and_differentiate():
    x = X.copy()
    value, grad = autograph.value_and_grad(numpy_code)(x)
    np.testing.assert_allclose(value.asnumpy() if isinstance(value, Tensor) else value, numpy_code(x), rtol=1e-12)
    expected = central_difference(numpy_code, x)
    np.testing.assert_allclose(np.asarray(grad), expected, rtol=1e-6, atol=1e-7)


def numpy_argmax(x):
    return np.argmax(x, axis=1), np.argmin(x)


def test_numpy_argmax_is_not_differentiated():
    idx, flat = autograph.jit(numpy_argmax)(X)
    np.testing.assert_array_equal(np.asarray(idx), np.argmax(X, 1))
    assert int(np.asarray(flat)) == np.argmin(X)


# ---------------------------------------------------------------- gradients of composites
def grad_check(f, *arrays):
    positions = tuple(range(len(arrays)))
    got = autograph.grad(f, positions)(*arrays)
    got = got if isinstance(got, tuple) else (got,)
    want = central_difference_at(f, arrays, positions)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-6, atol=1e-8)


def layer_norm_loss(x, w):
    normalized = (x - ops.mean(x, -1, keep_dims=True)) / ops.sqrt(ops.var(x, -1, keepdims=True) + 1e-5)
    return ops.sum(normalized * w)


def log_sum_exp(x):
    top = ops.amax(x, axis=1, keepdims=True)
    return ops.sum(top + ops.log(ops.sum(ops.exp(x - top), 1, keepdim=True)))


def products(x):
    return ops.sum(ops.prod(x, 1) * 1.5) + ops.sum(ops.cumprod(x, 1) * x)


def norms(x):
    return ops.norm(x) + ops.sum(ops.norm(x, 1, 1)) + ops.sum(ops.norm(x, float('inf'), 0)) \
        + ops.sum(ops.std(x, 0))


def test_layer_norm_gradient():
    grad_check(layer_norm_loss, X[0].copy(), RNG.uniform(-1, 1, (4, 5)))


def test_log_sum_exp_gradient_with_ties():
    x = np.array([[1.0, 3.0, 3.0, -1.0], [0.5, 0.2, 0.5, 0.1]])
    grad_check(log_sum_exp, x)


def test_ties_share_the_gradient_evenly():
    g = autograph.grad(op_fn(ops.amax))(np.array([[1.0, 4.0], [4.0, 2.0]]))
    np.testing.assert_array_equal(np.asarray(g), [[0, 0.5], [0.5, 0]])


def test_prod_and_cumprod_gradients_with_zeros():
    x = np.array([[0.0, 1.5, -2.0, 0.5], [0.0, 0.0, 1.2, 3.0], [0.7, -1.1, 0.9, 1.3]])
    grad_check(products, x)
    g = autograph.grad(op_fn(ops.prod))(np.array([2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(np.asarray(g), [0.0, 6.0, 0.0])


def test_norm_gradients():
    grad_check(norms, X[1].copy())


def test_norm_gradient_at_zero_is_zero():
    for ord in (None, 1, 3):
        g = autograph.grad(op_fn(ops.norm, ord=ord, dim=1))(np.zeros((2, 3)))
        np.testing.assert_array_equal(np.asarray(g), np.zeros((2, 3)))


def cumprod_sum(x):
    return ops.sum(ops.cumprod(x, 0))


cumprod_sum_grad = autograph.grad(cumprod_sum)


def second_derivative(x):
    return ops.sum(cumprod_sum_grad(x) * np.arange(4.0))


def test_cumprod_second_derivative_with_a_zero():
    x = np.array([0.5, 0.0, 2.0, 1.5])
    grad_check(second_derivative, x)


# ---------------------------------------------------------------- errors
def sum_axis_3(x):
    return ops.sum(x, 3)


def argmax_tuple(x):
    return ops.argmax(x, (0, 1))


def norm_of_3d(x):
    return ops.norm(x, ord=1)


def spectral_norm(x):
    return ops.norm(x, 2, (0, 1))


@pytest.mark.parametrize('fn,words', [(sum_axis_3, ['axis 3', 'dimension 2']),
                                      (argmax_tuple, ['(0, 1)']),
                                      (norm_of_3d, ['3-D']),
                                      (spectral_norm, ['ord=2', 'not supported'])])
def test_compile_errors_name_the_axis(fn, words):
    x = X[0] if fn is not norm_of_3d else X
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(fn)(Tensor(x))
    for word in words:
        assert word in str(info.value)


def test_eager_axis_error_is_a_value_error():
    with pytest.raises(ValueError, match='axis 3'):
        ops.mean(Tensor(X[0]), 3)


# ---------------------------------------------------------------- generated code reads back
def family_cases(module):
    """(name, sample index) of every primitive a family module defines."""
    names = sorted({p.name for p in vars(module).values() if isinstance(p, Primitive)})
    return [(name, i) for name in names for i in range(len(REGISTRY[name].samples))]


def check_reads_back(name, sample, tmp_path):
    """The gradient (or, if there is none, the value) of a primitive's sample compiles to source
    that autograph compiles again to the same results: params left out of generated code because
    they equal the kernel's defaults mean the same to the primitive."""
    prim = REGISTRY[name]
    inputs, params = REGISTRY[name].samples[sample]
    inputs = [np.array(x) for x in inputs]
    cotangent = np.random.default_rng(sample).uniform(0.5, 1.5, np.shape(prim.kernel(*inputs, **params)))
    loss = make_loss(prim, params, cotangent)
    positions = tuple(i for i, x in enumerate(inputs) if x.dtype.kind == 'f')
    fn = autograph.grad(loss, positions) if prim.differentiable and positions else autograph.jit(loss)
    expected = fn(*inputs)
    path = tmp_path / f'generated_{name}_{sample}.py'
    path.write_text(autograph.get_source(fn))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = getattr(module, fn.last.generated.name)
    again = autograph.jit(generated)(*inputs, *[np.asarray(p) for p in fn.last.implicit])
    expected, again = (expected, again) if isinstance(expected, tuple) else ((expected,), (again,))
    for a, b in zip(again, expected):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12)


@pytest.mark.parametrize('name,sample', family_cases(reductions))
def test_generated_code_reads_back(name, sample, tmp_path):
    check_reads_back(name, sample, tmp_path)


@pytest.mark.parametrize('name', ['all', 'any'])
@pytest.mark.parametrize('axis, keep', [(None, False), (0, False), (1, True), ((0, 1), False)])
def test_all_and_any_eagerly_compiled_and_as_numpy(name, axis, keep):
    data = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, -1.0]])
    want = getattr(np, name)(data != 0, axis=axis, keepdims=keep)
    op = getattr(autograph.ops, name)
    np.testing.assert_array_equal(op(Tensor(data), axis, keep).asnumpy(), want)
    np.testing.assert_array_equal(getattr(Tensor(data), name)(axis, keep).asnumpy(), want)
    compiled = autograph.jit(_all_any_user)
    np.testing.assert_array_equal(compiled(data, name, axis, keep), want)


def _all_any_user(x, name, axis, keep):
    if name == 'all':
        return ops.all(x, axis, keep) if axis is not None else np.all(x, keepdims=keep)
    return ops.any(x, axis, keep) if axis is not None else np.any(x, keepdims=keep)
