"""Time autograph's gradients against hand-written NumPy forward+backward code, in one process.

Run:  python benchmarks/bench_grad.py [--repeat N] [--quick] [--source]

Cases (float32 unless said):
  tutorial  the autodiff tutorial's `autograph.grad(function, (2, 3))`: z = x @ w + b, mean binary
            cross-entropy with logits, gradient w.r.t. w (5, 3) and b (3,).
  mlp       784-256-10 MLP, batch 64: h = relu(x @ W1 + b1), logits = h @ W2 + b2, loss = mean
            cross-entropy with one-hot targets; gradient w.r.t. (W1, b1, W2, b2), taken by input
            position (`grad(loss_fn, (2, 3, 4, 5))`) and by Parameters that the loss reads
            (`grad(loss, None, weights=[W1, b1, W2, b2])`).
  rnn       a run-time loop: h = tanh(h @ W + x[t]) for 50 steps, hidden size 128, batch 32, loss
            = mean(h); gradient w.r.t. W and the inputs xs (50, 32, 128). The generated adjoint
            loop reads the values the forward loop saved; the NumPy reference keeps a list too.
  penalty   a gradient of a gradient: the squared norm of d/dW sum(tanh(x @ W)^2) (a gradient
            penalty), x (64, 256), W (256, 128), float64; its gradient w.r.t. W, against the
            chain rule written out by hand.

Variants, each timed per call:
  <api>/Tensor     the grad function called with Tensors (and Parameters); returns Tensors.
  <api>/ndarray    the same grad function called with numpy arrays. With weights= the Parameters
                   are still Tensors, so this variant still returns Tensors.
  <api>/generated  the compiled Python function alone (`grad_fn.last.fn`), called with arrays in
                   the order of its signature: no cache lookup, argument unwrapping or wrapping.

The NumPy reference computes the forward values the backward needs and then the backward (neither
it nor `grad` computes the loss itself). Before timing, every variant's gradients are checked
against it; the script fails loudly (traceback, exit status 1) if they differ.

Reading the ratios (autograph time / NumPy time): `generated` near 1 means the generated code is as
fast as hand-written NumPy; `Tensor`/`ndarray` minus `generated` is the wrapper's per-call
overhead, which matters for small arrays (tutorial) and vanishes into the matmuls for larger ones
(mlp). Each time is the best of --repeat runs, each run long enough (>= 0.2 s, 0.02 s with --quick)
to average many calls. OPENBLAS_CORETYPE may be set on this machine, which picks OpenBLAS's matmul
kernels and so changes the mlp times (it is printed on the environment line).
"""
import argparse
import inspect
import os
import platform
import sys
import timeit
import traceback

import numpy as np

import autograph
from autograph import ops, Parameter, Tensor


# ---------------------------------------------------------------- measuring and checking
def measure(fn, repeat, min_time):
    """Best time per call of fn(), in microseconds, over `repeat` runs of `number` calls each."""
    timer = timeit.Timer(fn)
    number = 1
    while timer.timeit(number) < min_time:  # calibrate like Timer.autorange, to min_time
        number *= 2
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def check(label, got, want, rtol):
    got = [np.asarray(g) for g in (got if isinstance(got, (tuple, list)) else (got,))]
    if len(got) != len(want) or any(g.shape != w.shape for g, w in zip(got, want)):
        raise AssertionError(f"{label}: gradient structure differs: "
                             f"{[g.shape for g in got]} vs {[w.shape for w in want]}")
    for i, (g, w) in enumerate(zip(got, want)):
        if not np.allclose(g, w, rtol=rtol, atol=1e-7):
            raise AssertionError(f"{label}: gradient {i} differs from the NumPy reference, "
                                 f"max abs difference {np.max(np.abs(g - w)):.3g}, "
                                 f"max abs value {np.max(np.abs(w)):.3g}")


def variants(case, api, grad_fn, tensor_args, array_args, named, reference, opts):
    """Check grad_fn against the reference and yield (variant, callable) to time."""
    want = reference()
    for kind, args in (('Tensor', tensor_args), ('ndarray', array_args)):
        check(f'{case} {api}/{kind}', grad_fn(*args), want, opts.rtol)
        yield f'{api}/{kind}', lambda args=args: grad_fn(*args)
    entry = grad_fn.last  # the compilation just used for arrays
    names = list(inspect.signature(entry.fn).parameters)
    gen_args = [named[n] for n in names]
    print(f"  {case} {api}: generated {entry.fn.__name__}({', '.join(names)})")
    if opts.source:
        print(autograph.get_source(grad_fn))
    check(f'{case} {api}/generated', entry.fn(*gen_args), want, opts.rtol)
    yield f'{api}/generated', lambda: entry.fn(*gen_args)


