"""Creation ops: ranges, eye and fills against NumPy (eagerly and compiled), their dtype rules
(MindSpore's for ops.*, NumPy's for np.*), and the random draws: deterministic per seed, fresh
with seed=None, and differentiable in their parameters where they are composites."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops


def run_both(op, *args, **kwargs):
    """The op's result eagerly and from compiled code (as NumPy arrays)."""
    def f():
        return op(*args, **kwargs)
    eager, compiled = op(*args, **kwargs), autograph.jit(f)()
    assert isinstance(eager, Tensor) and isinstance(compiled, Tensor)
    return eager.asnumpy(), compiled.asnumpy()


# ---------------------------------------------------------------- ranges, eye, fills
RANGES = [  # (op, args, kwargs, expected)
    (ops.arange, (5,), {}, np.arange(5, dtype=np.int64)),
    (ops.arange, (2, 11, 3), {}, np.arange(2, 11, 3, dtype=np.int64)),
    (ops.arange, (5, -1, -2), {}, np.arange(5, -1, -2, dtype=np.int64)),
    (ops.arange, (0.0, 1.0, 0.25), {}, np.arange(0, 1, 0.25, dtype=np.float32)),
    (ops.arange, (1, 4), {'dtype': autograph.float64}, np.arange(1, 4, dtype=np.float64)),
    (ops.arange, (), {'start': 1, 'end': 3}, np.arange(1, 3, dtype=np.int64)),
    (ops.linspace, (0, 1, 5), {}, np.linspace(0, 1, 5, dtype=np.float32)),
    (ops.linspace, (Tensor(-1.0), Tensor(2.0), 4), {}, np.linspace(-1, 2, 4, dtype=np.float32)),
    (ops.eye, (3,), {}, np.eye(3, dtype=np.float32)),
    (ops.eye, (2, 4), {'dtype': autograph.int32}, np.eye(2, 4, dtype=np.int32)),
    (ops.eye, (3,), {'k': -1, 'dtype': np.float64}, np.eye(3, k=-1)),
    (ops.full, ((2, 3), 1.5), {}, np.full((2, 3), 1.5, np.float32)),
    (ops.ones, (4,), {'dtype': autograph.float64}, np.ones(4)),
    (ops.zeros, ((2, 2),), {}, np.zeros((2, 2), np.float32)),
]


@pytest.mark.parametrize('op,args,kwargs,expected', RANGES,
                         ids=[f'{op.__name__}{args}{kwargs}' for op, args, kwargs, _ in RANGES])
def test_ranges_eye_and_fills_match_numpy(op, args, kwargs, expected):
    for got in run_both(op, *args, **kwargs):
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def numpy_creation(x):
    return (x + np.arange(3) + np.arange(0.5, 2.0, 0.5) + np.linspace(0, 1, 3)
            + np.linspace(0, 1, 3, endpoint=False) + np.sum(np.eye(3), axis=0)
            + np.sum(np.identity(3, dtype=np.float32), axis=1) + np.sum(np.tri(3), axis=1) + np.full(3, 2.0))


def test_numpy_creation_functions_follow_numpy_dtypes():
    x = np.array([0.5, -1.0, 2.0])
    got = autograph.jit(numpy_creation)(x)
    np.testing.assert_allclose(got, numpy_creation(x))
    assert got.dtype == np.float64
    assert autograph.grad(numpy_creation)(x).tolist() == [1.0, 1.0, 1.0]


def np_arange_default(n):
    return np.arange(3) * n


def test_np_arange_of_ints_is_int64_folded_and_generated_code_reads_back():
    source = autograph.get_source(autograph.jit(np_arange_default), np.int64(2))
    assert 'np.array([0, 1, 2], dtype=np.int64)' in source      # folded while compiling
    assert autograph.jit(np_arange_default)(np.int64(2)).tolist() == [0, 2, 4]


def filled_with(x, v):
    return ops.full((2, 2), v, dtype=x.dtype) * x + np.full(2, v)


def test_fill_values_known_only_at_run_time_are_broadcast():
    x, v = np.ones((2, 2)), np.array(1.5)
    np.testing.assert_allclose(autograph.jit(filled_with)(x, v), np.full((2, 2), 3.0))
    np.testing.assert_allclose(autograph.grad(filled_with, 1)(x, v), 8.0)   # 4 x-weighted fills + 4 broadcast adds
    np.testing.assert_array_equal(ops.full((2,), Tensor(np.array(2.0))).asnumpy(), [2.0, 2.0])


def test_like_fills_keep_the_input_dtype():
    x = Tensor(np.ones((2, 3), np.float64))
    assert ops.zeros_like(x).asnumpy().dtype == np.float64
    np.testing.assert_array_equal(ops.full_like(x, 7).asnumpy(), np.full((2, 3), 7.0))


# ---------------------------------------------------------------- random draws
def draws(seed):
    return ops.randn(2, 3, seed=seed), ops.rand((4,), seed=seed, dtype=autograph.float64)


