"""Twenty functions people differentiate, each beside the adjoint a careful person writes by hand:
the yardstick for how close autograph's generated gradient source is to hand-written NumPy
(issue 14). benchmarks/source_size.py measures it; tests/test_adjoint_corpus.py checks it.

Each entry of CORPUS is an Entry: its name, the function as an autograph user writes it
(`autograph.ops`, NumPy calls and Tensor methods), example arguments (float64 NumPy arrays drawn
from a fixed seed, plus integer index arrays where the function takes them), the positions to
differentiate, and the hand-written adjoint.

A hand-written adjoint takes the function's arguments and returns a tuple with one gradient per
position, in the order of `positions`. It is plain NumPy written as a person would write it: it
recomputes the forward values it needs, names gradients `d` + the variable (`dx`, `dh`), and
never builds an array of zeros to add into, except where a scatter needs one to write into
(`embedding_bag`: `np.add.at` into `np.zeros_like(table)`). Each adjoint is module-level source,
so that `inspect.getsource` can count its lines, and calls no helper of its own.

Inputs stay away from kinks, ties and branch thresholds by much more than a finite-difference
step, so that central differences see the same branch, the same loop trip count and the same
argmax as the gradient.
"""
from typing import Callable, NamedTuple

import numpy as np

from autograph import ops


class Entry(NamedTuple):
    name: str
    fn: Callable
    args: tuple
    positions: tuple
    adjoint: Callable


# ---------------------------------------------------------------- 1. elementwise chain
def tanh_chain(x):
    a = ops.tanh(x)
    b = ops.exp(a) * x
    return ops.sum(ops.tanh(a * b))


def tanh_chain_adjoint(x):
    a = np.tanh(x)
    e = np.exp(a)
    b = e * x
    c = np.tanh(a * b)
    du = 1 - c * c
    db = du * a
    da = du * b + db * x * e
    dx = db * e + da * (1 - a * a)
    return (dx,)


# ---------------------------------------------------------------- 2. mean squared error
def mse_loss(w, x, y):
    pred = x @ w
    err = pred - y
    return ops.mean(err * err)


def mse_loss_adjoint(w, x, y):
    err = x @ w - y
    derr = 2 * err / err.size
    dw = x.T @ derr
    return (dw,)


# ---------------------------------------------------------------- 3. two-layer MLP with relu
def mlp(x, w1, b1, w2, b2, y):
    h = ops.relu(x @ w1 + b1)
    out = h @ w2 + b2
    return ops.mean((out - y) ** 2)


def mlp_adjoint(x, w1, b1, w2, b2, y):
    z = x @ w1 + b1
    h = np.maximum(z, 0)
    out = h @ w2 + b2
    dout = 2 * (out - y) / out.size
    dw2 = h.T @ dout
    db2 = dout.sum(axis=0)
    dz = (dout @ w2.T) * (z > 0)
    dw1 = x.T @ dz
    db1 = dz.sum(axis=0)
    return (dw1, db1, dw2, db2)


# ---------------------------------------------------------------- 4. softmax cross-entropy, integer labels
def softmax_cross_entropy(x, w, labels):
    logits = x @ w
    logp = ops.log_softmax(logits, axis=1)
    picked = logp[np.arange(x.shape[0]), labels]
    return -ops.mean(picked)


def softmax_cross_entropy_adjoint(x, w, labels):
    logits = x @ w
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    n = x.shape[0]
    p[np.arange(n), labels] -= 1
    dw = x.T @ p / n
    return (dw,)


# ---------------------------------------------------------------- 5. layer norm
def layer_norm(x, gamma, beta):
    mu = ops.mean(x, axis=-1, keepdims=True)
    xc = x - mu
    var = ops.mean(xc * xc, axis=-1, keepdims=True)
    xhat = xc / ops.sqrt(var + 1e-5)
    y = xhat * gamma + beta
    return ops.sum(ops.tanh(y))


