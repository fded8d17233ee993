"""Jacobians and per-example gradients as one compiled call, against a Python loop of compiled
calls (what jacrev did before it was a transform, and what per-example gradients take without
vmap). Every result is checked against the loop's before anything is timed.

Run:  python benchmarks/bench_jacobian.py [--repeat N] [--quick]

Cases (float64):
  jacrev       the 64 x 64 Jacobian of x -> tanh(W @ x) + sin(x): `autograph.jacrev(f)(x)`, one
               call, against 64 calls of a cached vector-Jacobian product (`GradOperation` with
               sens_param, the output's cotangent a row of the identity), stacked.
  per-example  the gradients of a 64-32-10 MLP's loss for each of 128 examples:
               `vmap(grad(loss), in_axes=(None, None, 0, 0))` against 128 calls of `grad(loss)`.
  vjp          `out, vjp_fn = autograph.vjp(f, x); vjp_fn(v)` called again and again (its
               functions are compiled once and kept on f) against the cached `grad` of <v, f(x)>.

Each ratio is the loop's time over the single call's (above 1: the single call is faster), or
for vjp its time over grad's. Each time is the best of --repeat runs of enough calls to last
0.2 s (0.02 s with --quick).
"""
import argparse
import timeit

import numpy as np

import autograph
from autograph import ops


def measure(fn, repeat, min_time):
    """Best time per call of fn(), in microseconds."""
    timer = timeit.Timer(fn)
    number = 1
    while timer.timeit(number) < min_time:
        number *= 2
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


rng = np.random.default_rng(0)
W = rng.uniform(-0.3, 0.3, (64, 64))


def field(x):
    return ops.tanh(W @ x) + ops.sin(x)


def jacobian_case(opts):
    x = rng.uniform(-1, 1, 64)
    jac = autograph.jacrev(field)
    vjp_row = autograph.GradOperation(sens_param=True)(field)
    basis = np.eye(64)

    def loop():
        return np.stack([vjp_row(x, row) for row in basis])
    np.testing.assert_allclose(jac(x), loop(), rtol=1e-12, atol=1e-14)
    return measure(lambda: jac(x), *opts), measure(loop, *opts)


def mlp_loss(w1, w2, x, label):
    h = ops.relu(x @ w1)
    return -ops.sum(label * ops.log_softmax(h @ w2, axis=-1))


def per_example_case(opts):
    w1, w2 = rng.standard_normal((64, 32)) * 0.2, rng.standard_normal((32, 10)) * 0.2
    xs, labels = rng.standard_normal((128, 64)), np.eye(10)[rng.integers(0, 10, 128)]
    grad_fn = autograph.grad(mlp_loss, (0, 1))
    per_example = autograph.vmap(grad_fn, in_axes=(None, None, 0, 0))

    def loop():
        grads = [grad_fn(w1, w2, x, label) for x, label in zip(xs, labels)]
        return np.stack([g[0] for g in grads]), np.stack([g[1] for g in grads])
    for got, want in zip(per_example(w1, w2, xs, labels), loop()):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    return measure(lambda: per_example(w1, w2, xs, labels), *opts), measure(loop, *opts)


def vjp_case(opts):
    x, v = rng.uniform(-1, 1, 64), rng.uniform(-1, 1, 64)
    grad_fn = autograph.grad(lambda x, v: ops.sum(field(x) * v))

    def by_vjp():
        _, vjp_fn = autograph.vjp(field, x)
        return vjp_fn(v)[0]
    np.testing.assert_allclose(by_vjp(), grad_fn(x, v), rtol=1e-12)
    return measure(by_vjp, *opts), measure(lambda: grad_fn(x, v), *opts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--quick', action='store_true')
    args = parser.parse_args()
    opts = (args.repeat, 0.02 if args.quick else 0.2)
    single, loop = jacobian_case(opts)
    print(f'jacrev 64x64:             one call {single:9.1f} us, loop of 64 vjps    {loop:9.1f} us, '
          f'loop / jacrev = {loop / single:.1f}')
    single, loop = per_example_case(opts)
    print(f'per-example grads (128):  vmap(grad) {single:9.1f} us, loop of 128 grads {loop:9.1f} us, '
          f'loop / vmap = {loop / single:.1f}')
    with_vjp, with_grad = vjp_case(opts)
    print(f'vjp then vjp_fn:          {with_vjp:9.1f} us, cached grad {with_grad:9.1f} us, '
          f'vjp / grad = {with_vjp / with_grad:.2f}')


if __name__ == '__main__':
    main()