# ---------------------------------------------------------------- case 1: the tutorial
def sigmoid(t):
    return 0.5 * np.tanh(0.5 * t) + 0.5  # the same overflow-free form as runtime.kernels.sigmoid


def function(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


def tutorial_numpy(x, y, w, b):
    """loss = mean((1 - y) z + log(1 + exp(-z))), z = x @ w + b (weight = pos_weight = 1), so
    dloss/dz = ((1 - y) - sigmoid(-z)) / z.size, dw = outer(x, dz), db = dz."""
    z = x @ w + b
    dz = ((1 - y) - sigmoid(-z)) * (1 / z.size)
    return np.outer(x, dz), dz


def tutorial_case(opts):
    np.random.seed(0)
    x = ops.ones(5, autograph.float32)
    y = ops.zeros(3, autograph.float32)
    w = Parameter(Tensor(np.random.randn(5, 3), autograph.float32), name='w')
    b = Parameter(Tensor(np.random.randn(3,), autograph.float32), name='b')
    arrays = dict(x=x.asnumpy(), y=y.asnumpy(), w=w.asnumpy(), b=b.asnumpy())
    reference = lambda: tutorial_numpy(**arrays)

    def by_position():
        grad_fn = autograph.grad(function, (2, 3))
        return variants('tutorial', 'positions', grad_fn, (x, y, w, b), tuple(arrays.values()),
                        arrays, reference, opts)
    return reference, [by_position]


# ---------------------------------------------------------------- case 2: the MLP
def loss_fn(x, onehot, W1, b1, W2, b2):
    h = ops.relu(ops.matmul(x, W1) + b1)
    logits = ops.matmul(h, W2) + b2
    return -ops.mean(ops.sum(onehot * ops.log_softmax(logits, axis=-1), axis=-1))


def mlp_numpy(x, onehot, W1, b1, W2, b2):
    a = x @ W1 + b1
    h = np.maximum(a, 0)
    logits = h @ W2 + b2
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)                   # softmax
    dlogits = (p - onehot) * (1 / len(x))                   # one-hot rows sum to 1
    dh = dlogits @ W2.T
    da = dh * (a > 0)
    return x.T @ da, da.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0)


def mlp_case(opts):
    rng = np.random.default_rng(0)
    batch, n_in, n_hidden, n_out = 64, 784, 256, 10
    arrays = dict(
        x=rng.standard_normal((batch, n_in)).astype(np.float32),
        onehot=np.eye(n_out, dtype=np.float32)[rng.integers(0, n_out, batch)],
        W1=(rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)).astype(np.float32),
        b1=(0.1 * rng.standard_normal(n_hidden)).astype(np.float32),
        W2=(rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden)).astype(np.float32),
        b2=(0.1 * rng.standard_normal(n_out)).astype(np.float32))
    reference = lambda: mlp_numpy(**arrays)

    def by_position():
        grad_fn = autograph.grad(loss_fn, (2, 3, 4, 5))
        tensors = tuple(Tensor(a) for a in arrays.values())
        return variants('mlp', 'positions', grad_fn, tensors, tuple(arrays.values()), arrays,
                        reference, opts)

    def by_weights():  # the weights are Parameters that the loss reads, not arguments
        weights = [Parameter(Tensor(arrays[n]), name=n) for n in ('W1', 'b1', 'W2', 'b2')]

        def loss(x, onehot):
            return loss_fn(x, onehot, *weights)
        grad_fn = autograph.grad(loss, None, weights=weights)
        xy = (arrays['x'], arrays['onehot'])
        return variants('mlp', 'weights', grad_fn, tuple(map(Tensor, xy)), xy, arrays,
                        reference, opts)
    return reference, [by_position, by_weights]


# ---------------------------------------------------------------- case 3: a run-time loop
def rnn_loss(xs, W, steps):
    h = ops.zeros_like(xs[0])
    for t in range(steps):
        h = ops.tanh(h @ W + xs[t])
    return ops.mean(h)


def rnn_numpy(xs, W, steps):
    h = np.zeros_like(xs[0])
    hs = []
    for t in range(steps):
        hs.append(h)
        h = np.tanh(h @ W + xs[t])
    outs = hs[1:] + [h]
    dh = np.full_like(h, 1 / h.size)
    dW, dxs = np.zeros_like(W), np.zeros_like(xs)
    for t in reversed(range(steps)):
        dz = dh * (1 - outs[t] * outs[t])
        dxs[t] = dz
        dW += hs[t].T @ dz
        dh = dz @ W.T
    return dxs, dW


