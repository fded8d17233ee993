"""Elementwise math with real values: every op against NumPy (or a hand-written reference) in
float32 and float64, eagerly and compiled; the Tensor-method, operator and NumPy spellings; the
gradient conventions (ties, clamp bounds, zero-gradient rounding); compile-time shape errors; and
gradients of composite functions against central differences. The registry test
(tests/runtime/test_primitives.py) checks each primitive's adjoint on its own."""
import math
import operator

import numpy as np
import pytest

import autograph
from autograph import Tensor, ops
from runtime.kernels import erf as erf_kernel
from tests.numerics import central_difference, central_difference_at

DTYPES = [np.float32, np.float64]
RTOL = {np.float32: 2e-6, np.float64: 1e-12}


def check_both_ways(op, reference, *inputs, dtype, **kwargs):
    """op(*Tensors) eagerly and compiled equals reference(*arrays), in `dtype`."""
    arrays = [np.asarray(x, dtype) for x in inputs]
    expected = reference(*arrays)
    eager = op(*map(Tensor, arrays), **kwargs)
    def apply(*xs):
        return op(*xs, **kwargs)
    compiled = autograph.jit(apply)(*map(Tensor, arrays))
    for result in (eager, compiled):
        assert isinstance(result, Tensor)
        assert result.asnumpy().dtype == np.asarray(expected).dtype
        np.testing.assert_allclose(result.asnumpy(), expected, rtol=RTOL[dtype], atol=RTOL[dtype])


# ---------------------------------------------------------------- erf
def test_erf_kernel_matches_math_erf_to_1e12_in_float64():
    xs = np.concatenate([np.linspace(-7, 7, 20001), [0.46875, -0.46875, 4.0, -4.0, 6.0, -6.0, 1e-300,
                                                     -1e-12, 0.0, 27.0]])
    expected = np.array([math.erf(v) for v in xs])
    got = erf_kernel(xs)
    assert got.dtype == np.float64
    assert np.max(np.abs(got - expected)) < 1e-12
    small = np.abs(xs) < 1
    np.testing.assert_allclose(got[small], expected[small], rtol=1e-14)


def test_erf_kernel_keeps_float32_and_special_values():
    x = np.linspace(-4, 4, 101, dtype=np.float32)
    got = erf_kernel(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, [math.erf(v) for v in x.astype(float)], atol=3e-7)
    np.testing.assert_array_equal(erf_kernel(np.array([np.inf, -np.inf, 0.0])), [1.0, -1.0, 0.0])
    assert np.isnan(erf_kernel(np.array([np.nan]))).all()
    assert erf_kernel(np.arange(3)).dtype == np.float64       # integers compute in float64
    assert erf_kernel(np.ones((2, 0, 3))).shape == (2, 0, 3)


# ---------------------------------------------------------------- unary functions
ANY = np.array([[0.7, -1.3, 2.1], [-0.2, 3.0, -1.1]])
POSITIVE = np.abs(ANY) + 0.1
UNIT = np.array([[0.7, -0.3, 0.1], [-0.6, 0.45, -0.9]])
UNARY = [
    ('neg', np.negative, ANY), ('abs', np.abs, ANY), ('sign', np.sign, ANY),
    ('square', np.square, ANY), ('sqrt', np.sqrt, POSITIVE), ('rsqrt', lambda x: 1 / np.sqrt(x), POSITIVE),
    ('reciprocal', lambda x: 1 / x, ANY), ('exp', np.exp, ANY), ('expm1', np.expm1, ANY),
    ('log', np.log, POSITIVE), ('log1p', np.log1p, POSITIVE), ('log2', np.log2, POSITIVE),
    ('sin', np.sin, ANY), ('cos', np.cos, ANY), ('tan', np.tan, UNIT), ('asin', np.arcsin, UNIT),
    ('acos', np.arccos, UNIT), ('atan', np.arctan, ANY), ('sinh', np.sinh, ANY),
    ('cosh', np.cosh, ANY), ('tanh', np.tanh, ANY), ('asinh', np.arcsinh, ANY),
    ('erf', np.vectorize(math.erf, otypes=[float]), ANY),
    ('floor', np.floor, ANY * 2.5), ('ceil', np.ceil, ANY * 2.5), ('trunc', np.trunc, ANY * 2.5),
    ('round', np.round, ANY * 2.5),
]


