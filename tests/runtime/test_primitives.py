"""Tests over the whole primitive registry: every part of every declaration, on its samples.

- Each declaration states its adjoint, tangent and batching rules (None, or a reason, where it
  deliberately has none), its samples, and only rewrites the simplifier knows.
- For every differentiable primitive and each of its sample inputs: the compiled gradient (IR ->
  AD -> generated NumPy) of L = sum(prim(inputs) * r), with a random cotangent r, equals central
  finite differences in float64, with respect to every float input (integer inputs are indices);
  so does the compiled tangent along a random direction, and the tangent rule agrees with the
  adjoint rule (<J t, u> = <t, J^T u>).
- Forward results: eager (Tensors), compiled, and the NumPy kernel agree in float64 and float32.
- Each batching rule, applied to batches of 3 perturbed copies of a sample (batched in front, at
  the back, and with one operand shared), equals the kernel applied example by example.
"""
import numpy as np
import pytest

import autograph
from autograph import Tensor
from autograph.ad.forward import tangent_rule
from autograph.passes.simplify import REWRITES
from runtime.primitive import JVP_KINDS, REGISTRY
from tests.numerics import central_difference_at

DIFFERENTIABLE = sorted(name for name, p in REGISTRY.items() if p.differentiable)
CASES = [(name, i) for name in DIFFERENTIABLE for i in range(len(REGISTRY[name].samples))]


@pytest.mark.parametrize('name', sorted(REGISTRY))
def test_every_primitive_declares_every_part(name):
    prim = REGISTRY[name]
    assert prim.samples
    assert prim.vjp is None or callable(prim.vjp)
    assert (prim.vjp is None) == (prim.jvp is None), 'differentiable in both modes or in neither'
    assert prim.jvp is None or callable(prim.jvp) or prim.jvp in JVP_KINDS
    if isinstance(prim.batch, str):
        # Only what has no operands, or acts, may go without a batching rule.
        assert prim.batch.strip() and (prim.effect or all(not inputs for inputs, _ in prim.samples))
    else:
        assert callable(prim.batch)
    assert set(prim.rewrites) <= set(REWRITES), 'a rewrite the simplifier does not know'
    assert prim.negate_right is None or prim.negate_right in REGISTRY


def make_loss(prim, params, cotangent):
    kernel = prim.kernel

    def loss(*inputs):
        return np.sum(kernel(*inputs, **params) * cotangent)
    return loss


@pytest.mark.parametrize('name,sample', CASES)
def test_adjoint_matches_finite_differences(name, sample):
    prim = REGISTRY[name]
    inputs, params = REGISTRY[name].samples[sample]
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


FORWARD = [(name, i) for name in sorted(REGISTRY) for i in range(len(REGISTRY[name].samples))]


@pytest.mark.parametrize('dtype', [np.float64, np.float32])
@pytest.mark.parametrize('name,sample', FORWARD)
def test_eager_compiled_and_kernel_agree(name, sample, dtype):
    prim = REGISTRY[name]
    inputs, params = REGISTRY[name].samples[sample]
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
    inputs, params = REGISTRY[name].samples[sample]
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


def _sum_to(ct, shape):
    """A cotangent in the output's broadcast shape summed back to its operand's shape."""
    ct = np.asarray(ct)
    lead = ct.ndim - len(shape)
    ct = ct.sum(axis=tuple(range(lead))) if lead else ct
    return ct.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1 and ct.shape[i] != 1), keepdims=True)


@pytest.mark.parametrize('name,sample', CASES)
def test_tangent_rule_is_the_transpose_of_the_adjoint_rule(name, sample):
    """Both rules run eagerly on arrays: <jvp(t), u> equals <t, vjp(u)>."""
    prim = REGISTRY[name]
    inputs, params = prim.samples[sample]
    inputs = [np.array(x) for x in inputs]
    out = np.asarray(prim.kernel(*[x.copy() for x in inputs], **params))
    rng = np.random.default_rng(sample + 11)
    tangents = [rng.uniform(-1, 1, x.shape) if x.dtype.kind == 'f' else None for x in inputs]
    u = rng.uniform(-1, 1, out.shape)
    jv = tangent_rule(prim, inputs, tangents, out, params)
    cotangents = prim.vjp(u, *inputs, out=out, **params)
    right = sum(np.sum(t * _sum_to(ct, t.shape)) for t, ct in zip(tangents, cotangents)
                if t is not None and ct is not None)
    left = 0.0 if jv is None else np.sum(np.asarray(jv) * u)     # None: a zero tangent
    np.testing.assert_allclose(left, right, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- batching rules
BATCH = 3


def _perturbed(x, b, rng):
    """Example b of a batch made from a sample operand: floats moved a little, indices and masks
    rolled along their first axis (so they stay in range)."""
    x = np.asarray(x)
    if x.dtype.kind == 'f':
        return x + 0.01 * b * rng.uniform(-1, 1, x.shape)
    return np.roll(x, b, axis=0) if x.ndim else x   # index rows stay whole


def _layouts(inputs):
    """(label, batch axis per operand): all in front, all at the back, and each one shared."""
    yield 'front', [0] * len(inputs)
    yield 'back', [np.ndim(x) for x in inputs]
    if len(inputs) > 1:
        for k in range(len(inputs)):
            yield f'shared{k}', [None if i == k else min(1, np.ndim(x)) for i, x in enumerate(inputs)]


BATCHING = [(name, i, label) for name in sorted(REGISTRY) if callable(REGISTRY[name].batch)
            for i, (inputs, _) in enumerate(REGISTRY[name].samples) for label, _ in _layouts(inputs)]


@pytest.mark.parametrize('name,sample,layout', BATCHING)
def test_batching_rule_matches_the_kernel_example_by_example(name, sample, layout):
    prim = REGISTRY[name]
    inputs, params = prim.samples[sample]
    dims = dict(_layouts(inputs))[layout]
    rng = np.random.default_rng(sample)
    examples = [[x if d is None else _perturbed(x, b, rng) for x, d in zip(inputs, dims)] for b in range(BATCH)]
    args = [np.asarray(x) if d is None else np.stack([e[k] for e in examples], d)
            for k, (x, d) in enumerate(zip(inputs, dims))]
    expected = np.stack([np.asarray(prim.kernel(*[np.array(x) for x in e], **params)) for e in examples])
    out, out_dim = prim.batched([a.copy() for a in args], dims, **params)
    got = np.moveaxis(np.asarray(out), out_dim, 0)
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
