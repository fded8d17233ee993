"""The array API dialect over the whole primitive registry (runtime.array_api, codegen.array_api,
runtime.kernels.array_api), on `array_api_strict` arrays set to the standard's 2024.12 revision:
strict arrays refuse everything the standard leaves out, so code that runs on them uses only the
standard.

- Every primitive says how the standard writes it, or that it runs on NumPy only and why.
- Each primitive's samples, compiled for strict arrays, give the NumPy kernel's values (float64,
  and float32), and strict arrays come out.
- Each differentiable primitive's compiled gradient on strict arrays equals the NumPy gradient.
- A NumPy-only primitive compiled for strict arrays is a CompileError naming it and the engine.
"""
import numpy as np
import pytest

import autograph
from autograph.codegen import array_api, load
from runtime.array_api import UNDECLARED, NumpyOnly, rule_of
from runtime.primitive import REGISTRY

xps = pytest.importorskip('array_api_strict')
ARRAY = type(xps.asarray(0.0))


@pytest.fixture(autouse=True, scope='module')
def standard_2024_12():
    xps.set_array_api_strict_flags(api_version='2024.12')
    yield
    xps.reset_array_api_strict_flags()


NUMPY_ONLY = sorted(name for name, p in REGISTRY.items() if isinstance(rule_of(p), NumpyOnly))
SPELLED = sorted(set(REGISTRY) - set(NUMPY_ONLY))
FORWARD = [(name, i) for name in SPELLED for i in range(len(REGISTRY[name].samples))]
GRADIENT = [(name, i) for name, i in FORWARD if REGISTRY[name].differentiable]


def strict(x):
    return xps.asarray(np.asarray(x))


def numpy_of(x):
    return np.asarray(x) if isinstance(x, np.ndarray) else np.from_dlpack(x)


@pytest.mark.parametrize('name', sorted(REGISTRY))
def test_every_primitive_says_how_the_standard_writes_it(name):
    rule = rule_of(REGISTRY[name])
    assert not (isinstance(rule, NumpyOnly) and rule.reason == UNDECLARED), \
        f"{name}: declare array_api= (a standard function, a kernel, or NumpyOnly(reason))"


def _inputs(name, sample, dtype=np.float64):
    inputs, params = REGISTRY[name].samples[sample]
    return [np.array(x, dtype) if np.asarray(x).dtype.kind == 'f' else np.asarray(x) for x in inputs], params


@pytest.mark.parametrize('dtype', [np.float64, np.float32])
@pytest.mark.parametrize('name,sample', FORWARD)
def test_forward_on_strict_arrays_equals_the_numpy_kernel(name, sample, dtype):
    prim = REGISTRY[name]
    inputs, params = _inputs(name, sample, dtype)
    kernel = prim.kernel

    def f(*xs):
        return kernel(*xs, **params)

    expected = np.asarray(kernel(*[x.copy() for x in inputs], **params))
    compiled = autograph.jit(f)
    if inputs:
        got = compiled(*[strict(x) for x in inputs])
    else:   # a creation primitive: no operand picks the engine, so its module is loaded for strict
        generated = array_api.generate(compiled.compilation(()).graph, 'array_api_strict')
        got = load(generated._replace(namespace={**generated.namespace, 'xp': xps}))()
    assert isinstance(got, ARRAY), type(got)
    got = numpy_of(got)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype == np.float64 else 1e-5, atol=1e-12)


@pytest.mark.parametrize('name,sample', GRADIENT)
def test_gradient_on_strict_arrays_equals_numpy(name, sample):
    prim = REGISTRY[name]
    inputs, params = _inputs(name, sample)
    out_shape = np.shape(prim.kernel(*[x.copy() for x in inputs], **params))
    cotangent = np.random.default_rng(sample).uniform(0.5, 1.5, out_shape)
    kernel = prim.kernel

    def loss(*xs):
        return autograph.ops.sum(kernel(*xs, **params) * cotangent)

    positions = tuple(i for i, x in enumerate(inputs) if x.dtype.kind == 'f')
    grad = autograph.grad(loss, positions)
    expected = grad(*inputs)
    got = grad(*[strict(x) for x in inputs])
    expected, got = (expected, got) if len(positions) > 1 else ((expected,), (got,))
    for e, g in zip(expected, got):
        assert isinstance(g, ARRAY)
        np.testing.assert_allclose(numpy_of(g), np.asarray(e), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize('name', NUMPY_ONLY)
def test_a_numpy_only_primitive_is_a_clear_error_on_another_engine(name):
    prim = REGISTRY[name]
    inputs, params = _inputs(name, 0)

    def f(*xs):
        return prim.kernel(*xs, **params)

    with pytest.raises(autograph.CompileError, match=f"{name} runs on NumPy only .* array_api_strict"):
        autograph.jit(f)(*[strict(x) for x in inputs])
