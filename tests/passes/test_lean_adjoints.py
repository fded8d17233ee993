"""Adjoints without the work and the lines a careful person would leave out (issue 14): each rule
on its own, its source checked for the form, its gradient against central differences in
float64, and its values against plain Python where the rule changes what the code returns."""
import importlib.util

import numpy as np
import pytest

import autograph
from autograph import ops
from tests.numerics import check_grad, source_of

RNG = np.random.default_rng(3)


# ---------------------------------------------------------------- names
def mse(w, x, t):
    pred = x @ w
    return ((pred - t) ** 2).mean()


def test_the_gradient_of_a_named_value_is_named_after_it_and_never_after_a_temporary():
    """`pred - t`'s gradient is `pred`'s: `dpred`, never `dt`, which reads as the gradient of
    the user's `t`."""
    args = RNG.normal(size=(3,)), RNG.normal(size=(8, 3)), RNG.normal(size=(8,))
    source = source_of(autograph.grad(mse), *args)
    assert 'dpred = ' in source and 'dt ' not in source
    check_grad(mse, args, (0, 1, 2))


def chain(x):
    a = ops.tanh(x)
    c = ops.exp(a) * a * 2.0
    return ops.sin(c).sum()


def test_an_unnamed_gradient_is_named_after_its_primitive():
    """The gradient of the unnamed `exp(a) * a`, read twice, is `dmul`."""
    source = source_of(autograph.grad(chain), RNG.normal(size=(4,)))
    assert 'dmul = ' in source and 'da = ' in source and 'dt' not in source
    check_grad(chain, (RNG.normal(size=(4,)),), (0,))


def short_chain(x):
    a = ops.tanh(x)
    c = ops.exp(a) * 2.0
    return ops.sin(c).sum()


def test_a_machine_named_gradient_read_once_is_written_where_it_is_read():
    """`dexp = dc * 2.0` read only by the next gradient is part of it: no machine-made name."""
    source = source_of(autograph.grad(short_chain), RNG.normal(size=(4,)))
    assert 'dexp' not in source and 'da = dc * 2.0 * exp' in source
    check_grad(short_chain, (RNG.normal(size=(4,)),), (0,))



def test_a_forward_temporary_read_only_by_its_statements_adjoint_moves_there():
    """`1 - y`, `np.tanh(x) ** 2`: values of the forward statement that only its adjoint reads
    are written inside the adjoint's expression, and `t * t` of such a value is `(...) ** 2`."""
    def loss(x):
        return ops.sum(ops.tanh(x * 3.0))
    source = source_of(autograph.grad(loss), RNG.normal(size=(5,)))
    body = source.split('def ', 1)[1]
    assert 'np.tanh(x * 3.0) ** 2' in body and body.count('np.tanh') == 1, source
    check_grad(loss, (RNG.normal(size=(5,)),), (0,))


# ---------------------------------------------------------------- broadcasts
def weighted(y, g):
    return (y * g).sum()


def layer_norm(x, g):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mu) / ops.sqrt(var + 1e-5)
    return (y * g).sum()


def test_a_seed_of_ones_that_broadcasting_absorbs_vanishes():
    args = RNG.normal(size=(2, 5)), RNG.normal(size=(5,))
    source = source_of(autograph.grad(layer_norm), *args)
    assert 'np.ones' not in source and 'broadcast_to' not in source
    assert 'dsub = g / sqrt' in source      # the weight itself, not np.ones((2, 5)) * g
    check_grad(layer_norm, args, (0, 1))


def test_a_returned_gradient_is_an_array_of_its_own():
    """Broadcasting the weight is a read-only view of the caller's array: the gradient returned
    is written out in full, so writing into it changes nothing else."""
    y, g = np.ones((2, 5)), np.arange(5.0)
    dy = autograph.grad(weighted)(y, g)
    assert np.asarray(dy).flags.writeable and not np.shares_memory(dy, g)
    np.asarray(dy)[0, 0] = 100.0
    np.testing.assert_array_equal(g, np.arange(5.0))
    check_grad(weighted, (y, g), (0, 1))


def python_sum_of_ones(x):
    n = 1
    while n < x.shape[0]:
        n *= 2
    return ops.sum(ops.ones(n) * ops.sum(x))


def test_a_sum_of_a_broadcast_number_adds_as_eager_code_does():
    """Not `s * 4`: that rounds differently from adding s four times (fuzz seed 100975)."""
    x = RNG.normal(size=(4,)) * 1e8 + 0.1
    assert 'np.ones' not in source_of(autograph.jit(python_sum_of_ones), x)
    assert autograph.jit(python_sum_of_ones)(x) == python_sum_of_ones(autograph.Tensor(x)).asnumpy()


# ---------------------------------------------------------------- loops
def iterates_a_slice(x0, x1):
    for r0 in x1[:, 1:3]:
        for r1 in r0:
            x0 = x0 * x0
        x1 = x1 * ops.sigmoid(x0.T)
    return x1[0][1]


