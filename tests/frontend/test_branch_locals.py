"""A name each branch of an if uses for its own purpose, with values of different shapes, is an
error only where something reads it after the if (Python allows it; generated code reuses a
dead branch-local name in the other branch too)."""
import numpy as np
import pytest

import autograph
from autograph import CompileError, Tensor, ops
from tests.numerics import check_grad


def own_temporaries(x):
    if ops.sum(x) > 0:
        t = ops.sum(x)
        y = t * 2
    else:
        t = x * 3
        y = ops.sum(t * t)
    return y


def own_structures(x):
    if ops.sum(x) > 0:
        t = (x, x * 2)
        y = ops.sum(t[0] * t[1])
    else:
        t = x
        y = ops.sum(t)
    return y


def reads_it_after(x):
    if ops.sum(x) > 0:
        t = ops.sum(x)
    else:
        t = x * 3
    return t


@pytest.mark.parametrize('fn', [own_temporaries, own_structures])
@pytest.mark.parametrize('sign', [1.0, -1.0])
def test_a_branch_local_name_may_differ_between_branches(fn, sign):
    x = sign * np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(autograph.jit(fn)(x), fn(Tensor(x)).asnumpy(), rtol=1e-12)
    check_grad(fn, (x,), (0,))


def test_reading_it_after_the_if_names_the_if():
    with pytest.raises(CompileError, match=r"line 33.*'t' is float64 of shape \(\) in one branch"):
        autograph.jit(reads_it_after)(np.array([0.5, 1.0, 2.0]))
