"""Every function of the control-flow corpus two more ways, each giving the gradients the
function itself gives:

- called from a lambda (compiled from its file: the corpus function is inlined into it);
- called with float32 inputs: the Python numbers its loops and ifs carry stay weakly typed, as
  they are eagerly, so nothing is promoted to float64 and every loop keeps its dtype; the
  gradients are float32 and agree with the float64 ones to float32's precision, and the values
  agree with plain Python on float32 Tensors.

The corpus keeps its run-time conditions far from their thresholds, so float32 rounding takes the
same branches and the same number of iterations."""
import numpy as np
import pytest

import autograph
from autograph import Tensor
from tests.frontend.control_corpus import CORPUS


def float32(args):
    return [a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a for a in args]


def as_tuple(grads, positions):
    return grads if len(positions) > 1 else (grads,)


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_as_a_lambda_gives_the_same_gradients(name):
    fn, args, positions = CORPUS[name]
    want = as_tuple(autograph.grad(fn, positions)(*args), positions)
    got = as_tuple(autograph.grad(lambda *xs: fn(*xs), positions)(*args), positions)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_with_float32_inputs_gives_the_same_gradients_in_float32(name):
    fn, args, positions = CORPUS[name]
    want = as_tuple(autograph.grad(fn, positions)(*args), positions)
    inputs = float32(args)
    got = as_tuple(autograph.grad(fn, positions)(*inputs), positions)
    for g, w, k in zip(got, want, positions):
        assert np.asarray(g).dtype == inputs[k].dtype
        scale = max(1.0, float(np.max(np.abs(w))))
        np.testing.assert_allclose(g, w, rtol=2e-3, atol=2e-4 * scale)


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_with_float32_inputs_the_value_is_eager_float32(name):
    fn, args, _ = CORPUS[name]
    inputs = float32(args)
    compiled = np.asarray(autograph.jit(fn)(*inputs))
    eager = np.asarray(fn(*[Tensor(a) if isinstance(a, np.ndarray) else a for a in inputs]))
    assert compiled.dtype == eager.dtype
    np.testing.assert_allclose(compiled, eager, rtol=1e-5, atol=1e-6)
