"""The cases `compare.py` times: one gradient computation each, written by hand in NumPy (the
reference), with autograph, and, when they are installed, with JAX, PyTorch and HIPS autograd.

Cases (all float32):
  tutorial   the autodiff tutorial: z = x @ w + b, x = ones(5), y = zeros(3), loss = mean binary
             cross-entropy with logits; the gradient w.r.t. w (5, 3) and b (3,).
  mlp<B>     784-256-10 MLP, h = relu(x @ W1 + b1), logits = h @ W2 + b2, loss = mean softmax
             cross-entropy with int32 labels; value and gradient w.r.t. W1, b1, W2, b2, for a
             batch B of 1, 64 and 1024.
  rnn        50 steps of h = tanh(h @ W + x_t @ U), hidden 64, batch 16, input 32, loss = sum(h);
             the gradient w.r.t. W and U.

A version is a function `build(case) -> step`: `build` does the set-up (data, Tensors, the grad
function; nothing is compiled yet), `step()` computes the outputs once (JAX's are waited for).
`outputs(step())` flattens them to NumPy arrays, which `check` compares with the reference's.

Versions:
  numpy                the hand-written forward and backward code: the reference. The tutorial's
                       computes only the gradients, as `grad` returns nothing else.
  autograph            what a user writes: `autograph.grad`/`value_and_grad` of a function of
                       `ops`, called with Tensors (Parameters for the tutorial's w and b).
  autograph_generated  the function autograph generated for that call, called with the arrays:
                       no cache lookup, no Tensor unwrapping or wrapping (a lower bound).
  jax_jit              `jax.jit` of `jax.grad`/`jax.value_and_grad`.
  torch_eager          PyTorch eager mode, `torch.autograd.grad`.
  autograd             HIPS autograd's `grad`/`value_and_grad` with `autograd.numpy`.
The other frameworks are imported inside the builders, so that this module needs only NumPy and
autograph.
"""
import importlib.util
from typing import Any, Callable, NamedTuple

import numpy as np

import autograph
from autograph import ops, Parameter, Tensor

RTOL = 1e-4

# version name -> (column title, the module it needs)
VERSIONS = {
    'autograph': ('autograph', 'autograph'),
    'autograph_generated': ('autograph generated', 'autograph'),
    'jax_jit': ('JAX jit', 'jax'),
    'torch_eager': ('torch eager', 'torch'),
    'autograd': ('autograd', 'autograd'),
}


def available(version: str) -> bool:
    return importlib.util.find_spec(VERSIONS[version][1]) is not None


class Case(NamedTuple):
    name: str
    title: str
    data: Callable[[], tuple]          # the arrays, the same at every call
    builders: dict                     # version name (numpy included) -> build(case) -> step
    peak_memory: bool = True           # whether to compare one call's peak memory (the tutorial's
                                       # arrays are too small for that to mean anything)


# ---------------------------------------------------------------- data
def tutorial_data():
    rs = np.random.RandomState(0)
    w = rs.randn(5, 3).astype(np.float32)
    b = rs.randn(3).astype(np.float32)
    return np.ones(5, np.float32), np.zeros(3, np.float32), w, b


def mlp_data(batch):
    rs = np.random.RandomState(1)
    W1 = (rs.randn(784, 256) * np.sqrt(2.0 / 784)).astype(np.float32)
    W2 = (rs.randn(256, 10) * np.sqrt(1.0 / 256)).astype(np.float32)
    x = rs.rand(batch, 784).astype(np.float32)
    labels = rs.randint(0, 10, size=batch).astype(np.int32)
    return W1, np.zeros(256, np.float32), W2, np.zeros(10, np.float32), x, labels


RNN_STEPS, RNN_BATCH, RNN_HIDDEN, RNN_INPUT = 50, 16, 64, 32


def rnn_data():
    rs = np.random.RandomState(2)
    W = (rs.randn(RNN_HIDDEN, RNN_HIDDEN) * 0.1).astype(np.float32)
    U = (rs.randn(RNN_INPUT, RNN_HIDDEN) * 0.1).astype(np.float32)
    xs = rs.randn(RNN_STEPS, RNN_BATCH, RNN_INPUT).astype(np.float32)
    return W, U, xs, np.zeros((RNN_BATCH, RNN_HIDDEN), np.float32)


# ---------------------------------------------------------------- outputs and checking
def outputs(result: Any) -> list:
    """The arrays of a step's result, flattened in order (Tensors and framework arrays as NumPy)."""
    if isinstance(result, (tuple, list)):
        return [array for item in result for array in outputs(item)]
    if hasattr(result, 'asnumpy'):       # autograph's Tensor
        return [result.asnumpy()]
    if hasattr(result, 'detach'):        # torch.Tensor
        return [result.detach().numpy()]
    return [np.asarray(result)]


