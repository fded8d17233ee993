"""Indexing ops against NumPy references: eager and compiled, float32 and float64, repeated and
negative indices, MindSpore spellings, Tensor methods and NumPy functions; compile-time errors;
gradients (repeated indices accumulate) and a second derivative against finite differences."""
import importlib.util

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from runtime.primitives import indexing
from tests.numerics import central_difference, central_difference_at
from tests.runtime.test_reductions import check_reads_back, family_cases

RNG = np.random.default_rng(5)
X = RNG.uniform(-2, 2, (4, 3, 5))
IDX = np.array([[2, 0], [2, -1]])                    # repeated and negative
TWO, ON, OFF = (Tensor(np.float64(v)) for v in (2.0, 0.9, 0.1))
MODES = ['eager', 'compiled']


def gather_axis1(x, i): return ops.gather(x, i, 1), x.gather(i, -1)
def gather_batch(x, i): return ops.gather(x, ops.reshape(i, (4, 1)), 2, batch_dims=1)
def select(x, i): return ops.index_select(x, 0, ops.reshape(i, (4,))), x.index_select(2, ops.reshape(i, (-1,)))
def gather_rows(x, i): return ops.gather_nd(x, i), x.gather_nd(ops.reshape(i, (4, 1)))
def elements(x, i): return ops.gather_elements(x, 2, ops.broadcast_to(ops.reshape(i, (1, 1, 4)), (4, 3, 4)))
def fill(x, i): return ops.masked_fill(x, x > 0.5, -1.0), x.masked_fill(ops.less(x, 0), TWO)
def scatter(x, i): return ops.scatter_add(x, i, ops.ones((2, 2, 3, 5), x.dtype))
def index_add(x, i): return ops.index_add(x, ops.reshape(i, (4,)), ops.ones((4, 4, 5), x.dtype), -2)


def scatter_rows(x, i):
    updates = ops.ones((2, 5), x.dtype)
    return ops.tensor_scatter_add(x, i, updates), x.tensor_scatter_add(i, updates * 2)


DISTINCT = Tensor(np.array([[[0, 3]]]))


def scatter_elements(x, i):
    index = ops.broadcast_to(ops.reshape(i, (1, 1, 4)), (2, 3, 4))
    src = ops.ones((2, 3, 4), x.dtype)
    return (ops.tensor_scatter_elements(x, index, src, axis=2, reduction='add'), x.scatter_add(2, index, src),
            ops.tensor_scatter_elements(x, DISTINCT, ops.ones((1, 1, 2), x.dtype) * 7, -1))


def take_along(a, idx, axis):
    return np.take_along_axis(a, idx, axis)


def added(x, where, values, axis=0):
    out = x.copy()
    np.add.at(out, where if isinstance(where, tuple) else (slice(None),) * axis + (where,), values)
    return out


def assigned_elements(x, idx, value):
    out = x.copy()
    out[0, 0, idx] = value
    return out


def elementwise_added(x, idx, axis):
    out = x.copy()
    index = list(np.indices(idx.shape, sparse=True))
    index[axis] = idx
    np.add.at(out, tuple(index), 1)
    return out


CASES = [
    (gather_axis1, lambda x, i: (np.take(x, i, 1), np.take(x, i, 2))),
    (gather_batch, lambda x, i: np.stack([x[b][:, i.reshape(4, 1)[b]] for b in range(4)])),
    (select, lambda x, i: (x[i.reshape(4)], x[:, :, i.reshape(4)])),
    (gather_rows, lambda x, i: (x[i[:, 0], i[:, 1]], x[i.reshape(4)])),
    (elements, lambda x, i: take_along(x, np.broadcast_to(i.reshape(1, 1, 4), (4, 3, 4)), 2)),
    (fill, lambda x, i: (np.where(x > 0.5, -1.0, x), np.where(x < 0, 2.0, x))),
    (scatter, lambda x, i: added(x, i, np.ones((2, 2, 3, 5)))),
    (index_add, lambda x, i: added(x, i.reshape(4), np.ones((4, 4, 5)), 1)),
    (scatter_rows, lambda x, i: (added(x, (i[:, 0], i[:, 1]), np.ones((2, 5))),
                                 added(x, (i[:, 0], i[:, 1]), 2 * np.ones((2, 5))))),
    (scatter_elements, lambda x, i: (elementwise_added(x, np.broadcast_to(i.reshape(1, 1, 4), (2, 3, 4)), 2),) * 2
     + (assigned_elements(x, [0, 3], 7.0),)),
]


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('fn,reference', CASES, ids=[fn.__name__ for fn, _ in CASES])
def test_indexing_op_against_numpy(fn, reference, dtype, mode):
    x = X.astype(dtype)
    args = (Tensor(x), Tensor(IDX))
    got = fn(*args) if mode == 'eager' else autograph.jit(fn)(*args)
    want = reference(x, IDX)
    got, want = (got, want) if isinstance(want, tuple) else ((got,), (want,))
    for g, w in zip(got, want):
        assert g.asnumpy().dtype == dtype
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-6)


@pytest.mark.parametrize('mode', MODES)
def test_one_hot(mode):
    def encode(i):
        return (ops.one_hot(i, 3), ops.one_hot(i, 4, ON, OFF, axis=0),
                ops.one_hot(i, 2, 5, -1))
    labels = np.array([[0, 2], [2, -1]])
    plain, smooth, signed = encode(Tensor(labels)) if mode == 'eager' else autograph.jit(encode)(Tensor(labels))
    eye = np.eye(4)
    expected = np.stack([eye[l] if 0 <= l < 4 else np.zeros(4) for l in labels.ravel()]).reshape(2, 2, 4)
    np.testing.assert_array_equal(plain.asnumpy(), expected[..., :3])
    assert plain.asnumpy().dtype == np.float32
    np.testing.assert_allclose(smooth.asnumpy(), np.moveaxis(expected * 0.8 + 0.1, -1, 0))
    assert smooth.asnumpy().dtype == np.float64
    np.testing.assert_array_equal(signed.asnumpy(), expected[..., :2] * 6 - 1)


