"""Unpacking and calls: starred and nested assignment targets (of tuples, lists and Tensors,
whose rows they take as Python iteration does), in for-loop headers too; `f(*args, **kwargs)` of
user helpers, Cells and ops; helpers and lambdas taking *args, **kwargs and keyword-only
parameters. Values against plain Python on Tensors (eager), gradients against central
differences in float64."""
import numpy as np
import pytest

import autograph
from autograph import Tensor, nn, ops
from tests.numerics import central_difference

X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
Y = np.array([[1.0, 2.0], [-0.5, 0.3], [0.4, -1.2]])


def check(fn, *xs):
    """fn compiled equals fn run eagerly, and its gradients equal central differences."""
    eager = fn(*[Tensor(x) for x in xs])
    compiled = autograph.jit(fn)(*[Tensor(x) for x in xs])
    np.testing.assert_allclose(compiled.asnumpy(), eager.asnumpy(), rtol=1e-12)
    positions = tuple(range(len(xs))) if len(xs) > 1 else 0
    got = autograph.grad(fn, positions)(*[Tensor(x) for x in xs])
    want = central_difference(lambda *a: float(fn(*[Tensor(v) for v in a])), *xs)
    for g, w in zip(got if len(xs) > 1 else (got,), want if len(xs) > 1 else (want,)):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- assignment targets
def star_of_a_tuple(x, y):
    first, *rest = (x, y * 2, x * y)
    *init, last = [x, y, x + y]
    return ops.sum(first * rest[0] + rest[1] + init[1] * last)


def star_of_a_tensor(x):
    top, *others = x                  # the rows of x, as Python iterates an array
    a, *middle, b = x
    return ops.sum(top * others[1]) + ops.sum(a * b * middle[0])


def nested_targets(x, y):
    a, (b, c) = x[0], (x[1], y[2])
    (d, *e), f = (y, y * 2, x), x
    [g, h], k = x[:2], y
    return ops.sum(a * b * c) + ops.sum(d * e[1] * f) + ops.sum(g * h) + ops.sum(k)


def only_a_star(x):
    *rows, = x
    return ops.sum(rows[0] * rows[2])


def swap_and_reuse(x, y):
    a, b = x, y
    a, b = b, a * 2
    return ops.sum(a * b)


@pytest.mark.parametrize('fn,args', [
    (star_of_a_tuple, (X, Y)), (star_of_a_tensor, (X,)), (nested_targets, (X, Y)),
    (only_a_star, (X,)), (swap_and_reuse, (X, Y)),
], ids=lambda v: getattr(v, '__name__', ''))
def test_assignment_targets(fn, args):
    check(fn, *args)


def test_unpacking_a_shape_is_done_while_compiling():
    def scaled(x):
        rows, *rest = x.shape
        *lead, cols = x.shape
        return x * rows + cols * lead[0] + len(rest)
    got = autograph.jit(scaled)(Tensor(X))
    np.testing.assert_allclose(got.asnumpy(), X * 3 + 2 * 3 + 1)


# ---------------------------------------------------------------- for-loop targets
def unrolled_nested_targets(x, y):
    total = 0.0
    for i, (a, *bs) in enumerate([(x, y, x), (y, x, x * y)]):
        total = total + ops.sum(a * bs[0] * bs[1]) * (i + 1)
    return total


def runtime_nested_targets(x, y):
    total = ops.zeros((), x.dtype)
    for i, (a, b) in enumerate(zip(x, y)):     # a run-time loop over the rows
        total = total + ops.sum(a * b) * i
    return total


def runtime_starred_target(x):
    total = ops.zeros((), x.dtype)
    for first, *rest in x:                     # each row unpacked into its elements
        total = total + first * rest[0]
    return total


@pytest.mark.parametrize('fn,args', [
    (unrolled_nested_targets, (X, Y)), (runtime_nested_targets, (X, Y)),
    (runtime_starred_target, (X,)),
], ids=lambda v: getattr(v, '__name__', ''))
def test_loop_targets(fn, args):
    check(fn, *args)


# ---------------------------------------------------------------- calls
def weighted(*terms, scale=1.0, **extra):
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total * scale + extra.get('bias', 0.0)


def keyword_only(x, *, power, shift=0.0):
    return x ** power + shift