def check(label: str, got: list, want: list) -> None:
    """Raise AssertionError unless `got` matches the reference's `want`: the same number of arrays,
    shapes and dtypes, and values within RTOL. Values are compared relative to each array's
    largest magnitude too, as float32 sums of different orders differ by that much near zero."""
    if len(got) != len(want):
        raise AssertionError(f'{label}: {len(got)} outputs, the reference has {len(want)}')
    for i, (g, w) in enumerate(zip(got, want)):
        if g.shape != w.shape or g.dtype != w.dtype:
            raise AssertionError(f'{label}: output {i} is {g.dtype}{list(g.shape)}, '
                                 f'the reference {w.dtype}{list(w.shape)}')
        scale = float(np.max(np.abs(w), initial=0.0))
        if not np.allclose(g, w, rtol=RTOL, atol=RTOL * scale):
            raise AssertionError(f'{label}: output {i} differs from the reference by up to '
                                 f'{np.max(np.abs(g - w)):.3g} (largest value {scale:.3g})')


# ---------------------------------------------------------------- hand-written NumPy
def numpy_tutorial(case):
    x, y, w, b = case.data()

    def step():
        z = x @ w + b
        dz = (1 / (1 + np.exp(-z)) - y) * np.float32(1 / z.size)   # d mean(bce) / dz
        return np.outer(x, dz), dz
    return step


def numpy_mlp(case):
    W1, b1, W2, b2, x, labels = case.data()
    rows = np.arange(len(x))

    def step():
        h = x @ W1 + b1
        a = np.maximum(h, 0)
        logits = a @ W2 + b2
        top = logits.max(axis=1, keepdims=True)
        e = np.exp(logits - top)
        total = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(total[:, 0]) + top[:, 0] - logits[rows, labels])
        dlogits = e / total                     # softmax, minus the one-hot labels, / batch
        dlogits[rows, labels] -= 1
        dlogits *= np.float32(1 / len(x))
        da = dlogits @ W2.T
        dh = da * (h > 0)
        return loss, (x.T @ dh, dh.sum(0), a.T @ dlogits, dlogits.sum(0))
    return step


def numpy_rnn(case):
    W, U, xs, h0 = case.data()

    def step():
        hs = [h0]
        for x in xs:
            hs.append(np.tanh(hs[-1] @ W + x @ U))
        dh = np.ones_like(h0)
        dW, dU = np.zeros_like(W), np.zeros_like(U)
        for t in reversed(range(len(xs))):
            da = dh * (1 - hs[t + 1] ** 2)
            dW += hs[t].T @ da
            dU += xs[t].T @ da
            dh = da @ W.T
        return dW, dU
    return step


# ---------------------------------------------------------------- autograph
def autograph_tutorial_loss(x, y, w, b):
    z = ops.matmul(x, w) + b
    return ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))


def autograph_mlp_loss(W1, b1, W2, b2, x, labels):
    h = ops.relu(ops.matmul(x, W1) + b1)
    logits = ops.matmul(h, W2) + b2
    return ops.cross_entropy(logits, labels)


def autograph_rnn_loss(W, U, xs, h):
    for t in range(xs.shape[0]):
        h = ops.tanh(ops.matmul(h, W) + ops.matmul(xs[t], U))
    return ops.sum(h)


def autograph_tutorial_args(case):
    """The tutorial's arguments: x and y Tensors, w and b Parameters."""
    x, y, w, b = case.data()
    return Tensor(x), Tensor(y), Parameter(Tensor(w), name='w'), Parameter(Tensor(b), name='b')


def autograph_tensor_args(case):
    return tuple(Tensor(a) for a in case.data())


def autograph_versions(loss, positions, with_value, make_args=autograph_tensor_args):
    """The builders of the Tensor version and of its generated function, for the gradient of
    `loss` w.r.t. the arguments at `positions`."""
    transform = autograph.value_and_grad if with_value else autograph.grad

    def tensors(case):
        grad_fn, args = transform(loss, positions), make_args(case)
        return lambda: grad_fn(*args)

    def generated(case):
        grad_fn, args = transform(loss, positions), make_args(case)
        compiled = grad_fn.compilation(args)
        arrays = [args[i].asnumpy() for i in compiled.array_positions]
        arrays += [p.asnumpy() for p in compiled.implicit]
        return lambda: compiled.fn(*arrays)
    return {'autograph': tensors, 'autograph_generated': generated}


# ---------------------------------------------------------------- JAX
def jax_version(loss, positions, with_value=False):
    def build(case):
        import jax
        transform = jax.value_and_grad if with_value else jax.grad
        grad_fn = jax.jit(transform(loss(), argnums=positions))
        args = [jax.numpy.asarray(a) for a in case.data()]
        return lambda: jax.block_until_ready(grad_fn(*args))
    return build


def jax_tutorial_loss():
    import jax.numpy as jnp

    def loss(x, y, w, b):
        z = x @ w + b
        return jnp.mean(jnp.maximum(z, 0) - z * y + jnp.log1p(jnp.exp(-jnp.abs(z))))
    return loss


