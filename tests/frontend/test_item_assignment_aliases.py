"""An item assignment shows through every other name for the same array, as in Python
(`v = b; b[0] = 1` changes v), and a view taken before it (`v = b[1:]`) is an error where it is
read afterwards, never a stale value (fuzz seed 90953)."""
import numpy as np
import pytest

import autograph
from autograph import CompileError, Tensor, float64, ops
from tests.numerics import check_grad

X = np.array([[0.68, 0.25, -0.17], [-0.95, 0.35, 0.26], [-1.0, 0.43, 0.73]])


def through_an_alias(x):
    b = ops.zeros(4, float64)
    v = b
    b[0] = x[1, 0]
    return ops.sum(v * v) + ops.sum(b)


def through_the_first_name(x):
    b = ops.zeros(4, float64)
    v = b
    v[1] = x[0, 1] * 2
    return ops.sum(b * x[0, 0])


def chained(x):
    a = b = x * 1.5
    b[0, 0] = 0.0
    return ops.sum(a * x)


def rebound_alias(x):
    b = ops.zeros(3, float64)
    v = b
    v = x[0] * 2          # no longer b
    b[0] = 1.0
    return ops.sum(v) + ops.sum(b)


@pytest.mark.parametrize('fn', [through_an_alias, through_the_first_name, chained, rebound_alias])
def test_an_item_assignment_shows_through_every_name_for_the_array(fn):
    np.testing.assert_allclose(autograph.jit(fn)(X), fn(Tensor(X)).asnumpy(), rtol=1e-12)
    check_grad(fn, (X,), (0,))


def reads_a_stale_view(x):
    b = ops.zeros(4, float64)
    v = b[::1]
    b[0] = x[1, 0]
    return ops.sum(v)


def reads_the_view_first(x):
    b = x * 2.0
    row = b[0]
    total = ops.sum(row)
    b[0] = x[1] * 3.0
    return total + ops.sum(b)


def test_a_view_read_after_its_array_changed_is_an_error():
    with pytest.raises(CompileError, match=r"'v' is a view of 'b', which the item assignment at line 51"):
        autograph.jit(reads_a_stale_view)(X)


def test_a_view_read_before_its_array_changes_is_fine():
    fn = reads_the_view_first
    np.testing.assert_allclose(autograph.jit(fn)(X), fn(Tensor(X)).asnumpy(), rtol=1e-12)
    check_grad(fn, (X,), (0,))