def layer_norm_adjoint(x, gamma, beta):
    xc = x - x.mean(axis=-1, keepdims=True)
    inv = 1 / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + 1e-5)
    xhat = xc * inv
    y = np.tanh(xhat * gamma + beta)
    dy = 1 - y * y
    dgamma = (dy * xhat).sum(axis=0)
    dbeta = dy.sum(axis=0)
    dxhat = dy * gamma
    projection = (dxhat * xhat).mean(axis=-1, keepdims=True)
    dx = inv * (dxhat - dxhat.mean(axis=-1, keepdims=True) - xhat * projection)
    return (dx, dgamma, dbeta)


# ---------------------------------------------------------------- 6. attention
def attention(q, k, v):
    scores = q @ k.T / np.sqrt(q.shape[-1])
    weights = ops.softmax(scores, axis=-1)
    out = weights @ v
    return ops.sum(out * out)


def attention_adjoint(q, k, v):
    scale = 1 / np.sqrt(q.shape[-1])
    scores = q @ k.T * scale
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    out = weights @ v
    dout = 2 * out
    dv = weights.T @ dout
    dweights = dout @ v.T
    dscores = weights * (dweights - (dweights * weights).sum(axis=-1, keepdims=True)) * scale
    dq = dscores @ k
    dk = dscores.T @ q
    return (dq, dk, dv)


# ---------------------------------------------------------------- 7. logistic regression
def logistic_regression(w, b, x, y):
    p = ops.sigmoid(x @ w + b)
    return -ops.mean(y * ops.log(p) + (1 - y) * ops.log(1 - p))


def logistic_regression_adjoint(w, b, x, y):
    p = 1 / (1 + np.exp(-(x @ w + b)))
    dz = (p - y) / y.size
    dw = x.T @ dz
    db = dz.sum(keepdims=True)
    return (dw, db)


# ---------------------------------------------------------------- 8. polynomial
def polynomial(x, c):
    return ops.sum(c[0] + c[1] * x + c[2] * x ** 2 + c[3] * x ** 3)


def polynomial_adjoint(x, c):
    dx = c[1] + 2 * c[2] * x + 3 * c[3] * x ** 2
    dc = np.array([x.size, x.sum(), (x ** 2).sum(), (x ** 3).sum()])
    return (dx, dc)


# ---------------------------------------------------------------- 9. RNN over a few steps, as a loop
def rnn(xs, h0, w, u):
    h = h0
    for i in range(xs.shape[0]):
        h = ops.tanh(h @ w + xs[i] @ u)
    return ops.sum(h * h)


def rnn_adjoint(xs, h0, w, u):
    hs = [h0]
    for x in xs:
        hs.append(np.tanh(hs[-1] @ w + x @ u))
    dh = 2 * hs[-1]
    dw = du = 0.0
    for i in reversed(range(len(xs))):
        dpre = dh * (1 - hs[i + 1] ** 2)
        dw = dw + hs[i].T @ dpre
        du = du + xs[i].T @ dpre
        dh = dpre @ w.T
    return (dw, du)


# ---------------------------------------------------------------- 10. sum of squares about the mean
def centered_sum_of_squares(x):
    m = ops.mean(x)
    return ops.sum((x - m) ** 2)


def centered_sum_of_squares_adjoint(x):
    dxc = 2 * (x - x.mean())
    dx = dxc - dxc.mean()
    return (dx,)


# ---------------------------------------------------------------- 11. if / else on a Tensor
def branch(x, w):
    h = x @ w
    if ops.sum(h) > 0:
        y = ops.tanh(h)
    else:
        y = 0.5 * h * h
    return ops.sum(y * y)


def branch_adjoint(x, w):
    h = x @ w
    if h.sum() > 0:
        y = np.tanh(h)
        dh = 2 * y * (1 - y * y)
    else:
        dh = h ** 3
    dx = dh @ w.T
    dw = x.T @ dh
    return (dx, dw)


# ---------------------------------------------------------------- 12. data-dependent while
def grow_until(x):
    y = x
    while ops.sum(y * y) < 10.0:
        y = y * 1.2 + 0.1 * ops.tanh(y)
    return ops.sum(y * y)


