"""The public API beyond the tutorial oracle: `grad`/`value_and_grad` arguments and return
structures, the compile cache, plain NumPy functions, composing `jit` and `grad`, `get_source` and
`get_ir`, eager Tensors against compiled code, dtype rules and `nn.Cell`.

Expected values are derived by hand or by central differences in float64."""
import ast
import re

import numpy as np
import pytest

import autograph
from autograph import Parameter, ParameterTuple, Tensor, nn, ops
from tests.numerics import central_difference


# ---------------------------------------------------------------- helpers
def arr(values):
    return np.array(values, dtype=np.float64)


def t64(values):
    return Tensor(arr(values))


def np_of(x):
    return x.asnumpy() if isinstance(x, Tensor) else np.asarray(x)


def close(actual, expected, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np_of(actual), np.asarray(expected, np.float64), rtol=rtol, atol=atol)


def matmuls_in(source):
    """The number of `@` operations in generated code (comments excluded)."""
    return sum(isinstance(n, ast.MatMult) for n in ast.walk(ast.parse(source)))


X = arr([1.0, 2.0])
W = arr([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])


# ---------------------------------------------------------------- grad: weights
w = Parameter(Tensor(W.copy()), name='w')
unused = Parameter(Tensor(np.ones(4)), name='unused')


def squares(x):
    return (ops.matmul(x, w) ** 2).sum()


def squares_dw(x):
    """d/dw sum((x w)^2) = outer(x, 2 x w)."""
    return np.outer(x, 2 * (x @ W))


def test_single_parameter_weight_gives_a_bare_gradient():
    g = autograph.grad(squares, None, weights=w)(Tensor(X))
    assert isinstance(g, Tensor)
    close(g, squares_dw(X))


@pytest.mark.parametrize('container', [list, tuple, ParameterTuple], ids=lambda c: c.__name__)
def test_weights_sequence_gives_a_tuple(container):
    g = autograph.grad(squares, None, weights=container([w]))(Tensor(X))
    assert isinstance(g, tuple) and len(g) == 1
    close(g[0], squares_dw(X))


def test_weight_never_read_gets_zeros_of_its_shape():
    gw, gu = autograph.grad(squares, None, weights=ParameterTuple([w, unused]))(Tensor(X))
    close(gw, squares_dw(X))
    assert gu.shape == (4,) and gu.dtype == autograph.float64
    close(gu, np.zeros(4))


def test_positions_and_weights_together():
    gx, (gw,) = autograph.grad(squares, 0, weights=[w])(Tensor(X))
    close(gx, W @ (2 * (X @ W)))
    close(gw, squares_dw(X))


# ---------------------------------------------------------------- grad: argument checks
def product(a, b):
    return (a * b * b).sum()


@pytest.mark.parametrize('position', ['0', 0.0, [0], (), True, (0, 1.0), (0, False)], ids=repr)
def test_grad_position_of_a_wrong_type_is_a_type_error(position):
    with pytest.raises(TypeError, match='grad_position'):
        autograph.grad(product, position)


@pytest.mark.parametrize('position', [-1, (0, -2)], ids=repr)
def test_negative_grad_position_is_a_value_error(position):
    with pytest.raises(ValueError, match='grad_position'):
        autograph.value_and_grad(product, position)


def test_weights_with_a_non_parameter_name_the_item():
    with pytest.raises(TypeError, match=r'item 1 is a Tensor'):
        autograph.grad(squares, None, weights=[w, Tensor(X)])


@pytest.mark.parametrize('weights', [{'w': w}, Tensor(X), 3], ids=['dict', 'Tensor', 'int'])
def test_weights_of_a_wrong_type_are_a_type_error(weights):
    with pytest.raises(TypeError, match='weights'):
        autograph.grad(squares, None, weights=weights)


def test_has_aux_with_a_single_output_is_a_type_error():
    with pytest.raises(TypeError, match='has_aux'):
        autograph.grad(product, 0, has_aux=True)(t64(X), t64(X))


