"""The generated code takes NumPy's fast forms where the shapes allow: each rule on its own, its
values against eager code and its gradients against central differences in float64 (no timing:
the forms themselves are what is checked)."""
import numpy as np

import autograph
from autograph import ops
from runtime.kernels import add_to
from tests.numerics import check_grad, source_of

RNG = np.random.default_rng(0)




# ---------------------------------------------------------------- matmul over an inner axis of 1
def outer(x, y):
    return ops.matmul(x, y)


def test_a_product_of_matrices_over_one_inner_element_is_blas_dot():
    x, y = RNG.normal(size=(4, 1)), RNG.normal(size=(1, 3))
    source = source_of(autograph.jit(outer), x, y)
    assert 'np.dot(x, y)' in source and '@' not in source
    np.testing.assert_allclose(autograph.jit(outer)(x, y), x @ y, rtol=1e-12)


def test_a_stacked_product_over_one_inner_element_is_a_broadcast_product():
    x, y = RNG.normal(size=(2, 4, 1)), RNG.normal(size=(5, 1, 1, 3))
    source = source_of(autograph.jit(outer), x, y)
    assert 'x * y' in source and '@' not in source
    np.testing.assert_allclose(autograph.jit(outer)(x, y), x @ y, rtol=1e-12)


def batch_one_layer(w, x):
    return ops.sum(ops.tanh(ops.matmul(x, w)))


def test_the_weight_gradient_of_a_batch_of_one_is_blas_dot():
    w, x = RNG.normal(size=(5, 3)), RNG.normal(size=(1, 5))
    source = source_of(autograph.grad(batch_one_layer), w, x)
    assert 'np.dot(x.T, ' in source
    check_grad(batch_one_layer, (w, x), (0, 1))


def vector_times_row(v, y):
    return ops.sum(ops.matmul(v, y) ** 2)


def test_vectors_keep_the_matrix_product():
    """A 1-D operand of length 1 gives a result of another shape than the broadcast product."""
    v, y = RNG.normal(size=(1,)), RNG.normal(size=(1, 3))
    assert 'v @ y' in source_of(autograph.jit(vector_times_row), v, y)
    check_grad(vector_times_row, (v, y), (0, 1))


# ---------------------------------------------------------------- transposes
def transposes(a):
    return ops.transpose(ops.exp(a)), ops.transpose(a[None], (1, 0, 2)), ops.transpose(a[:, None], (2, 1, 0))


def test_a_reversing_transpose_is_written_as_the_attribute():
    a = RNG.normal(size=(3, 2))
    source = source_of(autograph.jit(transposes), a)
    assert 'np.exp(a).T' in source and 'a[:, None].T' in source
    assert 'np.transpose(a[None], axes=(1, 0, 2))' in source
    for got, want in zip(autograph.jit(transposes)(a), (np.exp(a).T, a[None].transpose(1, 0, 2), a[:, None].T)):
        np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------- cross entropy with class indices
def ce(x, t):
    return ops.cross_entropy(x, t)


def test_cross_entropy_gathers_the_targets_and_scatters_into_the_softmax():
    """No one-hot of every class and no log_softmax: the forward picks the targets' logits, the
    backward adds their -1 in place into logsumexp's softmax."""
    x, t = RNG.normal(size=(6, 4)), np.array([0, 3, 1, -100, 3, 2])
    source = source_of(autograph.value_and_grad(ce), x, t)
    assert 'log_softmax' not in source and '== np.arange' not in source
    assert 'x[arange, where]' in source and 'index_add_to(' in source
    value, grad = autograph.value_and_grad(ce)(x, t)
    kept = t != -100
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    np.testing.assert_allclose(value, -logp[kept, t[kept]].mean(), rtol=1e-12)
    check_grad(ce, (x, t), (0,))


def weighted_ce(x, t, w):
    return ops.cross_entropy(x, t, w, ignore_index=2, reduction='sum')


def spatial_ce(x, t):
    return ops.sum(ops.cross_entropy(x, t, reduction='none') * ops.arange(1, 4, dtype=x.dtype))


def single_ce(x, t):
    return ops.cross_entropy(x, t)


def nll(logp, t, w):
    return ops.nll_loss(logp, t, w)


def smoothed_ce(x, t, w):
    return ops.cross_entropy(x, t, w, label_smoothing=0.2)