@pytest.mark.parametrize('dtype', DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize('name,reference,x', UNARY, ids=[u[0] for u in UNARY])
def test_unary_against_numpy(name, reference, x, dtype):
    def ref(a):
        return np.asarray(reference(a)).astype(dtype)
    check_both_ways(getattr(ops, name), ref, x, dtype=dtype)


@pytest.mark.parametrize('name,reference,x', UNARY, ids=[u[0] for u in UNARY])
def test_unary_tensor_methods(name, reference, x):
    got = getattr(Tensor(x), name)()
    np.testing.assert_allclose(got.asnumpy(), reference(x), rtol=1e-12)


ALIASES = [('arcsin', 'asin', UNIT), ('arccos', 'acos', UNIT), ('arctan', 'atan', ANY),
           ('arcsinh', 'asinh', ANY), ('negative', 'neg', ANY), ('absolute', 'abs', ANY)]


@pytest.mark.parametrize('alias,name,x', ALIASES, ids=[a[0] for a in ALIASES])
def test_aliases_are_the_same_op(alias, name, x):
    assert getattr(ops, alias) is getattr(ops, name)
    np.testing.assert_array_equal(getattr(Tensor(x), alias)().asnumpy(), getattr(ops, name)(Tensor(x)).asnumpy())


# ---------------------------------------------------------------- binary arithmetic
A = np.array([[5.3, -2.2, 7.9]])
B = np.array([[1.5], [-2.1]])
BINARY = [('add', np.add), ('sub', np.subtract), ('mul', np.multiply), ('div', np.true_divide),
          ('pow', lambda a, b: np.abs(a) ** b), ('maximum', np.maximum), ('minimum', np.minimum),
          ('floor_divide', np.floor_divide), ('remainder', np.remainder), ('fmod', np.fmod),
          ('atan2', np.arctan2), ('logaddexp', np.logaddexp)]


@pytest.mark.parametrize('dtype', DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize('name,reference', BINARY, ids=[b[0] for b in BINARY])
def test_binary_against_numpy_with_broadcasting(name, reference, dtype):
    check_both_ways(power_of_abs if name == 'pow' else getattr(ops, name), reference, A, B, dtype=dtype)


def power_of_abs(a, b):
    return ops.pow(ops.abs(a), b)


def test_remainder_follows_the_divisor_and_fmod_the_dividend():
    x, y = Tensor(np.array([5.5, -5.5, 5.5, -5.5])), Tensor(np.array([2.0, 2.0, -2.0, -2.0]))
    np.testing.assert_array_equal(ops.remainder(x, y).asnumpy(), [1.5, 0.5, -0.5, -1.5])
    np.testing.assert_array_equal(ops.fmod(x, y).asnumpy(), [1.5, -1.5, 1.5, -1.5])
    np.testing.assert_array_equal((x % y).asnumpy(), [1.5, 0.5, -0.5, -1.5])
    np.testing.assert_array_equal((x // y).asnumpy(), [2.0, -3.0, -3.0, 2.0])
    np.testing.assert_array_equal((7.0 % y).asnumpy(), [1.0, 1.0, -1.0, -1.0])
    np.testing.assert_array_equal((7.0 // y).asnumpy(), [3.0, 3.0, -4.0, -4.0])
    assert ops.floor_mod is ops.remainder


def operators(x, y):
    return ops.sum((x % y) * (x // y))


def test_floordiv_and_mod_operators_compile():
    x, y = np.array([5.5, -5.5, 3.2]), np.array([2.0, 2.0, -1.5])
    got = autograph.jit(operators)(Tensor(x), Tensor(y))
    np.testing.assert_allclose(got.asnumpy(), np.sum((x % y) * (x // y)))


@pytest.mark.parametrize('mode,expected', [(None, [2.75, -2.75, -2.75]), ('floor', [2.0, -3.0, -3.0]),
                                           ('trunc', [2.0, -2.0, -2.0])])
def test_div_rounding_mode(mode, expected):
    x, y = Tensor(np.array([5.5, -5.5, 5.5])), Tensor(np.array([2.0, 2.0, -2.0]))
    np.testing.assert_array_equal(ops.div(x, y, rounding_mode=mode).asnumpy(), expected)
    np.testing.assert_array_equal(x.div(y, rounding_mode=mode).asnumpy(), expected)


def test_div_rejects_an_unknown_rounding_mode():
    with pytest.raises(ValueError, match='rounding_mode'):
        ops.div(Tensor(np.ones(2)), 2.0, rounding_mode='ceil')


def test_binary_tensor_methods_and_aliases():
    x, y = Tensor(A), Tensor(B)
    for method, reference in [('add', np.add), ('sub', np.subtract), ('subtract', np.subtract),
                              ('mul', np.multiply), ('multiply', np.multiply), ('div', np.divide),
                              ('divide', np.divide), ('true_divide', np.divide),
                              ('maximum', np.maximum), ('minimum', np.minimum),
                              ('floor_divide', np.floor_divide), ('remainder', np.remainder),
                              ('fmod', np.fmod), ('atan2', np.arctan2), ('arctan2', np.arctan2),
                              ('logaddexp', np.logaddexp)]:
        np.testing.assert_allclose(getattr(x, method)(y).asnumpy(), reference(A, B), rtol=1e-12)


def test_float32_with_python_scalars_stays_float32():
    x = Tensor(np.array([1.5, -2.5], np.float32))
    for result in (ops.maximum(x, 0.5), ops.remainder(x, 2.0), ops.atan2(x, 2.0), ops.clamp(x, 0.0, 1.0),
                   ops.where(x > 0, x, 0.0), ops.floor_divide(x, 2)):
        assert result.dtype == autograph.float32


# ---------------------------------------------------------------- gradient conventions
def sum_of_max_and_min(x, y):
    return ops.sum(ops.maximum(x, y) * 3 + ops.minimum(x, y))


def test_maximum_and_minimum_split_ties_evenly():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, -1.0])
    dx, dy = autograph.grad(sum_of_max_and_min, (0, 1))(x, y)
    np.testing.assert_allclose(dx, [2.0, 1.0, 3.0])       # tie: 3/2 + 1/2
    np.testing.assert_allclose(dy, [2.0, 3.0, 1.0])


def remainder_loss(x, y):
    return ops.sum(ops.remainder(x, y) * ops.fmod(x, y) + ops.floor_divide(x, y) * x)


def test_remainder_fmod_and_floor_divide_gradients():
    x, y = np.array([5.3, -2.2, 7.9]), np.array([1.5, 1.5, -2.1])
    dx, dy = autograph.grad(remainder_loss, (0, 1))(x, y)
    want_dx, want_dy = central_difference(lambda a, b: np.sum(np.remainder(a, b) * np.fmod(a, b)
                                                              + np.floor_divide(a, b) * a), x, y)
    np.testing.assert_allclose(dx, want_dx, rtol=1e-6)
    np.testing.assert_allclose(dy, want_dy, rtol=1e-6)


def rounded(x):
    return ops.sum(ops.round(x) + ops.floor(x) * x + ops.ceil(x) + ops.trunc(x) + ops.sign(x))


def test_rounding_has_zero_gradient():
    x = np.array([0.3, -1.7, 2.5])
    np.testing.assert_array_equal(autograph.grad(rounded)(x), np.floor(x))


# ---------------------------------------------------------------- clamp
def test_clamp_values_and_one_sided_bounds():
    x = Tensor(ANY)
    np.testing.assert_array_equal(ops.clamp(x, -1.0, 1.5).asnumpy(), np.clip(ANY, -1.0, 1.5))
    np.testing.assert_array_equal(ops.clamp(x, min=0.0).asnumpy(), np.maximum(ANY, 0.0))
    np.testing.assert_array_equal(ops.clip(x, max=0.5).asnumpy(), np.minimum(ANY, 0.5))
    np.testing.assert_array_equal(x.clamp(0.0, 1.0).asnumpy(), np.clip(ANY, 0.0, 1.0))
    np.testing.assert_array_equal(x.clip(np.float64(0.0), 1).asnumpy(), np.clip(ANY, 0.0, 1.0))
    np.testing.assert_array_equal(ops.clamp(x, 2.0, 1.0).asnumpy(), np.full(ANY.shape, 1.0))  # max wins


def test_clamp_needs_a_bound():
    with pytest.raises(ValueError, match='min and max'):
        ops.clamp(Tensor(ANY))


def clamped(x, low, high):
    return ops.sum(ops.clamp(x, low, high) ** 2)


def test_clamp_with_tensor_bounds_gives_them_gradients():
    x = np.array([-2.0, 0.5, 3.0, 1.0])
    low, high = np.array([-1.0, -1.0, 0.0, 0.0]), np.array(2.0)
    np.testing.assert_allclose(autograph.jit(clamped)(x, low, high), np.sum(np.clip(x, low, high) ** 2))
    dx, dlow, dhigh = autograph.grad(clamped, (0, 1, 2))(x, low, high)
    np.testing.assert_allclose(dx, [0.0, 1.0, 0.0, 2.0])
    np.testing.assert_allclose(dlow, [-2.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(dhigh, 4.0)


def clamped_scalars(x):
    return ops.sum(ops.clamp(x, 0.0, 1.0) * x)


def test_clamp_gradient_passes_at_the_bounds():
    x = np.array([-0.5, 0.0, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(autograph.grad(clamped_scalars)(x), [0.0, 0.0, 1.0, 2.0, 1.0])


# ---------------------------------------------------------------- where
def selected(c, x, y):
    return ops.sum(ops.where(c, x, y) * ops.select(c, 2.0, y))


def test_where_values_and_gradients():
    c = np.array([[True, False, True]])
    x, y = np.array([[1.5], [-0.7]]), np.array([[0.5, -1.2, 2.0]])
    np.testing.assert_array_equal(ops.where(Tensor(c), Tensor(x), Tensor(y)).asnumpy(), np.where(c, x, y))
    np.testing.assert_array_equal(Tensor(x).where(Tensor(c), Tensor(y)).asnumpy(), np.where(c, x, y))
    dx, dy = autograph.grad(selected, (1, 2))(c, x, y)
    np.testing.assert_allclose(dx, [[4.0], [4.0]])
    np.testing.assert_allclose(dy, [[0.0, 2 * 2 * -1.2, 0.0]])   # y * y where not c, in 2 rows


# ---------------------------------------------------------------- NumPy spellings in NumPy code
def numpy_code(x, y):
    a = np.clip(x, -1.0, 1.5) + np.clip(x, a_min=0.0, a_max=None) + np.round(x * 3, 1) + np.rint(x)
    b = np.where(x > y, np.arcsin(x / 4), np.arctan2(y, x)) * np.maximum(x, y)
    c = np.remainder(x, y) + np.fmod(x, y) + np.floor_divide(x, y) + np.square(x) + np.expm1(x)
    return np.sum(a * b + c + np.log2(np.abs(y)) + np.reciprocal(y) + np.arcsinh(x) + np.trunc(x))


def numpy_reference(x, y):
    a = np.clip(x, -1.0, 1.5) + np.maximum(x, 0.0) + np.round(x * 3, 1) + np.rint(x)
    b = np.where(x > y, np.arcsin(x / 4), np.arctan2(y, x)) * np.maximum(x, y)
    c = np.remainder(x, y) + np.fmod(x, y) + np.floor_divide(x, y) + np.square(x) + np.expm1(x)
    return np.sum(a * b + c + np.log2(np.abs(y)) + np.reciprocal(y) + np.arcsinh(x) + np.trunc(x))


def test_numpy_functions_compile_and_differentiate():
    x, y = np.array([0.7, -1.3, 2.1, -0.2]), np.array([1.5, -0.7, 2.9, 0.45])
    np.testing.assert_allclose(autograph.jit(numpy_code)(x, y), numpy_reference(x, y), rtol=1e-12)
    dx, dy = autograph.grad(numpy_code, (0, 1))(x, y)
    want_dx, want_dy = central_difference(numpy_reference, x, y)
    np.testing.assert_allclose(dx, want_dx, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dy, want_dy, rtol=1e-6, atol=1e-8)


def one_argument_where(x):
    return np.where(x > 0)


def test_one_argument_np_where_is_refused():
    with pytest.raises(autograph.CompileError, match='one argument'):
        autograph.jit(one_argument_where)(np.ones(3))


# ---------------------------------------------------------------- logic and predicates
def test_logical_ops_and_operators():
    p, q = np.array([True, True, False, False]), np.array([True, False, True, False])
    tp, tq = Tensor(p), Tensor(q)
    for name, reference, operator_ in [('logical_and', np.logical_and, operator.and_),
                                       ('logical_or', np.logical_or, operator.or_),
                                       ('logical_xor', np.logical_xor, operator.xor)]:
        np.testing.assert_array_equal(getattr(ops, name)(tp, tq).asnumpy(), reference(p, q))
        np.testing.assert_array_equal(getattr(tp, name)(tq).asnumpy(), reference(p, q))
        np.testing.assert_array_equal(operator_(tp, tq).asnumpy(), reference(p, q))     # tp & tq
        np.testing.assert_array_equal(operator_(True, tq).asnumpy(), reference(True, q))  # True & tq
    np.testing.assert_array_equal(ops.logical_not(tp).asnumpy(), ~p)
    np.testing.assert_array_equal((~tp).asnumpy(), ~p)
    # on numbers, the logical ops test for nonzero
    np.testing.assert_array_equal(ops.logical_and(Tensor(np.array([0.0, 2.0])), 1.0).asnumpy(), [False, True])


def test_bitwise_operators_refuse_non_bool_tensors():
    with pytest.raises(TypeError, match='bool'):
        Tensor(np.array([1, 2])) & Tensor(np.array([3, 1]))
    with pytest.raises(TypeError, match='bool'):
        ~Tensor(np.array([1.0]))


def masked_mean(x, y):
    both = ops.logical_and(x > 0, ops.logical_not(y > 1))
    either = ops.logical_or(x > 1, ops.logical_xor(x > 0, y > 0))
    return ops.sum(ops.where(both, x * y, 0.0) + ops.where(either, x, y))


def test_logic_compiles_and_differentiates():
    x, y = np.array([0.5, 1.5, -0.5, 2.0]), np.array([0.3, 2.0, 0.7, -1.0])
    dx, dy = autograph.grad(masked_mean, (0, 1))(x, y)
    want = central_difference(lambda a, b: np.sum(np.where((a > 0) & ~(b > 1), a * b, 0.0)
                                                  + np.where((a > 1) | ((a > 0) ^ (b > 0)), a, b)), x, y)
    np.testing.assert_allclose(dx, want[0], rtol=1e-6)
    np.testing.assert_allclose(dy, want[1], rtol=1e-6)


def test_isnan_isinf_isfinite():
    x = np.array([0.0, np.nan, np.inf, -np.inf, -2.5])
    for name in ('isnan', 'isinf', 'isfinite'):
        np.testing.assert_array_equal(getattr(ops, name)(Tensor(x)).asnumpy(), getattr(np, name)(x))
        np.testing.assert_array_equal(getattr(Tensor(x), name)().asnumpy(), getattr(np, name)(x))
        compiled = autograph.jit(getattr(ops, name))(Tensor(x))
        np.testing.assert_array_equal(compiled.asnumpy(), getattr(np, name)(x))


# ---------------------------------------------------------------- compile-time shape errors
def bad_atan2(x, y):
    return ops.atan2(x, y)


def bad_where(x, y):
    return ops.where(x > 0, x, y)


def bad_clamp(x, y):
    return ops.clamp(x, y, 1.0)


@pytest.mark.parametrize('fn', [bad_atan2, bad_where, bad_clamp], ids=lambda f: f.__name__)
def test_broadcast_errors_name_the_shapes(fn):
    with pytest.raises(autograph.CompileError, match=r'\(5,\).*\(3,\)|\(3,\).*\(5,\)'):
        autograph.jit(fn)(Tensor(np.ones(5)), Tensor(np.ones(3)))


# ---------------------------------------------------------------- composite gradients
def polar(x, y):
    r = ops.sqrt(ops.square(x) + ops.square(y))
    theta = ops.atan2(y, x)
    return ops.sum(r * ops.sin(theta) + ops.log1p(r) * ops.cos(theta) + ops.rsqrt(r) * ops.erf(x))


def hyperbolic(x):
    return ops.sum(ops.asinh(x) * ops.cosh(x) + ops.tanh(ops.sinh(x)) + ops.expm1(x) / ops.exp(x)
                   + ops.atan(x) * ops.reciprocal(1 + ops.abs(x)) + ops.acos(x / 4) * ops.asin(x / 5)
                   + ops.log2(1 + x * x) + ops.tan(x / 3) - (ops.abs(x) ** 1.5))


@pytest.mark.parametrize('fn,numpy_fn,n', [
    (polar, lambda x, y: np.sum(np.hypot(x, y) * np.sin(np.arctan2(y, x)) + np.log1p(np.hypot(x, y))
                                * np.cos(np.arctan2(y, x)) + np.hypot(x, y) ** -0.5
                                * np.vectorize(math.erf)(x)), 2),
    (hyperbolic, lambda x: np.sum(np.arcsinh(x) * np.cosh(x) + np.tanh(np.sinh(x)) + np.expm1(x) / np.exp(x)
                                  + np.arctan(x) / (1 + np.abs(x)) + np.arccos(x / 4) * np.arcsin(x / 5)
                                  + np.log2(1 + x * x) + np.tan(x / 3) - np.abs(x) ** 1.5), 1),
], ids=['polar', 'hyperbolic'])
def test_composite_gradients_match_central_differences(fn, numpy_fn, n):
    inputs = [np.array([[0.7, -1.3, 2.1], [-0.2, 1.9, -1.1]]), np.array([[0.4, 1.2, -0.6], [1.3, -0.8, 0.9]])][:n]
    np.testing.assert_allclose(autograph.jit(fn)(*inputs), numpy_fn(*inputs), rtol=1e-12)
    grads = autograph.grad(fn, tuple(range(n)))(*inputs)
    grads = grads if n > 1 else (grads,)
    for got, want in zip(grads, central_difference_at(numpy_fn, inputs, range(n))):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_float32_gradient_stays_float32():
    x = np.array([0.7, -1.3, 2.1], np.float32)
    g = autograph.grad(hyperbolic)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, autograph.grad(hyperbolic)(x.astype(np.float64)), rtol=1e-4)


# ---------------------------------------------------------------- generated code reads back
def import_generated(fn, tmp_path):
    """The function `get_source` printed, imported from a file."""
    path = tmp_path / 'generated.py'
    path.write_text(autograph.get_source(fn))
    namespace = {}
    exec(compile(path.read_text(), str(path), 'exec'), namespace)
    return namespace[fn.last.generated.name]


def spellings(x, y):
    a = ops.clamp(x, max=0.5) + ops.round(x * 3, decimals=1) + ops.where(x > y, x, 0.0)
    return ops.sum(a * ops.remainder(x, y) + ops.fmod(y, x) * ops.floor_divide(x, y) + ops.erf(y))


def test_generated_code_compiles_again(tmp_path):
    x, y = np.array([0.7, -1.3, 2.1]), np.array([1.5, -0.7, 0.4])
    fn = autograph.value_and_grad(spellings, (0, 1))
    expected = fn(x, y)
    generated = import_generated(fn, tmp_path)
    source = autograph.get_source(fn)
    assert 'np.clip(x, max=0.5)' in source and 'np.round(' in source and 'decimals=1' in source
    again = autograph.jit(generated)(x, y)
    np.testing.assert_allclose(again[0], expected[0], rtol=1e-12)
    for got, want in zip(again[1], expected[1]):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_logaddexp_of_large_numbers_in_numpy_code():
    """np.logaddexp in compiled code is the primitive; its gradient is a softmax of the two,
    finite where exp would overflow."""
    x, y = np.array([800.0, -3.0, 0.5]), np.array([799.0, 40.0, 0.5])
    dx, dy = autograph.grad(lambda x, y: np.sum(np.logaddexp(x, y)), (0, 1))(x, y)
    np.testing.assert_allclose(dx, 1 / (1 + np.exp(y - x)), rtol=1e-12)
    np.testing.assert_allclose(dx + dy, 1.0, rtol=1e-12)
