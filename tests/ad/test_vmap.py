"""autograph.vmap: every value against a Python loop over the examples, every gradient against the
loop's gradients (and against central differences in float64 where the loop itself is not the
reference).

The control-flow corpus (tests/frontend/control_corpus.py) is run three ways on batches whose
examples differ enough to take different branches and run loops different numbers of times:
vmap(f), vmap(grad(f)) (per-example gradients) and grad of the sum of vmap(f)."""
import re

import numpy as np
import pytest

import autograph
from autograph import CompileError, Parameter, Tensor, nn, ops
from autograph.ir import verify
from tests.frontend.control_corpus import CORPUS
from tests.numerics import central_difference

BATCH = 3


def batch_of(a, seed):
    """BATCH examples made from `a`: scaled and moved apart, so that they take different branches."""
    rng = np.random.default_rng(seed)
    return np.stack([a * (1 + 0.15 * b) + 0.05 * b * rng.uniform(-1, 1, a.shape) for b in range(BATCH)])


def is_float(a):
    return isinstance(a, np.ndarray) and a.dtype.kind == 'f'


def corpus_batch(name):
    """(fn, batched args, in_axes, positions): float arrays mapped, everything else shared."""
    fn, args, positions = CORPUS[name]
    axes = tuple(0 if is_float(a) else None for a in args)
    return fn, [batch_of(a, k) if is_float(a) else a for k, a in enumerate(args)], axes, positions


def example(args, axes, b):
    return [a if axis is None else np.take(a, b, axis=axis) for a, axis in zip(args, axes)]


def stacked(results, k=None):
    return np.stack([np.asarray(r if k is None else r[k], dtype=np.float64) for r in results])


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_vmap_equals_a_loop_over_the_examples(name, capsys):
    fn, args, axes, _ = corpus_batch(name)
    mapped = autograph.vmap(fn, axes)
    got = mapped(*args)
    verify(mapped.last.graph)
    printed = capsys.readouterr().out
    want = [autograph.jit(fn)(*example(args, axes, b)) for b in range(BATCH)]
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), stacked(want), rtol=1e-10, atol=1e-12)
    # What the loop prints, example by example, vmap prints too (statement by statement).
    assert sorted(printed.splitlines()) == sorted(capsys.readouterr().out.splitlines())


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_vmap_of_grad_gives_per_example_gradients(name):
    fn, args, axes, positions = corpus_batch(name)
    got = autograph.vmap(autograph.grad(fn, positions), axes)(*args)
    want = [autograph.grad(fn, positions)(*example(args, axes, b)) for b in range(BATCH)]
    for k in range(len(positions)):
        np.testing.assert_allclose(np.asarray(got if len(positions) == 1 else got[k]),
                                   stacked(want, None if len(positions) == 1 else k), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_grad_of_vmap_is_the_stacked_gradients(name):
    fn, args, axes, positions = corpus_batch(name)
    mapped = [p for p in positions if axes[p] == 0]

    def total(*xs):
        return ops.sum(autograph.vmap(fn, axes)(*xs))
    got = autograph.grad(total, tuple(mapped))(*args)
    got = got if len(mapped) > 1 else (got,)
    want = [autograph.grad(fn, tuple(mapped))(*example(args, axes, b)) for b in range(BATCH)]
    for k, g in enumerate(got):
        np.testing.assert_allclose(np.asarray(g), stacked(want, None if len(mapped) == 1 else k),
                                   rtol=1e-9, atol=1e-11)


# ---------------------------------------------------------------- in_axes and out_axes
rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3))
W = rng.standard_normal((3, 2))


def affine(x, w):
    return ops.tanh(x @ w)


def test_in_axes_none_shares_an_argument():
    np.testing.assert_allclose(autograph.vmap(affine, (0, None))(X, W), np.tanh(X @ W), rtol=1e-14)


def test_in_axes_negative_and_per_argument():
    ws = np.stack([W * (1 + k) for k in range(4)], axis=-1)       # (3, 2, 4): examples last
    got = autograph.vmap(affine, in_axes=(1, -1))(X.T.copy(), ws)
    np.testing.assert_allclose(got, [np.tanh(X[k] @ ws[..., k]) for k in range(4)], rtol=1e-14)


