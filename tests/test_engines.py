"""Engines picked by the arrays passed in (autograph/engines.py): gradients and values on
`dask.array` and `array_api_strict` arrays equal NumPy's (float64), results are the engine's
arrays (dask's lazy), one compilation per engine, shape and dtype, `get_source` shows the array
API code, NumPy arrays and Tensors beside an engine's arrays join it, and NumPy's own path does
not change (no array_api_compat imported, the same source)."""
import pathlib
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import autograph
from autograph import Parameter, Tensor, nn, ops

da = pytest.importorskip('dask.array')
xps = pytest.importorskip('array_api_strict')
dask = pytest.importorskip('dask')

STRICT = type(xps.asarray(0.0))


@pytest.fixture(autouse=True, scope='module')
def standard_and_scheduler():
    xps.set_array_api_strict_flags(api_version='2024.12')
    with dask.config.set(scheduler='synchronous'):
        yield
    xps.reset_array_api_strict_flags()


def mlp_loss(x, labels, w1, b1, w2, b2):
    h = ops.relu(x @ w1 + b1)
    return ops.cross_entropy(h @ w2 + b2, labels)


def rnn_loss(w, u, xs, h):
    for t in range(xs.shape[0]):
        h = ops.tanh(h @ w + xs[t] @ u)
    return ops.sum(h * h)


def cnn_loss(w1, b1, w2, x, labels):
    h = ops.relu(ops.conv2d(x, w1, b1, pad_mode='pad', padding=1))
    h = ops.reshape(ops.max_pool2d(h, 2), (x.shape[0], -1))
    return ops.cross_entropy(h @ w2, labels)


RNG = np.random.default_rng(0)
MLP = [RNG.standard_normal((12, 6)), RNG.integers(0, 3, 12).astype(np.int64), RNG.standard_normal((6, 5)),
       RNG.standard_normal(5), RNG.standard_normal((5, 3)), RNG.standard_normal(3)]
RNN = [RNG.standard_normal((4, 4)) * 0.5, RNG.standard_normal((3, 4)) * 0.5, RNG.standard_normal((5, 2, 3)),
       np.zeros((2, 4))]
CNN = [RNG.standard_normal((2, 1, 3, 3)), np.zeros(2), RNG.standard_normal((2 * 3 * 3, 4)) * 0.1,
       RNG.standard_normal((3, 1, 6, 6)), RNG.integers(0, 4, 3).astype(np.int64)]
CASES = {'mlp': (mlp_loss, MLP, (2, 3, 4, 5)), 'rnn': (rnn_loss, RNN, (0, 1)), 'cnn': (cnn_loss, CNN, (0, 1, 2))}