def scaled(x, s):
    return (x * s).sum()


@pytest.mark.parametrize('scalar', [2.0, 2], ids=['float', 'int'])
def test_grad_of_a_python_scalar_position_is_a_type_error(scalar):
    with pytest.raises(TypeError, match=type(scalar).__name__):
        autograph.grad(scaled, 1)(t64(X), scalar)


# ---------------------------------------------------------------- grad: return structures
def sum_and_double(x):
    return x.sum(), 2 * x


def test_value_and_grad_returns_the_whole_output_as_value():
    value, g = autograph.value_and_grad(sum_and_double)(t64(X))
    assert isinstance(value, tuple) and len(value) == 2
    close(value[0], X.sum())
    close(value[1], 2 * X)
    close(g, np.full(2, 3.0))          # every output is seeded with ones: 1 + 2


def test_value_and_grad_of_a_scalar_function():
    a, b = arr([1.0, -2.0]), arr([3.0, 0.5])
    value, (ga, gb) = autograph.value_and_grad(product, (0, 1))(Tensor(a), Tensor(b))
    close(value, (a * b * b).sum())
    close(ga, b * b)
    close(gb, 2 * a * b)


def test_return_ids_with_tuple_positions():
    a, b = arr([1.0, -2.0]), arr([3.0, 0.5])
    (id0, ga), (id1, gb) = autograph.grad(product, (0, 1), return_ids=True)(Tensor(a), Tensor(b))
    assert (id0, id1) == (0, 1)
    close(ga, b * b)
    close(gb, 2 * a * b)


def test_return_ids_names_the_weights():
    gx, ((name, gw),) = autograph.grad(squares, 0, weights=[w], return_ids=True)(Tensor(X))
    assert name == 'w'
    close(gw, squares_dw(X))


# ---------------------------------------------------------------- the compile cache
def affine(x, s):
    return x * s + 1


def test_same_shapes_compile_once():
    f = autograph.jit(affine)
    close(f(t64(X), 3.0), 3 * X + 1)
    close(f(t64(-X), 3.0), -3 * X + 1)
    assert len(f.cache) == 1


def test_a_new_shape_compiles_again_with_correct_values():
    f = autograph.jit(affine)
    f(t64(X), 3.0)
    m = np.arange(6.0).reshape(2, 3)
    close(f(Tensor(m), 3.0), 3 * m + 1)
    assert len(f.cache) == 2
    close(f(t64(X), 3.0), 3 * X + 1)   # the first entry is still used
    assert len(f.cache) == 2


def test_a_float_that_only_scales_does_not_recompile():
    f = autograph.jit(affine)
    close(f(t64(X), 2.0), 2 * X + 1)
    close(f(t64(X), 5.0), 5 * X + 1)
    assert len(f.cache) == 1
    info = f.cache_info()
    assert (info.entries, info.hits, info.misses) == (1, 1, 1)
    assert info.signatures == ['x: float64[2], s: float']


def repeat_rows(x, n):
    return ops.sum(x * n)


def test_an_int_argument_is_part_of_the_signature():
    f = autograph.jit(repeat_rows)
    close(f(t64(X), 2), 2 * X.sum())
    close(f(t64(X), 3), 3 * X.sum())
    assert f.cache_info().entries == 2
    f(t64(X), 3)
    assert f.cache_info().hits == 1


def tile_by(x, k):
    return ops.reshape(x * k, (1, -1)) if k > 1.5 else x * k


def test_a_float_deciding_shapes_falls_back_to_values_in_the_signature():
    f = autograph.jit(tile_by)
    assert f(t64(X), 2.0).shape == (1, 2)
    assert f(t64(X), 1.0).shape == (2,)
    assert f.cache_info().entries == 2