def grow_until_adjoint(x):
    ys = []
    y = x
    while np.sum(y * y) < 10.0:
        ys.append(y)
        y = y * 1.2 + 0.1 * np.tanh(y)
    dy = 2 * y
    for y in reversed(ys):
        dy = dy * (1.3 - 0.1 * np.tanh(y) ** 2)
    return (dy,)


# ---------------------------------------------------------------- 13. gather (embedding lookup)
def embedding_bag(table, ids, w):
    rows = table[ids]
    return ops.sum(ops.tanh(rows @ w))


def embedding_bag_adjoint(table, ids, w):
    rows = table[ids]
    dpre = 1 - np.tanh(rows @ w) ** 2
    dw = rows.T @ dpre
    dtable = np.zeros_like(table)   # a scatter writes into it: the one zero a person writes
    np.add.at(dtable, ids, dpre @ w.T)
    return (dtable, dw)


# ---------------------------------------------------------------- 14. reductions over an axis
def axis_reductions(x):
    m = ops.mean(x, axis=1)
    s = ops.amax(x, axis=0)
    return ops.sum(m * m) + ops.sum(s * s)


def axis_reductions_adjoint(x):
    m = x.mean(axis=1)
    s = x.max(axis=0)
    dx = (2 * m / x.shape[1])[:, None] + 2 * s * (x == s)
    return (dx,)


# ---------------------------------------------------------------- 15. broadcast biases
def broadcast_bias(x, b, c):
    y = ops.tanh(x + b + c)
    return ops.sum(y * y)


def broadcast_bias_adjoint(x, b, c):
    y = np.tanh(x + b + c)
    dpre = 2 * y * (1 - y * y)
    db = dpre.sum(axis=0)
    dc = dpre.sum(axis=1, keepdims=True)
    return (db, dc)


# ---------------------------------------------------------------- 16. sigmoid gate
def sigmoid_gate(x, w):
    gate = ops.sigmoid(x @ w)
    return ops.sum(gate * x)


def sigmoid_gate_adjoint(x, w):
    gate = 1 / (1 + np.exp(-(x @ w)))
    dpre = x * gate * (1 - gate)
    dx = gate + dpre @ w.T
    dw = x.T @ dpre
    return (dx, dw)


# ---------------------------------------------------------------- 17. log-sum-exp, written stably
def log_sum_exp(x):
    m = ops.amax(x, axis=1, keepdims=True)
    return ops.sum(m[:, 0] + ops.log(ops.sum(ops.exp(x - m), axis=1)))


