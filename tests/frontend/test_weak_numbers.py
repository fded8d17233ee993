"""Python numbers that compiled code carries at run time stay Python numbers, weakly typed as
NumPy 2 types them: a range's index, a counter or a float a loop carries, a number an `if` on a
Tensor chooses, and the value an early `return` in a loop keeps. A float32 Tensor times such a
number stays float32, as it does eagerly and in MindSpore; were they 0-d int64/float64 arrays,
the result would be float64 (and a loop carrying it would not compile).

Each function runs on float32 Tensors (the dtype and values against eager execution) and, in
float64, its gradient is checked against central differences."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from autograph.ir import verify
from tests.numerics import central_difference_at


def indexed_by_the_range(x, n):
    y = x * 0
    for i in range(n):
        y = y + x[i] * (i + 1)
    return y


def carried_numbers(x):
    s, k, y = 0.5, 0, x
    for i in range(3):
        s = s * 0.9
        k = k + 1
        y = y * s + k
    return y


def number_made_a_float(x):
    scale = 1            # an int before the loop, a float after its first step
    for i in range(3):
        scale = scale * 0.5 + i
        x = ops.sin(x) * scale
    return x


def chosen_by_an_if(x):
    s = 1 if ops.sum(x) > 0 else 2
    t = 0.5 if ops.sum(x) > 5 else s
    if ops.amax(x) > 0.7:
        s = s + t
    return x * s + t


def counted_while(x, n):
    i = 0
    while i < n:
        x = ops.tanh(x) * (i + 1.5)
        i += 1
    return x


def early_return(x):
    for i in range(3):
        x = x * 1.5
        if ops.sum(x) > 1.0:
            return x * (i + 2)
    return x


def early_return_of_a_number_expression(x):
    total = 0.0
    for i in range(3):
        if x[i] > 0:
            return x * (total + i)
        total = total + i * 0.5
    return x * total


X = np.array([0.5, -0.3, 0.8])
CASES = {
    'indexed_by_the_range': (indexed_by_the_range, (X, 3)),
    'indexed_by_a_run_time_range': (indexed_by_the_range, (X, np.array(3))),
    'carried_numbers': (carried_numbers, (X,)),
    'number_made_a_float': (number_made_a_float, (X,)),
    'chosen_by_an_if': (chosen_by_an_if, (X,)),
    'chosen_by_an_if_other_way': (chosen_by_an_if, (-X,)),
    'counted_while': (counted_while, (X, 4)),
    'early_return': (early_return, (X,)),
    'early_return_late': (early_return, (X * 0.1 - 0.2,)),
    'early_return_of_a_number_expression': (early_return_of_a_number_expression, (-X,)),
    'early_return_of_a_number_expression_first': (early_return_of_a_number_expression, (X,)),
}


def tensors(args, dtype):
    return [Tensor(a.astype(dtype)) if isinstance(a, np.ndarray) and a.dtype.kind == 'f' else
            Tensor(a) if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize('name', sorted(CASES))
def test_float32_stays_float32(name):
    fn, args = CASES[name]
    inputs = tensors(args, np.float32)
    compiled = autograph.jit(fn)
    got, want = compiled(*inputs), fn(*inputs)
    assert got.dtype == want.dtype == autograph.float32
    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6)
    verify(compiled.last.graph)
    grad_fn = autograph.grad(lambda *xs: ops.sum(fn(*xs)))
    assert grad_fn(*inputs).dtype == autograph.float32
    verify(grad_fn.last.graph)


@pytest.mark.parametrize('name', sorted(CASES))
def test_gradient_equals_finite_differences(name):
    fn, args = CASES[name]

    def total(*xs):
        return float(ops.sum(fn(*tensors(xs, np.float64))).asnumpy())
    grad = autograph.grad(lambda *xs: ops.sum(fn(*xs)))(*args)
    want, = central_difference_at(total, list(args), [0])
    np.testing.assert_allclose(grad, want, rtol=1e-6, atol=1e-8)


def test_the_numbers_are_python_numbers_in_the_generated_code():
    x = Tensor(X.astype(np.float32))
    source = autograph.get_source(autograph.jit(carried_numbers), x)
    assert '    s = 0.5\n' in source and '    k = 0\n' in source
    assert 'np.zeros((), dtype=np.int64)' not in source and 'np.full((), 0.5' not in source


def test_a_generated_gradient_read_back_pops_the_index_as_a_number(tmp_path):
    """The adjoint saves `i + 1` (a Python int) in a list; compiled again from its source, the
    loop that pops it keeps it weak, so the float32 gradient stays float32."""
    from tests.codegen.test_golden import import_file

    def sines(x, n):
        y = x * 0
        for i in range(n):
            y = y + ops.sin(x * (i + 1))
        return ops.sum(y)
    x = Tensor(X.astype(np.float32))
    grad_fn = autograph.grad(sines)
    want = grad_fn(x, 3)
    path = tmp_path / 'sines_grad.py'
    path.write_text(autograph.get_source(grad_fn))
    again = autograph.jit(getattr(import_file(path), 'sines_grad'))
    got = again(x)
    assert got.dtype == autograph.float32
    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6)
    verify(again.last.graph)