def test_the_gradient_of_a_value_only_iterated_over_is_never_made():
    """`for r1 in r0` reads only r0's length: its gradient, zeros nobody adds to, goes, and so do
    the scatter of those zeros and the counter that placed it."""
    args = RNG.uniform(0.5, 0.9, size=(4, 2)), RNG.normal(size=(2, 4))
    source = source_of(autograph.grad(iterates_a_slice, (0, 1)), *args)
    assert 'np.zeros((2,)' not in source and 'index_add_to' not in source
    assert '- 1' not in source.split('# grad of')[1]     # no counter left in the backward loops
    check_grad(iterates_a_slice, args, (0, 1))


def rnn(h, xs, W, U):
    for x in xs:
        h = ops.tanh(h @ W + x @ U)
    return h.sum()


def test_an_accumulator_starts_at_its_first_contribution(tmp_path):
    """`dW = 0.0` then `dW += ...`: the first += makes the array; no np.zeros, no np.ones seed."""
    args = [RNG.normal(size=(1, 3)), RNG.normal(size=(4, 1, 2)), RNG.normal(size=(3, 3)) * 0.5,
            RNG.normal(size=(2, 3))]
    grad = autograph.grad(rnn, (0, 2, 3))
    source = source_of(grad, *args)
    assert 'np.zeros' not in source and 'np.ones' not in source
    assert 'dW = 0.0' in source and 'dW += ' in source and 'dh = 1.0' in source
    for g, want in zip(grad(*args), grad(*args)):      # each call starts afresh
        np.testing.assert_array_equal(g, want)
    check_grad(rnn, args, (0, 2, 3))
    # the generated code is valid input to the compiler again, and gives the same gradients
    path = tmp_path / 'rnn_grad.py'
    path.write_text(source)
    spec = importlib.util.spec_from_file_location('rnn_grad', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for got, want in zip(autograph.jit(module.rnn_grad)(*args), grad(*args)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12)


def sums_until(x, w):
    acc = ops.zeros_like(x)
    k = 0
    while k < 3:
        acc = acc + x * w
        k += 1
    return acc.sum()


def grows_while(x):
    s = ops.zeros_like(x)
    while ops.sum(s) < 5.0:
        s = s + x
    return s.sum()


def maybe_runs(x, n):
    acc = ops.zeros_like(x)
    for i in range(n):
        acc = acc + x * i
    return acc.sum()


@pytest.mark.parametrize('n', [0, 3])
def test_a_loop_that_may_not_run_keeps_its_zeros(n):
    """Written 0.0, the accumulator of a loop that runs no time would come back a number."""
    x = RNG.normal(size=(3,))
    jitted = autograph.jit(maybe_runs)
    assert np.shape(jitted(x, n)) == ()
    np.testing.assert_allclose(jitted(x, n), maybe_runs(x, n), rtol=1e-12)
    out = autograph.jit(grows_while)(np.full(3, 0.5))
    np.testing.assert_allclose(out, 6.0, rtol=1e-12)
    assert 'np.zeros' in source_of(autograph.jit(grows_while), np.full(3, 0.5))


def conditional_accumulate(x):
    acc = ops.zeros_like(x)
    for i in range(3):
        if ops.sum(x) > 100.0:
            acc = acc + x
    return acc


def test_an_accumulator_a_branch_may_skip_stays_an_array():
    x = RNG.normal(size=(3,))
    out = autograph.jit(conditional_accumulate)(x)
    assert np.shape(out) == (3,)
    np.testing.assert_array_equal(out, np.zeros(3))


# ---------------------------------------------------------------- branches
def branch(x, w):
    h = x @ w
    if ops.sum(h) > 0:
        y = ops.tanh(h)
    else:
        y = 0.5 * h * h
    return ops.sum(y * y)


@pytest.mark.parametrize('sign', [1.0, -1.0])
def test_a_branch_and_its_adjoint_are_one_if(sign):
    """The forward `if` and its adjoint's `if` on the same condition merge: each branch keeps
    what its adjoint needs, and the other branch needs no `None` for it."""
    x, w = np.abs(RNG.normal(size=(3, 4))), sign * np.abs(RNG.normal(size=(4, 2)))
    source = source_of(autograph.grad(branch, (0, 1)), x, w)
    assert [line.strip()[:3] for line in source.splitlines()].count('if ') == 1
    assert 'None' not in source
    check_grad(branch, (x, w), (0, 1))


def two_ifs_apart(x):
    s = ops.sum(x)
    if s > 0:
        a = x * 2.0
    else:
        a = x * 3.0
    b = a * a
    for i in range(2):
        b = b + 1.0
    if s > 0:
        c = b * x
    else:
        c = b - x
    return ops.sum(c)


@pytest.mark.parametrize('sign', [1.0, -1.0])
def test_ifs_with_a_loop_between_stay_apart(sign):
    x = sign * np.abs(RNG.normal(size=(3,)))
    jitted = autograph.jit(two_ifs_apart)
    np.testing.assert_allclose(jitted(x), two_ifs_apart(autograph.Tensor(x)).asnumpy(), rtol=1e-12)
    check_grad(two_ifs_apart, (x,), (0,))