def jax_mlp_loss():
    import jax

    def loss(W1, b1, W2, b2, x, labels):
        logits = jax.nn.relu(x @ W1 + b1) @ W2 + b2
        picked = jax.numpy.take_along_axis(jax.nn.log_softmax(logits), labels[:, None], axis=1)
        return -jax.numpy.mean(picked)
    return loss


def jax_rnn_loss():
    import jax.numpy as jnp

    def loss(W, U, xs, h):
        for t in range(xs.shape[0]):
            h = jnp.tanh(h @ W + xs[t] @ U)
        return jnp.sum(h)
    return loss


# ---------------------------------------------------------------- PyTorch (eager)
def torch_tutorial(case):
    import torch
    import torch.nn.functional as F
    x, y, w, b = (torch.from_numpy(a) for a in case.data())
    w.requires_grad_(True)
    b.requires_grad_(True)
    ones = torch.ones(3)

    def step():
        loss = F.binary_cross_entropy_with_logits(x @ w + b, y, weight=ones, pos_weight=ones)
        return torch.autograd.grad(loss, (w, b))
    return step


def torch_mlp(case):
    import torch
    import torch.nn.functional as F
    W1, b1, W2, b2, x, labels = case.data()
    params = [torch.from_numpy(a).requires_grad_(True) for a in (W1, b1, W2, b2)]
    x, labels = torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))  # torch wants int64

    def step():
        W1, b1, W2, b2 = params
        loss = F.cross_entropy(torch.relu(x @ W1 + b1) @ W2 + b2, labels)
        return loss.detach(), torch.autograd.grad(loss, params)
    return step


def torch_rnn(case):
    import torch
    W, U, xs, h0 = (torch.from_numpy(a) for a in case.data())
    W.requires_grad_(True)
    U.requires_grad_(True)

    def step():
        h = h0
        for x in xs:
            h = torch.tanh(h @ W + x @ U)
        return torch.autograd.grad(h.sum(), (W, U))
    return step


# ---------------------------------------------------------------- HIPS autograd
def autograd_version(loss, positions, with_value=False):
    def build(case):
        import autograd
        transform = autograd.value_and_grad if with_value else autograd.grad
        grad_fn = transform(loss(), argnum=positions)
        args = case.data()
        return lambda: grad_fn(*args)
    return build


def autograd_tutorial_loss():
    import autograd.numpy as anp

    def loss(x, y, w, b):
        z = anp.dot(x, w) + b
        return anp.mean(anp.maximum(z, 0) - z * y + anp.log1p(anp.exp(-anp.abs(z))))
    return loss


def autograd_mlp_loss():
    import autograd.numpy as anp
    from autograd.scipy.special import logsumexp

    def loss(W1, b1, W2, b2, x, labels):
        logits = anp.dot(anp.maximum(anp.dot(x, W1) + b1, 0), W2) + b2
        return anp.mean(logsumexp(logits, axis=1) - logits[np.arange(len(x)), labels])
    return loss


def autograd_rnn_loss():
    import autograd.numpy as anp

    def loss(W, U, xs, h):
        for x in xs:
            h = anp.tanh(anp.dot(h, W) + anp.dot(x, U))
        return anp.sum(h)
    return loss


# ---------------------------------------------------------------- the cases
def _builders(numpy, torch, losses, positions, with_value, autograph_args=autograph_tensor_args):
    """Every version of one case. `losses`: the autograph loss, and the functions that import
    JAX and autograd and return their losses."""
    autograph_loss, jax_loss, autograd_loss = losses
    return {'numpy': numpy,
            **autograph_versions(autograph_loss, positions, with_value, autograph_args),
            'jax_jit': jax_version(jax_loss, positions, with_value),
            'torch_eager': torch,
            'autograd': autograd_version(autograd_loss, positions, with_value)}


def _mlp_case(batch):
    losses = (autograph_mlp_loss, jax_mlp_loss, autograd_mlp_loss)
    return Case(f'mlp{batch}', f'MLP 784-256-10, batch {batch}', lambda: mlp_data(batch),
                _builders(numpy_mlp, torch_mlp, losses, (0, 1, 2, 3), with_value=True))


CASES = {case.name: case for case in [
    Case('tutorial', 'tutorial: grad of BCE, w 5x3, b 3', tutorial_data,
         _builders(numpy_tutorial, torch_tutorial,
                   (autograph_tutorial_loss, jax_tutorial_loss, autograd_tutorial_loss), (2, 3),
                   with_value=False, autograph_args=autograph_tutorial_args),
         peak_memory=False),
    _mlp_case(1), _mlp_case(64), _mlp_case(1024),
    Case('rnn', f'RNN {RNN_STEPS} steps, hidden {RNN_HIDDEN}, batch {RNN_BATCH}', rnn_data,
         _builders(numpy_rnn, torch_rnn, (autograph_rnn_loss, jax_rnn_loss, autograd_rnn_loss),
                   (0, 1), with_value=False)),
]}
