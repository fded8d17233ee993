"""Beyond first derivatives: a Hessian three ways, a gradient penalty (a gradient of a gradient
through a run-time loop), and a custom gradient, each with the source autograph generated.

Run:  python examples/higher_order.py [--quiet]
"""
import argparse

import numpy as np

import autograph
from autograph import Tensor, ops


def rnn_energy(h, w, steps):
    """A small recurrent map run for `steps` (a Tensor: a loop that runs at run time)."""
    for _ in range(steps):
        h = ops.tanh(h @ w)
    return ops.sum(h * h)


energy_grad = autograph.grad(rnn_energy, 1)


def gradient_penalty(h, w, steps):
    """The squared norm of dE/dw: training on it needs the gradient of a gradient."""
    g = energy_grad(h, w, steps)
    return ops.sum(g * g)


@autograph.custom_vjp
def softplus(x):
    return ops.log(1 + ops.exp(x))


def softplus_fwd(x):
    return softplus(x), x


def softplus_bwd(x, g):
    # d/dx log(1 + e^x) = sigmoid(x), which stays finite where e^x / (1 + e^x) would be inf / inf
    return (g * ops.sigmoid(x),)


softplus.defvjp(softplus_fwd, softplus_bwd)


def softplus_total(x):
    return ops.sum(softplus(x))


def hessians(h, w, steps):
    """The Hessian of the energy in h: reverse over reverse, forward over reverse, and central
    differences of the gradient. Returns the three."""
    by_reverse = np.asarray(autograph.jacrev(autograph.jacrev(rnn_energy))(h, w, steps))
    by_forward = np.asarray(autograph.hessian(rnn_energy)(h, w, steps))     # jacfwd(jacrev(...))
    gradient = autograph.grad(rnn_energy)
    eps = 1e-6
    columns = []
    for k in range(h.size):
        step = np.zeros_like(h)
        step[k] = eps
        columns.append((np.asarray(gradient(h + step, w, steps)) - np.asarray(gradient(h - step, w, steps))) / (2 * eps))
    return by_reverse, by_forward, np.stack(columns, axis=-1)


def main(quiet=False):
    rng = np.random.default_rng(0)
    h, w, steps = rng.uniform(-1, 1, 3), rng.uniform(-0.8, 0.8, (3, 3)), Tensor(np.array(4))

    by_reverse, by_forward, by_differences = hessians(h, w, steps)
    print('Hessian of the energy in h (reverse over reverse):')
    print(np.round(by_reverse, 6))
    print(f'largest difference from forward over reverse: {np.abs(by_reverse - by_forward).max():.2e}, '
          f'from central differences: {np.abs(by_reverse - by_differences).max():.2e}')

    penalty_grad = autograph.grad(gradient_penalty, 1)
    print('\ngradient of the gradient penalty in w:')
    print(np.round(np.asarray(penalty_grad(h, w, steps)), 6))

    x = np.array([-3.0, 0.5, 800.0])
    stable = autograph.grad(softplus_total)(x)
    print(f'\nsoftplus gradient at {x}: {stable} (no nan at 800: the custom rule)')
    if not quiet:
        print('\n# the gradient of the gradient penalty, as autograph generated it:')
        print(autograph.get_source(penalty_grad))
        print('# the custom rule, compiled into the gradient:')
        print(autograph.get_source(autograph.grad(softplus_total), x))
    return by_reverse, by_forward, by_differences, stable


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quiet', action='store_true', help='do not print the generated sources')
    main(parser.parse_args().quiet)
