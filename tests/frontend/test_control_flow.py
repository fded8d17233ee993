"""Control flow, each corpus function several ways: the compiled forward equals plain Python on
Tensors; the gradient equals central finite differences in float64, and so do the second and
third derivatives (grad of grad, against differences of the derivative below); forward mode
too; the generated source of the gradient matches its golden file, one per distinct function
(AUTOGRAPH_REGEN_GOLDEN=1 rewrites them), and verifies."""
import os
import pathlib

import numpy as np
import pytest

import autograph
from autograph import Tensor
from autograph.ir import verify
from tests.frontend.control_corpus import CORPUS
from tests.numerics import central_difference_at

GOLDEN = pathlib.Path(__file__).parent / 'golden'
REGEN = os.environ.get('AUTOGRAPH_REGEN_GOLDEN') == '1'


def eager(fn, args):
    return float(fn(*[Tensor(a) if isinstance(a, np.ndarray) else a for a in args]))


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_compiled_forward_equals_python(name):
    fn, args, _ = CORPUS[name]
    compiled = autograph.jit(fn)(*args)
    np.testing.assert_allclose(compiled, eager(fn, args), rtol=1e-12)


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_gradient_equals_finite_differences(name):
    fn, args, positions = CORPUS[name]
    grads = autograph.grad(fn, positions)(*args)
    grads = grads if len(positions) > 1 else (grads,)
    for grad, want in zip(grads, central_difference_at(lambda *xs: eager(fn, xs), args, positions)):
        np.testing.assert_allclose(grad, want, rtol=1e-6, atol=1e-8)


def first_entry_per_function():
    """Corpus names, one per distinct function (its first entry): entries that only change the
    inputs generate the same source."""
    first = {}
    for name, (fn, _, _) in CORPUS.items():
        first.setdefault(fn.__name__, name)
    return sorted(first.values())


@pytest.mark.parametrize('name', first_entry_per_function())
def test_generated_adjoint_matches_golden(name):
    fn, args, positions = CORPUS[name]
    grad_fn = autograph.value_and_grad(fn, positions)
    source = autograph.get_source(grad_fn, *args)
    verify(grad_fn.last.graph)
    path = GOLDEN / f'{fn.__name__}.py'
    if REGEN:
        path.write_text(source)
    assert source == path.read_text()
    compile(source, str(path), 'exec')


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_forward_mode_equals_finite_differences(name):
    """jvp through the same control flow: J v against a central difference along v."""
    fn, args, positions = CORPUS[name]
    rng = np.random.default_rng(len(name))
    tangents = [rng.uniform(-1, 1, a.shape) if isinstance(a, np.ndarray) and a.dtype.kind == 'f'
                and k in positions else np.zeros_like(a) if isinstance(a, np.ndarray) else None
                for k, a in enumerate(args)]
    arrays = [k for k, a in enumerate(args) if isinstance(a, np.ndarray)]
    try:
        _, tangent = autograph.jvp(_bound(fn, args), tuple(args[k] for k in arrays),
                                   tuple(tangents[k] for k in arrays))
    except autograph.ad.ForwardModeError as e:
        pytest.skip(f'forward mode: {e}')
    eps = 1e-6
    moved = [[a + sign * eps * t if t is not None and a.dtype.kind == 'f' else a
              for a, t in zip(args, tangents)] for sign in (1, -1)]
    numeric = (eager(fn, moved[0]) - eager(fn, moved[1])) / (2 * eps)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-6, atol=1e-8)


def _bound(fn, args):
    """fn with its non-array arguments fixed, as a function of its arrays only."""
    arrays = [k for k, a in enumerate(args) if isinstance(a, np.ndarray)]
    if len(arrays) == len(args):
        return fn
    fixed = {k: a for k, a in enumerate(args) if k not in arrays}

    def bound(*xs):
        full, xs = [], iter(xs)
        for k in range(len(args)):
            full.append(fixed[k] if k in fixed else next(xs))
        return fn(*full)
    bound.__name__ = fn.__name__
    return bound


