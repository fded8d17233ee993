"""Loops over compile-time values (frontend/unrolling.py): which stay loops in the generated code,
which the compiler runs itself, and that none is unrolled without a bound.

- `while i < K` on a Python int is a run-time loop, as `for i in range(K)` is: K = 20 gives a
  short loop, K = 300 and 20,000 compile (once, no RecursionError), and exits under a Tensor
  `if` inside it work (they take flags).
- A while loop doing only Python work runs while compiling (its result can be a shape).
- A while loop whose body needs compile-time values is unrolled, within a budget; past it, or
  where it cannot be unrolled, the CompileError names the loop's line and the reason.
- A loop known to run at least once defines after it what its body assigns, as Python does;
  a loop target that had a value keeps it when the loop runs no time.

Values are checked against plain Python on Tensors, gradients against central differences."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from autograph.frontend import unrolling
from autograph.ir import verify
from tests.numerics import central_difference_at


def counted(x, k):
    i = 0
    while i < k:
        x = ops.sin(x) * 1.01 + 0.1 * i
        i += 1
    return ops.sum(x)


def continue_under_a_tensor_if(x, k):      # fuzz seed 9's shape
    j = 0
    while j < k:
        j += 1
        if ops.sum(x) > 1.0:
            x = x * 0.5
            continue
        x = x * 1.5 + 0.25
    return ops.sum(x * x)


def break_under_a_tensor_if(x, k):
    i = 0
    total = x * 0
    while i < k:
        total = total + ops.tanh(x * (i + 1))
        if ops.sum(total) > 2.0:
            break
        i += 1
    else:
        total = total * 2.0
    return ops.sum(total) + i


def return_under_a_tensor_if(x):           # fuzz seed 21's shape
    j = 0
    while j < 3:
        j += 1
        y = ops.sin(x) * j
        if ops.sum(y) > 1.5:
            return ops.sum(y * x)
        x = x + 0.5
    return ops.sum(x)


def returning_loop_inside(x):              # fuzz seed 777's shape: a run-time loop that returns
    total = ops.sum(x)
    k = 0
    while k < 2:
        k += 1
        for j in range(ops.sum(x > 0)):
            if total > 3:
                return total * x[0]
            total = total * 2.0
    return total


def made_inside(x):
    i = 0
    while i < 3:
        y = x * (i + 1)       # first assigned in the loop, read after it
        i += 1
    return ops.sum(y) * i


def python_only(x):
    n = 1
    while n < x.shape[0]:      # computes a shape: run while compiling
        n *= 2
    return ops.sum(ops.ones(n) * ops.sum(x))


def needs_the_counter(x, ws):
    i = 0
    while i < len(ws):          # ws[i]: a tuple indexed by the counter, so unrolled
        x = ops.tanh(x @ ws[i])
        if i == 1:               # an exit decided at compile time
            break
        i += 1
    return ops.sum(x)


def ranged_counter(x, ws):
    for i in range(len(ws)):    # needs i at compile time, and breaks on a Tensor: unrolled with flags
        x = ops.tanh(x @ ws[i])
        if ops.sum(x) > 0.5:
            break
    return ops.sum(x)


def grows_a_list(x, k):
    rows = []
    i = 0
    while i < k:
        rows.append(x * i)
        i += 1
    return ops.sum(ops.stack(rows) ** 2)


def breaks_the_outer_loop_from_else(x):    # fuzz seed 9903's shape
    for i in range(2):
        j = 0
        while j < 2:
            j += 1
            x = x * 1.5
        else:     # a break here leaves the for loop, which takes flags for it
            if ops.sum(x) > 2.0:
                break
        x = x + 1.0
    return ops.sum(x)


X = np.array([0.5, -0.3, 0.9])    # no condition below is near its threshold
WS = tuple(np.eye(3) * s + 0.1 for s in (0.9, 1.1, 0.7))
CASES = {
    'counted': (counted, (X, 20)),
    'continue_taken': (continue_under_a_tensor_if, (X, 3)),
    'continue_not_taken': (continue_under_a_tensor_if, (X - 1.0, 3)),
    'break_taken': (break_under_a_tensor_if, (X, 5)),
    'break_not_taken': (break_under_a_tensor_if, (X * 0.1, 3)),
    'return_taken': (return_under_a_tensor_if, (X + 0.5,)),
    'return_not_taken': (return_under_a_tensor_if, (X - 2.0,)),
    'returning_loop_inside': (returning_loop_inside, (X + 1.0,)),
    'returning_loop_inside_no_return': (returning_loop_inside, (X * 0.1,)),
    'made_inside': (made_inside, (X,)),
    'python_only': (python_only, (X,)),
    'needs_the_counter': (needs_the_counter, (X, WS)),
    'ranged_counter': (ranged_counter, (X, WS)),
    'ranged_counter_no_break': (ranged_counter, (X - 1.0, WS)),
    'grows_a_list': (grows_a_list, (X, 4)),
    'breaks_the_outer_loop_from_else': (breaks_the_outer_loop_from_else, (X,)),
    'breaks_the_outer_loop_from_else_not_taken': (breaks_the_outer_loop_from_else, (X - 1.0,)),
}


def eager(fn, args):
    def tensor(a):
        return Tensor(a) if isinstance(a, np.ndarray) else tuple(map(tensor, a)) if isinstance(a, tuple) else a
    return float(np.asarray(fn(*map(tensor, args))))


@pytest.mark.parametrize('name', sorted(CASES))
def test_value_equals_python(name):
    fn, args = CASES[name]
    compiled = autograph.jit(fn)
    np.testing.assert_allclose(compiled(*args), eager(fn, args), rtol=1e-12)
    verify(compiled.last.graph)


@pytest.mark.parametrize('name', sorted(CASES))
def test_gradient_equals_finite_differences(name):
    fn, args = CASES[name]
    grad = autograph.grad(fn)(*args)
    want, = central_difference_at(lambda *xs: eager(fn, xs), list(args), [0])
    np.testing.assert_allclose(grad, want, rtol=1e-6, atol=1e-8)


def test_a_while_on_a_python_int_is_a_loop_in_the_generated_code():
    source = autograph.get_source(autograph.jit(counted), X, 20)
    assert 'while i < 20:' in source
    assert len(source.splitlines()) < 20        # unrolled, it was 84 lines
    assert 'while' in autograph.get_source(autograph.jit(continue_under_a_tensor_if), X, 3)


def test_a_python_only_while_leaves_no_loop():
    source = autograph.get_source(autograph.jit(python_only), X)
    assert 'while' not in source and 'shape=(4,)' in source     # n == 4, known when compiling


@pytest.mark.parametrize('k', [300, 20_000])
def test_long_while_loops_compile_once_without_recursion(k):
    x = np.array([0.3, -0.2])
    y, dy = x, np.ones_like(x)
    for i in range(k):
        y, dy = np.sin(y) * 1.01 + 0.1 * i, np.cos(y) * 1.01 * dy
    np.testing.assert_allclose(autograph.jit(counted)(x, k), y.sum(), rtol=1e-10)
    np.testing.assert_allclose(autograph.grad(counted)(x, k), dy, rtol=1e-9)


def test_a_long_while_that_must_be_unrolled_still_compiles():
    """2,000 steps that grow a list (two statements each): unrolled, inside the budget."""
    x = np.array([0.3, -0.2])
    want = sum(np.sum((x * i) ** 2) for i in range(2_000))
    np.testing.assert_allclose(autograph.jit(grows_a_list)(x, 2_000), want, rtol=1e-12)


def test_past_the_budget_the_error_says_why_the_loop_cannot_stay_a_loop(monkeypatch):
    monkeypatch.setattr(unrolling, 'UNROLL_BUDGET', 50)
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(grows_a_list)(X, 100)
    text = str(info.value)
    assert f'line {grows_a_list.__code__.co_firstlineno + 3}' in text
    assert 'budget of 50 statements' in text and 'cannot change a Python list' in text


def counter_after_the_exit(x, ws):
    i = 0
    while i < len(ws):
        x = ops.tanh(x @ ws[i])
        if ops.sum(x) > 0.5:
            break
        i += 1          # set only where no break happened: i becomes a run-time number
    return ops.sum(x)


def test_a_while_that_needs_its_counter_and_breaks_on_a_tensor_says_to_use_a_range():
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(counter_after_the_exit)(X, WS)
    text = str(info.value)
    first = counter_after_the_exit.__code__.co_firstlineno
    assert f'line {first + 2}, column 5' in text                  # the while
    assert f'(line {first + 3})' in text and f'(line {first + 5})' in text   # why, and the break
    assert 'a tuple cannot be indexed by a Tensor' in text and 'for loop over a range' in text
    assert 'not supported yet' not in text


def endless(x):
    state = 'go'
    while state == 'go':       # Python work only, on a str: never ends, and cannot be a run-time loop
        state = 'go'
    return x


def test_an_endless_python_loop_is_refused_where_it_is():
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(endless)(X)
    text = str(info.value)
    assert f'line {endless.__code__.co_firstlineno + 2}' in text
    assert 'without ending' in text and "'state' holds a str" in text


def target_keeps_its_value(x, n):
    j = 7
    for j in range(n):
        x = x * 1.5
    return x * j


@pytest.mark.parametrize('n', [0, 3])
def test_a_loop_target_assigned_before_the_loop_keeps_its_value(n):
    """Not 'name j may be undefined ... give it a value before the loop': it has one."""
    for bound in (n, Tensor(np.array(n))):
        want = target_keeps_its_value(Tensor(X), n).asnumpy()
        np.testing.assert_allclose(autograph.jit(target_keeps_its_value)(X, bound), want, rtol=1e-12)
        np.testing.assert_allclose(want, X * 1.5 ** n * (7 if n == 0 else n - 1), rtol=1e-12)


def test_made_inside_a_range_and_over_rows():
    def last_of_range(x):
        for k in range(3):
            z = ops.sin(x) * k
        return z * k

    def last_row(x):
        for r in x:
            last = r * 2
        return last + r
    x = np.array([[0.5, -0.3], [0.8, 0.1]])
    np.testing.assert_allclose(autograph.jit(last_of_range)(X), np.sin(X) * 4, rtol=1e-12)
    np.testing.assert_allclose(autograph.jit(last_row)(x), x[1] * 3, rtol=1e-12)