def calls_with_stars(x, y):
    args = (x, y, x * y)
    options = {'scale': 2.0, 'bias': y}
    first = weighted(*args, **options)
    second = keyword_only(x, **{'power': 2})
    third = ops.maximum(*[x, y])                 # an op called with *args
    fourth = ops.sum(x, **dict(axis=0, keepdims=True))
    return ops.sum(first * second + third) + ops.sum(fourth)


def calls_with_tensor_stars(x):
    return ops.sum(weighted(*x, scale=0.5))      # the rows of x as arguments


def lambdas_with_stars(x, y):
    pack = lambda *a, **k: a[0] * a[1] * k['s']   # noqa: E731
    only = lambda a, *, k=3.0: a * k             # noqa: E731
    return ops.sum(pack(x, y, s=2.0) + only(x) + only(y, k=0.5))


def dict_display_with_stars(x, y):
    base = {'a': x}
    both = {**base, 'b': y, **{'c': x * y}}
    return ops.sum(both['a'] * both['b'] + both['c'])


@pytest.mark.parametrize('fn,args', [
    (calls_with_stars, (X, Y)), (calls_with_tensor_stars, (X,)), (lambdas_with_stars, (X, Y)),
    (dict_display_with_stars, (X, Y)),
], ids=lambda v: getattr(v, '__name__', ''))
def test_calls_with_stars(fn, args):
    check(fn, *args)


class Stacked(nn.Cell):
    """construct takes *inputs and **options and unpacks them."""

    def __init__(self):
        super().__init__()
        self.dense = nn.Dense(2, 2)

    def construct(self, x, *others, scale=1.0, **options):
        head, *tail = others
        mixed = self.dense(*(x,))
        for t in tail:
            mixed = mixed + t
        return ops.sum((mixed * head) * scale + options['bias'])


def test_construct_with_star_parameters_under_jit_and_grad():
    net = Stacked()
    net.dense.weight.set_data(Tensor(np.array([[0.3, -0.2], [0.1, 0.4]])))
    net.dense.bias.set_data(Tensor(np.array([0.05, -0.1])))
    xs = [Tensor(X), Tensor(Y), Tensor(X * Y), Tensor(Y * 2)]
    eager = net(*xs, scale=2.0, bias=xs[1])
    compiled = autograph.jit(lambda a, b, c, d: net(a, b, c, d, scale=2.0, bias=b))(*xs)
    np.testing.assert_allclose(compiled.asnumpy(), eager.asnumpy(), rtol=1e-6)

    def loss(a, b):
        return net(a, b, b, a, scale=2.0, bias=a)
    got = autograph.grad(loss, (0, 1))(Tensor(X), Tensor(Y))
    want = central_difference(lambda a, b: float(loss(Tensor(a), Tensor(b))), X, Y)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-5, atol=1e-7)


def test_compiled_function_with_star_parameters():
    @autograph.jit
    def top(x, *rest, scale=1.0, **kw):
        return (x + rest[0] * rest[1]) * scale + kw['bias']
    got = top(Tensor(X), Tensor(Y), Tensor(X), scale=3.0, bias=Tensor(Y))
    np.testing.assert_allclose(got.asnumpy(), (X + Y * X) * 3.0 + Y)
    dx, dy = autograph.grad(lambda *a: ops.sum(a[0] * a[1] ** 2), (0, 1))(Tensor(X), Tensor(Y))
    np.testing.assert_allclose(dx.asnumpy(), Y ** 2)
    np.testing.assert_allclose(dy.asnumpy(), 2 * X * Y)


# ---------------------------------------------------------------- what Python refuses
def too_few_rows(x):
    a, b, c, d = x
    return a


def unpacks_a_number(x):
    a, b = x.shape[0]
    return x


def unpacks_a_0d_tensor(x):
    a, b = x[0, 0]
    return x


@pytest.mark.parametrize('fn,words', [
    (too_few_rows, ['cannot unpack 3 values into 4 names']),
    (unpacks_a_number, ['int', 'not iterable']),
    (unpacks_a_0d_tensor, ['0-d Tensor']),
], ids=lambda v: getattr(v, '__name__', ''))
def test_unpacking_errors_name_the_line(fn, words):
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(fn)(Tensor(X))
    assert info.value.loc.lineno == fn.__code__.co_firstlineno + 1
    for word in words:
        assert word in str(info.value)
