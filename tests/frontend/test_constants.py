"""Constants made inside compiled code are folded while compiling, as MindSpore's graph mode
does: NumPy functions and ndarray methods on compile-time data (`np.arange`, `np.eye`,
`np.linspace`, `.reshape`, `.astype`, `.T`, arithmetic), and `Tensor(data, dtype)` of them or of
Python lists, with the eager constructor's dtypes. The generated code holds the result (a literal,
or a name bound in its module for a large array), never the NumPy calls that made it."""
import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops
from tests.numerics import central_difference

X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])


class Scale(nn.Cell):
    def construct(self, x):
        w = Tensor(np.array([1., 2., 3.]).reshape(3, 1, 1), autograph.float32)
        return x * w


def test_tensor_of_a_reshaped_array_in_construct_is_a_float32_constant():
    net = Scale()
    x = Tensor(np.ones((3, 2, 2)), autograph.float32)
    compiled = autograph.jit(net)(x)
    assert compiled.dtype == autograph.float32
    np.testing.assert_array_equal(compiled.asnumpy(), net(x).asnumpy())
    np.testing.assert_array_equal(compiled.asnumpy()[:, 0, 0], [1.0, 2.0, 3.0])
    source = autograph.get_source(autograph.jit(net), x)
    assert 'reshape' not in source and 'np.array([[[1.0]], [[2.0]], [[3.0]]], dtype=np.float32)' in source
    grad = autograph.grad(lambda v: ops.sum(net(v) ** 2))(x)
    np.testing.assert_allclose(grad.asnumpy(), 2 * np.array([1., 2., 3.]).reshape(3, 1, 1) ** 2 * np.ones((3, 2, 2)))


def numpy_on_constants(x):
    grid = np.arange(6).reshape(2, 3).T * 2.0 + 1          # (3, 2), float64
    eye = np.eye(2)
    ramp = np.linspace(0.0, 1.0, 2).astype(np.float32)
    return ops.sum(x * grid @ eye + ramp) + np.array([[1, 2]], dtype=np.float32).sum()


def test_numpy_on_constants_is_folded_and_matches_numpy():
    got = autograph.jit(numpy_on_constants)(Tensor(X))
    assert float(got) == pytest.approx(float(numpy_on_constants(Tensor(X))))
    source = autograph.get_source(autograph.jit(numpy_on_constants), Tensor(X))
    for call in ('np.arange', 'np.eye', 'np.linspace', 'np.reshape', 'np.transpose'):
        assert call not in source, source
    dx = autograph.grad(numpy_on_constants)(Tensor(X))
    want = central_difference(lambda v: float(numpy_on_constants(Tensor(v))), X)
    np.testing.assert_allclose(dx.asnumpy(), want, rtol=1e-6, atol=1e-8)


def test_a_large_folded_array_is_held_by_the_module_not_written_out():
    def add_table(x):
        table = np.arange(400.0).reshape(20, 20) / 7
        return x + table
    x = np.zeros((20, 20))
    np.testing.assert_allclose(autograph.jit(add_table)(x), np.arange(400.0).reshape(20, 20) / 7)
    source = autograph.get_source(autograph.jit(add_table), x)
    assert 'np.arange' not in source and '57.0' not in source      # a name, not the numbers


@pytest.mark.parametrize('make', [
    lambda: Tensor([1, 2, 3]), lambda: Tensor([1.0, 2.0, 3.0]), lambda: Tensor([[True, False]]),
    lambda: Tensor(2.0), lambda: Tensor(7), lambda: Tensor(np.float32(0.5)),
    lambda: Tensor(np.arange(4)), lambda: Tensor([1, 2], autograph.float64),
    lambda: Tensor(np.ones((2, 2)) * 3, autograph.float16),
    lambda: Tensor(input_data=[0.5], dtype=autograph.int32),
], ids=['ints', 'floats', 'bools', 'float', 'int', 'np.float32', 'np.arange', 'ints as float64',
        'float16', 'keywords'])
