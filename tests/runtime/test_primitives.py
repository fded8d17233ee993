"""One test over the whole primitive registry.

For every differentiable primitive and each of its sample inputs: the compiled gradient (IR -> AD
-> generated NumPy) of L = sum(prim(inputs) * r), with a random cotangent r, equals central finite
differences in float64, with respect to every float input (integer inputs are indices). Forward results: eager (Tensors), compiled, and the NumPy kernel agree
in float64 and float32.
"""
import numpy as np
import pytest

import autograph
from autograph import Tensor
from runtime import primitives
from runtime.primitive import REGISTRY
from tests.numerics import central_difference_at

DIFFERENTIABLE = sorted(name for name, p in REGISTRY.items() if p.differentiable)
CASES = [(name, i) for name in DIFFERENTIABLE for i in range(len(primitives.SAMPLES[name]))]


def test_every_primitive_has_samples():
    missing = [name for name in REGISTRY if not primitives.SAMPLES[name]]
    assert missing == []


def make_loss(prim, params, cotangent):
    kernel = prim.kernel

    def loss(*inputs):
        return np.sum(kernel(*inputs, **params) * cotangent)
    return loss


@pytest.mark.parametrize('name,sample', CASES)
def test_adjoint_matches_finite_differences(name, sample):
    prim = REGISTRY[name]
    inputs, params = primitives.SAMPLES[name][sample]
    inputs = [np.array(x) for x in inputs]
    out_shape = np.shape(prim.kernel(*inputs, **params))
    cotangent = np.random.default_rng(sample).uniform(0.5, 1.5, out_shape)
    loss = make_loss(prim, params, cotangent)
    positions = tuple(i for i, x in enumerate(inputs) if x.dtype.kind == 'f')
    compiled = autograph.grad(loss, positions)(*inputs)
    compiled = (compiled,) if len(positions) == 1 else compiled
    expected = central_difference_at(loss, inputs, positions)
    for got, want in zip(compiled, expected):
        assert np.asarray(got).dtype == np.float64 and np.shape(got) == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


FORWARD = [(name, i) for name in sorted(REGISTRY) for i in range(len(primitives.SAMPLES[name]))]


@pytest.mark.parametrize('dtype', [np.float64, np.float32])
@pytest.mark.parametrize('name,sample', FORWARD)
def test_eager_compiled_and_kernel_agree(name, sample, dtype):
    prim = REGISTRY[name]
    inputs, params = primitives.SAMPLES[name][sample]
    inputs = [np.array(x, dtype) if np.asarray(x).dtype.kind == 'f' else np.asarray(x) for x in inputs]
    kernel = prim.kernel

    def f(*xs):
        return kernel(*xs, **params)

    expected = np.asarray(kernel(*[x.copy() for x in inputs], **params))  # copies: some kernels write in place
    eager = prim.bind(*[Tensor(x) for x in inputs], **params)
    compiled = autograph.jit(f)(*[Tensor(x) for x in inputs])
    for result in (eager, compiled):
        assert isinstance(result, Tensor)
        assert result.asnumpy().dtype == expected.dtype
        np.testing.assert_allclose(result.asnumpy(), expected, rtol=1e-6)


@pytest.mark.parametrize('name,sample', CASES)
def test_tangent_matches_finite_differences(name, sample):
    """Forward mode: the compiled J v of each primitive against a central difference along v."""
    prim = REGISTRY[name]
    inputs, params = primitives.SAMPLES[name][sample]
    inputs = [np.array(x) for x in inputs]
    kernel = prim.kernel

    def f(*xs):
        return kernel(*xs, **params)
    rng = np.random.default_rng(sample + 7)
    tangents = [rng.uniform(-1, 1, x.shape) if x.dtype.kind == 'f' else np.zeros_like(x) for x in inputs]
    _, tangent = autograph.jvp(f, tuple(inputs), tuple(tangents))
    eps = 1e-6
    plus = f(*[x + eps * t if x.dtype.kind == 'f' else x for x, t in zip(inputs, tangents)])
    minus = f(*[x - eps * t if x.dtype.kind == 'f' else x for x, t in zip(inputs, tangents)])
    np.testing.assert_allclose(tangent, (np.asarray(plus) - np.asarray(minus)) / (2 * eps), rtol=1e-6, atol=1e-8)