def _weighted_first_derivative(fn, position, weights):
    """x -> sum(grad(fn)(x) * weights): a scalar whose gradient is a second derivative."""
    first = autograph.grad(fn, position)

    def weighted(*xs):
        return (first(*xs) * weights).sum()
    return weighted


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_second_derivative_equals_finite_differences_of_the_gradient(name):
    """grad of grad through the same control flow (the adjoint's loops and saved lists are
    differentiated in turn), against central differences of the compiled first derivative."""
    fn, args, positions = CORPUS[name]
    p = positions[0]
    weights = np.random.default_rng(len(name)).uniform(-1, 1, np.shape(args[p]))
    weighted = _weighted_first_derivative(fn, p, weights)
    second = autograph.grad(weighted, p)(*args)
    first = autograph.grad(fn, p)
    want, = central_difference_at(lambda *xs: float(np.sum(np.asarray(first(*xs)) * weights)), args, [p])
    np.testing.assert_allclose(second, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_third_derivative_equals_finite_differences_of_the_second(name):
    fn, args, positions = CORPUS[name]
    p = positions[0]
    weights = np.random.default_rng(len(name)).uniform(-1, 1, np.shape(args[p]))
    weighted = _weighted_first_derivative(fn, p, weights)
    third = autograph.grad(_weighted_first_derivative(weighted, p, weights), p)(*args)
    second = autograph.grad(weighted, p)
    want, = central_difference_at(lambda *xs: float(np.sum(np.asarray(second(*xs)) * weights)), args, [p])
    np.testing.assert_allclose(third, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('name', sorted(CORPUS))
def test_forward_over_reverse_equals_finite_differences_of_the_gradient(name):
    """jvp of the gradient (a Hessian-vector product): forward mode through the adjoint's loops
    and saved lists, against a central difference of the gradient along the same direction."""
    fn, args, positions = CORPUS[name]
    p = positions[0]
    first = autograph.grad(fn, p)
    direction = np.random.default_rng(len(name)).uniform(-1, 1, np.shape(args[p]))
    arrays = [k for k, a in enumerate(args) if isinstance(a, np.ndarray)]
    tangents = tuple(direction if k == p else np.zeros_like(args[k]) for k in arrays)
    _, hvp = autograph.jvp(_bound(first, args), tuple(args[k] for k in arrays), tangents)
    eps = 1e-6
    moved = [[a + sign * eps * direction if k == p else a for k, a in enumerate(args)] for sign in (1, -1)]
    numeric = (np.asarray(first(*moved[0])) - np.asarray(first(*moved[1]))) / (2 * eps)
    np.testing.assert_allclose(hvp, numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('order', [1, 2])
@pytest.mark.parametrize('name', sorted(CORPUS))
def test_generated_gradient_compiles_again(name, order, tmp_path):
    """The generated adjoint (order 1) and the gradient of a gradient (order 2), saved loops and
    all, are valid input to autograph.jit: written to a file, imported and compiled again, each
    gives what it gives when run directly."""
    from tests.codegen.test_golden import import_file, leaves
    fn, args, positions = CORPUS[name]
    if order == 1:
        grad_fn = autograph.grad(fn, positions)
    else:
        weights = np.random.default_rng(len(name)).uniform(-1, 1, np.shape(args[positions[0]]))
        grad_fn = autograph.grad(_weighted_first_derivative(fn, positions[0], weights), positions[0])
    grad_fn(*args)
    path = tmp_path / f'{name}_grad.py'
    path.write_text(autograph.get_source(grad_fn))
    generated = getattr(import_file(path), grad_fn.last.fn.__name__)
    inputs = [a for a in args if isinstance(a, (np.ndarray, float))]
    inputs += [np.asarray(p) for p in grad_fn.last.implicit]
    direct = generated(*inputs)
    for got, want in zip(leaves(autograph.jit(generated)(*inputs)), leaves(direct)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