def test_tensor_inside_compiled_code_has_the_eager_dtype(make):
    compiled = autograph.jit(make)()
    eager = make()
    assert isinstance(compiled, Tensor)
    assert compiled.dtype == eager.dtype
    np.testing.assert_array_equal(compiled.asnumpy(), eager.asnumpy())


def test_tensor_of_tensors_inside_compiled_code():
    def convert(x):
        same = Tensor(x)                          # the Tensor itself
        wide = Tensor(x, autograph.float64)       # a cast
        rows = Tensor([x[0, 0], x[1, 1] * 2])     # a stack: floats give Float32, as eagerly
        return same, wide, rows
    x = Tensor(X)
    for compiled, eager in zip(autograph.jit(convert)(x), convert(x)):
        assert compiled.dtype == eager.dtype
        np.testing.assert_allclose(compiled.asnumpy(), eager.asnumpy(), rtol=1e-7)
    dx = autograph.grad(lambda v: ops.sum(Tensor(v) * Tensor([v[0, 0], v[1, 1]], autograph.float64)))(x)
    want = central_difference(lambda v: float(np.sum(v * np.array([v[0, 0], v[1, 1]]))), X)
    np.testing.assert_allclose(dx.asnumpy(), want, rtol=1e-6, atol=1e-8)


def test_a_constant_table_indexed_or_written_by_tensors():
    def lookup(x, i):
        table = np.arange(10.0) ** 2
        picked = table[i]                  # indexed by a Tensor: the table is a constant
        grid = np.zeros((2, 2)) + np.eye(2)
        grid[0] = x                        # written with a Tensor: a new array
        return ops.sum(picked) + ops.sum(grid * x)
    i = Tensor(np.array([1, 3, 3]))
    x = Tensor(np.array([0.5, 2.0]))
    assert float(autograph.jit(lookup)(x, i)) == pytest.approx(1 + 9 + 9 + 0.25 + 4 + 2.0)
    np.testing.assert_allclose(autograph.grad(lookup)(x, i).asnumpy(), [2 * 0.5, 2 * 2.0 + 1])


def test_python_numbers_from_numpy_stay_python_numbers():
    def attention_scale(q):
        return q / np.sqrt(q.shape[-1]) * np.float32(2) + np.prod(q.shape)
    q = Tensor(np.ones((2, 4)), autograph.float32)
    got = autograph.jit(attention_scale)(q)
    assert got.dtype == autograph.float32                     # no float64 from np.sqrt(4)
    np.testing.assert_allclose(got.asnumpy(), np.full((2, 4), 1.0 / 2 * 2 + 8))


def test_a_shape_made_by_numpy_is_known_while_compiling():
    def flatten(x):
        return x.reshape(np.prod(x.shape)) * np.ones(int(np.sum(x.shape[:1])))[0]
    np.testing.assert_allclose(autograph.jit(flatten)(Tensor(X)).asnumpy(), X.reshape(-1))


def test_numpy_on_parameters_is_not_folded():
    w = Parameter(Tensor(np.array([1.0, 2.0])), name='w')

    def scaled(x):
        return x * np.exp(w)                   # w is read at each call
    f = autograph.jit(scaled)
    np.testing.assert_allclose(f(Tensor(np.ones(2))).asnumpy(), np.exp([1.0, 2.0]))
    w.set_data(Tensor(np.array([0.0, 0.0])))
    np.testing.assert_allclose(f(Tensor(np.ones(2))).asnumpy(), [1.0, 1.0])


def sorts_in_place(x):
    order = np.arange(3)
    order.sort()
    return x


def draws_while_compiling(x):
    return x + np.random.normal(size=2)


@pytest.mark.parametrize('fn,words', [
    (sorts_in_place, ['ndarray.sort()', 'in place', 'np.sort']),
    (draws_while_compiling, ['np.random.normal', 'ops.normal']),
], ids=lambda v: getattr(v, '__name__', ''))
def test_what_is_not_folded_says_so_at_its_line(fn, words):
    with pytest.raises(autograph.CompileError) as info:
        autograph.jit(fn)(Tensor(X))
    assert info.value.loc.lineno == fn.__code__.co_firstlineno + (2 if fn is sorts_in_place else 1)
    for word in words:
        assert word in info.value.message