def test_compile_log_names_the_reason(caplog):
    import logging
    f = autograph.jit(affine)
    with caplog.at_level(logging.INFO, logger='autograph'):
        f(t64(X), 2.0)
        f(t64(np.ones(5)), 2.0)
    messages = [r.getMessage() for r in caplog.records]
    assert 'first call' in messages[0]
    assert 'x.shape changed from (2,) to (5,)' in messages[1]


def test_a_dtype_change_compiles_again():
    f = autograph.jit(affine)
    f(t64(X), 2.0)
    out = f(Tensor(X, autograph.float32), 2.0)
    assert out.dtype == autograph.float32 and len(f.cache) == 2


scale = Parameter(Tensor(arr([1.0, 2.0])), name='scale')


def scaled_by_parameter(x):
    return (x * scale).sum()


def test_set_data_is_seen_without_recompiling():
    f = autograph.jit(scaled_by_parameter)
    g = autograph.grad(scaled_by_parameter, None, weights=scale)
    scale.set_data(arr([1.0, 2.0]))
    close(f(t64(X)), 5.0)
    close(g(t64(X)), X)
    scale.set_data(Tensor(arr([-3.0, 0.5])))
    close(f(t64(X)), -2.0)
    close(g(t64(2 * X)), 2 * X)
    assert len(f.cache) == 1 and len(g.cache) == 1


def test_set_data_with_a_new_shape_recompiles():
    f = autograph.jit(scaled_by_parameter)
    scale.set_data(arr([1.0, 2.0]))
    f(t64(X))
    try:
        scale.set_data(arr([1.0, 2.0, 3.0]))
        close(f(t64([1.0, 1.0, 1.0])), 6.0)
    finally:
        scale.set_data(arr([1.0, 2.0]))


# ---------------------------------------------------------------- plain NumPy functions
def numpy_loss(x, w):
    return np.sum(np.exp(x @ w))


def numpy_loss_grads(x, w):
    e = np.exp(x @ w)
    return w @ e, np.outer(x, e)


def test_grad_of_a_numpy_function_returns_numpy_arrays():
    gx, gw = autograph.grad(numpy_loss, (0, 1))(X, W)
    assert type(gx) is np.ndarray and type(gw) is np.ndarray
    ex, ew = numpy_loss_grads(X, W)
    close(gx, ex)
    close(gw, ew)


def test_numpy_gradient_matches_central_differences():
    gx = autograph.grad(numpy_loss)(X, W)
    close(gx, central_difference(lambda x: numpy_loss(x, W), X), rtol=1e-7)


# ---------------------------------------------------------------- composing jit and grad
COMPOSITIONS = {
    'grad': lambda f, pos: autograph.grad(f, pos),
    'jit_of_grad': lambda f, pos: autograph.jit(autograph.grad(f, pos)),
    'grad_of_jit': lambda f, pos: autograph.grad(autograph.jit(f), pos),
    'jit_of_grad_of_jit': lambda f, pos: autograph.jit(autograph.grad(autograph.jit(f), pos)),
}


@pytest.mark.parametrize('compose', COMPOSITIONS.values(), ids=COMPOSITIONS.keys())
def test_jit_and_grad_compose(compose):
    gx, gw = compose(numpy_loss, (0, 1))(t64(X), t64(W))
    ex, ew = numpy_loss_grads(X, W)
    close(gx, ex)
    close(gw, ew)


def test_jit_of_jit_is_the_same_function():
    f = autograph.jit(numpy_loss)
    assert autograph.jit(f) is f


def test_jit_as_a_decorator_with_and_without_parentheses():
    @autograph.jit
    def plain(x):
        return x * 2

    @autograph.jit()
    def called(x):
        return x * 3

    close(plain(t64(X)), 2 * X)
    close(called(t64(X)), 3 * X)


