"""The fast path of a cache hit (autograph/fastpath.py): a call like the last one runs through a
generated check instead of the key, the lookup and the guards one by one. Each test takes the
fast path first, then changes something it must notice, and compares with what the slow path
(or plain Python) gives."""
import pickle

import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops

X = np.array([1.0, 2.0, 3.0])
SCALE = 2.0


def scaled_sum(x):
    return ops.sum(x * SCALE)


def fast_taken(compiled, *args):
    """Compile for `args`, use the compilation again (that makes its fast path), then call
    once more with the slow path out of order: that call must take the fast path."""
    compiled(*args)
    compiled(*args)
    hits = compiled.cache_info().hits
    compiled._cached = None
    try:
        out = compiled(*args)
    finally:
        del compiled._cached
    assert compiled.cache_info().hits == hits + 1
    return out


def test_the_fast_path_is_made_when_a_compilation_is_used_again():
    f = autograph.jit(scaled_sum)
    f(X)
    assert f.last.fast is None
    f(X)
    assert f.last.fast is not None
    g = autograph.jit(lambda xs: ops.sum(xs[0]))
    g((X, X))
    assert float(g((X, X))) == 6.0
    assert g.last.fast_made and g.last.fast is None     # a tuple argument: the slow path only


def test_a_new_shape_or_dtype_after_the_fast_path_compiles_and_the_old_one_hits_again():
    f = autograph.jit(scaled_sum)
    fast_taken(f, Tensor(X))
    assert float(f(Tensor(np.ones(5)))) == 10.0
    assert f(Tensor(np.ones(3, np.float32))).dtype == autograph.float32
    assert float(f(Tensor(X))) == 12.0
    info = f.cache_info()
    assert (info.misses, info.hits) == (3, 3)


def test_arrays_after_tensors_give_arrays_and_tensors_after_arrays_give_tensors():
    f = autograph.grad(lambda x, w: ops.sum(ops.matmul(x, w)), 1)
    x, w = np.ones((2, 3)), np.ones((3, 4))
    assert isinstance(fast_taken(f, Tensor(x), Tensor(w)), Tensor)
    assert type(f(x, w)) is np.ndarray
    assert type(f(x, w)) is np.ndarray
    assert isinstance(f(Tensor(x), w), Tensor)
    np.testing.assert_allclose(f(Tensor(x), Tensor(w)).asnumpy(), np.full((3, 4), 2.0))


def test_another_parameter_of_the_same_shape_is_not_the_one_compiled_for():
    f = autograph.grad(lambda x, w: ops.sum(x * w), (0, 1))
    a, b = Parameter(Tensor(X), name='a'), Parameter(Tensor(2 * X), name='b')
    fast_taken(f, a, Tensor(X))
    dx, dw = f(b, Tensor(X))
    np.testing.assert_allclose(dx.asnumpy(), X)
    np.testing.assert_allclose(dw.asnumpy(), 2 * X)
    assert f.cache_info().misses == 2


def test_python_values_after_the_fast_path():
    f = autograph.jit(lambda x, n, rate: ops.sum(x * rate) * n)
    fast_taken(f, X, 2, 0.5)
    assert float(f(X, 3, 0.5)) == 9.0          # an int is compiled in: a new compilation
    assert float(f(X, 3, 0.25)) == 4.5         # a float is an input: no new compilation
    assert float(f(X, 3, 1)) == 18.0           # an int where a float was: a new compilation
    assert float(f(X, True, 1)) == 6.0         # a bool is not the int 1
    assert f.cache_info().misses == 4


def test_a_mutated_global_after_the_fast_path_recompiles():
    global SCALE
    f = autograph.jit(scaled_sum)
    assert float(fast_taken(f, X)) == 12.0
    SCALE = 3.0
    try:
        assert float(f(X)) == 18.0
    finally:
        SCALE = 2.0
    assert float(f(X)) == 12.0
    assert f.cache_info().misses == 2


def test_a_changed_default_after_the_fast_path_recompiles():
    def f(x, k=2.0):
        return ops.sum(x * k)
    compiled = autograph.jit(f)
    fast_taken(compiled, X)
    f.__defaults__ = (5.0,)
    assert float(compiled(X)) == 30.0


def test_a_rebound_closure_variable_after_the_fast_path_recompiles():
    k = 2.0

    def f(x):
        return ops.sum(x * k)
    compiled = autograph.jit(f)
    fast_taken(compiled, X)
    k = 4.0
    assert float(compiled(X)) == 24.0


class Affine(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.ones((3, 2))), name='w')
        self.gain = 1.0

    def construct(self, x):
        return ops.matmul(x, self.w) * self.gain


def test_a_changed_cell_attribute_or_parameter_after_the_fast_path():
    net = Affine()

    def loss(x):
        return ops.sum(net(x))
    step = autograph.value_and_grad(loss, None, weights=net.trainable_params())
    x = Tensor(np.ones((1, 3)))
    fast_taken(step, x)
    net.gain = 3.0                                             # a Cell attribute: recompiles
    value, (dw,) = step(x)
    assert float(value) == 18.0 and np.all(dw.asnumpy() == 3.0)
    net.w.set_data(Tensor(np.full((3, 2), 2.0)))               # new values: read at each call
    assert float(step(x)[0]) == 36.0
    assert step.cache_info().misses == 2
    net.w._data = np.ones((3, 5))                              # a new shape: recompiles
    value, (dw,) = step(x)
    assert float(value) == 45.0 and dw.shape == (3, 5)
    assert step.cache_info().misses == 3