def log_sum_exp_adjoint(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    dx = e / e.sum(axis=1, keepdims=True)
    return (dx,)


# ---------------------------------------------------------------- 18. matmul chain
def matmul_chain(a, b, c):
    y = a @ b @ c
    return ops.sum(y * y)


def matmul_chain_adjoint(a, b, c):
    ab = a @ b
    dy = 2 * (ab @ c)
    dc = ab.T @ dy
    dab = dy @ c.T
    da = dab @ b.T
    db = a.T @ dab
    return (da, db, dc)


# ---------------------------------------------------------------- 19. normalisation by the norm
def normalize(x, w):
    norm = ops.sqrt(ops.sum(x * x))
    u = x / norm
    return ops.sum(u * w)


def normalize_adjoint(x, w):
    norm = np.sqrt((x * x).sum())
    u = x / norm
    dx = (w - u * (w * u).sum()) / norm
    return (dx, u)


# ---------------------------------------------------------------- 20. a user variable named `t`
# The compiler names the gradient of an unnamed value `dt`; here `dt` is also the gradient of
# the user's `t`, so the two must not be confused.
def damped(x, w):
    t = ops.tanh(x @ w)
    return ops.sum(t * ops.exp(-t))


def damped_adjoint(x, w):
    t = np.tanh(x @ w)
    dt = (1 - t) * np.exp(-t)
    dpre = dt * (1 - t * t)
    dx = dpre @ w.T
    dw = x.T @ dpre
    return (dx, dw)


# ---------------------------------------------------------------- the corpus
_rng = np.random.default_rng(2024)


def _normal(*shape, scale=1.0):
    return scale * _rng.standard_normal(shape)


def _build():
    entries = [
        Entry('tanh_chain', tanh_chain, (_normal(5),), (0,), tanh_chain_adjoint),
        Entry('mse_loss', mse_loss, (_normal(3), _normal(6, 3), _normal(6)), (0,), mse_loss_adjoint),
        Entry('mlp', mlp, (_normal(5, 4), _normal(4, 6, scale=0.5), _normal(6, scale=0.1),
                           _normal(6, 2, scale=0.5), _normal(2, scale=0.1), _normal(5, 2)),
              (1, 2, 3, 4), mlp_adjoint),
        Entry('softmax_cross_entropy', softmax_cross_entropy,
              (_normal(6, 4), _normal(4, 3), np.array([0, 2, 1, 2, 0, 1])), (1,),
              softmax_cross_entropy_adjoint),
        Entry('layer_norm', layer_norm, (_normal(4, 5), 1 + _normal(5, scale=0.1), _normal(5, scale=0.1)),
              (0, 1, 2), layer_norm_adjoint),
        Entry('attention', attention, (_normal(3, 4), _normal(5, 4), _normal(5, 2)), (0, 1, 2),
              attention_adjoint),
        Entry('logistic_regression', logistic_regression,
              (_normal(3), _normal(1, scale=0.1), _normal(8, 3), (_rng.uniform(size=8) > 0.5) * 1.0),
              (0, 1), logistic_regression_adjoint),
        Entry('polynomial', polynomial, (_normal(5), _normal(4)), (0, 1), polynomial_adjoint),
        Entry('rnn', rnn, (_normal(3, 2, 4), _normal(2, 3, scale=0.5), _normal(3, 3, scale=0.5),
                           _normal(4, 3, scale=0.5)), (2, 3), rnn_adjoint),
        Entry('centered_sum_of_squares', centered_sum_of_squares, (_normal(6),), (0,),
              centered_sum_of_squares_adjoint),
        # ops.sum(x @ w) is 1.94 here: the `if` branch, far from 0
        Entry('branch', branch, (np.array([[0.9, 0.4, 0.8], [0.5, 0.7, 0.2]]),
                                 np.array([[0.6, -0.2], [0.3, 0.5], [0.4, 0.1]])), (0, 1), branch_adjoint),
        # positive x: every step grows y; sum(y * y) goes 9.47 after four steps, 14.9 after five: five steps
        Entry('grow_until', grow_until, (np.array([0.5, 0.8, 0.3, 0.6]),), (0,), grow_until_adjoint),
        Entry('embedding_bag', embedding_bag, (_normal(5, 3), np.array([1, 4, 1, 0, 1]), _normal(3, 2)),
              (0, 2), embedding_bag_adjoint),
        Entry('axis_reductions', axis_reductions, (_normal(4, 5),), (0,), axis_reductions_adjoint),
        Entry('broadcast_bias', broadcast_bias, (_normal(4, 3), _normal(3, scale=0.3), _normal(4, 1, scale=0.3)),
              (1, 2), broadcast_bias_adjoint),
        Entry('sigmoid_gate', sigmoid_gate, (_normal(4, 3), _normal(3, 3)), (0, 1), sigmoid_gate_adjoint),
        Entry('log_sum_exp', log_sum_exp, (_normal(3, 5),), (0,), log_sum_exp_adjoint),
        Entry('matmul_chain', matmul_chain, (_normal(3, 4), _normal(4, 2), _normal(2, 3)), (0, 1, 2),
              matmul_chain_adjoint),
        Entry('normalize', normalize, (_normal(5), _normal(5)), (0, 1), normalize_adjoint),
        Entry('damped', damped, (_normal(4, 3), _normal(3, 2)), (0, 1), damped_adjoint),
    ]
    return {e.name: e for e in entries}


CORPUS = _build()

# The five cases whose second-order source is measured: grad(grad f) against grad f.
SECOND_ORDER = ('tanh_chain', 'softmax_cross_entropy', 'mlp', 'grow_until', 'branch')
