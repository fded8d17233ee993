"""Boolean masks in compiled code. A mask known only at run time makes `x[mask]` a selection
whose length is known only then; compiled code sums it, averages it (over a count made at run
time), does arithmetic on it first, or assigns through it, all as `where` forms with static
shapes. A mask known while compiling is the indices of its true elements, as in NumPy. Any other
use of a run-time selection is a CompileError at the user's line naming ops.where and
ops.masked_fill. Values against NumPy's boolean indexing, gradients against central differences
in float64."""
import inspect

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from tests.numerics import central_difference

X = np.array([[0.5, -1.0, 2.0, 0.3], [2.5, 0.25, -0.6, 1.7], [-0.75, 1.5, 0.9, -2.2]])
W = np.array([[1.0, -2.0, 0.5, 0.1], [0.3, 0.7, -1.1, 2.0], [1.2, -0.4, 0.8, 0.6]])


def check(fn, numpy_fn, *xs):
    """fn compiled equals numpy_fn on arrays (values), and its gradient equals central
    differences of numpy_fn."""
    compiled = autograph.jit(fn)(*[Tensor(x) for x in xs])
    np.testing.assert_allclose(np.asarray(compiled.asnumpy()), numpy_fn(*xs), rtol=1e-12)
    got = autograph.grad(fn, tuple(range(len(xs))))(*[Tensor(x) for x in xs])
    want = central_difference(lambda *a: float(numpy_fn(*a)), *xs)
    for g, w in zip(got, want if len(xs) > 1 else [want]):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-6, atol=1e-8)


def sum_of_positives(x, w):
    return ops.sum(x[x > 0]) + (w[x > 0.4]).sum() + np.sum(w[w < 0])


def np_sum_of_positives(x, w):
    return x[x > 0].sum() + w[x > 0.4].sum() + w[w < 0].sum()


def mean_of_selected(x, w):
    return ops.mean(x[x > 0] * 2.0) + w[x < 1].mean() + np.mean(w[x > 100])   # none selected
# (NumPy's mean of nothing is NaN; the last term is replaced by 0 in the reference below)


def np_mean_of_selected(x, w):
    return (x[x > 0] * 2.0).mean() + w[x < 1].mean()


def masked_mse(pred, target):
    valid = target > 0
    return ((pred[valid] - target[valid]) ** 2).mean()


def np_masked_mse(pred, target):
    valid = target > 0
    return ((pred[valid] - target[valid]) ** 2).mean()


def rows_selected(x, w):
    keep = x.sum(1) > 0.5                      # a mask over the rows
    per_column = x[keep].sum(0) * w[0]         # (4,): the selected rows summed
    return ops.sum(per_column) + x[keep].mean() + ops.sum(w[keep].mean(axis=0, keepdims=True) ** 2)


def np_rows_selected(x, w):
    keep = x.sum(1) > 0.5
    return np.sum(x[keep].sum(0) * w[0]) + x[keep].mean() + np.sum(w[keep].mean(axis=0, keepdims=True) ** 2)


def arithmetic_then_reduce(x, w):
    m = x > 0
    return ops.sum(1 / x[m] + x[m] ** 0.5 * w[m] - abs(-w[m]) * 3)


def np_arithmetic_then_reduce(x, w):
    m = x > 0
    return np.sum(1 / x[m] + x[m] ** 0.5 * w[m] - abs(-w[m]) * 3)


@pytest.mark.parametrize('fn,numpy_fn', [
    (sum_of_positives, np_sum_of_positives), (masked_mse, np_masked_mse),
    (rows_selected, np_rows_selected), (arithmetic_then_reduce, np_arithmetic_then_reduce),
], ids=lambda v: getattr(v, '__name__', ''))
def test_reductions_of_a_masked_selection(fn, numpy_fn):
    check(fn, numpy_fn, X, W)


def test_mean_divides_by_the_count_made_at_run_time():
    f = autograph.jit(mean_of_selected)
    with np.errstate(invalid='ignore'):          # the mean of nothing selected is 0 / 0
        got = float(f(Tensor(X), Tensor(W)))
    assert np.isnan(got)                           # as NumPy's mean of an empty selection
    without_empty = lambda x, w: ops.mean(x[x > 0] * 2.0) + w[x < 1].mean()   # noqa: E731
    check(without_empty, np_mean_of_selected, X, W)
    # the same compiled code, another mask count
    x2 = -X
    np.testing.assert_allclose(float(autograph.jit(without_empty)(Tensor(x2), Tensor(W))),
                               np_mean_of_selected(x2, W))