def test_random_draws_are_deterministic_per_seed_eagerly_and_compiled():
    compiled = autograph.jit(draws)
    first, again = compiled(5), compiled(5)
    eager = draws(5)
    for a, b, c in zip(first, again, eager):
        np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
        np.testing.assert_array_equal(a.asnumpy(), c.asnumpy())
    assert first[0].asnumpy().dtype == np.float32 and first[1].asnumpy().dtype == np.float64
    assert first[0].shape == (2, 3) and first[1].shape == (4,)
    other = compiled(6)
    assert not np.array_equal(first[0].asnumpy(), other[0].asnumpy())


def test_like_draws_take_shape_and_dtype_from_the_input():
    x = Tensor(np.zeros((2, 5)))
    a, b = ops.randn_like(x, seed=2), ops.rand_like(x, seed=2, dtype=autograph.float32)
    assert a.shape == b.shape == (2, 5)
    assert a.asnumpy().dtype == np.float64 and b.asnumpy().dtype == np.float32
    np.testing.assert_array_equal(a.asnumpy(), ops.randn(2, 5, seed=2, dtype=np.float64).asnumpy())


def fresh():
    return ops.randn(1000)


def test_seed_none_draws_fresh_numbers_at_every_call():
    compiled = autograph.jit(fresh)
    assert not np.array_equal(compiled().asnumpy(), compiled().asnumpy())
    assert not np.array_equal(ops.rand(5).asnumpy(), ops.rand(5).asnumpy())


@pytest.mark.parametrize('op,check', [
    (lambda: ops.randn(20000, seed=1, dtype=np.float64), lambda v: abs(v.mean()) < 0.03 and abs(v.std() - 1) < 0.03),
    (lambda: ops.rand(20000, seed=1), lambda v: v.min() >= 0 and v.max() < 1 and abs(v.mean() - 0.5) < 0.01),
    (lambda: ops.uniform((20000,), -2.0, 3.0, seed=1), lambda v: v.min() >= -2 and v.max() < 3 and abs(v.mean() - 0.5) < 0.05),
    (lambda: ops.normal((20000,), 3.0, 0.5, seed=1), lambda v: abs(v.mean() - 3) < 0.02 and abs(v.std() - 0.5) < 0.02),
    (lambda: Tensor(np.zeros(20000)).bernoulli(0.3, seed=1),
     lambda v: set(np.unique(v)) == {0.0, 1.0} and abs(v.mean() - 0.3) < 0.02),
], ids=['randn', 'rand', 'uniform', 'normal', 'bernoulli'])
def test_random_distributions(op, check):
    assert check(op().asnumpy())


def reparameterised(mean, stddev):
    return ops.normal((4, 3), mean, stddev, seed=11)


def test_normal_broadcasts_and_differentiates_in_mean_and_stddev():
    mean, stddev = Tensor(np.array([0.5, -1.0, 2.0])), Tensor(np.array([[1.0], [2.0], [0.5], [3.0]]))
    out = autograph.jit(reparameterised)(mean, stddev)
    assert out.shape == (4, 3) and out.asnumpy().dtype == np.float64
    z = ops.randn((4, 3), seed=11, dtype=np.float64).asnumpy()
    np.testing.assert_allclose(out.asnumpy(), mean.asnumpy() + stddev.asnumpy() * z)
    d_mean, d_std = autograph.grad(reparameterised, (0, 1))(mean, stddev)
    np.testing.assert_allclose(d_mean.asnumpy(), np.full(3, 4.0))
    np.testing.assert_allclose(d_std.asnumpy(), z.sum(axis=1, keepdims=True))


def uses_random(x):
    return x * ops.rand(3, seed=0, dtype=x.dtype) + ops.sum(ops.eye(3, dtype=x.dtype), 0) * ops.arange(3)


def test_random_and_creation_ops_give_no_gradient_of_their_own():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(autograph.grad(uses_random)(x), ops.rand(3, seed=0, dtype=np.float64).asnumpy())
    source = autograph.get_source(autograph.grad(uses_random), x)
    assert 'rand(shape=(3,), seed=0, dtype=np.float64)' in source


# ---------------------------------------------------------------- errors
def arange_of_a_tensor(n):
    return ops.arange(n)


def zero_step():
    return ops.arange(0, 5, 0)


def test_arange_needs_numbers_known_at_compile_time():
    with pytest.raises(autograph.CompileError, match='known at compile time'):
        autograph.jit(arange_of_a_tensor)(Tensor(np.array(3)))
    with pytest.raises(autograph.CompileError, match='step must not be zero'):
        autograph.jit(zero_step)()


@pytest.mark.parametrize('call,error', [
    (lambda: ops.randn(2, seed=-1), ValueError),
    (lambda: ops.rand(2, seed=1.5), ValueError),
    (lambda: ops.randn(2, dtype=autograph.int32), TypeError),
    (lambda: ops.bernoulli(Tensor(np.zeros(2)), 1.5), ValueError),
    (lambda: ops.linspace(0, 1, 2.5), TypeError),
], ids=['negative-seed', 'float-seed', 'int-dtype', 'bernoulli-p', 'linspace-steps'])
def test_bad_arguments_are_refused(call, error):
    with pytest.raises(error):
        call()
