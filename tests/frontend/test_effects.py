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