def test_gradient_has_no_nan_where_the_derivative_is_infinite_outside_the_mask():
    x = np.array([0.0, 4.0, -1.0, 9.0])
    dx = autograph.grad(lambda v: ops.sum(v[v > 0] ** 0.5) + ops.sum(1 / v[v > 0]))(Tensor(x))
    np.testing.assert_allclose(dx.asnumpy(), [0.0, 0.25 - 1 / 16, 0.0, 1 / 6 - 1 / 81])


def assigns_through_masks(x, w):
    y = x * 1.0
    y[y < 0] = 0.0                    # a hand-written relu
    y[x > 1] += w[x > 1] * 2          # one mask, evaluated once
    y[x.sum(1) > 0.5] = w[0]          # rows: v broadcasts over each selected row
    return ops.sum(y * w)


def np_assigns_through_masks(x, w):
    y = x * 1.0
    y[y < 0] = 0.0
    y[x > 1] += w[x > 1] * 2
    y[x.sum(1) > 0.5] = w[0]
    return np.sum(y * w)


def test_assignment_through_a_mask():
    check(assigns_through_masks, np_assigns_through_masks, X, W)


def test_assigned_value_takes_the_arrays_dtype():
    def clip_ints(x):
        y = ops.cast(x * 10, autograph.int32)
        y[y > 5] = 5.7                         # NumPy's assignment casts: 5
        return y
    got = autograph.jit(clip_ints)(Tensor(X))
    assert got.dtype == autograph.int32
    want = (X * 10).astype(np.int32)
    want[want > 5] = 5
    np.testing.assert_array_equal(got.asnumpy(), want)


def test_a_mask_known_while_compiling_indexes_statically():
    def pick(x):
        rows = x[np.array([True, False, True])]               # a constant mask: its indices
        cols = x[:, [False, True, True, False]]
        return ops.sum(rows * 2) + ops.sum(cols ** 2), rows
    (value, rows) = autograph.jit(pick)(Tensor(X))
    np.testing.assert_allclose(rows.asnumpy(), X[[0, 2]])
    assert float(value) == pytest.approx(np.sum(X[[0, 2]] * 2) + np.sum(X[:, 1:3] ** 2))
    dx = autograph.grad(lambda v: pick(v)[0])(Tensor(X))
    want = np.zeros_like(X)
    want[[0, 2]] += 2
    want[:, 1:3] += 2 * X[:, 1:3]
    np.testing.assert_allclose(dx.asnumpy(), want)


# ---------------------------------------------------------------- what cannot compile
def returns_the_selection(x):
    positive = x[x > 0]
    return positive  # HERE


def exp_of_the_selection(x):
    return ops.exp(x[x > 0]).sum()  # HERE


def len_of_the_selection(x):
    n = len(x[x > 0])  # HERE
    return x * n


def max_of_the_selection(x):
    return x[x > 0].max()  # HERE


def mask_with_another_index(x):
    return ops.sum(x[x > 0, 1])  # HERE


def sum_keeping_the_selected_axis(x):
    return x[x.sum(1) > 0].sum(1)  # HERE


def printed_selection(x):
    print(x[x > 0])  # HERE
    return x


def two_masks_combined(x):
    return ops.sum(x[x > 0] * x[x < 1])  # HERE


def assigns_one_value_per_selected_element(x):
    y = x * 1.0
    y[x > 0] = ops.ones((3,))  # HERE
    return y


def selection_carried_through_a_run_time_loop(x):
    m = x[x > 0]
    while ops.sum(x) < 10:  # HERE
        m = m * 2
        x = x + 1
    return ops.sum(m)


REFUSED = [selection_carried_through_a_run_time_loop, returns_the_selection, exp_of_the_selection, len_of_the_selection,
           max_of_the_selection, mask_with_another_index, sum_keeping_the_selected_axis,
           printed_selection, two_masks_combined, assigns_one_value_per_selected_element]


@pytest.mark.parametrize('transform', [autograph.jit, autograph.grad], ids=['jit', 'grad'])
@pytest.mark.parametrize('fn', REFUSED, ids=lambda f: f.__name__)
def test_other_uses_are_refused_at_their_line_naming_where_and_masked_fill(fn, transform):
    lines, first = inspect.getsourcelines(fn)
    here = first + next(i for i, line in enumerate(lines) if '# HERE' in line)
    with pytest.raises(autograph.CompileError) as info:
        transform(fn)(Tensor(X))
    err = info.value
    assert err.loc.filename == __file__ and err.loc.lineno == here, str(err)
    assert 'boolean mask' in err.message and 'ops.where' in err.message and 'ops.masked_fill' in err.message
    assert 'Selection' not in str(err) and 'runtime' not in str(err)