def rnn_case(opts):
    rng = np.random.default_rng(1)
    steps, batch, hidden = 50, 32, 128
    arrays = dict(xs=rng.standard_normal((steps, batch, hidden)).astype(np.float32),
                  W=(rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)).astype(np.float32))
    reference = lambda: rnn_numpy(arrays['xs'], arrays['W'], steps)

    def by_position():
        grad_fn = autograph.grad(rnn_loss, (0, 1))
        tensors = (Tensor(arrays['xs']), Tensor(arrays['W']), steps)
        return variants('rnn', 'positions', grad_fn, tensors, (arrays['xs'], arrays['W'], steps),
                        arrays, reference, opts)
    return reference, [by_position]


# ---------------------------------------------------------------- case 4: a gradient of a gradient
def layer_loss(x, W):
    return ops.sum(ops.tanh(x @ W) ** 2)


layer_grad = autograph.grad(layer_loss, 1)


def gradient_penalty(x, W):
    g = layer_grad(x, W)
    return ops.sum(g * g)


def penalty_numpy(x, W):
    t = np.tanh(x @ W)
    s = 1 - t * t
    g = x.T @ (2 * t * s)
    dz = (x @ (2 * g)) * (2 - 6 * t * t) * s
    return (x.T @ dz,)


def penalty_case(opts):
    rng = np.random.default_rng(2)
    arrays = dict(x=rng.standard_normal((64, 256)), W=rng.standard_normal((256, 128)) / 16)
    reference = lambda: penalty_numpy(arrays['x'], arrays['W'])

    def second_order():
        grad_fn = autograph.grad(gradient_penalty, 1)
        return variants('penalty', 'grad(grad)', grad_fn, (Tensor(arrays['x']), Tensor(arrays['W'])),
                        (arrays['x'], arrays['W']), arrays, reference, opts)
    return reference, [second_order]


# ---------------------------------------------------------------- main
def run_case(case, case_fn, opts, rows):
    """Time one case's NumPy reference, then each group of autograph variants; returns False
    (after printing the traceback) if a group fails. The other groups still run."""
    reference, groups = case_fn(opts)
    reference_us = measure(reference, opts.repeat, opts.min_time)
    ok = True
    for group in groups:
        try:
            for variant, fn in group():
                rows.append((case, variant, measure(fn, opts.repeat, opts.min_time), reference_us))
        except Exception:
            print(f"\nFAILED: case {case}, {group.__name__}", file=sys.stderr)
            traceback.print_exc()
            ok = False
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=7, help='runs per measurement; the best '
                        'is reported (default 7)')
    parser.add_argument('--quick', action='store_true', help='3 runs of >= 0.02 s each')
    parser.add_argument('--source', action='store_true', help='print the generated sources')
    opts = parser.parse_args()
    opts.min_time = 0.02 if opts.quick else 0.2
    if opts.quick:
        opts.repeat = min(opts.repeat, 3)
    opts.rtol = 1e-4

    blas = ' '.join(f'{k}={v}' for k, v in sorted(os.environ.items()) if k.startswith('OPENBLAS'))
    print(f"numpy {np.__version__}, python {platform.python_version()} "
          f"({platform.machine()}, {os.cpu_count()} cpus); {blas or 'OPENBLAS_* not set'}")
    print("(OPENBLAS_CORETYPE may be set on this machine: it selects OpenBLAS's kernels)")
    print(f"best of {opts.repeat} runs, >= {opts.min_time} s each; gradients checked first\n")

    rows = []
    ok = [run_case(case, case_fn, opts, rows)
          for case, case_fn in (('tutorial', tutorial_case), ('mlp', mlp_case), ('rnn', rnn_case),
                                 ('penalty', penalty_case))]

    print(f"\n{'case':<10}{'variant':<22}{'autograph us':>14}{'numpy us':>12}{'ratio':>8}")
    for case, variant, t, ref in rows:
        print(f"{case:<10}{variant:<22}{t:>14.1f}{ref:>12.1f}{t / ref:>8.2f}")
    print()
    for case, variant, t, ref in rows:
        print(f"RATIO {case} {variant} {t / ref:.2f}")
    if not all(ok):
        print("\nSOME CASES FAILED (tracebacks above)", file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