def test_keyword_arguments_at_call_time():
    a, b = arr([1.0, -2.0]), arr([3.0, 0.5])
    ga, gb = autograph.grad(product, (0, 1))(a=Tensor(a), b=Tensor(b))
    close(ga, b * b)
    close(gb, 2 * a * b)
    f = autograph.jit(product)
    close(f(b=Tensor(b), a=Tensor(a)), (a * b * b).sum())
    close(f(Tensor(a), b=Tensor(b)), (a * b * b).sum())
    assert len(f.cache) == 1


def test_keyword_calls_fill_in_the_defaults_of_the_moment():
    # The signature that binds keywords is kept between calls: a changed default must show.
    def f(x, n=2, *, k=1.0):
        return ops.sum(x * k) * n
    compiled = autograph.jit(f)
    x = np.ones(3)
    assert float(compiled(x, k=2.0)) == 12.0
    f.__defaults__ = (3,)
    assert float(compiled(x, k=2.0)) == 18.0
    f.__kwdefaults__ = {'k': 5.0}
    assert float(compiled(x, n=1)) == 15.0


# ---------------------------------------------------------------- get_source / get_ir
def layer(x, w):
    hidden = ops.matmul(x, w)
    activated = ops.exp(hidden)
    return activated.sum()


@pytest.mark.parametrize('inspector', [autograph.get_source, autograph.get_ir],
                         ids=['get_source', 'get_ir'])
@pytest.mark.parametrize('transform', [autograph.jit, autograph.grad])
def test_inspecting_before_any_call_is_a_helpful_value_error(inspector, transform):
    with pytest.raises(ValueError) as info:
        inspector(transform(layer))
    message = str(info.value)
    assert 'has not been compiled yet' in message
    assert 'example arguments' in message and inspector.__name__ in message


@pytest.mark.parametrize('inspector', [autograph.get_source, autograph.get_ir],
                         ids=['get_source', 'get_ir'])
def test_inspecting_with_example_arguments(inspector):
    text = inspector(autograph.grad(layer, (0, 1)), X, W)
    assert isinstance(text, str) and 'layer_grad' in text
    assert inspector(layer, X, W)      # a plain function is compiled with jit


def test_inspecting_after_a_call_shows_the_last_compilation():
    f = autograph.jit(layer)
    f(X, W)
    assert autograph.get_source(f) == autograph.get_source(f, X, W)
    assert 'f64[2,3]' in autograph.get_ir(f)


def test_source_is_readable_python_with_the_users_names_and_lines():
    g = autograph.grad(layer, (0, 1))
    g(X, W)
    source = autograph.get_source(g)
    compile(source, '<generated>', 'exec')
    assert 'def ' in source
    for name in ('x', 'w', 'hidden'):
        assert name in source
    comments = [line.strip() for line in source.splitlines() if line.strip().startswith('# ')]
    assert '# hidden = ops.matmul(x, w)' in comments
    assert any(c.startswith('# grad of: ') for c in comments)


def test_the_source_runs_and_gives_the_gradient():
    source = autograph.get_source(autograph.grad(layer, (0, 1)), X, W)
    namespace = {}
    exec(source, namespace)
    gx, gw = namespace['layer_grad'](X, W)
    ex, ew = numpy_loss_grads(X, W)
    close(gx, ex)
    close(gw, ew)


def test_no_zero_fills_when_every_requested_gradient_is_nonzero():
    source = autograph.get_source(autograph.grad(layer, (0, 1)), X, W)
    assert 'np.zeros' not in source and 'np.full' not in source


@pytest.mark.parametrize('position, count', [(0, 1), (1, 1), ((0, 1), 2)])
def test_only_requested_gradients_are_computed(position, count):
    """sum(x @ w): dx = ones @ w.T and dw = x.T @ ones; the forward product is not needed."""
    def linear(x, w):
        return ops.matmul(x, w).sum()
    m = np.arange(4.0).reshape(2, 2)
    source = autograph.get_source(autograph.grad(linear, position), m, W)
    assert matmuls_in(source) == count
    if position == 0:
        assert 'dw' not in source