def test_in_axes_nest_as_the_arguments_do():
    def weighted(pair, scale):
        a, b = pair['a'], pair['b']
        return a * scale + b
    pair = {'a': X, 'b': np.ones(3)}
    got = autograph.vmap(weighted, in_axes=({'a': 0, 'b': None}, None))(pair, 2.0)
    np.testing.assert_allclose(got, X * 2.0 + 1)


def test_out_axes_place_each_output():
    def two(x):
        return x * 2, ops.sum(x)
    doubled, total = autograph.vmap(two, out_axes=(1, 0))(X)
    np.testing.assert_allclose(doubled, (X * 2).T)
    np.testing.assert_allclose(total, X.sum(axis=1))
    back = autograph.vmap(lambda x: x * 2, out_axes=-1)(X)
    np.testing.assert_allclose(back, (X * 2).T)


def test_out_axes_none_for_a_shared_output_and_broadcast_for_a_mapped_one():
    def with_constant(x, w):
        return ops.sum(w), x + 0
    shared, mapped = autograph.vmap(with_constant, (0, None), out_axes=(None, 0))(X, W)
    np.testing.assert_allclose(shared, W.sum())
    both = autograph.vmap(with_constant, (0, None))(X, W)
    np.testing.assert_allclose(both[0], np.full(4, W.sum()))
    with pytest.raises(ValueError, match='out_axes is None for an output that differs between examples'):
        autograph.vmap(lambda x: x * 2, out_axes=None)(X)


def test_keyword_arguments_are_mapped_along_axis_zero():
    def scaled(x, *, w):
        return x @ w
    got = autograph.vmap(scaled, in_axes=(0,))(X, w=np.stack([W] * 4))
    np.testing.assert_allclose(got, X @ W)


