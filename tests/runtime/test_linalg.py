"""Linear-algebra ops: forward results against NumPy (eagerly on Tensors and compiled, float32 and
float64), Tensor methods and NumPy spellings, compile-time shape errors, and gradients of
composite functions against central differences in float64."""
import importlib.util

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from tests.numerics import central_difference, central_difference_at

RNG = np.random.default_rng(0)


def rand(*shape):
    return RNG.standard_normal(shape)


def spd(n, *batch):
    """Symmetric positive-definite n x n matrices, of shape batch + (n, n)."""
    a = rand(*batch, n, n)
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


# ---------------------------------------------------------------- forward: ops against NumPy
A23, B34, V3 = rand(2, 3), rand(3, 4), rand(3)
T234, T542 = rand(2, 3, 4), rand(5, 4, 2)
S3, SB = spd(3), spd(3, 2)

FORWARD = [  # (id, op, params, inputs, NumPy reference)
    ('matmul', ops.matmul, {}, (A23, B34), np.matmul),
    ('matmul-batch', ops.matmul, {}, (T234, rand(4, 2)), np.matmul),
    ('dot-2d', ops.dot, {}, (A23, B34), np.dot),
    ('dot-nd', ops.dot, {}, (T234, T542), np.dot),
    ('dot-vector', ops.dot, {}, (T234, rand(4)), np.dot),
    ('outer', ops.outer, {}, (V3, rand(4)), np.outer),
    ('tensor_dot-int', ops.tensor_dot, {'axes': 1}, (A23, B34), lambda a, b: np.tensordot(a, b, 1)),
    ('tensor_dot-pair', ops.tensor_dot, {'axes': ((0, 1), (1, 2))}, (rand(1, 2, 3), rand(3, 1, 2)),
     lambda a, b: np.tensordot(a, b, ((0, 1), (1, 2)))),
    ('tensor_dot-negative', ops.tensor_dot, {'axes': ([-1], [0])}, (T234, rand(4, 5)),
     lambda a, b: np.tensordot(a, b, ([-1], [0]))),
    ('inverse', ops.inverse, {}, (S3,), np.linalg.inv),
    ('inverse-batch', ops.inverse, {}, (SB,), np.linalg.inv),
    ('det', ops.det, {}, (S3,), np.linalg.det),
    ('matrix_determinant', ops.matrix_determinant, {}, (SB,), np.linalg.det),
    ('matrix_solve', ops.matrix_solve, {}, (S3, rand(3, 2)), np.linalg.solve),
    ('matrix_solve-adjoint', ops.matrix_solve, {'adjoint': True}, (S3 + np.triu(S3), rand(3, 2)),
     lambda a, b: np.linalg.solve(a.T, b)),
    ('cholesky', ops.cholesky, {}, (S3,), np.linalg.cholesky),
    ('cholesky-upper', ops.cholesky, {'upper': True}, (SB,), lambda a: np.linalg.cholesky(a, upper=True)),
    ('trace', ops.trace, {}, (A23,), np.trace),
    ('diag-vector', ops.diag, {}, (V3,), np.diag),
    ('diag-matrix', ops.diag, {}, (A23,), lambda a: np.einsum('ij,ik,jl->ijkl', a, np.eye(2, dtype=a.dtype), np.eye(3, dtype=a.dtype))),
    ('diagonal', ops.diagonal, {}, (B34,), np.diagonal),
    ('diagonal-offset', ops.diagonal, {'offset': -1}, (B34,), lambda a: np.diagonal(a, -1)),
    ('diagonal-dims', ops.diagonal, {'offset': 1, 'dim1': 1, 'dim2': 0}, (B34,), lambda a: np.diagonal(a.T, 1)),
]

EINSUM = [  # (equation, operand shapes)
    ('ij,jk->ik', [(2, 3), (3, 4)]),
    ('ij,jk', [(2, 3), (3, 4)]),
    ('bij,bjk->bik', [(2, 2, 3), (2, 3, 4)]),
    ('i,i->', [(3,), (3,)]),
    ('ij->ji', [(2, 3)]),
    ('ba', [(2, 3)]),
    ('ij->', [(2, 3)]),
    ('...ij,...jk->...ik', [(2, 2, 3), (3, 4)]),
    ('...i,...i', [(2, 3), (3,)]),
    ('ij,ij->ij', [(1, 3), (2, 3)]),
    ('i j , j k -> i k', [(2, 3), (3, 4)]),
    ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]),
]


