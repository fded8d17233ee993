"""Central finite differences in float64, the reference for the gradient tests."""
import numpy as np


def _fresh(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def central_difference_at(f, args, positions, eps=1e-6):
    """Gradients of the scalar f(*args) with respect to args[p] for each p in positions (arrays,
    taken in float64), by central differences with step eps; the other arguments (ints, index
    arrays, ...) are passed through. Returns a list, one gradient per position. f gets fresh
    copies of the arrays at every call, so the caller's arrays are never altered."""
    base = [np.array(a, np.float64) if i in positions else a for i, a in enumerate(args)]
    grads = []
    for p in positions:
        g = np.zeros_like(base[p])
        for idx in np.ndindex(g.shape):
            plus, minus = _fresh(base), _fresh(base)
            plus[p][idx] += eps
            minus[p][idx] -= eps
            g[idx] = (f(*plus) - f(*minus)) / (2 * eps)
        grads.append(g)
    return grads


def central_difference(f, *xs, eps=1e-6):
    """Gradients of the scalar f(*xs) with respect to each array in xs (taken in float64), by
    central differences: a single array when one array is given, else a list."""
    grads = central_difference_at(f, xs, range(len(xs)), eps=eps)
    return grads[0] if len(xs) == 1 else grads


def check_grad(f, args, positions):
    """The compiled gradient of the scalar f equals central differences, in float64."""
    import autograph
    got = autograph.grad(f, positions)(*args)
    got = got if isinstance(got, tuple) else (got,)
    for g, want in zip(got, central_difference_at(f, args, positions)):
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-6, atol=1e-8)


def source_of(fn, *args):
    """The generated source of the compiled fn after calling it with args."""
    import autograph
    fn(*args)
    return autograph.get_source(fn, *args)