def test_cross_entropy_gradients_match_differences_for_every_form():
    x, w = RNG.normal(size=(5, 4)), RNG.uniform(0.5, 2, size=4)
    t = np.array([2, 0, 2, 3, 1])
    check_grad(weighted_ce, (x, t, w), (0, 2))
    check_grad(spatial_ce, (RNG.normal(size=(2, 4, 3)), np.array([[0, 3, 1], [2, 2, -100]])), (0,))
    check_grad(single_ce, (RNG.normal(size=(4,)), np.array(2)), (0,))
    check_grad(nll, (x, t, w), (0, 2))
    check_grad(smoothed_ce, (x, np.array([2, -100, 2, 3, 1]), w), (0, 2))


def ce_slope(x, t, v):
    return ops.sum(autograph.grad(ce)(x, t) * v)


def test_cross_entropy_second_derivative_matches_differences():
    x, t, v = RNG.normal(size=(3, 4)), np.array([1, -100, 3]), RNG.normal(size=(3, 4))
    check_grad(ce_slope, (x, t, v), (0,))


def test_cross_entropy_maps_over_a_batch_of_problems():
    xs, ts = RNG.normal(size=(3, 5, 4)), np.array([[0, 1, 2, 3, 0], [3, 3, -100, 1, 0], [2, 2, 2, 2, 2]])
    got = autograph.vmap(ce)(xs, ts)
    np.testing.assert_allclose(np.asarray(got), [np.asarray(ce(x, t)) for x, t in zip(xs, ts)], rtol=1e-12)


# ---------------------------------------------------------------- accumulation in place
def rnn(w, xs):
    h = xs[0]
    for t in range(xs.shape[0]):
        h = ops.tanh(ops.matmul(h, w) + xs[t])
    return ops.sum(h)


def test_a_gradient_summed_over_iterations_accumulates_in_place():
    w, xs = RNG.normal(size=(3, 3)) / 2, RNG.normal(size=(4, 2, 3))
    source = source_of(autograph.grad(rnn, (0, 1)), w, xs)
    assert 'dw += h_' in source and ' add_to' not in source
    check_grad(rnn, (w, xs), (0, 1))


def nested_sums(x):
    start = ops.zeros_like(x)
    out = ops.sum(x * 0)
    for i in range(2):
        acc = start
        for j in range(3):
            acc = acc + x * j
        out = out + ops.sum(acc * acc)
    return out


def test_an_array_from_outside_a_loop_is_never_written_by_its_iterations():
    """The inner loop starts from `start` at every outer iteration: adding into it in place
    would carry one iteration's sum into the next."""
    x = RNG.normal(size=(3,))
    np.testing.assert_allclose(autograph.jit(nested_sums)(x), 2 * np.sum((3 * x) ** 2), rtol=1e-12)
    check_grad(nested_sums, (x,), (0,))


def kept_running_sum(xs):
    s = ops.zeros_like(xs[0])
    out = ops.sum(s)
    for t in range(xs.shape[0]):
        s = s + xs[t]
        out = out + ops.sum(ops.sin(s))
    return out


def test_a_sum_whose_every_value_is_saved_gets_a_new_array_each_iteration():
    """The adjoint reads every iteration's `s`: writing the next into it would change them all."""
    xs = RNG.normal(size=(4, 3))
    assert '+=' not in source_of(autograph.grad(kept_running_sum), xs).split('for t_1')[0]
    check_grad(kept_running_sum, (xs,), (0,))


def add_into(acc, x):
    return add_to(acc, x)


def test_add_to_read_back_from_generated_code_leaves_its_operand_alone():
    acc, x = RNG.normal(size=(2, 3)), RNG.normal(size=(3,))
    before = acc.copy()
    np.testing.assert_allclose(autograph.jit(add_into)(acc, x), before + x, rtol=1e-12)
    np.testing.assert_array_equal(acc, before)


# ---------------------------------------------------------------- loop invariants
def weighted_steps(w, xs):
    h = xs[0]
    for t in range(xs.shape[0]):
        h = ops.tanh(h @ ops.transpose(ops.exp(w)))
    return ops.sum(h)


def test_what_every_iteration_computes_alike_is_computed_once_before_the_loop():
    w, xs = RNG.normal(size=(3, 3)) / 2, RNG.normal(size=(4, 3))
    source = source_of(autograph.grad(weighted_steps, (0, 1)), w, xs)
    forward, adjoint = source.split('for t in range(4):')[0], source.split('for t in range(4):')[1]
    assert 'exp = np.exp(w)' in forward and 'np.exp(' not in adjoint
    assert '_saved.append(exp' not in source and '_saved.append(transpose' not in source
    check_grad(weighted_steps, (w, xs), (0, 1))


def steps_of_run_time_count(w, x, n):
    for t in range(n):
        x = ops.tanh(x @ ops.exp(w))
    return ops.sum(x)