def to_dask(a):
    return da.from_array(a, chunks=max(1, a.shape[0] // 2) if a.ndim else ())


ENGINES = {'dask': (to_dask, da.Array, lambda a: a.compute()),
           'array_api_strict': (xps.asarray, STRICT, np.from_dlpack)}


@pytest.mark.parametrize('engine', sorted(ENGINES))
@pytest.mark.parametrize('case', sorted(CASES))
def test_gradients_equal_numpy(case, engine):
    loss, data, positions = CASES[case]
    convert, kind, back = ENGINES[engine]
    grad = autograph.grad(loss, positions)
    expected = grad(*data)
    got = grad(*[convert(a) for a in data])
    assert len(got) == len(expected)
    for e, g in zip(expected, got):
        assert isinstance(g, kind), type(g)
        g = np.asarray(back(g))
        assert g.dtype == np.float64 and g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('engine', sorted(ENGINES))
def test_values_of_jit_and_value_and_grad_equal_numpy(engine):
    convert, kind, back = ENGINES[engine]
    forward = autograph.jit(mlp_loss)
    loss = forward(*[convert(a) for a in MLP])
    assert isinstance(loss, kind)
    np.testing.assert_allclose(float(back(loss)), float(forward(*MLP)), rtol=1e-12)
    value, grads = autograph.value_and_grad(rnn_loss, 0)(*[convert(a) for a in RNN])
    want_value, want_grads = autograph.value_and_grad(rnn_loss, 0)(*RNN)
    np.testing.assert_allclose(float(back(value)), float(want_value), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(back(grads)), want_grads, rtol=1e-10)


def test_a_dask_result_is_lazy_until_computed():
    grad = autograph.grad(mlp_loss, 2)
    dw = grad(*[to_dask(a) for a in MLP])
    assert isinstance(dw, da.Array) and len(dw.dask) > 1      # a task graph, not a result
    np.testing.assert_allclose(dw.compute(), grad(*MLP), rtol=1e-10)


def test_one_compilation_per_engine_shape_and_dtype():
    grad = autograph.grad(mlp_loss, 2)
    for _ in range(2):
        grad(*MLP)
        grad(*[to_dask(a) for a in MLP])
        grad(*[xps.asarray(a) for a in MLP])
        grad(*[da.from_array(a, chunks=a.shape or ()) for a in MLP])   # other chunks: the same entry
    info = grad.cache_info()
    assert info.entries == 3 and info.misses == 3, info
    assert sorted(s.split(':')[1].split()[0] for s in info.signatures) == \
        ['array_api_strict', 'dask.array', 'float64[12,']
    grad(*[to_dask(a.astype(np.float32) if a.dtype.kind == 'f' else a) for a in MLP])
    assert grad.cache_info().entries == 4


def test_get_source_shows_each_engines_code():
    grad = autograph.grad(mlp_loss, (2, 3, 4, 5))
    numpy_source = autograph.get_source(grad, *MLP)
    dask_source = autograph.get_source(grad, *[to_dask(a) for a in MLP])
    strict_source = autograph.get_source(grad, *[xps.asarray(a) for a in MLP])
    assert 'import numpy as np' in numpy_source and not re.search(r'\bxp\.', numpy_source)
    assert dask_source.splitlines()[0].endswith('(dask.array).')
    assert strict_source.splitlines()[0].endswith('(array_api_strict).')
    assert dask_source.splitlines()[1:] == strict_source.splitlines()[1:]    # one source, any namespace
    body = dask_source.split('def ', 1)[1]
    assert not re.search(r'\bnp\.', body) and 'xp.sum(' in body and 'h.T @ ' in body
    assert 'from runtime.kernels.array_api import' in dask_source


def test_numpy_arrays_and_tensors_beside_an_engines_arrays_join_it():
    grad = autograph.grad(mlp_loss, (2, 3))
    x, labels = to_dask(MLP[0]), to_dask(MLP[1])
    dw1, db1 = grad(x, labels, Tensor(MLP[2]), MLP[3], *MLP[4:])    # a big batch, small weights
    assert isinstance(dw1, da.Array) and isinstance(db1, da.Array)
    want = grad(*MLP)
    np.testing.assert_allclose(dw1.compute(), want[0], rtol=1e-10)
    np.testing.assert_allclose(db1.compute(), want[1], rtol=1e-10)


def test_a_cells_parameters_join_the_engine():
    np.random.seed(0)
    net = nn.Dense(6, 3)
    loss_fn = nn.WithLossCell(net, nn.MSELoss())
    grad = autograph.value_and_grad(loss_fn, None, weights=net.trainable_params())
    x, y = RNG.standard_normal((8, 6)).astype(np.float32), RNG.standard_normal((8, 3)).astype(np.float32)
    want_loss, want = grad(Tensor(x), Tensor(y))
    loss, grads = grad(xps.asarray(x), xps.asarray(y))
    assert isinstance(loss, STRICT) and all(isinstance(g, STRICT) for g in grads)
    np.testing.assert_allclose(float(np.from_dlpack(loss)), float(want_loss.asnumpy()), rtol=1e-5)
    for g, w in zip(grads, want):
        np.testing.assert_allclose(np.from_dlpack(g), w.asnumpy(), rtol=1e-5, atol=1e-6)


def test_arrays_of_two_libraries_in_one_call_are_refused():
    with pytest.raises(TypeError, match='two libraries'):
        autograph.jit(mlp_loss)(to_dask(MLP[0]), xps.asarray(MLP[1]), *MLP[2:])


def test_a_numpy_only_primitive_names_itself_and_the_engine():
    w = Parameter(Tensor(np.zeros(3)), name='w')

    def update(x):
        ops.assign(w, x * 2.0)
        return x

    with pytest.raises(autograph.CompileError, match=r'assign runs on NumPy only.*dask\.array'):
        autograph.jit(update)(to_dask(np.ones(3)))


def test_the_numpy_path_imports_no_array_api_library(tmp_path):
    script = tmp_path / 'numpy_only.py'
    script.write_text(textwrap.dedent('''
        import sys
        import numpy as np
        import autograph

        def loss(x):
            return (x * x).sum()

        grad = autograph.grad(loss)
        grad(np.ones(3))
        grad(np.ones(3))
        print(sorted(m for m in ('array_api_compat', 'array_api_strict', 'dask') if m in sys.modules))
    '''))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                         cwd=str(tmp_path), env={'PYTHONPATH': str(__import__('pathlib').Path(autograph.__file__).parents[1])})
    assert out.stdout.strip() == '[]'


# ---------------------------------------------------------------- dynamic_dims
def _mlp_batch(batch, rng=np.random.default_rng(7)):
    return [rng.standard_normal((batch, 6)), rng.integers(0, 3, batch).astype(np.int64)] + MLP[2:]


@pytest.mark.parametrize('engine', sorted(ENGINES))
def test_dynamic_dims_compile_once_for_every_batch_on_the_engine(engine):
    convert, kind, back = ENGINES[engine]
    grad = autograph.value_and_grad(mlp_loss, (2, 3, 4, 5), dynamic_dims={'x': 0, 'labels': 0})
    for batch in (8, 1000, 37, 2):
        args = _mlp_batch(batch)
        loss, grads = grad(*[convert(a) for a in args])
        want_loss, want = autograph.value_and_grad(mlp_loss, (2, 3, 4, 5))(*args)
        assert isinstance(loss, kind) and all(isinstance(g, kind) for g in grads)
        np.testing.assert_allclose(float(back(loss)), float(want_loss), rtol=1e-12)
        for g, w in zip(grads, want):
            np.testing.assert_allclose(np.asarray(back(g)), w, rtol=1e-10, atol=1e-12)
    info = grad.cache_info()
    assert info.misses == 1 and info.signatures[0].startswith(f'x: {"dask.array" if engine == "dask" else engine} '
                                                             'float64[n, 6], labels:'), info
    source = autograph.get_source(grad)
    assert 'n = x.shape[0]' in source and 'xp.' in source and '1000' not in source, source
    args = _mlp_batch(1)        # size 1 is compiled as it is, as for NumPy arrays
    loss, _ = grad(*[convert(a) for a in args])
    np.testing.assert_allclose(float(back(loss)), float(autograph.jit(mlp_loss)(*args)), rtol=1e-12)
    assert grad.cache_info().misses == 2
    grad(*_mlp_batch(5))        # NumPy arrays: an entry of their own
    assert grad.cache_info().misses == 3


def test_dynamic_dims_refuse_a_dask_array_of_unknown_size():
    x = to_dask(MLP[0])
    x = x[x[:, 0] > -100]       # every row, but dask does not know how many
    assert np.isnan(x.shape[0])
    with pytest.raises(TypeError, match=r'unknown shape \(nan, 6\).*compute_chunk_sizes'):
        autograph.grad(mlp_loss, 2, dynamic_dims={'x': 0, 'labels': 0})(x, to_dask(MLP[1]), *MLP[2:])
    x.compute_chunk_sizes()
    dw = autograph.grad(mlp_loss, 2, dynamic_dims={'x': 0, 'labels': 0})(x, to_dask(MLP[1]), *MLP[2:])
    np.testing.assert_allclose(dw.compute(), autograph.grad(mlp_loss, 2)(*MLP), rtol=1e-10)


def test_a_size_dynamic_dims_cannot_follow_on_the_engine_names_the_function():
    def halves(x):
        if x.shape[0] > 4:
            return ops.sum(x[:4])
        return ops.sum(x)

    with pytest.raises(autograph.DynamicShapeError, match=r'halves_grad'):
        autograph.grad(halves, dynamic_dims={'x': 0})(xps.asarray(np.ones((6, 2))))


# ---------------------------------------------------------------- export for any namespace
MODEL = '''
import numpy as np
from autograph import ops


def loss(x, labels, w1, b1, w2, b2):
    h = ops.relu(x @ w1 + b1)
    return ops.cross_entropy(h @ w2 + b2, labels)


rng = np.random.default_rng(0)
x, labels = rng.standard_normal((12, 6)), rng.integers(0, 3, 12)
w1, b1, w2, b2 = rng.standard_normal((6, 5)), rng.standard_normal(5), rng.standard_normal((5, 3)), rng.standard_normal(3)
'''


def _import(path):
    import importlib.util
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_exports_a_gradient_for_any_array_api_namespace(tmp_path):
    from autograph.cli import main
    from tests.codegen.checks import check_source
    (tmp_path / 'model.py').write_text(MODEL)
    out = tmp_path / 'grad_xp.py'
    assert main(['export', f'{tmp_path / "model.py"}:loss', '--grad', '2,3,4,5', '--array-api', '-o', str(out)]) == 0
    source = out.read_text()
    assert 'runtime' not in source and 'autograph' not in source.split('\n', 1)[1]
    assert 'xp = namespace_of(x, labels, w1, b1, w2, b2)' in source
    check_source(source, function='loss_value_and_grad')
    exported = _import(out).loss_value_and_grad
    model = _import(tmp_path / 'model.py')
    args = [model.x, model.labels, model.w1, model.b1, model.w2, model.b2]
    want_loss, want = autograph.value_and_grad(mlp_loss, (2, 3, 4, 5))(*args)
    for engine in ('numpy', 'dask', 'array_api_strict'):
        convert, kind, back = ENGINES.get(engine, (np.asarray, np.ndarray, np.asarray))
        loss, grads = exported(*[convert(a) for a in args])
        assert all(isinstance(g, kind) for g in grads)
        np.testing.assert_allclose(float(back(loss)), float(want_loss), rtol=1e-12)
        for g, w in zip(grads, want):
            np.testing.assert_allclose(np.asarray(back(g)), w, rtol=1e-10)


def _export(tmp_path, name, *options):
    from autograph.cli import main
    from tests.codegen.checks import check_source
    (tmp_path / 'model.py').write_text(MODEL)
    out = tmp_path / f'{name}.py'
    assert main(['export', f'{tmp_path / "model.py"}:loss', '--grad', '2,3,4,5', '--array-api', *options,
                 '-o', str(out)]) == 0
    check_source(out.read_text(), function='loss_value_and_grad')
    return out.read_text(), _import(out).loss_value_and_grad


ALL = {'numpy': (np.asarray, (np.ndarray, np.generic), np.asarray), **ENGINES}


def test_an_array_api_export_states_and_checks_its_shapes_on_every_engine(tmp_path):
    source, exported = _export(tmp_path, 'fixed_xp')
    assert '#   x: float64[12, 6]\n#   labels: int64[12]\n#   w1: float64[6, 5]\n' in source
    assert 'every size is fixed' in source and "'x': ('float64', (12, 6))," in source
    body = source.split('def loss_value_and_grad(', 1)[1]
    assert body.index('check_shapes(') < body.index('xp = namespace_of(')     # checked first
    args = _mlp_batch(12)
    want_loss, want = autograph.value_and_grad(mlp_loss, (2, 3, 4, 5))(*args)
    for engine, (convert, kind, back) in ALL.items():
        loss, grads = exported(*[convert(a) for a in args])
        assert isinstance(loss, kind), engine
        np.testing.assert_allclose(float(back(loss)), float(want_loss), rtol=1e-12)
        for g, w in zip(grads, want):
            np.testing.assert_allclose(np.asarray(back(g)), w, rtol=1e-10, atol=1e-12)
        wrong = [convert(a) for a in _mlp_batch(8)]
        with pytest.raises(ValueError, match=r'^loss_value_and_grad: x must be float64\[12, 6\], got float64\[8, 6\]$'):
            exported(*wrong)
        wrong = [convert(a) for a in args]
        wrong[2] = convert(args[2][:, :4])
        with pytest.raises(ValueError, match=r'w1 must be float64\[6, 5\], got float64\[6, 4\]'):
            exported(*wrong)
        wrong = [convert(a) for a in args]
        wrong[0] = convert(args[0].astype(np.float32))
        with pytest.raises(ValueError, match=r'x must be float64\[12, 6\], got float32\[12, 6\]'):
            exported(*wrong)
        wrong[0] = convert(args[0][0])
        with pytest.raises(ValueError, match=r'x must be float64\[12, 6\], got float64\[6\]'):
            exported(*wrong)


def test_an_array_api_export_with_a_dynamic_dim_runs_at_batch_1_8_and_1000(tmp_path):
    source, exported = _export(tmp_path, 'batch_xp', '--dynamic-dim', 'x:0', '--dynamic-dim', 'labels:0')
    assert '#   x: float64[n, 6]\n#   labels: int64[n]\n' in source and 'n is any size' in source
    assert '    n = x.shape[0]\n' in source
    for batch in (1, 8, 1000):
        args = _mlp_batch(batch)
        want_loss, want = autograph.value_and_grad(mlp_loss, (2, 3, 4, 5))(*args)
        for engine, (convert, kind, back) in ALL.items():
            loss, grads = exported(*[convert(a) for a in args])
            assert isinstance(loss, kind) and all(isinstance(g, kind) for g in grads), engine
            np.testing.assert_allclose(float(back(loss)), float(want_loss), rtol=1e-12)
            for g, w in zip(grads, want):
                np.testing.assert_allclose(np.asarray(back(g)), w, rtol=1e-10, atol=1e-12)
    for engine, (convert, _, _) in ALL.items():
        x, labels = _mlp_batch(8)[:2]
        with pytest.raises(ValueError, match=r'labels must be int64\[n\], got int64\[7\] '
                                             r'\(n is 8, the size of x.shape\[0\]\)'):
            exported(convert(x), convert(labels[:7]), *map(convert, MLP[2:]))
        with pytest.raises(ValueError, match=r'x must be float64\[n, 6\], got float32\[8, 6\]'):
            exported(convert(x.astype(np.float32)), convert(labels), *map(convert, MLP[2:]))


def test_an_array_api_export_and_dask_arrays_of_unknown_size(tmp_path):
    """An axis of unknown size is a ValueError of its own, never a mismatch: the code depends on
    the size (the fixed one: cross_entropy's mean and arange; `n`, which it reads), so an axis
    it cannot check could give wrong values. With its chunk sizes computed, the array runs."""
    args = _mlp_batch(12)
    x, labels = to_dask(args[0]), to_dask(args[1])
    keep = x[:, 0] > -100           # every row, but dask does not know how many
    x, labels = x[keep], labels[keep]
    assert np.isnan(x.shape[0]) and np.isnan(labels.shape[0])
    want_loss, _ = autograph.value_and_grad(mlp_loss, (2, 3, 4, 5))(*args)
    weights = list(map(to_dask, MLP[2:]))
    _, fixed = _export(tmp_path, 'fixed_xp')
    _, dynamic = _export(tmp_path, 'batch_xp', '--dynamic-dim', 'x:0', '--dynamic-dim', 'labels:0')
    with pytest.raises(ValueError, match=r'^loss_value_and_grad: x.shape\[0\] is unknown \(nan\) and must be 12, '
                                         r'which cannot be checked; .*compute_chunk_sizes\(\) first\)$'):
        fixed(x, labels, *weights)
    with pytest.raises(ValueError, match=r'x.shape\[0\] is unknown \(nan\) and n, a size the code reads'):
        dynamic(x, labels, *weights)
    with pytest.raises(ValueError, match=r'x must be float64\[12, 6\], got float64\[nan, 5\]'):
        fixed(x[:, :5], labels, *weights)       # an axis that is wrong comes first
    x.compute_chunk_sizes()
    labels.compute_chunk_sizes()
    for exported in (fixed, dynamic):
        loss, _ = exported(x, labels, *weights)
        np.testing.assert_allclose(float(loss.compute()), float(want_loss), rtol=1e-12)


def test_an_array_api_export_of_a_net_predicts_on_any_engine(tmp_path):
    np.random.seed(0)
    net = nn.SequentialCell(nn.Dense(3, 4, activation='relu'), nn.Dense(4, 2))
    x = np.random.rand(5, 3).astype(np.float32)
    path = autograph.export(net, Tensor(x), file_name=str(tmp_path / 'net'), file_format='ARRAY_API')
    graph = autograph.load(path)
    want = net(Tensor(x)).asnumpy()
    for convert, kind, back in [(np.asarray, np.ndarray, np.asarray)] + list(ENGINES.values()):
        out = graph(convert(x))
        assert isinstance(out, kind)
        np.testing.assert_allclose(np.asarray(back(out)), want, rtol=1e-5, atol=1e-6)


def test_every_array_api_kernel_exports_as_plain_source(tmp_path):
    from autograph.codegen.array_api import header
    from autograph.export import standalone_array_api
    from runtime.array_api import rule_of
    from runtime.primitive import REGISTRY
    from tests.codegen.checks import check_source
    kernels = sorted({rule.__name__ for rule in map(rule_of, REGISTRY.values()) if callable(rule)})
    source = (f'{header()}\nfrom runtime.kernels.array_api import {", ".join(kernels)}\n\n\n'
              'def identity(x):\n    return relu(x) - relu(-x)\n')
    text = standalone_array_api(source, {}, 'identity')
    check_source(text, function='identity')
    (tmp_path / 'kernels_xp.py').write_text(text)
    module = _import(tmp_path / 'kernels_xp.py')
    assert set(kernels) <= set(vars(module))
    np.testing.assert_array_equal(module.identity(np.array([-1.5, 2.0])), [-1.5, 2.0])
    got = module.identity(xps.asarray([-1.5, 2.0]))
    assert isinstance(got, STRICT)


def test_the_readme_shows_the_code_dask_runs(tmp_path, capsys):
    import runpy
    readme = (pathlib.Path(__file__).resolve().parents[1] / 'README.md').read_text()
    section = readme.split('## Other array engines', 1)[1].split('\n## ', 1)[0]
    blocks = re.findall(r'```python\n(.*?)```', section, re.S)
    (tmp_path / 'readme_engines.py').write_text(blocks[0])
    runpy.run_path(str(tmp_path / 'readme_engines.py'))
    out = capsys.readouterr().out
    assert out.startswith('Array\nTrue True\n')
    assert blocks[1] in out


def _sin_cubed(v):
    return ops.sum(ops.sin(v) ** 3)


def _branchy(x, n):
    total = x * 0.0
    i = 0
    while i < n:                    # a run-time loop, and a branch on an array's value
        total = total + ops.tanh(x * i)
        i += 1
    if ops.sum(total) > 0:
        return ops.sum(total * total)
    return ops.sum(total)


@pytest.mark.parametrize('engine', sorted(ENGINES))
def test_the_other_transformations_run_on_the_engine(engine):
    convert, kind, back = ENGINES[engine]
    v, x = RNG.standard_normal(3), RNG.standard_normal((4, 3))
    cases = [(autograph.vmap(lambda row: ops.tanh(row) * 2.0), (x,)),
             (autograph.jacrev(lambda u: ops.tanh(u) * 2.0), (v,)),
             (autograph.jacfwd(lambda u: ops.tanh(u) * 2.0), (v,)),
             (autograph.hessian(_sin_cubed), (v,)),
             (autograph.grad(autograph.grad(_sin_cubed)), (v,)),
             (autograph.grad(lambda a, s: ops.sum(ops.sin(a) * s)), (x, 0.5)),
             (autograph.grad(_branchy), (v, 3))]
    for fn, args in cases:
        want = fn(*args)
        got = fn(*[convert(a) if isinstance(a, np.ndarray) else a for a in args])
        assert isinstance(got, kind), type(got)
        np.testing.assert_allclose(np.asarray(back(got)), want, rtol=1e-10, atol=1e-12)
