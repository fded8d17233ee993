"""print and assert in compiled code act when the code runs, with that run's values."""
import numpy as np
import pytest

import autograph
from autograph import ops


def shout(x):
    y = x * 2
    print('y is', y, 'and its sum', ops.sum(y), sep=' | ')
    return ops.sum(y)


def guarded(x):
    assert ops.sum(x) > 0, 'the sum must be positive'
    return ops.sum(ops.log(x))


def test_print_runs_at_run_time_with_the_values(capsys):
    f = autograph.jit(shout)
    f(np.array([1.0, 2.0]))
    f(np.array([3.0, 4.0]))
    printed = capsys.readouterr().out.splitlines()
    assert printed == ['y is | [2. 4.] | and its sum | 6.0', 'y is | [6. 8.] | and its sum | 14.0']
    assert "print('y is', y, 'and its sum', " in autograph.get_source(f)


def test_print_survives_in_a_gradient_and_does_not_change_it(capsys):
    g = autograph.grad(shout)(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g, [2.0, 2.0])
    assert capsys.readouterr().out.startswith('y is | [2. 4.]')


def test_runtime_assert_raises_with_the_users_message_and_line():
    f = autograph.jit(guarded)
    assert f(np.array([1.0, 2.0])) == pytest.approx(np.log(2.0))
    with pytest.raises(AssertionError) as info:
        f(np.array([-1.0, -2.0]))
    assert 'the sum must be positive' in str(info.value)
    assert __file__ in str(info.value) and 'assert ops.sum(x) > 0' in str(info.value)


def test_compile_time_assert_fails_while_compiling():
    def needs_matrix(x):
        assert x.ndim == 2, 'give me a matrix'
        return ops.sum(x)
    with pytest.raises(autograph.CompileError, match='give me a matrix'):
        autograph.jit(needs_matrix)(np.ones(3))


# ---------------------------------------------------------------- ops.assign inside control flow
from autograph import Parameter, Tensor  # noqa: E402
from autograph.ir import verify  # noqa: E402

w = Parameter(Tensor(np.array([1.0, 2.0])), name='w')


def grad_w(x):
    return ops.sum((w * x - 1.0) ** 2)


step_grad = autograph.grad(grad_w, None, weights=w)


def descend(x, n):
    for i in range(n):
        ops.assign(w, w - 0.1 * step_grad(x))
    return ops.sum(w * x)


def double_if_positive(x):
    if ops.sum(x) > 0:
        ops.assign(w, w * 2)
    return ops.sum(w * x)


def test_assign_in_a_run_time_loop_is_carried_and_read_after_it():
    w.set_data(np.array([1.0, 2.0]))
    f = autograph.jit(descend)
    np.testing.assert_allclose(f(np.array([1.0, 1.0]), 5), 1 + 1.32768)
    np.testing.assert_allclose(w.asnumpy(), [1.0, 1.32768])
    verify(f.last.graph)


def test_assign_in_a_branch_is_seen_after_it():
    w.set_data(np.array([1.0, 2.0]))
    f = autograph.jit(double_if_positive)
    assert f(np.array([1.0, 1.0])) == 6.0 and f(np.array([-1.0, -1.0])) == -6.0
    np.testing.assert_allclose(w.asnumpy(), [2.0, 4.0])
    verify(f.last.graph)
    assert len(f.last.graph.inputs) == 2           # x and w: one input for the Parameter
