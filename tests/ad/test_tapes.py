"""What a loop saves for its adjoint: one list per variable, nothing that costs less to make
again. Each form on its own: the generated source says what is saved, and the gradients equal
central differences in float64."""
import re

import numpy as np

import autograph
from autograph import ops
from tests.numerics import check_grad, source_of

RNG = np.random.default_rng(3)




def rnn(w, u, xs, h):
    for t in range(xs.shape[0]):
        h = ops.tanh(ops.matmul(h, w) + ops.matmul(xs[t], u))
    return ops.sum(h)


def test_a_recurrence_saves_its_state_once_and_takes_its_inputs_again():
    """h before each step is saved; h after it is the next step's h before, which the adjoint
    carries back from the loop's result; xs[t] is taken again at an index counted down."""
    args = (RNG.normal(size=(3, 3)) / 2, RNG.normal(size=(2, 3)) / 2, RNG.normal(size=(4, 5, 2)),
            RNG.normal(size=(5, 3)))
    source = source_of(autograph.grad(rnn, (0, 1, 2, 3)), *args)
    assert source.count('_saved = []') == 1 and source.count('.append(') == 1
    assert 't_1 = 3' in source and 'xs[t_1]' in source and 't_1 = t_1 - 1' in source
    check_grad(rnn, args, (0, 1, 2, 3))


def steps_of_run_time_count(w, xs, n):
    h = xs[0]
    for t in range(n):
        h = ops.tanh(ops.matmul(h, w) * xs[t])
    return ops.sum(h)


def test_a_range_known_only_at_run_time_saves_what_its_index_gives():
    """The adjoint could not count the index down from a last value it does not know."""
    w, xs = RNG.normal(size=(3, 3)) / 2, RNG.normal(size=(4, 3))
    source = source_of(autograph.grad(steps_of_run_time_count), w, xs, np.array(3))
    assert 'getitem_saved.append(getitem)' in source and not re.search(r'\bt_1\b', source)
    check_grad(lambda w, xs: steps_of_run_time_count(w, xs, np.array(3)), (w, xs), (0, 1))


def halving(x, w):
    h = x
    while ops.sum(h * h) > 0.1:
        h = ops.tanh(h @ w * 0.5)
    return ops.sum(h)


def test_a_while_loop_carries_back_its_state():
    x, w = np.array([1.5, -2.0, 0.7]), np.eye(3) * 0.8 + RNG.normal(size=(3, 3)) / 10
    source = source_of(autograph.grad(halving, (0, 1)), x, w)
    assert source.count('_saved = []') == 1
    check_grad(halving, (x, w), (0, 1))


def descending(x, w):
    total = ops.sum(x * 0)
    for t in range(x.shape[0] - 1, -1, 2 - 4):
        total = total + ops.sum(ops.sin(x[t] * w)) * t
    return total


def test_a_descending_range_counts_up_again():
    x, w = RNG.normal(size=(4, 3)), RNG.normal(size=(3,))
    source = source_of(autograph.grad(descending, (0, 1)), x, w)
    assert 't_1 = 1' in source and 't_1 = t_1 + 2' in source and 't_saved' not in source
    check_grad(descending, (x, w), (0, 1))


def rows_of_a_result(x, w):
    y = ops.tanh(x @ w)
    total = ops.sum(y * 0)
    for i in range(3):
        total = total + ops.sum(ops.sin(y[i]))
    return total


def test_a_view_of_a_value_made_before_the_loop_is_taken_again():
    """With nothing else to save, the index is: the lists count the adjoint's iterations."""
    x, w = RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))
    source = source_of(autograph.grad(rows_of_a_result, (0, 1)), x, w)
    assert 'np.cos(y[i_1])' in source and source.count('.append(') == 1 and 'i_saved.append(i)' in source
    check_grad(rows_of_a_result, (x, w), (0, 1))


def rnn_slope(w, u, xs, h, v):
    return ops.sum(autograph.grad(rnn)(w, u, xs, h) * v)


def test_the_adjoint_of_a_recurrence_differentiates_again():
    args = (RNG.normal(size=(3, 3)) / 2, RNG.normal(size=(2, 3)) / 2, RNG.normal(size=(3, 5, 2)),
            RNG.normal(size=(5, 3)), RNG.normal(size=(3, 3)))
    check_grad(rnn_slope, args, (0, 1, 2, 3))


def branch_with_exp(x):
    if ops.sum(x) > 0:
        y = ops.exp(x)
    else:
        y = x * 2
    return ops.sum(y * y)


def test_a_branch_adjoint_reads_the_if_result_for_a_value_its_branch_yields():
    for x in (np.array([0.5, 1.0, -0.2]), np.array([-0.5, -1.0, 0.2])):
        source = source_of(autograph.grad(branch_with_exp), x)
        assert 'y_1 = None' not in source and ' = None' not in source
        check_grad(branch_with_exp, (x,), (0,))