def _agree(op, params, inputs, reference, dtype, lead=()):
    """op(*lead, *inputs, **params) eagerly on Tensors and compiled equals reference(*inputs)."""
    inputs = [np.asarray(x, dtype) for x in inputs]
    expected = reference(*inputs)
    rtol = 1e-4 if dtype == np.float32 else 1e-10

    def f(*xs):
        return op(*lead, *xs, **params)

    eager = op(*lead, *[Tensor(x) for x in inputs], **params)
    result = autograph.jit(f)(*[Tensor(x) for x in inputs])
    for got in (eager, result):
        assert isinstance(got, Tensor) and got.asnumpy().dtype == expected.dtype
        np.testing.assert_allclose(got.asnumpy(), expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('name,op,params,inputs,reference', FORWARD, ids=[c[0] for c in FORWARD])
def test_forward_matches_numpy(name, op, params, inputs, reference, dtype):
    _agree(op, params, inputs, reference, dtype)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('equation,shapes', EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum_matches_numpy(equation, shapes, dtype):
    operands = [rand(*s) for s in shapes]
    _agree(ops.einsum, {}, operands, lambda *xs: np.einsum(equation, *xs), dtype, lead=(equation,))


def test_matmul_operator_and_tensor_methods():
    a, b, s = Tensor(A23), Tensor(B34), Tensor(S3)
    np.testing.assert_allclose((a @ b).asnumpy(), A23 @ B34)
    np.testing.assert_allclose(a.matmul(b).asnumpy(), A23 @ B34)
    np.testing.assert_allclose(a.dot(b).asnumpy(), A23 @ B34)
    np.testing.assert_allclose(Tensor(V3).outer(Tensor(V3)).asnumpy(), np.outer(V3, V3))
    np.testing.assert_allclose(s.inverse().asnumpy(), np.linalg.inv(S3))
    np.testing.assert_allclose(s.det().asnumpy(), np.linalg.det(S3))
    np.testing.assert_allclose(s.cholesky().asnumpy(), np.linalg.cholesky(S3))
    np.testing.assert_allclose(s.trace().asnumpy(), np.trace(S3))
    np.testing.assert_allclose(Tensor(V3).diag().asnumpy(), np.diag(V3))
    np.testing.assert_allclose(b.diagonal(1).asnumpy(), np.diagonal(B34, 1))


def methods(a, b, s):
    return (a.dot(b) + a @ b).sum() + s.inverse().trace() + s.det() + s.cholesky().sum() + a.outer(a).sum()


def test_tensor_methods_compile_and_differentiate():
    args = (rand(3, 3), rand(3, 3), S3)
    grads = autograph.grad(methods, (0, 1, 2))(*args)

    def f(*xs):
        return float(methods(*[Tensor(x) for x in xs]).asnumpy())
    for got, want in zip(grads, central_difference_at(f, args, (0, 1, 2))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- NumPy spellings
def numpy_products(a, b, v):
    return (np.sum(np.dot(a, b)) + np.sum(np.matmul(a, b)) + np.sum(np.outer(v, v)) + np.inner(v, v)
            + np.sum(np.tensordot(a, b, axes=1)) + np.sum(np.einsum('ij,jk->ik', a, b)))


def numpy_matrices(s, b):
    return (np.sum(np.linalg.inv(s)) + np.linalg.det(s) + np.sum(np.linalg.solve(s, b))
            + np.sum(np.linalg.cholesky(s)) + np.trace(s, offset=1) + np.sum(np.diag(s, k=-1))
            + np.sum(np.diag(np.diagonal(s))))


@pytest.mark.parametrize('fn,args', [(numpy_products, (A23, B34, V3)), (numpy_matrices, (S3, rand(3, 2)))],
                         ids=['products', 'matrices'])
def test_numpy_functions_compile_and_differentiate(fn, args):
    positions = tuple(range(len(args)))
    value, grads = autograph.value_and_grad(fn, positions)(*args)
    assert isinstance(value, np.ndarray) or np.isscalar(value)
    np.testing.assert_allclose(value, fn(*args), rtol=1e-10)
    for got, want in zip(grads, central_difference_at(fn, args, positions)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def uses_np_einsum(a, b):
    return np.einsum('ij,jk->ik', a, b)


def test_generated_code_reads_back(tmp_path):
    """Generated code calls np.linalg.*, np.tensordot, np.diag and the einsum kernel; compiling
    the generated module's function again gives the same results."""
    def composite(a, s):
        return (np.tensordot(a, np.linalg.inv(s), axes=1) @ np.diag(np.diag(s))).sum() + ops.einsum('ij->', a)

    a = rand(2, 3)
    grad = autograph.grad(composite, (0, 1))
    source = autograph.get_source(grad, a, S3)
    assert 'np.linalg.inv(' in source and 'np.tensordot(' in source and 'einsum(' in source
    path = tmp_path / 'generated_linalg.py'
    path.write_text(source)
    spec = importlib.util.spec_from_file_location('generated_linalg', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    again = autograph.jit(module.composite_grad)(a, S3)
    for got, want in zip(again, grad(a, S3)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_einsum_spells_its_output_and_keeps_the_equation():
    source = autograph.get_source(autograph.jit(uses_np_einsum), A23, B34)
    assert "einsum(a, b, equation='ij,jk->ik')" in source


# ---------------------------------------------------------------- errors
def bad_matmul(a, b):
    return ops.matmul(a, b)


def bad_einsum_trace(a):
    return ops.einsum('ii->i', a)


def bad_einsum_sizes(a, b):
    return ops.einsum('ij,jk->ik', a, b)


def bad_solve(a, b):
    return ops.matrix_solve(a, b)


def bad_inverse(a):
    return ops.inverse(a)


def bad_tensor_dot(a, b):
    return ops.tensor_dot(a, b, ((1,), (1,)))


def bad_diag(a):
    return np.diag(a)


@pytest.mark.parametrize('fn,args,words', [
    (bad_matmul, (A23, A23), ['(2, 3)', 'align']),
    (bad_einsum_trace, (S3,), ["'i'", 'repeats', 'ops.trace']),
    (bad_einsum_sizes, (A23, rand(4, 2)), ["'j'", '3', '4']),
    (bad_solve, (S3, rand(4, 2)), ['(3, 3)', '(4, 2)']),
    (bad_inverse, (A23,), ['square', '(2, 3)']),
    (bad_tensor_dot, (A23, B34), ['axis 1', '(2, 3)', '(3, 4)']),
    (bad_diag, (T234,), ['(2, 3, 4)']),
], ids=['matmul', 'einsum-trace', 'einsum-sizes', 'solve', 'inverse', 'tensor_dot', 'diag'])
def test_shape_errors_name_the_shapes(fn, args, words):
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(fn)(*args)
    message = str(info.value)
    for word in words:
        assert word in message
    assert fn.__name__ in message or 'test_linalg.py' in message


def test_einsum_refuses_the_sublist_form():
    with pytest.raises(TypeError, match='equation'):
        ops.einsum(Tensor(A23), [0, 1])


# ---------------------------------------------------------------- gradients of composites
def gaussian_log_likelihood(l_raw, y):
    """-1/2 y^T K^-1 y - log det K / 2, with K = L L^T + I built from an unconstrained matrix."""
    k = l_raw @ l_raw.T + ops.eye(3, dtype=l_raw.dtype)
    chol = ops.cholesky(k)
    alpha = ops.matrix_solve(k, y)
    return -0.5 * ops.sum(y * alpha) - ops.sum(ops.log(ops.diagonal(chol)))


def attention(q, k, v):
    scores = ops.einsum('bqd,bkd->bqk', q, k) / 2.0
    weights = ops.exp(ops.log_softmax(scores, -1))
    return ops.einsum('bqk,bkd->bqd', weights, v).sum()


def bilinear(x, w, y):
    xw = ops.tensor_dot(x, w, ((1,), (0,)))                          # (2, 4, 2)
    return ops.sum(ops.tensor_dot(xw, y, 2)) + ops.trace(ops.outer(ops.sum(x, 0), ops.sum(y, 0)))


def matrix_functions(a):
    s = a @ ops.inverse(a + 3 * ops.eye(3, dtype=a.dtype)) + ops.diag(ops.diagonal(a))
    return ops.det(s + ops.eye(3, dtype=a.dtype)) + ops.trace(s)


COMPOSITES = [
    (gaussian_log_likelihood, (rand(3, 3), rand(3, 2))),
    (attention, (rand(2, 3, 4), rand(2, 5, 4), rand(2, 5, 4))),
    (bilinear, (rand(2, 3), rand(3, 4, 2), rand(4, 2))),
    (matrix_functions, (rand(3, 3),)),
]


@pytest.mark.parametrize('fn,args', COMPOSITES, ids=[f.__name__ for f, _ in COMPOSITES])
def test_composite_gradients_match_finite_differences(fn, args):
    grads = autograph.grad(fn, tuple(range(len(args))))(*[Tensor(a) for a in args])
    grads = grads if isinstance(grads, tuple) else (grads,)

    def f(*xs):
        return float(fn(*[Tensor(x) for x in xs]).asnumpy())
    for got, want in zip(grads, central_difference_at(f, args, range(len(args)))):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-7)


def test_cholesky_gradient_is_lower_triangular_and_symmetrises_to_the_usual_formula():
    """NumPy reads the lower triangle only: the gradient lives there, and its symmetric part is
    the symmetric gradient obtained by differentiating through a symmetric input."""
    def loss(a):
        return (ops.cholesky(a) ** 3).sum()

    def symmetric_loss(a):
        return loss((a + a.T) / 2)

    g = autograph.grad(loss)(S3)
    assert np.allclose(np.triu(g, 1), 0)
    g_sym = autograph.grad(symmetric_loss)(S3)
    np.testing.assert_allclose((g + g.T) / 2, g_sym, rtol=1e-10)


def second_order(a, b):
    return (ops.einsum('ij,jk->ik', a, b) ** 2).sum() + ops.det(a @ a.T + ops.eye(2, dtype=a.dtype))


def test_second_derivatives_through_linalg_adjoints():
    a, b = rand(2, 3), rand(3, 2)
    inner = autograph.grad(second_order, 0)

    def outer_loss(a, b):
        return (inner(a, b) ** 2).sum()

    got = autograph.grad(outer_loss, 1)(a, b)
    want = central_difference(lambda x: float(outer_loss(a, x)), b)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
