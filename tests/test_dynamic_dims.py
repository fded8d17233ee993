"""dynamic_dims: one compilation for every size of an axis (autograph/dynamic.py).

Every way a size reaches generated code is checked: a fill's shape, a reshape's, an index_add's,
a slice's bounds, a loop's range, broadcast_to, the mean's constant, a sum divided by the size,
the size as a Python int in arithmetic, a constant np.arange, sizes of two arguments, a square
of the size. For each: one compilation serves every size, the values and gradients equal those
compiled for that size alone, and at the sizes after the first, central differences in float64.
Then the errors: a Python decision on a size (a comparison, min or max, a hash), which the probes
alone would compile as at sizes near 1000, raises naming its line, while arithmetic on a size
still compiles once; then the cache and fast path, the command line, export, and Model.train.
"""
import importlib.util
import math
import re

import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops
from autograph.cli import main
from autograph.export import standalone
from autograph.train import Model
from tests.codegen.checks import check_source
from tests.numerics import central_difference_at


# ---------------------------------------------------------------- every way a size reaches code
def fill(x):
    return ((x + np.zeros((x.shape[0], 3))) * np.ones((x.shape[0], 1)) ** 2).sum() + (x ** 2).sum()


def reshape(x):
    return (np.reshape(x, (x.shape[0] * 3, 1)) ** 3).sum() + (x.reshape(-1) ** 2).sum()


def index_add(x):
    y = ops.index_add(x, np.array([0, 2], np.int32), np.ones((x.shape[0], 2)), 1)
    return (y ** 2).sum()


def slices(x):
    return (x[0:x.shape[0] - 1] * x[1:]).sum()


def loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + np.sin(x[i]).sum()
    return s


def broadcast(x):
    return (np.broadcast_to(x[:, :1], (x.shape[0], 5)) ** 2).sum()


def mean(x):
    return (x ** 2).mean() + (x.mean(axis=0) ** 2).sum()


def sum_divided(x):
    return (x ** 2).sum() / x.shape[0]


def python_int(x):
    n = x.shape[0]
    return (x ** 2).sum() * (2 * n + 1) + x.sum() / (n - 1)


def arange(x):
    return (x * np.arange(x.shape[0])[:, None]).sum() + (x[np.arange(x.shape[0]), 1] ** 2).sum()


def unbiased(x):
    return (x.var(axis=0) * (x.shape[0] / (x.shape[0] - 1))).sum()


def pairwise(x):
    return (x @ x.T).mean()


def concat(x, y):
    return (np.concatenate([x, y]) ** 2).mean()


# name: (function, what the polymorphic source holds)
ROUTES = {
    'fill': (fill, 'n = x.shape[0]'),
    'reshape': (reshape, 'shape=(n * 3, 1)'),
    'index_add': (index_add, 'np.ones((n, 2)'),
    'slices': (slices, 'x[0:n - 1]'),
    'loop': (loop, 'range(n)'),
    'broadcast': (broadcast, 'shape=(n, 5)'),
    'mean': (mean, '2 / (n * 3)'),
    'sum_divided': (sum_divided, '/ n'),
    'python_int': (python_int, '(n * 2 + 1)'),
    'arange': (arange, 'np.arange(n'),
    'unbiased': (unbiased, 'n - 1'),
    'pairwise': (pairwise, '1 / (n * n)'),
    'concat': (concat, 'n + m'),
}
SIZES = (6, 9, 4, 2)


def _args(name, n, rng):
    x = rng.normal(size=(n, 3))
    return (x, rng.normal(size=(n + 3, 3))) if name == 'concat' else (x,)


def _dims(name):
    return {'x': 0, 'y': 0} if name == 'concat' else {'x': 0}


@pytest.mark.parametrize('name', ROUTES)
def test_one_compilation_serves_every_size(name):
    fn, snippet = ROUTES[name]
    positions = (0, 1) if name == 'concat' else 0
    dynamic = autograph.value_and_grad(fn, positions, dynamic_dims=_dims(name))
    rng = np.random.default_rng(0)
    for n in SIZES:
        args = _args(name, n, rng)
        value, grads = dynamic(*args)
        want_value, want_grads = autograph.value_and_grad(fn, positions)(*args)
        np.testing.assert_allclose(value, want_value, rtol=1e-12)
        for got, want in zip(grads if name == 'concat' else [grads], want_grads if name == 'concat' else [want_grads]):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    assert dynamic.cache_info().misses == 1
    source = autograph.get_source(dynamic)
    assert snippet in source and 'n = x.shape[0]' in source, source
    assert not re.search(r'\b(6|9|18|27)\b', source.split('def ', 1)[1]), source