def test_a_call_inside_compiled_code_is_inlined_even_after_the_fast_path():
    w = Parameter(Tensor(np.array([1.0, 2.0])), name='w')
    inner = autograph.jit(lambda: ops.sum(w * 2.0))
    fast_taken(inner)
    outer = autograph.jit(lambda x: inner() * x)
    assert float(outer(Tensor(np.array(1.0)))) == 6.0
    w.set_data(Tensor(np.array([2.0, 2.0])))                  # an input of outer, not a constant
    assert float(outer(Tensor(np.array(1.0)))) == 8.0


def test_equal_dtypes_that_are_not_the_same_object_still_fit():
    f = autograph.jit(scaled_sum)
    x = np.ones(3, np.float32)
    fast_taken(f, x)
    thawed = pickle.loads(pickle.dumps(x))
    assert float(f(thawed)) == 6.0 and f.cache_info().misses == 1


def test_results_keep_their_structure_and_kinds():
    def parts(x, rate):
        return {'sum': ops.sum(x), 'pair': [x * 2.0, rate], 'count': 3}
    f = autograph.jit(parts)
    out = fast_taken(f, Tensor(X), 0.5)
    assert isinstance(out['sum'], Tensor) and float(out['sum']) == 6.0
    assert isinstance(out['pair'], list) and isinstance(out['pair'][0], Tensor)
    assert out['pair'][1] == 0.5 and out['count'] == 3
    assert list(out) == ['sum', 'pair', 'count']


def test_numpy_scalars_and_tensor_subclasses_as_arguments():
    class Tagged(Tensor):
        __slots__ = ()
    f = autograph.jit(lambda x, s: ops.sum(x) * s)
    tagged = Tagged(X)
    assert float(fast_taken(f, tagged, np.float64(2.0))) == 12.0
    assert float(f(tagged, np.float64(3.0))) == 18.0
    assert float(f(Tensor(X), np.float64(3.0))) == 18.0
    assert f.cache_info().misses == 1


def test_bad_arguments_after_the_fast_path_are_refused_as_before():
    f = autograph.jit(scaled_sum)
    fast_taken(f, X)
    with pytest.raises(TypeError, match='cannot pass a object'):
        f(object())
    with pytest.raises(autograph.CompileError, match='too many positional arguments'):
        f(X, X)
    assert float(f(X)) == 12.0


def log_of(x):
    return ops.sum(ops.log(x))


def test_an_error_in_the_generated_code_names_the_user_line_on_the_fast_path():
    f = autograph.jit(log_of)
    x = Tensor(np.array([0.0, 1.0]))
    with np.errstate(divide='ignore'):
        fast_taken(f, x)
    with np.errstate(divide='raise'):
        with pytest.raises(FloatingPointError, match='return ops.sum'):
            f(x)


def test_threads_calling_with_different_shapes_share_one_last_compilation():
    import threading
    f = autograph.jit(scaled_sum)
    results, errors = {}, []

    def work(n):
        try:
            x = Tensor(np.ones(n))
            results[n] = {float(f(x)) for _ in range(200)}
        except Exception as e:      # reported below: an assertion in a thread is lost
            errors.append(e)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == {n: {2.0 * n} for n in range(1, 7)}
    assert f.cache_info().entries == 6


def absolute_sum(x):
    return ops.sum(abs(x))


def test_a_global_that_shadows_a_builtin_after_the_fast_path_recompiles():
    # `abs` was read from the builtins: the guard is that the module has no global `abs`.
    f = autograph.jit(absolute_sum)
    x = np.array([1.0, -2.0])
    assert float(fast_taken(f, x)) == 3.0
    globals()['abs'] = lambda v: v * 2.0
    try:
        assert float(f(x)) == -2.0
        assert float(f(x)) == -2.0
    finally:
        del globals()['abs']
    assert float(f(x)) == 3.0
    assert f.cache_info().misses == 2       # the first compilation fits again: a variant kept


OFFSET = 1.0


def offset_sum(x):
    return ops.sum(x) + OFFSET


def test_a_deleted_global_after_the_fast_path_is_not_read_from_the_compilation():
    global OFFSET
    f = autograph.jit(offset_sum)
    assert float(fast_taken(f, X)) == 7.0
    del OFFSET
    try:
        with pytest.raises(autograph.CompileError, match="name 'OFFSET' is not defined"):
            f(X)
    finally:
        OFFSET = 1.0
    assert float(f(X)) == 7.0


def test_nested_results_of_value_and_grad_keep_their_structure():
    w = Parameter(Tensor(np.array([1.0, 2.0, 3.0])), name='w')
    f = autograph.value_and_grad(lambda x: ops.sum(x * w), 0, weights=[w])
    value, (dx, (dw,)) = fast_taken(f, Tensor(X))
    assert all(type(t) is Tensor for t in (value, dx, dw))
    assert float(value) == 14.0
    np.testing.assert_allclose(dx.asnumpy(), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(dw.asnumpy(), X)
    out = f(Tensor(X))
    assert type(out) is tuple and type(out[1]) is tuple and type(out[1][1]) is tuple


def test_no_arguments_and_then_one_after_the_fast_path():
    f = autograph.jit(lambda: ops.sum(Tensor(X)))
    assert float(fast_taken(f)) == 6.0
    with pytest.raises(autograph.CompileError, match='too many positional arguments'):
        f(X)
    assert float(f()) == 6.0