PICK = np.array([[0, 2, 2], [1, 1, 0]])


def numpy_code(x, w):
    rows = np.take(w, [1, 1, 0, 2], axis=0)
    picked = np.take_along_axis(x, PICK, axis=1)
    flat = np.take(x, [5, 5, -1])
    return np.sum(rows * rows) + np.sum(picked ** 3) + np.sum(flat)


def test_numpy_functions_compile_and_differentiate():
    x, w = RNG.uniform(-1, 1, (2, 3)), RNG.uniform(-1, 1, (3, 4))
    value, grads = autograph.value_and_grad(numpy_code, (0, 1))(x, w)
    np.testing.assert_allclose(np.asarray(value), numpy_code(x, w), rtol=1e-12)
    for got, want in zip(grads, central_difference(numpy_code, x, w)):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- gradients of composites
def embedding_loss(table, ids, weights):
    """An embedding lookup with repeated ids: the table's gradient accumulates per id."""
    vectors = ops.gather(table, ids, 0)
    pooled = ops.sum(vectors * ops.expand_dims(weights, -1), 1)
    return ops.sum(ops.tanh(pooled)) + ops.sum(ops.gather_nd(table, ops.reshape(ids, (6, 1))) ** 2)


def scatter_loss(x, updates, grid):
    scattered = ops.tensor_scatter_elements(x, grid, updates, axis=1, reduction='add')
    assigned = ops.tensor_scatter_elements(x, grid, updates * 2.0, axis=1)
    rows = ops.scatter_add(x, ops.reshape(grid, (6,)), ops.broadcast_to(ops.reshape(updates, (6, 1)), (6, 4)))
    filled = ops.masked_fill(x, x > 0.3, ops.sum(updates))
    picked = ops.gather_elements(scattered, 1, grid)
    return (ops.sum(scattered ** 2) + ops.sum(assigned * x) + ops.sum(rows ** 3) + ops.sum(filled * x)
            + ops.sum(picked * updates) + ops.sum(ops.tensor_scatter_add(x, ops.reshape(grid, (6, 1)), rows * 0.5)))


def test_embedding_gradient_with_repeated_ids():
    table, weights = RNG.uniform(-1, 1, (5, 3)), RNG.uniform(-1, 1, (2, 3))
    ids = np.array([[1, 1, 4], [0, 1, 4]])
    got = autograph.grad(embedding_loss, (0, 2))(table, ids, weights)
    want = central_difference_at(embedding_loss, (table, ids, weights), (0, 2))
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-6, atol=1e-8)


def test_scatter_gradients():
    x, updates = RNG.uniform(-1, 1, (6, 4)), RNG.uniform(-1, 1, (2, 3))
    grid = np.array([[0, 3, 3], [1, 1, 2]])
    got = autograph.grad(scatter_loss, (0, 1))(x, updates, grid)
    want = central_difference_at(scatter_loss, (x, updates, grid), (0, 1))
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-6, atol=1e-8)


def gather_cubed(table, ids):
    return ops.sum(ops.gather(table, ids, 1) ** 3)


gather_cubed_grad = autograph.grad(gather_cubed)


def second_derivative(table, ids):
    return ops.sum(gather_cubed_grad(table, ids) * table)


def test_second_derivative_through_gather():
    table, ids = RNG.uniform(-1, 1, (2, 4)), np.array([3, 3, 0])
    got = autograph.grad(second_derivative)(table, ids)
    (want,) = central_difference_at(second_derivative, (table, ids), (0,))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-8)


def test_generated_code_compiles_again(tmp_path):
    """The adjoint kernels appear in generated code, which autograph reads back."""
    table, weights, ids = RNG.uniform(-1, 1, (5, 3)), RNG.uniform(-1, 1, (2, 3)), np.array([[1, 1, 4], [0, 1, 4]])
    grad = autograph.grad(embedding_loss, (0, 2))
    expected = grad(table, ids, weights)
    source = autograph.get_source(grad)
    assert 'index_add_axis(' in source and 'tensor_scatter_add(' in source
    path = tmp_path / 'generated_embedding.py'
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    again = autograph.jit(getattr(module, grad.last.generated.name))(table, ids, weights)
    for a, b in zip(again, expected):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12)


# ---------------------------------------------------------------- errors
def float_indices(x): return ops.gather(x, x, 0)
def bad_axis(x): return ops.gather(x, [0], 3)
def bad_rows(x): return ops.gather_nd(x, [[0, 0, 0, 0]])
def bad_updates(x): return ops.scatter_add(x, [0, 1], ops.ones((3, 3, 5), x.dtype))
def bad_elements(x): return ops.gather_elements(x, 1, FIVES)


FIVES = Tensor(np.zeros((5, 3, 5), np.int64))


@pytest.mark.parametrize('fn,words', [
    (float_indices, ['integers']), (bad_axis, ['axis 3', 'dimension 3']), (bad_rows, ['length 4', '(4, 3, 5)']),
    (bad_updates, ['(3, 3, 5)', '(2, 3, 5)']), (bad_elements, ['(5, 3, 5)', '(4, 3, 5)'])])
def test_compile_errors_name_shapes(fn, words):
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(fn)(Tensor(X))
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize('name,sample', family_cases(indexing))
def test_generated_code_reads_back(name, sample, tmp_path):
    check_reads_back(name, sample, tmp_path)