# ---------------------------------------------------------------- eager against compiled
def op_add(x, w): return x + 1
def op_radd(x, w): return 1.5 + x
def op_rmul(x, w): return 2 * x
def op_sub(x, w): return 1 - x
def op_div(x, w): return x / 4
def op_pow(x, w): return x ** 2
def op_matmul(x, w): return x @ w
def op_neg(x, w): return -x
def op_sum_axis(x, w): return x.sum(axis=0)
def op_sum_keepdims(x, w): return x.sum(axis=1, keepdims=True)
def op_mean(x, w): return x.mean()
def op_transpose(x, w): return x.T
def op_reshape_args(x, w): return x.reshape(3, 2)
def op_reshape_tuple(x, w): return x.reshape((-1,))
def op_exp(x, w): return x.exp()
def op_less(x, w): return x < 1
def op_greater_equal(x, w): return x >= 2
def op_equal(x, w): return x == 1
def op_not_equal(x, w): return x != x.T.T * 2
def op_ops_mixture(x, w): return ops.sigmoid(x @ w) * ops.tanh(ops.mean(x, 0)).sum()


EAGER_OPS = [op_add, op_radd, op_rmul, op_sub, op_div, op_pow, op_matmul, op_neg, op_sum_axis,
             op_sum_keepdims, op_mean, op_transpose, op_reshape_args, op_reshape_tuple, op_exp,
             op_less, op_greater_equal, op_equal, op_not_equal, op_ops_mixture]
XM = np.array([[0.5, 1.0, 2.0], [-1.0, 3.0, 0.25]], np.float32)
WM = np.array([[1.0, 0.5], [-2.0, 1.0], [0.5, 0.5]], np.float32)
NUMPY_MEANING = {op_exp: lambda x, w: np.exp(x)}   # the rest read the same on ndarrays


@pytest.mark.parametrize('fn', EAGER_OPS, ids=lambda f: f.__name__)
def test_eager_tensor_operations_match_compiled(fn):
    x, wt = Tensor(XM), Tensor(WM)
    eager, compiled = fn(x, wt), autograph.jit(fn)(x, wt)
    assert isinstance(eager, Tensor) and isinstance(compiled, Tensor)
    assert eager.shape == compiled.shape and eager.dtype == compiled.dtype
    np.testing.assert_allclose(compiled.asnumpy(), eager.asnumpy(), rtol=1e-6)
    reference = NUMPY_MEANING.get(fn, fn)(XM, WM)
    np.testing.assert_allclose(eager.asnumpy(), reference, rtol=1e-6)


def test_comparison_gives_a_bool_tensor():
    out = Tensor(arr([0.5, 1.0, 2.0])) < 1
    assert out.dtype == autograph.bool_
    np.testing.assert_array_equal(out.asnumpy(), [True, False, False])


# ---------------------------------------------------------------- dtype rules
def times_float(x, y): return x * 2.5
def plus_int(x, y): return x + 1
def int_times(x, y): return 3 * x
def with_float64(x, y): return x * y


@pytest.mark.parametrize('fn, dtype', [(times_float, autograph.float32),
                                       (plus_int, autograph.float32),
                                       (int_times, autograph.float32),
                                       (with_float64, autograph.float64)],
                         ids=['float32*float', 'float32+int', 'int*float32', 'float32*float64'])
@pytest.mark.parametrize('mode', ['eager', 'jit'])
def test_dtype_rules(fn, dtype, mode):
    x = Tensor(arr([1.0, 2.0]), autograph.float32)
    y = Tensor(arr([0.5, 4.0]), autograph.float64)
    out = (fn if mode == 'eager' else autograph.jit(fn))(x, y)
    assert out.dtype == dtype
    close(out, fn(arr([1.0, 2.0]), arr([0.5, 4.0])))


