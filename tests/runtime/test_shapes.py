"""Shape ops against NumPy: eager and compiled, float32 and float64, MindSpore spellings and
argument conventions (flatten's start_dim, pad's last-axis-first order), Tensor methods, NumPy
functions, compile-time shape errors, and gradients of composites against finite differences."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from runtime.primitives import shapes
from tests.numerics import central_difference
from tests.runtime.test_reductions import check_reads_back, family_cases

RNG = np.random.default_rng(11)
X = RNG.uniform(-2, 2, (2, 3, 4))
Y = RNG.uniform(-2, 2, (2, 1, 4))
MODES = ['eager', 'compiled']


def run(fn, mode, *arrays):
    args = [Tensor(a) for a in arrays]
    return fn(*args) if mode == 'eager' else autograph.jit(fn)(*args)


def values(result):
    if isinstance(result, (tuple, list)):
        return [values(r) for r in result]
    return result.asnumpy()


# Each case: a function of (x, y) and the NumPy result for the same arguments.
def reshape_infer(x, y): return ops.reshape(x, (4, -1))
def expand_squeeze(x, y): return ops.squeeze(ops.expand_dims(y, -1), (1, 3)), ops.unsqueeze(x, 0)
def squeeze_all(x, y): return ops.squeeze(y)
def flatten_default(x, y): return ops.flatten(x)
def flatten_range(x, y): return ops.flatten(x, start_dim=0, end_dim=1), x.flatten(), ops.flatten(x, 'F', start_dim=1)
def permutes(x, y): return ops.permute(x, (2, 0, 1)), x.permute(1, 0, 2), ops.transpose(x, (0, -1, 1)), x.T
def swaps(x, y): return ops.swapaxes(x, 0, -1), ops.moveaxis(x, 0, -1), ops.movedim(x, (0, 1), (2, 0))
def broadcasts(x, y): return ops.broadcast_to(y, (2, 3, 4)), ops.broadcast_to(y, (5, -1, 3, -1))
def concats(x, y): return ops.concat([x, y], 1), ops.cat((y, x, y), axis=-2)
def stacks(x, y): return ops.stack([x, x * 2], 0), ops.stack((x, x), axis=-1)
def splits(x, y): return ops.split(x, 2, axis=2), ops.split(x, [1, 2], 1), x.split(3, axis=-1)
def chunks(x, y): return ops.chunk(x, 3, 2), ops.unstack(x, 1), ops.narrow(x, 2, -3, 2)
def tiles(x, y): return ops.tile(y, (1, 2, 1)), ops.tile(y, (2, 1, 1, 1)), y.tile((3,))
def repeats(x, y): return ops.repeat_interleave(x, 2, 1), ops.repeat_interleave(x, (1, 0, 2), axis=1), x.repeat(2)
def flips(x, y): return ops.flip(x, (0, 2)), ops.flip(x, -1), x.flip(1)
def pads(x, y): return ops.pad(x, (1, 2)), ops.pad(x, (0, 1, 2, 0), value=0.5), ops.pad(x, (-1, 1, 0, 0, 1, 0))
def pad_modes(x, y): return (ops.pad(x, (2, 1, 1, 2), mode='reflect'), ops.pad(x, (3, 0, 0, 2), mode='replicate'),
                             ops.pad(x, (1, 4), mode='circular'))


CASES = [
    (reshape_infer, lambda x, y: x.reshape(4, 6)),
    (expand_squeeze, lambda x, y: (y[:, 0], x[None])),
    (squeeze_all, lambda x, y: y[:, 0]),
    (flatten_default, lambda x, y: x.reshape(2, 12)),
    (flatten_range, lambda x, y: (x.reshape(6, 4), x.reshape(-1), x.transpose(0, 2, 1).reshape(2, 12))),
    (permutes, lambda x, y: (x.transpose(2, 0, 1), x.transpose(1, 0, 2), x.transpose(0, 2, 1), x.T)),
    (swaps, lambda x, y: (np.swapaxes(x, 0, -1), np.moveaxis(x, 0, -1), np.moveaxis(x, (0, 1), (2, 0)))),
    (broadcasts, lambda x, y: (np.broadcast_to(y, (2, 3, 4)), np.broadcast_to(y, (5, 2, 3, 4)))),
    (concats, lambda x, y: (np.concatenate([x, y], 1), np.concatenate([y, x, y], -2))),
    (stacks, lambda x, y: (np.stack([x, x * 2]), np.stack([x, x], -1))),
    (splits, lambda x, y: (np.split(x, 2, 2), np.split(x, [1], 1), [x[..., :3], x[..., 3:]])),
    (chunks, lambda x, y: ([x[..., :2], x[..., 2:]], [x[:, i] for i in range(3)], x[..., 1:3])),
    (tiles, lambda x, y: (np.tile(y, (1, 2, 1)), np.tile(y, (2, 1, 1, 1)), np.tile(y, 3))),
    (repeats, lambda x, y: (np.repeat(x, 2, 1), np.repeat(x, [1, 0, 2], 1), np.repeat(x, 2))),
    (flips, lambda x, y: (np.flip(x, (0, 2)), np.flip(x, -1), np.flip(x, 1))),
    (pads, lambda x, y: (np.pad(x, ((0, 0), (0, 0), (1, 2))), np.pad(x, ((0, 0), (2, 0), (0, 1)), constant_values=0.5),
                         np.pad(x[:, :, 1:], ((1, 0), (0, 0), (0, 1))))),
    (pad_modes, lambda x, y: (np.pad(x, ((0, 0), (1, 2), (2, 1)), 'reflect'), np.pad(x, ((0, 0), (0, 2), (3, 0)), 'edge'),
                              np.pad(x, ((0, 0), (0, 0), (1, 4)), 'wrap'))),
]


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('fn,reference', CASES, ids=[fn.__name__ for fn, _ in CASES])
def test_shape_op_against_numpy(fn, reference, dtype, mode):
    x, y = X.astype(dtype), Y.astype(dtype)
    got, want = values(run(fn, mode, x, y)), reference(x, y)
    got, want = (got, want) if isinstance(want, (tuple, list)) else ([got], [want])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, list):
            assert len(g) == len(w)
            for gi, wi in zip(g, w):
                assert gi.dtype == dtype
                np.testing.assert_array_equal(gi, wi)
        else:
            assert g.dtype == dtype
            np.testing.assert_array_equal(g, w)


def test_flatten_defaults_follow_mindspore():
    """ops.flatten keeps the first axis (start_dim=1); Tensor.flatten flattens everything."""
    x = Tensor(np.ones((2, 3, 4), np.float32))
    assert ops.flatten(x).shape == (2, 12)
    assert x.flatten().shape == (24,)
    assert ops.flatten(Tensor(np.float32(3))).shape == (1,)


def test_split_returns_a_tuple_with_a_short_last_piece():
    pieces = ops.split(Tensor(np.arange(10.)), 3)
    assert isinstance(pieces, tuple) and [p.shape for p in pieces] == [(3,), (3,), (3,), (1,)]


def aliases(x, y):
    return (ops.concat([x, y], dim=1), ops.stack([x, x], dim=1), ops.chunk(x, 2, dim=2)[1], ops.unstack(x, dim=2)[3],
            ops.expand_dims(x, dim=1), ops.flip(x, axis=1), ops.squeeze(y, dim=1), ops.split(x, 2, dim=2)[0],
            ops.tile(y, multiples=(1, 3, 1)), x.tile(reps=(1, 1, 2)), ops.permute(x, axis=(1, 0, 2)),
            ops.repeat_interleave(x, 2, dim=0))


@pytest.mark.parametrize('mode', MODES)
def test_argument_aliases(mode):
    got = values(run(aliases, mode, X, Y))
    want = (np.concatenate([X, Y], 1), np.stack([X, X], 1), X[..., 2:], X[..., 3], X[:, None], X[:, ::-1], Y[:, 0],
            X[..., :2], np.tile(Y, (1, 3, 1)), np.tile(X, (1, 1, 2)), X.transpose(1, 0, 2), np.repeat(X, 2, 0))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def numpy_code(x, y):
    joined = np.concatenate([x, np.broadcast_to(y, (2, 3, 4))], axis=1)
    stacked = np.stack([joined, np.flip(joined, axis=2)], axis=0)
    first, second = np.split(np.reshape(stacked, (4, 6, 4)), 2, axis=1)
    tiled = np.tile(np.expand_dims(first, 0), (2, 1, 1, 1))
    padded = np.pad(np.repeat(second, 2, axis=2), ((0, 0), (1, 1), (2, 0)), constant_values=1.5)
    moved = np.transpose(np.squeeze(np.reshape(np.swapaxes(tiled, 0, 1), (4, 2, 1, 12)), 2), (1, 0, 2))
    return np.sum(padded * padded) + np.sum(moved * np.moveaxis(np.moveaxis(moved, 0, -1), -1, 0)) + np.sum(np.ravel(x) ** 3) \
        + np.sum(np.pad(x, 1, mode='reflect') * np.pad(x, ((0, 1),), mode='edge').sum())


def test_numpy_functions_compile_and_differentiate():
    x, y = X.copy(), Y.copy()
    value, grads = autograph.value_and_grad(numpy_code, (0, 1))(x, y)
    np.testing.assert_allclose(np.asarray(value), numpy_code(x, y), rtol=1e-12)
    for got, want in zip(grads, central_difference(numpy_code, x, y)):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- gradients of composites
def patches(x, w):
    """Overlapping windows built from pads, splits, stacks and concats, weighted and summed."""
    padded = ops.pad(x, (1, 1), mode='replicate')
    windows = ops.stack([ops.narrow(padded, 2, 0, 4), ops.narrow(padded, 2, 1, 4), ops.narrow(padded, 2, 2, 4)], axis=-1)
    left, right = ops.split(windows, [1, 2], axis=1)
    mixed = ops.concat([right, ops.flip(left, 2) * 2.0], axis=1)
    return ops.sum(ops.tile(mixed, (1, 1, 1, 2)) * w) + ops.sum(ops.repeat_interleave(x, (2, 1, 0), 1) ** 2)


def test_patches_gradient():
    x, w = X.copy(), RNG.uniform(-1, 1, (2, 3, 4, 6))
    got = autograph.grad(patches, (0, 1))(x, w)
    for g, want in zip(got, central_difference(patches, x, w)):
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-6, atol=1e-8)


def reflect_square(x):
    return ops.sum(ops.pad(x, (2, 2), mode='reflect') ** 2) + ops.sum(ops.pad(x, (1, 3), mode='circular') * ops.sum(x))


def test_copying_pad_modes_add_up_gradients():
    x = X.copy()
    want = central_difference(reflect_square, x)
    np.testing.assert_allclose(np.asarray(autograph.grad(reflect_square)(x)), want, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- errors
def bad_concat(x, y): return ops.concat([x, y], 0)
def bad_reshape(x, y): return ops.reshape(x, (5, -1))
def bad_squeeze(x, y): return ops.squeeze(x, 1)
def bad_split(x, y): return ops.split(x, [1, 1], 1)
def bad_stack(x, y): return ops.stack([x, y])
def bad_axis(x, y): return ops.flip(x, 3)
def bad_pad(x, y): return ops.pad(x, (1, 1, 1, 1, 1, 1, 1, 1))
def bad_reflect(x, y): return ops.pad(x, (4, 0), mode='reflect')


@pytest.mark.parametrize('fn,words', [
    (bad_concat, ['(2, 3, 4)', '(2, 1, 4)', 'axis 0']), (bad_reshape, ['(2, 3, 4)', '(5, -1)']),
    (bad_squeeze, ['axis 1', 'size 3']), (bad_split, ['(1, 1)', 'axis 1']), (bad_stack, ['(2, 3, 4)', '(2, 1, 4)']),
    (bad_axis, ['axis 3']), (bad_pad, ['(2, 3, 4)']), (bad_reflect, ['reflect', 'size 4'])])
def test_compile_errors_name_shapes_and_axes(fn, words):
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(fn)(Tensor(X), Tensor(Y))
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize('name,sample', family_cases(shapes))
def test_generated_code_reads_back(name, sample, tmp_path):
    check_reads_back(name, sample, tmp_path)