def _engine(engine):
    """(to the engine's arrays, back to NumPy) for dask.array or array_api_strict."""
    if engine == 'dask':
        da = pytest.importorskip('dask.array')
        return (lambda a: da.from_array(a, chunks=max(1, a.shape[0] // 2))), (lambda a: a.compute())
    xps = pytest.importorskip('array_api_strict')
    return xps.asarray, np.from_dlpack


@pytest.mark.parametrize('engine', ['dask', 'array_api_strict'])
@pytest.mark.parametrize('name', ROUTES)
def test_one_compilation_serves_every_size_on_another_engine(name, engine):
    """The array API dialect is written for every size as NumPy's code is: `n = x.shape[0]`, the
    fitted numbers, and the constants that depend on the size made by xp.arange and xp.full."""
    convert, back = _engine(engine)
    fn, snippet = ROUTES[name]
    positions = (0, 1) if name == 'concat' else 0
    dynamic = autograph.value_and_grad(fn, positions, dynamic_dims=_dims(name))
    rng = np.random.default_rng(0)
    for n in SIZES:
        args = _args(name, n, rng)
        value, grads = dynamic(*[convert(a) for a in args])
        want_value, want_grads = autograph.value_and_grad(fn, positions)(*args)
        np.testing.assert_allclose(float(back(value)), want_value, rtol=1e-12)
        for got, want in zip(grads if name == 'concat' else [grads], want_grads if name == 'concat' else [want_grads]):
            np.testing.assert_allclose(np.asarray(back(got)), want, rtol=1e-10, atol=1e-12)
    assert dynamic.cache_info().misses == 1
    source = autograph.get_source(dynamic)
    assert source.startswith('# Generated by autograph for the array API standard'), source
    code = '\n'.join(line for line in source.split('def ', 1)[1].split('\n') if not line.lstrip().startswith('#'))
    assert 'n = x.shape[0]' in code and not re.search(r'\bnp\.', code), source
    if name != 'slices':        # (the dialect indexes every axis: x[0:n - 1, ...])
        assert snippet.replace('np.', 'xp.') in code, source
    assert not re.search(r'\b(6|9|18|27)\b', code), source


@pytest.mark.parametrize('name', ROUTES)
def test_gradients_at_the_later_sizes_equal_central_differences(name):
    fn = ROUTES[name][0]
    positions = (0, 1) if name == 'concat' else (0,)
    grad = autograph.grad(fn, positions, dynamic_dims=_dims(name))
    forward = autograph.jit(fn)      # compiled per size: the reference runs other code
    rng = np.random.default_rng(1)
    for n in (5, 3, 7):              # the first compiles; the others run the same code
        args = _args(name, n, rng)
        got = grad(*args)
        got = got if isinstance(got, tuple) else (got,)
        want = central_difference_at(lambda *a: float(forward(*a)), args, positions)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)
    assert grad.cache_info().misses == 1


def test_two_dynamic_axes_of_one_argument():
    def rowwise(x):
        return (x - x.mean(axis=1, keepdims=True)).std()
    f = autograph.value_and_grad(rowwise, dynamic_dims={'x': (0, -1)})
    rng = np.random.default_rng(2)
    for shape in ((4, 5), (7, 3), (2, 9)):
        x = rng.normal(size=shape)
        value, dx = f(x)
        want_value, want_dx = autograph.value_and_grad(rowwise)(x)
        np.testing.assert_allclose(value, want_value, rtol=1e-12)
        np.testing.assert_allclose(dx, want_dx, rtol=1e-10, atol=1e-12)
    assert f.cache_info().misses == 1
    source = autograph.get_source(f)
    assert 'n = x.shape[0]' in source and 'm = x.shape[1]' in source


def test_every_probe_size_is_on_one_side_of_the_in_place_threshold():
    """passes.inplace writes into arrays of at least _LARGE bytes: an array with one dynamic
    axis must be large at all probe sizes or at none, or the probes' code would differ."""
    from autograph.dynamic import _PROBES
    inplace = importlib.import_module('autograph.passes.inplace')   # the package's `inplace` is the pass
    for itemsize in (1, 2, 4, 8, 16):
        for other_axes in range(1, inplace._LARGE // min(_PROBES) + 2):
            assert len({n * other_axes * itemsize >= inplace._LARGE for n in _PROBES}) == 1


# ---------------------------------------------------------------- the cache and the fast path
def affine(x, y):
    return ((x * 2.0 + 1.0 - y) ** 2).sum()


def test_a_second_size_takes_the_fast_path_and_sizes_0_and_1_compile_on_their_own():
    f = autograph.jit(affine, dynamic_dims={'x': 0, 'y': 0})
    f(np.ones((5, 2)), np.ones((5, 2)))
    f(np.ones((7, 2)), np.ones((7, 2)))          # the slow path finds the entry, makes the fast one
    hits = f.cache_info().hits
    assert float(f(np.ones((9, 2)), np.zeros((9, 2)))) == 9 * 2 * 9.0
    assert f.cache_info().hits == hits + 1 and f.cache_info().misses == 1
    assert float(f(np.ones((1, 2)), np.zeros((1, 2)))) == 18.0
    assert float(f(np.ones((0, 2)), np.zeros((0, 2)))) == 0.0
    assert f.cache_info().misses == 3
    assert f.cache_info().signatures[0] == 'x: float64[n, 2], y: float64[n, 2]'
    f(np.ones((5, 3)), np.ones((5, 3)))           # a static axis is still part of the key
    assert f.cache_info().misses == 4


def test_tensors_keep_their_boundary_and_get_source_shows_the_symbol():
    f = autograph.jit(affine, dynamic_dims={'x': 0, 'y': 0})
    out = f(Tensor(np.ones((4, 2), np.float32)), Tensor(np.ones((4, 2), np.float32)))
    assert isinstance(out, Tensor) and float(out) == 32.0
    out = f(Tensor(np.ones((6, 2), np.float32)), Tensor(np.zeros((6, 2), np.float32)))
    assert float(out) == 6 * 2 * 9.0 and f.cache_info().misses == 1
    source = autograph.get_source(f)
    assert 'n = x.shape[0]' in source and 'y.shape[0] != n' in source
    assert 'x: f32[4,2]' in autograph.get_ir(f)       # the IR of the first call's sizes


def needs_equal(x, y):
    return (x * y).sum()


def independent(x, y):
    return x.sum() + (y ** 2).sum()


def test_axes_of_equal_size_are_one_size_and_a_mismatch_names_both():
    f = autograph.jit(needs_equal, dynamic_dims={'x': 0, 'y': 0})
    assert float(f(np.ones((4, 2)), np.ones((4, 2)))) == 8.0
    with pytest.raises(ValueError, match=r"needs_equal: x.shape\[0\] is 6 but y.shape\[0\] is 5; "
                                         r"needs_equal needs them equal"):
        f(np.ones((6, 2)), np.ones((5, 2)))
    g = autograph.jit(independent, dynamic_dims={'x': 0, 'y': 0})
    assert float(g(np.ones((4, 2)), np.ones((4, 2)))) == 16.0
    assert float(g(np.ones((6, 2)), np.ones((5, 2)))) == 22.0    # two sizes: a second entry
    assert float(g(np.ones((3, 2)), np.ones((8, 2)))) == 22.0
    assert g.cache_info().misses == 2
    assert 'm = y.shape[0]' in autograph.get_source(g)


def test_the_generated_function_checks_the_sizes_it_unifies():
    f = autograph.jit(needs_equal, dynamic_dims={'x': 0, 'y': 0})
    f(np.ones((4, 2)), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"y.shape\[0\] is 3 but x.shape\[0\] is 4; they must be equal"):
        f.last.fn(np.ones((4, 2)), np.ones((3, 2)))


def containers(xs, *, scale):
    total = 0.0
    for x in xs:
        total = total + (x ** 2).sum()
    return total * scale.sum()


def test_tuples_keywords_and_varargs():
    f = autograph.jit(containers, dynamic_dims={'xs': 0, 'scale': 0})
    for n in (3, 5):
        xs = (np.ones((n, 2)), np.ones((n, 4)))
        assert float(f(xs, scale=np.ones(n))) == 6.0 * n * n
    assert f.cache_info().misses == 1
    step = autograph.jit(nn.WithLossCell(nn.Dense(3, 2), nn.MSELoss()), dynamic_dims={0: 0, 1: 0})
    for n in (4, 6):
        step(np.ones((n, 3), np.float32), np.zeros((n, 2), np.float32))
    assert step.cache_info().misses == 1


class Scaled(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.full(3, 2.0, np.float32)), name='w')

    @autograph.jit(dynamic_dims={'x': 0})
    def construct(self, x):
        return (x * self.w).mean(axis=0)


def test_a_decorator_with_keywords_and_a_method():
    cell = Scaled()
    for n in (2, 5, 7):
        np.testing.assert_allclose(cell(np.ones((n, 3), np.float32)).asnumpy(), [2.0, 2.0, 2.0])
    assert cell.construct.cache_info().misses == 1


def test_the_polymorphic_source_is_valid_input_to_jit_again(tmp_path):
    grad = autograph.grad(mean, dynamic_dims={'x': 0})
    grad(np.ones((4, 3)))
    path = tmp_path / 'mean_grad.py'
    path.write_text(autograph.get_source(grad))
    spec = importlib.util.spec_from_file_location('mean_grad', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.random.default_rng(3).normal(size=(7, 3))
    np.testing.assert_allclose(autograph.jit(module.mean_grad)(x), grad(x), rtol=1e-12)
    np.testing.assert_allclose(module.mean_grad(x), grad(x), rtol=1e-12)


# ---------------------------------------------------------------- what cannot be compiled once
def branches(x):
    if x.shape[0] > 100:
        return x.sum()
    return (x * 2.0).sum()


def product_branch(x):
    if np.prod(x.shape) > 100:      # a NumPy scalar: not marked, but its two sides are on two lines
        return x.sum()
    return (x * 2.0).sum()


def cubed(x):
    return x.sum() * x.shape[0] ** 3


def square_root(x):
    return x.sum() * math.sqrt(x.shape[0])


def with_fixed(x, z):
    return (x * z).sum()


def eye(x):
    return (x.T @ np.eye(x.shape[0]) @ x * np.tri(x.shape[0], 3)[:3]).sum()


def unrolled(x):
    rows = []
    for i in range(x.shape[0]):
        rows.append(x[i] * i)       # a list grown per index: the loop is unrolled
    return np.stack(rows).sum()


@pytest.mark.parametrize('fn, line, words', [
    (branches, 'if x.shape[0] > 100:', ["branches's code depends on the size of x's axis 0",
                                        'compares it in Python (998 > 100 while compiling)']),
    (product_branch, 'return (x * 2.0).sum()', ["product_branch's code depends on the size of x's axis 0",
                                                'compiled only at the sizes of this call']),
    (cubed, 'return x.sum() * x.shape[0] ** 3', ['no simple function of the size']),
    (square_root, 'return x.sum() * math.sqrt(x.shape[0])', ['no simple function of the size']),
    (eye, 'return (x.T @ np.eye(x.shape[0]) @ x', ['constant array', 'np.arange or a fill']),
    (unrolled, 'return np.stack(rows).sum()', ['compiled for two sizes of it, the code differs']),
], ids=['branch', 'product_branch', 'cubed', 'square_root', 'eye', 'unrolled'])
def test_code_that_depends_on_the_size_is_a_clear_error(fn, line, words):
    f = autograph.jit(fn, dynamic_dims={'x': 0})
    with pytest.raises(autograph.DynamicShapeError) as info:
        f(np.ones((4, 3)))
    message = str(info.value)
    assert 'test_dynamic_dims.py' in message and line in message, message
    assert all(w in message for w in words) and 'drop that axis from dynamic_dims' in message, message
    assert float(autograph.jit(fn)(np.ones((4, 3)))) == float(fn(np.ones((4, 3))))   # without it: fine


# ---------------------------------------------------------------- decisions on the size
# Each compiled as at the probes (sizes near 1000) would be wrong at other sizes: a Python
# comparison, truth test, min/max, hash or rounding of a dynamic size raises, naming its line.
def above_the_probes(x):
    if x.shape[0] > 5000:
        return x.sum()
    return (x * 2.0).sum()


def one_line(x):
    return x.sum() if x.shape[0] > 10 else (x * 2.0).sum()


def clipped(x):
    k = min(x.shape[0], 64)
    return x[:k].sum()


def at_least(x):
    return x.sum() * max(x.shape[0], 8)


def size_one(x):
    if x.shape[0] == 1:
        return x.sum()
    return (x * 3.0).sum()


def length(x):
    assert len(x) < 2000, 'too many rows'
    return x.sum()


def reshaped(x):
    h = (x @ np.ones((3, 5))).reshape(-1)      # a size of an array made from x: 5 * n
    if h.shape[0] > 20000:
        return h.sum()
    return (h * 2.0).sum()


def keyed(x):
    return x.sum() * {4: 1.0, 8: 2.0}.get(x.shape[0], 3.0)


def halved(x):
    return x[:x.shape[0] // 2].sum()


def odd(x):
    if x.shape[0] % 2:
        return x.sum()
    return (x * 2.0).sum()


def truth(x):
    if x.shape[0] - 2:
        return x.sum()
    return (x * 2.0).sum()


def picked(x):
    table = [1.0] * 100 + [2.0] * 1900
    return x.sum() * table[x.shape[0]]


def _large(n):
    return n > 5000


def in_a_helper(x):
    return x.sum() if _large(x.shape[0]) else (x * 2.0).sum()


def while_python(x):
    k = 1
    while k < x.shape[0]:       # a loop of Python numbers: run while compiling, at the probes
        k = k * 2
    return x.sum() * k


@pytest.mark.parametrize('fn, line, words', [
    (above_the_probes, 'if x.shape[0] > 5000:', ['compares it in Python (998 > 5000 while compiling)']),
    (one_line, 'return x.sum() if x.shape[0] > 10 else', ['compares it in Python (998 > 10']),
    (clipped, 'k = min(x.shape[0], 64)', ['min() compares it in Python (min(998, 64) while compiling)']),
    (at_least, 'return x.sum() * max(x.shape[0], 8)', ['max() compares it']),
    (size_one, 'if x.shape[0] == 1:', ['compares it in Python (998 == 1']),
    (length, "assert len(x) < 2000, 'too many rows'", ['compares it in Python']),
    (reshaped, 'if h.shape[0] > 20000:', ['compares it in Python (4990 > 20000']),
    (keyed, 'return x.sum() * {4: 1.0, 8: 2.0}.get(x.shape[0], 3.0)', ['a dict key or set member']),
    (halved, 'return x[:x.shape[0] // 2].sum()', ['divides it rounding down (//)']),
    (odd, 'if x.shape[0] % 2:', ['takes a remainder of it (%)']),
    (truth, 'if x.shape[0] - 2:', ['tests its truth in Python (996 while compiling)']),
    (picked, 'return x.sum() * table[x.shape[0]]', ['indexes a list with it']),
    (in_a_helper, 'return n > 5000', ['compares it in Python (998 > 5000']),
], ids=lambda v: v.__name__ if callable(v) else '')
def test_a_python_decision_on_the_size_raises_naming_its_line(fn, line, words):
    """The holes the probes alone do not see (a threshold above them, both sides of a branch on
    one line, min and max) and every other decision: never compiled as at the probes."""
    f = autograph.jit(fn, dynamic_dims={'x': 0})
    with pytest.raises(autograph.DynamicShapeError) as info:
        f(np.ones((4, 3)))
    message = str(info.value)
    assert 'test_dynamic_dims.py' in message and line in message, message
    assert f"{fn.__name__}'s code depends on the size of x's axis 0" in message, message
    assert all(w in message for w in words), message
    assert 'drop that axis from dynamic_dims to compile once per size, or compute this with array ops' in message


@pytest.mark.parametrize('fn', [above_the_probes, one_line, clipped, at_least, size_one, length, reshaped, keyed,
                                halved, odd, truth, picked, in_a_helper, while_python],
                         ids=lambda f: f.__name__)
def test_static_compilation_is_unaffected(fn):
    """Without dynamic_dims the same code compiles per size, and its Python sees plain ints."""
    f = autograph.jit(fn)
    for n in (4, 5):
        x = np.arange(n * 3.0).reshape(n, 3)
        assert float(f(x)) == float(fn(x))
    assert f.cache_info().misses == 2


def test_a_python_loop_on_the_size_raises():
    """k is 1024 at every probe: compiled, its code differs from that at size 4 and 2."""
    with pytest.raises(autograph.DynamicShapeError, match='while_python'):
        autograph.jit(while_python, dynamic_dims={'x': 0})(np.ones((4, 3)))


seen = []


def records(x):
    seen.append(x.shape[0])
    return x.sum() * (x.shape[0] + 1)


def test_the_sizes_user_code_sees_are_plain_ints_outside_the_probes():
    seen.clear()
    autograph.jit(records)(np.ones((4, 3)))
    assert seen == [4] and type(seen[0]) is int
    seen.clear()
    f = autograph.jit(records, dynamic_dims={'x': 0})
    assert float(f(np.ones((4, 3)))) == 60.0 and float(f(np.ones((6, 3)))) == 126.0
    # A size that left the compilation (here, in a global list) compares as an int again.
    assert all(isinstance(v, int) for v in seen) and 4 in seen and max(seen) > 5 and {seen[-1]: 1}


def same_rows(x, y):
    assert x.shape[0] == y.shape[0], 'x and y must have as many rows'      # one symbol: always
    if x.shape[0] - 1 < x.shape[0]:                                       # the same at every size
        return (x * y).sum()
    return x.sum()


def paired(x, y):
    if x.shape[0] == y.shape[0]:      # two symbols: never equal in one compilation
        return (x[:, :1] * y[:, :1].T).sum()
    return x.sum() + 2.0 * y.sum()


def size_helpers(x):
    n, d = x.shape
    scale = float(n) / 2
    return (x ** 2).sum() * scale + x.sum() / sum(x.shape) + x[0].sum() * _twice_plus_one(len(x)) * d


def _twice_plus_one(n):
    return 2 * n + 1


def runtime_choice(x):
    k = x.shape[0] if x.sum() > 0 else 0      # a Tensor condition: chosen when the code runs
    return x.sum() * k


def carried_size(x):
    k = x.shape[0]
    total = 0.0
    for i in range(x.shape[0]):               # k is carried by a run-time loop: a number at run time
        total = total + (x[i] ** 2).sum() * k
        k = k - 1
    return total


def while_rows(x):
    i = 0
    total = 0.0
    while i < x.shape[0]:                     # a run-time loop: its test compares when the code runs
        total = total + (x[i] ** 2).sum()
        i = i + 1
    return total


@pytest.mark.parametrize('fn, snippet', [
    (size_helpers, 'n + 3'), (runtime_choice, 'n'), (carried_size, 'k = n'), (while_rows, 'while i < n:'),
], ids=lambda v: v.__name__ if callable(v) else '')
def test_arithmetic_on_the_size_still_compiles_once(fn, snippet):
    f = autograph.value_and_grad(fn, dynamic_dims={'x': 0})
    rng = np.random.default_rng(6)
    for n in (4, 7, 2, 9):
        x = rng.normal(size=(n, 3))
        value, dx = f(x)
        want_value, want_dx = autograph.value_and_grad(fn)(x)
        np.testing.assert_allclose(value, want_value, rtol=1e-12)
        np.testing.assert_allclose(dx, want_dx, rtol=1e-10, atol=1e-12)
    assert f.cache_info().misses == 1
    assert snippet in autograph.get_source(f), autograph.get_source(f)


def test_comparisons_of_sizes_that_always_agree_still_compile():
    f = autograph.jit(same_rows, dynamic_dims={'x': 0, 'y': 0})
    for n in (3, 8):
        assert float(f(np.ones((n, 2)), np.full((n, 2), 2.0))) == 4.0 * n
    assert f.cache_info().misses == 1
    g = autograph.jit(paired, dynamic_dims={'x': 0, 'y': 0})
    for a, b in ((4, 6), (5, 9), (3, 3), (6, 6)):
        x, y = np.ones((a, 2)), np.ones((b, 2))
        assert float(g(x, y)) == float(paired(x, y))
    assert g.cache_info().misses == 2     # (n, m) and (n, n)


def test_an_axis_that_must_agree_is_named():
    f = autograph.jit(with_fixed, dynamic_dims={'x': 0})
    with pytest.raises(autograph.DynamicShapeError, match=r"add it to dynamic_dims \(an axis of that "
                                                          r"size: 'z': 0\)"):
        f(np.ones((4, 3)), np.ones((4, 3)))
    assert float(autograph.jit(with_fixed, dynamic_dims={'x': 0, 'z': 0})(np.ones((4, 3)), np.ones((4, 3)))) == 12


@pytest.mark.parametrize('dims, error, words', [
    ({'q': 0}, TypeError, ["dynamic_dims names 'q', which is not a parameter of affine", 'x, y']),
    ({'x': 2}, ValueError, ['dynamic_dims gives axis 2 of x, which has 2 axes (shape (4, 2))']),
    ({'x': -3}, ValueError, ['axis -3 of x']),
    ({'x': 'rows'}, TypeError, ["dynamic_dims['x'] must be an axis (an int) or a tuple of axes"]),
    ({'x': ()}, TypeError, ["dynamic_dims['x'] must be an axis"]),
    ({'x': True}, TypeError, ["dynamic_dims['x']"]),
    ([('x', 0)], TypeError, ['dynamic_dims must be a dict']),
    ({-1: 0}, ValueError, ['argument position -1 is negative']),
], ids=['unknown_name', 'axis_too_large', 'axis_too_negative', 'axis_not_int', 'no_axes', 'bool', 'not_a_dict',
        'negative_position'])
def test_bad_dynamic_dims_name_the_argument(dims, error, words):
    with pytest.raises(error) as info:
        autograph.jit(affine, dynamic_dims=dims)(np.ones((4, 2)), np.ones((4, 2)))
    assert all(w in str(info.value) for w in words), str(info.value)


def test_only_arrays_have_dynamic_axes():
    def scaled(x, k):
        return x.sum() * k
    with pytest.raises(TypeError, match='dynamic_dims names k, an int; only arrays'):
        autograph.jit(scaled, dynamic_dims={'k': 0})(np.ones(3), 2)
    w = Parameter(Tensor(np.ones(3)), name='w')
    with pytest.raises(TypeError, match="dynamic_dims names x, a Parameter"):
        autograph.jit(scaled, dynamic_dims={'x': 0})(w, 2)
    with pytest.raises(TypeError, match='dynamic_dims names'):
        autograph.grad(affine, dynamic_dims={'z': 0})


# ---------------------------------------------------------------- export and the command line
MLP_FILE = """\
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(8, 784)).astype(np.float32)
w1 = (rng.normal(size=(784, 64)) * 0.05).astype(np.float32)
b1 = np.zeros(64, np.float32)
w2 = (rng.normal(size=(64, 10)) * 0.1).astype(np.float32)
b2 = np.zeros(10, np.float32)


def loss(x, w1, b1, w2, b2):
    h = np.maximum(x @ w1 + b1, 0)
    return ((h @ w2 + b2) ** 2).mean()
"""


def _module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mlp_file(tmp_path):
    path = tmp_path / 'mlp.py'
    path.write_text(MLP_FILE)
    return path


def test_an_exported_mlp_gradient_runs_at_batch_sizes_1_8_and_1000(mlp_file, tmp_path):
    out = tmp_path / 'mlp_grad.py'
    assert main(['export', f'{mlp_file}:loss', '--grad', '1,2,3,4', '--dynamic-dim', 'x:0', '-o', str(out)]) == 0
    text = out.read_text()
    check_source(text, function='loss_value_and_grad')
    assert 'from runtime' not in text and 'autograph' not in text.split('\n', 1)[1]
    assert '#   x: float32[n, 784]\n#   w1: float32[784, 64]\n' in text and 'n is any size' in text
    assert 'n = x.shape[0]' in text and '784 * n' not in text
    exported, user = _module(out, 'mlp_grad'), _module(mlp_file, 'mlp')
    rng = np.random.default_rng(4)
    for batch in (1, 8, 1000):
        x = rng.normal(size=(batch, 784)).astype(np.float32)
        loss, grads = exported.loss_value_and_grad(x, user.w1, user.b1, user.w2, user.b2)
        want_loss, want = autograph.value_and_grad(user.loss, (1, 2, 3, 4))(x, user.w1, user.b1, user.w2, user.b2)
        np.testing.assert_allclose(loss, want_loss, rtol=1e-5)
        for g, w in zip(grads, want):
            assert g.dtype == np.float32
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match=r'loss_value_and_grad: x must be float32\[n, 784\], got float32\[8, 783\]'):
        exported.loss_value_and_grad(np.ones((8, 783), np.float32), user.w1, user.b1, user.w2, user.b2)
    with pytest.raises(ValueError, match=r'x must be float32\[n, 784\], got float64\[8, 784\]'):
        exported.loss_value_and_grad(np.ones((8, 784)), user.w1, user.b1, user.w2, user.b2)
    with pytest.raises(ValueError, match=r'w1 must be float32\[784, 64\], got float32\[784, 32\]'):
        exported.loss_value_and_grad(np.ones((8, 784), np.float32), user.w1[:, :32], user.b1, user.w2, user.b2)


def test_an_export_states_and_checks_the_sizes_it_unifies():
    grad = autograph.grad(needs_equal, (0, 1), dynamic_dims={'x': 0, 'y': 0})
    grad(np.ones((4, 2)), np.ones((4, 2)))
    generated = grad.last.generated
    text = standalone(generated.source, generated.namespace, grad.last.input_shapes(), generated.name)
    assert '#   x: float64[n, 2]\n#   y: float64[n, 2]\n' in text
    namespace = {}
    exec(compile(text, '<exported>', 'exec'), namespace)
    dx, dy = namespace[generated.name](np.ones((3, 2)), np.full((3, 2), 2.0))
    np.testing.assert_array_equal(dx, np.full((3, 2), 2.0))
    with pytest.raises(ValueError, match=r'needs_equal_grad: y must be float64\[n, 2\], got float64\[5, 2\] '
                                         r'\(n is 3, the size of x.shape\[0\]\)'):
        namespace[generated.name](np.ones((3, 2)), np.ones((5, 2)))


def test_a_static_export_checks_its_fixed_shapes(mlp_file, tmp_path):
    out = tmp_path / 'fixed.py'
    assert main(['export', f'{mlp_file}:loss', '--grad', '1', '-o', str(out)]) == 0
    text = out.read_text()
    assert '#   x: float32[8, 784]' in text and 'every size is fixed' in text
    exported, user = _module(out, 'fixed'), _module(mlp_file, 'mlp')
    exported.loss_value_and_grad(user.x, user.w1, user.b1, user.w2, user.b2)
    with pytest.raises(ValueError, match=r'x must be float32\[8, 784\], got float32\[16, 784\]'):
        exported.loss_value_and_grad(np.ones((16, 784), np.float32), user.w1, user.b1, user.w2, user.b2)


def test_show_prints_the_polymorphic_code(mlp_file, capsys):
    assert main(['show', f'{mlp_file}:loss', '--grad', '1', '--dynamic-dim', 'x:0']) == 0
    out = capsys.readouterr().out
    assert out.count('n = x.shape[0]') == 2 and '1 / (n * 5)' in out, out


@pytest.mark.parametrize('option, words', [
    ('x', ["--dynamic-dim takes an argument's name and axes such as x:0"]),
    ('x:first', ["not 'x:first'"]),
    ('q:0', ["dynamic_dims names 'q', which is not a parameter of loss"]),
    ('x:5', ['dynamic_dims gives axis 5 of x']),
])
def test_a_bad_dynamic_dim_option_is_one_message(mlp_file, capsys, option, words):
    with pytest.raises(SystemExit) as info:
        main(['show', f'{mlp_file}:loss', '--dynamic-dim', option])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith('autograph: ') and all(w in err for w in words), err


# ---------------------------------------------------------------- Model.train
def _mlp(seed):
    np.random.seed(seed)
    return nn.SequentialCell(nn.Dense(4, 8), nn.ReLU(), nn.Dense(8, 3))


def test_the_last_smaller_batch_of_an_epoch_does_not_recompile():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(10, 4)).astype(np.float32)
    y = rng.integers(0, 3, 10).astype(np.int32)
    data = autograph.dataset.NumpySlicesDataset((x, y), column_names=['x', 'y'], shuffle=False).batch(4)
    assert [len(b[0]) for b in data.create_tuple_iterator()] == [4, 4, 2]
    nets = [_mlp(0), _mlp(0)]
    model = Model(nets[0], nn.CrossEntropyLoss(), nn.SGD(nets[0].trainable_params(), 0.1),
                  metrics={'accuracy', 'loss'})
    model.train(2, data)
    assert model._compiled['train'].cache_info().misses == 1
    assert model._compiled['train'].cache_info().hits == 5
    # The same steps, each compiled for its own batch size.
    loss_fn, optimizer = nn.CrossEntropyLoss(), nn.SGD(nets[1].trainable_params(), 0.1)
    grad_fn = autograph.value_and_grad(lambda a, b: loss_fn(nets[1](a), b), None, nets[1].trainable_params())
    for _ in range(2):
        for start in (0, 4, 8):
            _, grads = grad_fn(x[start:start + 4], y[start:start + 4])
            optimizer(grads)
    for p, q in zip(nets[0].trainable_params(), nets[1].trainable_params()):
        np.testing.assert_allclose(p.asnumpy(), q.asnumpy(), rtol=1e-5, atol=1e-6)
    results = model.eval(data)
    assert set(results) == {'accuracy', 'loss'} and model._compiled['eval'].cache_info().misses == 1


class FixedBatch(nn.Cell):
    """A network whose code needs its batch size: Model falls back to compiling per size."""

    def __init__(self):
        super().__init__()
        self.dense = nn.Dense(4, 3)

    def construct(self, x):
        if x.shape[0] > 3:
            return self.dense(x)
        return self.dense(x) * 2.0


def test_a_network_that_depends_on_the_batch_size_compiles_per_size():
    np.random.seed(0)
    net = FixedBatch()
    model = Model(net, nn.MSELoss(), nn.SGD(net.trainable_params(), 0.1))
    x = np.ones((10, 4), np.float32)
    y = np.zeros((10, 3), np.float32)
    model.train(1, [(x[:4], y[:4]), (x[4:8], y[4:8]), (x[8:], y[8:])])
    step = model._compiled['train']
    assert step.dynamic is None and step.cache_info().misses == 2