def test_python_numbers_become_float32_and_int64():
    assert Tensor(1.5).dtype == autograph.float32
    assert Tensor([1, 2]).dtype == autograph.int64
    assert Tensor(np.ones(2)).dtype == autograph.float64


# ---------------------------------------------------------------- nn.Cell
class Inner(nn.Cell):
    def __init__(self):
        super().__init__()
        self.a = Parameter(Tensor(arr([1.0, 2.0])))
        self.c = Parameter(Tensor(arr([3.0])), requires_grad=False)

    def construct(self, x):
        return x * self.a + self.c


class Outer(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(arr([0.5, -1.0])))
        self.inner = Inner()
        self.alias = self.w              # the same Parameter reached twice

    def construct(self, x):
        return (self.inner(ops.tanh(x * self.w)) ** 2).sum()


def test_parameters_and_names_order_and_prefixes():
    outer = Outer()
    named = list(outer.parameters_and_names())
    assert [n for n, _ in named] == ['w', 'inner.a', 'inner.c']
    assert [p.name for _, p in named] == ['w', 'inner.a', 'inner.c']
    assert named[0][1] is outer.w and named[1][1] is outer.inner.a


def test_parameters_dict_lists_each_parameter_once():
    outer = Outer()
    params = outer.parameters_dict()
    assert list(params) == ['w', 'inner.a', 'inner.c']
    assert params['inner.c'] is outer.inner.c
    assert len(list(outer.get_parameters())) == 3


def test_trainable_params_skip_frozen_ones():
    outer = Outer()
    assert [p.name for p in outer.trainable_params()] == ['w', 'inner.a']
    assert [p.name for p in outer.untrainable_params()] == ['inner.c']


def test_a_user_name_is_kept():
    class Named(nn.Cell):
        def __init__(self):
            super().__init__()
            self.inner = Inner()
            self.k = Parameter(Tensor(arr([1.0])), name='my_k')
    assert list(Named().parameters_dict()) == ['my_k', 'inner.a', 'inner.c']


def test_repr_of_a_cell_with_a_sub_cell():
    assert repr(Inner()) == 'Inner()'
    assert repr(Outer()) == 'Outer(\n  (inner): Inner()\n)'


def test_eager_cell_call_matches_hand_computation():
    outer = Outer()
    x = arr([1.0, 3.0])
    expected = (((np.tanh(x * arr([0.5, -1.0]))) * arr([1.0, 2.0]) + 3.0) ** 2).sum()
    close(outer(Tensor(x)), expected)


def loss_at(cell, param, value, x):
    """The Cell's loss with `param` set to `value` (restored afterwards)."""
    saved = param.asnumpy().copy()
    try:
        param.set_data(value)
        return float(cell(Tensor(x)))
    finally:
        param.set_data(saved)


@pytest.mark.parametrize('compiled', [False, True], ids=['value_and_grad', 'jit_of_value_and_grad'])
def test_nested_cell_gradients_match_central_differences(compiled):
    outer = Outer()
    params = outer.trainable_params()
    x = arr([1.0, 3.0])
    vg = autograph.value_and_grad(outer, None, weights=params)
    if compiled:
        vg = autograph.jit(vg)
    value, grads = vg(Tensor(x))
    close(value, float(outer(Tensor(x))))
    assert len(grads) == 2
    for param, g in zip(params, grads):
        expected = central_difference(lambda v: loss_at(outer, param, v, x), param.asnumpy())
        close(g, expected, rtol=1e-7, atol=1e-9)


def test_nested_cell_gradient_with_respect_to_the_input_and_weights():
    outer = Outer()
    x = arr([1.0, 3.0])
    gx, (gw, ga) = autograph.grad(outer, 0, weights=outer.trainable_params())(Tensor(x))
    close(gx, central_difference(lambda v: float(outer(Tensor(v))), x), rtol=1e-7)
    u = np.tanh(x * arr([0.5, -1.0]))
    v = u * arr([1.0, 2.0]) + 3.0
    close(ga, 2 * v * u)              # hand-derived: d/da sum((u a + c)^2)