def test_a_loop_that_may_not_run_keeps_its_work():
    w, x = RNG.normal(size=(3, 3)) / 2, RNG.normal(size=(3,))
    n = np.array(2)      # an array: the trip count is known only when the code runs
    source = source_of(autograph.jit(steps_of_run_time_count), w, x, n)
    assert source.index('np.exp(w)') > source.index('for t in range(n)')
    np.testing.assert_allclose(autograph.jit(steps_of_run_time_count)(w, x, np.array(0)), np.sum(x), rtol=1e-12)


# ---------------------------------------------------------------- reductions as methods
def reductions(x, s):
    return ops.sum(x, 0), ops.amax(x, 1, keepdims=True), ops.mean(ops.exp(x)), ops.sum(s * 2)


def test_a_reduction_of_an_array_is_its_method_and_of_a_scalar_numpys_function():
    """x.sum(axis=0) skips np.sum's dispatch; a 0-d value may be a NumPy or Python scalar when
    the code runs, so it keeps np.sum."""
    x, s = RNG.normal(size=(2, 3)), np.array(1.5)
    source = source_of(autograph.jit(reductions), x, s)
    assert 'x.sum(axis=0)' in source and 'x.max(axis=1, keepdims=True)' in source
    assert 'np.exp(x).mean()' in source and 'np.sum(s * 2)' in source
    for got, want in zip(autograph.jit(reductions)(x, s), (x.sum(0), x.max(1, keepdims=True), np.exp(x).mean(), 3.0)):
        np.testing.assert_allclose(got, want, rtol=1e-12)


# ---------------------------------------------------------------- unit axes
def unit_axes(x, s, y):
    return ops.reshape(x, (1, 2, 1, 3)), ops.reshape(ops.exp(x), (2, 3, 1)), ops.reshape(s, (1, 1)), \
        ops.reshape(x, (3, 2)), ops.reshape(y, (2, 3)), ops.reshape(y, (1, 2, 3, 1))


def test_a_reshape_that_inserts_or_drops_unit_axes_is_a_subscript():
    """A 0-d value may be a scalar when the code runs: it keeps np.reshape."""
    x, s, y = RNG.normal(size=(2, 3)), np.array(1.5), RNG.normal(size=(2, 1, 3))
    source = source_of(autograph.jit(unit_axes), x, s, y)
    assert 'x[None, :, None]' in source and 'np.exp(x)[:, :, None]' in source
    assert 'y[:, 0]' in source and 'y[None, :, 0, :, None]' in source
    assert 'np.reshape(s, shape=(1, 1))' in source and 'np.reshape(x, shape=(3, 2))' in source
    wanted = (x.reshape(1, 2, 1, 3), np.exp(x)[:, :, None], s.reshape(1, 1), x.reshape(3, 2), y.reshape(2, 3),
              y.reshape(1, 2, 3, 1))
    for got, want in zip(autograph.jit(unit_axes)(x, s, y), wanted):
        np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------- large arrays written in place
def layer(w, b, x):
    return ops.mean(ops.relu(ops.matmul(x, w) + b) ** 2)


def test_a_bias_and_a_mask_go_into_arrays_the_code_made():
    """(32, 80) float64 is 20 KiB: the product takes the bias where it is, the cotangent the
    relu's mask."""
    w, b, x = RNG.normal(size=(8, 80)), RNG.normal(size=(80,)), RNG.normal(size=(32, 8))
    source = source_of(autograph.grad(layer, (0, 1)), w, b, x)
    assert 'add = x @ w\n' in source and 'add += b' in source and '*= add > 0' in source
    check_grad(layer, (w, b, x), (0, 1))


def test_small_arrays_are_not_split_into_an_update():
    w, b, x = RNG.normal(size=(8, 8)), RNG.normal(size=(8,)), RNG.normal(size=(4, 8))
    source = source_of(autograph.grad(layer, (0, 1)), w, b, x)
    assert '+=' not in source and '*=' not in source
    check_grad(layer, (w, b, x), (0, 1))


def reuses_product(x, w, b):
    y = ops.matmul(x, w)
    return (y + b) * y + x[:, :1]


def test_inputs_and_values_read_again_are_never_written():
    x, w, b = RNG.normal(size=(40, 60)), RNG.normal(size=(60, 60)), RNG.normal(size=(60,))
    before = x.copy()
    got = autograph.jit(reuses_product)(x, w, b)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(got, (x @ w + b) * (x @ w) + x[:, :1], rtol=1e-12)
    source = source_of(autograph.jit(reuses_product), x, w, b)
    assert 'y +=' not in source and 'y *=' not in source and 'x +=' not in source