@pytest.mark.parametrize('in_axes,message', [
    ((0,), 'in_axes has 1 entries, but'),
    (2, 'maps x along axis 2, but it has 2 dimensions'),
    (None, 'maps no argument'),
    ((0, (0, 1)), 'does not match the structure'),
])
def test_bad_in_axes_are_explained(in_axes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        autograph.vmap(affine, in_axes)(X, W)


def test_bad_axes_and_sizes_are_explained():
    with pytest.raises(TypeError, match='in_axes must be ints or None'):
        autograph.vmap(affine, 'x')
    with pytest.raises(ValueError, match='the mapped axes have different sizes: 4 and 3'):
        autograph.vmap(affine)(X, W)
    with pytest.raises(ValueError, match="maps n along axis 0, but it is a Python int"):
        autograph.vmap(lambda x, n: x * n)(X, 3)


# ---------------------------------------------------------------- composition
def dot(x, y):
    return ops.sum(x * y)


def test_nested_vmap_builds_a_gram_matrix_in_one_call():
    Y = rng.standard_normal((5, 3))
    gram = autograph.vmap(autograph.vmap(dot, (None, 0)), (0, None))
    np.testing.assert_allclose(gram(X, Y), X @ Y.T, rtol=1e-14)
    source = autograph.get_source(gram)
    assert 'for ' not in source and 'while ' not in source


def test_jit_of_vmap_and_vmap_inside_compiled_code():
    mapped = autograph.vmap(affine, (0, None))

    @autograph.jit
    def twice(x, w):
        return mapped(x, w) * 2
    np.testing.assert_allclose(twice(X, W), 2 * np.tanh(X @ W))
    np.testing.assert_allclose(autograph.jit(mapped)(X, W), np.tanh(X @ W))


def loss(w, x, y):
    return ops.mean((ops.tanh(x @ w) - y) ** 2)


def test_per_example_gradients_as_in_the_readme():
    y = rng.standard_normal((4, 2))
    per_example = autograph.vmap(autograph.grad(loss), in_axes=(None, 0, 0))(W, X, y)
    assert per_example.shape == (4, 3, 2)
    for b in range(4):
        want = central_difference(lambda w: float(np.mean((np.tanh(X[b] @ w) - y[b]) ** 2)), W)
        np.testing.assert_allclose(per_example[b], want, rtol=1e-7, atol=1e-10)
    # Their mean is the gradient of the mean loss over the batch.
    np.testing.assert_allclose(per_example.mean(axis=0), autograph.grad(loss)(W, X, y), rtol=1e-12)


def test_per_example_gradients_of_a_cells_parameters():
    net = nn.Dense(3, 2)
    params = net.trainable_params()
    grad_fn = autograph.grad(lambda x, y: ops.sum((net(x) - y) ** 2), None, weights=params)
    y = rng.standard_normal((4, 2)).astype(np.float32)
    x32 = X.astype(np.float32)
    dw, db = autograph.vmap(grad_fn)(Tensor(x32), Tensor(y))
    assert dw.shape == (4,) + params[0].shape and db.shape == (4, 2)
    for b in range(4):
        want_w, want_b = grad_fn(Tensor(x32[b]), Tensor(y[b]))
        np.testing.assert_allclose(dw.asnumpy()[b], want_w.asnumpy(), rtol=1e-5)
        np.testing.assert_allclose(db.asnumpy()[b], want_b.asnumpy(), rtol=1e-5)


def test_grad_of_vmap_and_vmap_of_grad_agree():
    mapped = autograph.vmap(affine, (0, None))
    total = autograph.grad(lambda x, w: ops.sum(mapped(x, w)), 1)(X, W)
    per_example = autograph.vmap(autograph.grad(lambda x, w: ops.sum(affine(x, w)), 1), (0, None))(X, W)
    np.testing.assert_allclose(total, per_example.sum(axis=0), rtol=1e-13)


def test_vmap_of_jacrev_and_jacrev_of_vmap():
    per_example = autograph.vmap(autograph.jacrev(affine), (0, None))(X, W)
    assert per_example.shape == (4, 2, 3)
    for b in range(4):
        np.testing.assert_allclose(per_example[b], autograph.jacrev(affine)(X[b], W), rtol=1e-13)
    whole = autograph.jacrev(autograph.vmap(affine, (0, None)))(X, W)
    assert whole.shape == (4, 2, 4, 3)
    np.testing.assert_allclose(np.einsum('bibj->bij', whole), per_example, rtol=1e-13)


def test_vmap_compiles_once_per_signature():
    mapped = autograph.vmap(affine, (0, None))
    for _ in range(3):
        mapped(X, W)
    mapped(X[:2], W)
    info = mapped.cache_info()
    assert (info.misses, info.hits, info.entries) == (2, 2, 2)
    assert 'def affine_vmap(x, w):' in autograph.get_source(mapped, X, W)
    assert 'f64[4,2]' in autograph.get_ir(mapped, X, W)


def test_tensors_in_tensors_out():
    out = autograph.vmap(affine, (0, None))(Tensor(X), Tensor(W))
    assert isinstance(out, Tensor)
    assert isinstance(autograph.ops.vmap(affine, (0, None))(X, W), np.ndarray)


# ---------------------------------------------------------------- control flow
def newton_sqrt(a):
    y = a
    while ops.abs(y * y - a) > 1e-12 * a:
        y = 0.5 * (y + a / y)
    return y


A = np.array([4.0, 100.0, 2.0, 1e6, 0.25])


def test_a_while_whose_test_differs_runs_each_example_to_its_end():
    mapped = autograph.vmap(newton_sqrt)
    np.testing.assert_allclose(mapped(A), np.sqrt(A), rtol=1e-12)
    assert 'np.where' in autograph.get_source(mapped)


def test_gradients_through_a_while_whose_test_differs():
    want = [autograph.grad(newton_sqrt)(a) for a in A]
    per_example = autograph.vmap(autograph.grad(newton_sqrt))(A)
    np.testing.assert_allclose(per_example, want, rtol=1e-12)
    np.testing.assert_allclose(per_example, 0.5 / np.sqrt(A), rtol=1e-6)
    total = autograph.grad(lambda a: ops.sum(autograph.vmap(newton_sqrt)(a)))(A)
    np.testing.assert_allclose(total, want, rtol=1e-12)


def test_higher_derivatives_through_a_while_whose_test_differs():
    second = autograph.grad(autograph.grad(newton_sqrt))
    third = autograph.grad(second)
    np.testing.assert_allclose(autograph.vmap(second)(A), [second(a) for a in A], rtol=1e-12)
    np.testing.assert_allclose(autograph.vmap(second)(A), -0.25 * A ** -1.5, rtol=1e-6)
    np.testing.assert_allclose(autograph.vmap(third)(A), [third(a) for a in A], rtol=1e-12)
    outside = autograph.grad(autograph.grad(lambda a: ops.sum(autograph.vmap(newton_sqrt)(a))))(A)
    np.testing.assert_allclose(outside, [second(a) for a in A], rtol=1e-12)


def test_jacobians_of_nested_loops_whose_while_test_differs():
    fn = CORPUS['while_in_for'][0]
    xs = np.array([[0.3, 0.2], [1.0, 1.1], [0.05, -0.1]])
    for jac in (autograph.hessian(fn), autograph.jacrev(autograph.jacrev(fn))):
        np.testing.assert_allclose(autograph.vmap(jac)(xs), np.stack([jac(x) for x in xs]), rtol=1e-12)


def power(x, n):
    y = ops.ones_like(x)
    for _ in range(n):
        y = y * x
    return y


def test_a_range_whose_bounds_differ_runs_to_the_longest():
    x, n = np.array([1.5, 2.0, 0.5, 3.0]), np.array([0, 1, 4, 2])
    np.testing.assert_allclose(autograph.vmap(power)(x, n), x ** n)
    np.testing.assert_allclose(autograph.vmap(autograph.grad(power))(x, n), n * x ** (n - 1.0))
    shared = autograph.vmap(power, (0, None))(x, Tensor(np.array(3)))
    np.testing.assert_allclose(shared, x ** 3)


def branchy(x):
    if ops.sum(x) > 0:
        y = ops.exp(x)
    else:
        y = ops.sin(x) * 2
    return ops.sum(y * y)


def test_an_if_whose_condition_differs_selects_per_example():
    xs = np.array([[0.5, 0.2], [-0.5, -0.2], [0.3, -0.1]])
    np.testing.assert_allclose(autograph.vmap(branchy)(xs), [float(branchy(Tensor(x))) for x in xs], rtol=1e-14)
    per_example = autograph.vmap(autograph.grad(branchy))(xs)
    for b, x in enumerate(xs):
        np.testing.assert_allclose(per_example[b], central_difference(lambda v: float(branchy(Tensor(v))), x),
                                   rtol=1e-7)


def test_print_and_assert_happen_per_example(capsys):
    def shout(x):
        if ops.sum(x) > 0:
            print('positive', ops.sum(x))
        assert ops.all(x < 10), 'too large'
        return x
    xs = np.array([[1.0, 2.0], [-1.0, -2.0], [3.0, 4.0]])
    autograph.vmap(shout)(xs)
    assert capsys.readouterr().out.splitlines() == ['positive 3.0', 'positive 7.0']
    with pytest.raises(AssertionError, match='too large'):
        autograph.vmap(shout)(xs * 3)


def test_an_assert_inside_a_branch_binds_only_its_examples():
    def checked(x):
        if x > 0:
            assert ops.log(x) < 1.0, 'log too large'
        return x
    with np.errstate(invalid='ignore'):     # both branches run: log(-100) is computed, then unused
        autograph.vmap(checked)(np.array([1.0, -100.0, 2.0]))    # -100 never reaches the assert
    with pytest.raises(AssertionError, match='log too large'):
        autograph.vmap(checked)(np.array([1.0, 100.0]))


P = Parameter(Tensor(np.zeros(3)), name='p')


def assigns(x):
    ops.assign(P, x)
    return x


def test_assigning_a_batched_value_to_a_parameter_is_refused_where_it_happens():
    with pytest.raises(CompileError) as info:
        autograph.vmap(assigns)(X)
    assert 'vmap: assign writes a value that differs between examples' in str(info.value)
    assert 'test_vmap.py", line' in str(info.value) and 'ops.assign(P, x)' in str(info.value)


def test_a_custom_gradient_is_kept_under_vmap():
    @autograph.custom_vjp
    def clipped(x):
        return x * 3

    def clipped_fwd(x):
        return clipped(x), x

    def clipped_bwd(x, g):
        return (ops.clip(g * 3, -1, 1),)
    clipped.defvjp(clipped_fwd, clipped_bwd)

    def f(x, w):
        return ops.sum(clipped(x * w))
    per_example = autograph.vmap(autograph.grad(f, 1), (0, None))(X, W[:, 0])
    np.testing.assert_allclose(per_example, X * 1.0)     # g * 3 = 3, clipped to 1
    total = autograph.grad(lambda x, w: ops.sum(autograph.vmap(f, (0, None))(x, w)), 1)(X, W[:, 0])
    np.testing.assert_allclose(total, X.sum(axis=0))