# ---------------------------------------------------------------- nested arguments and results
def net(params, x):
    h = ops.tanh(x @ params['w'] + params['b'])
    for w in params['layers']:
        h = h @ w
    return {'loss': ops.sum(h * h), 'h': h}


def net_loss(params, x):
    return net(params, x)['loss']


PARAMS = {'w': np.eye(3) + 0.1, 'b': np.array([0.1, 0.2, 0.3]),
          'layers': [np.eye(3) * 0.5 + 0.05, np.eye(3) * 2.0], 'name': 'net'}
XV = np.array([0.5, -0.2, 0.1])


def test_dict_and_list_arguments_and_results():
    out = autograph.jit(net)(PARAMS, XV)
    eager = net({k: (Tensor(v) if isinstance(v, np.ndarray) else [Tensor(a) for a in v]
                     if isinstance(v, list) else v) for k, v in PARAMS.items()}, Tensor(XV))
    assert set(out) == {'loss', 'h'}
    np.testing.assert_allclose(out['h'], eager['h'].asnumpy(), rtol=1e-12)
    np.testing.assert_allclose(out['loss'], float(eager['loss']), rtol=1e-12)


def test_gradient_of_a_dict_argument_has_its_structure():
    grads = autograph.grad(net_loss)(PARAMS, XV)
    assert set(grads) == {'w', 'b', 'layers', 'name'} and grads['name'] is None
    assert isinstance(grads['layers'], list) and len(grads['layers']) == 2
    for key in ('w', 'b'):
        def partial(v, key=key):
            return float(net_loss({**PARAMS, key: v}, XV))
        np.testing.assert_allclose(grads[key], central_difference(partial, PARAMS[key]), rtol=1e-6, atol=1e-9)

    def second_layer(v):
        return float(net_loss({**PARAMS, 'layers': [PARAMS['layers'][0], v]}, XV))
    np.testing.assert_allclose(grads['layers'][1], central_difference(second_layer, PARAMS['layers'][1]),
                               rtol=1e-6, atol=1e-9)


def test_tuple_argument_gradient_is_a_tuple():
    def f(pair, scale):
        a, b = pair
        return ops.sum(a * b) * scale
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    da, db = autograph.grad(f)((a, b), 2.0)
    np.testing.assert_allclose(da, 2 * b)
    np.testing.assert_allclose(db, 2 * a)


def _returns_none(x):
    x * 2.0


def _returns_float(x):
    return 3.0


def _returns_str(x):
    return 'loss'


@pytest.mark.parametrize('fn, words', [(_returns_none, 'returns None'),
                                       (_returns_float, 'returns a Python float (3.0), not a Tensor'),
                                       (_returns_str, "returns a Python str ('loss')")])
def test_grad_of_a_function_without_a_tensor_result_is_a_type_error(fn, words):
    for transform in (autograph.grad, autograph.value_and_grad):
        with pytest.raises(TypeError, match=re.escape(words)):
            transform(fn)(Tensor(np.ones(3)))


def _returns_zip(x):
    return zip(x, x)


def _keyword_only(x, *, k=1.0):
    return ops.sum(x) * k


def test_mistakes_at_the_boundary_name_the_function():
    with pytest.raises(autograph.CompileError, match=r'test_api\.py", line \d+.*_returns_zip returns a zip'):
        autograph.jit(_returns_zip)(np.ones(2))
    with pytest.raises(TypeError, match=r"_keyword_only\(\): got an unexpected keyword argument 'y'"):
        autograph.jit(_keyword_only)(np.ones(2), y=3)
    for transform in (autograph.jit, autograph.grad, autograph.value_and_grad):
        with pytest.raises(TypeError, match='expected a function or a Cell to compile, got an int'):
            transform(3)
