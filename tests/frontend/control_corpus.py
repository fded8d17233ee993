"""Functions with control flow, each run three ways by test_control_flow.py: compiled against
plain Python on Tensors, gradients against central differences, source against a golden file.

Each entry: name -> (function, example float64 inputs, positions to differentiate).

The functions are small programs of the kind MindSpore, JAX and PyTorch users write, grouped by
the form of README's "The Python that compiles" that they exercise. Inputs stay away from kinks
and ties, and every run-time condition stays well away from its threshold (much further than the
finite differences' step), so that the finite differences see the same branch and the same
number of loop iterations as the gradient. A function with branches has an entry for each branch."""
import numpy as np

import autograph
from autograph import Parameter, Tensor, nn, ops

rng = np.random.default_rng(7)
V3 = rng.uniform(-1, 1, 3)
M33 = np.eye(3) * 0.8 + rng.uniform(-0.2, 0.2, (3, 3))
M43 = rng.uniform(-1, 1, (4, 3))

# More inputs, drawn after the ones above so that those keep their values.
W33 = rng.uniform(-0.6, 0.6, (3, 3))
U33 = rng.uniform(-0.6, 0.6, (3, 3))
B3 = rng.uniform(-0.3, 0.3, 3)
SEQ53 = rng.uniform(-1, 1, (5, 3))
K53 = rng.uniform(-1, 1, (5, 3))
POS3 = rng.uniform(0.5, 2.0, 3)
M44 = rng.uniform(-1, 1, (4, 4))
K54 = rng.uniform(-1, 1, (5, 4))
V54 = rng.uniform(-1, 1, (5, 4))
W63 = rng.uniform(-0.5, 0.5, (6, 3))
U63 = rng.uniform(-0.5, 0.5, (6, 3))
H63 = rng.uniform(-0.5, 0.5, (6, 3))
SPD33 = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]])


# ---------------------------------------------------------------- assignment and operators
def moments(v):
    mean = ops.mean(v)
    centered = v - mean
    return mean, (ops.mean(centered * centered), ops.amax(centered))


def unpacking_and_augmented(x, w):
    mean, (var, top) = moments(x @ w)
    scale: float = 0.5
    y = (x - mean) / ops.sqrt(var + 1e-3)
    y += top * scale
    y *= y
    first, rest = y[0], y[1:]
    return first + ops.sum(rest)


def arithmetic_operators(x, y):
    a = (x + y) * (x - y) / (1.5 + y * y)
    b = -a ** 2 + x @ y
    c = x % 1.0 + y // 0.25   # floor division is piecewise constant: no gradient through it
    return ops.sum(b + c * a)


def mask_algebra(x):
    positive = x > 0
    big = ops.abs(x) > 0.5
    keep = (positive & ~big) | (big ^ positive)
    return ops.sum(ops.where(keep, x * x, ops.sin(x)))


def huber_loss(pred, target, delta=0.5):
    err = pred - target
    small = ops.abs(err) < delta
    return ops.mean(ops.where(small, 0.5 * err * err, delta * (ops.abs(err) - 0.5 * delta)))


def row_max_pool(x):
    values, indices = ops.max(x, 1)
    return ops.sum(values * values) + ops.sum(x[:, 0] * indices)


def slicing_forms(x):
    evens = x[..., ::2]
    shifted = x[1:, None]
    return ops.sum(evens * evens) + ops.sum(shifted * x[:-1, None])


def embedding_lookup(table, ids, w):
    rows = table[ids]   # repeated ids: the adjoint adds their gradients up
    return ops.sum(ops.tanh(rows @ w))


def tensor_methods(x, w):
    h = (x @ w).reshape(3, 1) * x
    mu = h.mean(axis=1, keepdims=True)
    return ((h - mu) ** 2).sum() + h.T.sum(axis=0).max()


def numpy_calls(x, w):
    h = np.tanh(np.dot(x, w))
    return ops.sum(np.exp(h) * np.maximum(h, -10.0))


# ---------------------------------------------------------------- if / elif / else on Tensors
def branch_on_sum(x, w):
    y = x @ w
    if ops.sum(y) > 0:
        z = ops.exp(y)
    else:
        z = y * y
    return ops.sum(z)


def branch_without_else(x):
    y = x * 2
    if ops.sum(x) < 10:
        y = y * x
    return ops.sum(y)


def branch_uses_outer_values(x, w):
    h = ops.sin(x)
    if ops.mean(h) > -5:
        out = h @ w + x
    else:
        out = h
    return ops.sum(out * out)


def nested_branches(x):
    s = ops.sum(x)
    if s > 0:
        if s > 100:
            y = x * 3
        else:
            y = ops.sin(x)
    else:
        y = ops.cos(x)
    return ops.sum(y)


def smooth_step(x):
    s = ops.sum(x)
    if s < -1.0:
        y = x * 0.1
    elif s < 1.0:
        y = ops.sin(x)
    else:
        y = x * x
    return ops.sum(y)


def clip_by_global_norm(g1, g2, max_norm=1.0):
    norm = ops.sqrt(ops.sum(g1 * g1) + ops.sum(g2 * g2))
    if norm > max_norm:
        g1 = g1 * (max_norm / norm)
        g2 = g2 * (max_norm / norm)
    return ops.sum(g1 * ops.sin(g2[0])) + ops.sum(g2 @ g1)


def clamp_activations(x, w):
    h = ops.clamp(x @ w, -0.5, 0.5)
    return ops.sum(h * h + h)


def boolean_logic(x):
    s = ops.sum(x)
    if 0 < s < 10 and not s > 5:
        y = x * 2
    else:
        y = ops.exp(x)
    if s > 100 or s < -100:
        y = y * 0
    inside = (-0.5 < x) & (x < 0.5)
    return ops.sum(y * inside + y * y)


def conditional_expression(x):
    s = ops.sum(x)
    return ops.sin(s) if s > 0 else ops.cos(s) * 2


# An if / elif / else chain on a Tensor: nested conds, each branch computing from `r`.
def piecewise_energy(x):
    r = ops.sqrt(ops.sum(x * x))
    if r < 0.5:
        e = r * r
    elif r < 1.5:
        e = r - 0.25
    else:
        e = ops.log(r / 1.5) + 1.25
    return e * ops.sum(ops.sin(x))


# Python numbers chosen by a Tensor condition: `lr` by an if / else, `momentum` by a
# conditional expression.
def learning_rate_schedule(w, x, target):
    err = x @ w - target
    loss = ops.sum(err * err)
    if loss > 1.0:
        lr = 0.1
    else:
        lr = 0.01
    momentum = 0.9 if loss > 2.0 else 0.5
    w = w - lr * momentum * (x.T @ err)
    return ops.sum((x @ w - target) ** 2)


# ---------------------------------------------------------------- return inside ifs on Tensors
def early_return(x):
    if ops.sum(x) > 0:
        return ops.sum(x * x)
    y = ops.exp(x)
    if ops.mean(y) > 2:
        return ops.sum(y)
    return ops.sum(-x)


def loss_with_warning(x, w):
    loss = ops.sum((x @ w) ** 2)
    if loss > 5.0:
        print('large loss:', loss)
        return ops.sqrt(loss)
    return loss


# A chained comparison on a Tensor (`-0.5 < m <= 0.5`) deciding an early return.
def band_pass(x):
    m = ops.mean(x)
    if -0.5 < m <= 0.5:
        return ops.sum(x * x)
    return ops.sum(ops.abs(x)) * 2


# Returns at several depths of nested ifs on Tensors, and a fall-through to the end.
def early_exit_depths(x):
    s = ops.sum(x)
    if s > 0:
        m = ops.amax(x)
        if m > 1.0:
            return ops.sum(ops.log(x * x + 1))
        if s > 0.5:
            return m * s
        y = ops.exp(x)
    else:
        y = ops.cos(x)
    return ops.sum(y * y)


# ---------------------------------------------------------------- compile-time branches
def shape_dispatch(x, w):
    if x.ndim == 1:
        x = ops.reshape(x, (1, x.shape[0]))
    if x.shape[1] != w.shape[0]:
        x = x.T
    h = x @ w
    scale = 1.0 / x.shape[0] if x.shape[0] > 1 else 1.0
    return ops.sum(h * h) * scale


def layer_with_options(v, w, bias=0.0, activation=None, norm=False):
    h = v @ w + bias
    if norm and h.ndim == 1:
        h = h / ops.sqrt(ops.sum(h * h))
    if isinstance(activation, str) and hasattr(ops, activation):
        activation = getattr(ops, activation)
    if activation is not None:
        h = activation(h)
    return h


def compile_time_logic(x, w, b):
    a = layer_with_options(x, w, b, activation='tanh')
    c = layer_with_options(x, w, norm=True)
    vector = len(x.shape) == 1 and max(x.shape) > min(w.shape) - 1
    d = layer_with_options(x, w, 0.5, activation=ops.sin if vector else None)
    return ops.sum(a * c + d)


# `bias is not None` with bias a Tensor or None: an optional argument, decided when compiling.
def optional_bias(x, w, b):
    def dense(v, bias=None):
        h = v @ w
        if bias is not None:
            h = h + bias
        return ops.tanh(h)
    return ops.sum(dense(x, b) + dense(x))


# `len(x)` and `isinstance(x, Tensor)` on Tensors: known when compiling, from the shape and the
# type.
def static_facts_of_tensors(x, w):
    h = x @ w
    if isinstance(h, Tensor) and len(h) == 3:
        h = h * 2
    return ops.sum(h * h) / len(x)


# ---------------------------------------------------------------- for over range: run-time loops
def rnn(x, w, n):
    h = x
    for t in range(n):
        h = ops.tanh(h @ w)
    return ops.sum(h)


def accumulate_in_loop(x, n):
    total = 0
    for i in range(n):
        total = total + x * (i + 1)
    return ops.sum(total * total)


def loop_with_branch(x, w, n):
    h = x
    for t in range(n):
        h = h @ w
        if ops.sum(h) > 0:
            h = ops.tanh(h)
        else:
            h = h * 0.5
    return ops.sum(h)


def nested_loops(x, n, m):
    acc = x
    for i in range(n):
        for j in range(m):
            acc = ops.sin(acc) + x
    return ops.sum(acc)


def loop_index_in_arithmetic(x, n):
    y = x
    for i in range(n):
        y = y + ops.sin(y * i)
    return ops.sum(y)


def newton_sqrt(a, steps):
    y = a
    for _ in range(steps):
        y = 0.5 * (y + a / y)
    return ops.sum(y)


def gradient_descent(x0, a, b, lr, steps):
    x = x0
    for _ in range(steps):
        grad = a @ x - b
        x = x - lr * grad
    return ops.sum(x * x)


def momentum_descent(x0, target, lr, steps, beta=0.9):
    x = x0
    velocity = ops.zeros_like(x0)
    for _ in range(steps):
        grad = ops.tanh(x - target)
        velocity = beta * velocity + grad
        x = x - lr * velocity
    return ops.sum((x - target) ** 2)


def power_iteration(a, v0, steps):
    v = v0
    for _ in range(steps):
        v = a @ v
        v = v / ops.sqrt(ops.sum(v * v))
    return v @ a @ v


def cumulative_product(x):
    running = ops.ones_like(x[0])
    total = 0.0
    for i in range(x.shape[0]):
        running = running * x[i]
        total = total + running
    return ops.sum(total)


def discounted_return(rewards, values, gamma):
    g = ops.zeros_like(rewards[0])
    loss = 0.0
    for t in range(rewards.shape[0] - 1, -1, -1):
        g = rewards[t] + gamma * g
        loss = loss + (g - values[t]) ** 2
    return ops.sum(loss)


def iterative_shrinkage(x, steps):
    y = x * 2.0
    for _ in range(steps):
        y = ops.where(ops.abs(y) > 0.3, y * 0.8, y)
    return ops.sum(y * x)


def guarded_newton(a, steps):
    y = a
    for _ in range(steps):
        assert ops.amin(y) > 0, 'the iterates must stay positive'
        y = y - (y * y * y - a) / (3 * y * y)   # cube roots
    return ops.sum(y)


def layered_updates(x, w):
    h = x
    for epoch in range(2):
        for step in range(3):
            if ops.sum(h) > 0:
                h = ops.tanh(h @ w)
            else:
                h = ops.exp(h) - 1.0
    return ops.sum(h)


# A branch on a Tensor inside two nested run-time loops.
def nested_loops_with_branch(x, w):
    h = x
    for i in range(2):
        for j in range(3):
            if ops.sum(h) > 0:
                h = ops.sin(h @ w)
            else:
                h = ops.cos(h) * 0.5
    return ops.sum(h)


# A branch inside a run-time loop whose updates read the old carried values (`s = s * e + 1`,
# then `m = x[i]`).
def streaming_logsumexp(x):
    m = x[0]
    s = ops.ones_like(x[0])
    for i in range(1, x.shape[0]):
        if x[i] > m:
            s = s * ops.exp(m - x[i]) + 1
            m = x[i]
        else:
            s = s + ops.exp(x[i] - m)
    return m + ops.log(s)


# A run-time loop inside a branch on a Tensor.
def loop_inside_branch(x, w):
    h = x
    if ops.sum(x) > 0:
        for _ in range(3):
            h = ops.tanh(h @ w)
    else:
        h = h * 2
    return ops.sum(h)


# A run-time loop with a print under a Tensor condition and a loop-invariant `x.T`.
def regression_with_logging(w, x, y, lr, steps):
    for step in range(steps):
        err = x @ w - y
        loss = ops.mean(err * err)
        if loss > 1e6:
            print('diverging at step', step, 'loss', loss)
        w = w - lr * (x.T @ err)
    return ops.mean((x @ w - y) ** 2)


# Nested run-time loops whose inner bound is the outer index, summing scalar elements.
def lower_triangular_sum(a):
    total = 0.0
    for i in range(a.shape[0]):
        for j in range(i + 1):   # the inner bound is the outer index: known only at run time
            total = total + a[i, j] * a[j, i]
    return total


# ---------------------------------------------------------------- subscript writes and masks
def subscript_updates(x, v):
    y = x * 1.0
    y[0] = v
    y[:, 1] += v[0] * y[1, 0]
    return ops.sum(y * y)


def masked_softmax(scores, mask, values):
    scores = ops.masked_fill(scores, mask, -1e9)
    return ops.sum(ops.softmax(scores, axis=-1) @ values)


def relu_by_mask(x, w):
    y = x @ w
    y[y < 0] = 0.0   # a hand-written relu
    return ops.sum(y * y)


def rescale_rows(x, v):
    y = x * 1.0
    for i in (0, 2, 3):   # a tuple of indices: unrolled
        y[i] = ops.tanh(y[i] * v[i])
    return ops.sum(y * x)


def attention_rows_stacked(q, k, v):
    rows = []
    for i in range(q.shape[0]):   # appends to a list: unrolled
        scores = k @ q[i] * 0.5
        weights = ops.exp(scores - ops.amax(scores))
        rows.append(weights / ops.sum(weights) @ v)
    return ops.sum(ops.stack(rows) * q)


# Augmented subscript writes and row writes in an unrolled loop (j is a Python int).
def column_scaling(x, v):
    y = x * 1.0
    for j, scale in enumerate((1.0, 2.0, 3.0)):   # unrolled: j is a Python int
        y[:, j] += v * scale
        y[j] = ops.sin(y[j])
    return ops.sum(y * y)


# A mask write followed by an augmented subscript write.
def masked_update(x, w):
    y = x @ w
    y[y < 0] = 0.0   # a hand-written relu
    y[:, 0] += 1.0
    return ops.sum(y * y)


# Subscript writes inside a run-time loop: `y[i] = v` rebinds `y`, so `y` is loop-carried.
def prefix_sums(x):
    y = x * 1.0
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * 0.9 + x[i]
    return ops.sum(y * y)


def column_mixing(x, v):
    y = x * 1.0
    for j in range(x.shape[1]):
        y[:, j] += v * (j + 1)
        y[:, j] = ops.tanh(y[:, j])
    return ops.sum(y * x)


def matvec_by_hand(a, x):
    y = ops.zeros_like(x)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            y[i] += a[i, j] * x[j]
    return ops.sum(ops.sin(y))


def attention_rows(q, k, v):
    out = ops.zeros_like(q)
    for i in range(q.shape[0]):
        scores = k @ q[i] * 0.5
        weights = ops.exp(scores - ops.amax(scores))
        weights = weights / ops.sum(weights)
        out[i] = weights @ v
    return ops.sum(out * q)


# Subscript writes in both branches of an if on a Tensor, inside a run-time loop.
def conditional_row_updates(x):
    y = x * 1.0
    for i in range(x.shape[0]):
        if ops.sum(y[i]) > 0:
            y[i] = ops.sqrt(y[i] * y[i] + 1.0)
        else:
            y[i] = y[i] * 0.5
    return ops.sum(y * x)


# ---------------------------------------------------------------- for over a Tensor's first axis
def rnn_over_rows(xs, w):
    h = ops.zeros_like(xs[0])
    for x in xs:
        h = ops.tanh(h @ w + x)
    return ops.sum(h * h)


def horner(coeffs, x):
    y = ops.zeros_like(x)
    for c in coeffs:
        y = y * x + c
    return ops.sum(y)


def leaky_rnn(xs, w):
    h = ops.zeros_like(xs[0])
    for x in xs:
        pre = h @ w + x
        h = ops.tanh(pre) if ops.sum(pre) > 0 else 0.1 * pre
    return ops.sum(h)


def enumerate_rows(xs, w):
    total = 0.0
    for t, x in enumerate(xs):
        total = total + (t + 1) * ops.sum(ops.tanh(x @ w))
    return total


def gru_step(x, h, wz, wr, wh):
    xh = ops.concat((x, h))
    z = ops.sigmoid(xh @ wz)
    r = ops.sigmoid(xh @ wr)
    candidate = ops.tanh(ops.concat((x, r * h)) @ wh)
    return (1 - z) * h + z * candidate


def gru_sequence(xs, wz, wr, wh):
    h = ops.zeros_like(xs[0])
    for x in xs:
        h = gru_step(x, h, wz, wr, wh)
    return ops.sum(h)


# ---------------------------------------------------------------- unrolled loops
def unrolled_over_tuple(x, w):
    h = x
    for scale in (1.0, 0.5, 0.25):
        h = ops.tanh(h @ w) * scale
    return ops.sum(h)


def unrolled_with_break(x):
    y = x
    for k in range(10):
        if k == 3:
            break
        y = y * ops.exp(-y)
    return ops.sum(y)


def horner_constants(x):
    y = 0.0
    for c in (0.5, -1.0, 0.25, 2.0):
        y = y * x + c
    return ops.sum(ops.exp(y) * x)


def weighted_pairs(a, b, c):
    total = 0.0
    for i, (u, v) in enumerate(zip((a, b), (b, c))):
        total = total + (i + 1) * ops.sum(u * v)
    return total


def skip_odd_steps(x):
    y = x
    for k in range(6):
        if k % 2 == 1:
            continue
        y = ops.sin(y) * (k + 1)
    return ops.sum(y)


def range_loop_with_else(x):
    y = x
    for k in range(6):
        if k % 2 == 1:
            continue
        y = ops.sin(y) * (k + 1)
    else:
        y = y + 1.0
    for k in range(3):
        if k == 1:
            break
        y = y * 0.5
    else:
        y = y * 100.0
    return ops.sum(y)


def search_with_else(x):
    y = x
    for k in (1, 2, 3):
        if k > 5:
            break
        y = ops.sin(y) * k
    else:
        y = y + 1.0
    for k in (1, 2, 3):
        if k == 2:
            break
        y = y * 0.5
    else:
        y = y * 100.0
    return ops.sum(y)


def multi_head_attention_split(q, k, v):
    d = q.shape[1] // 2
    heads = []
    for qh, kh, vh in zip(ops.split(q, d, axis=1), ops.split(k, d, axis=1), ops.split(v, d, axis=1)):
        weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
        heads.append(weights @ vh)
    return ops.sum(ops.concat(heads, axis=1) * q)


# A list built in a loop over a tuple of Tensors, then stacked and divided by its `len`.
def ensemble_average(x, w1, w2, w3):
    predictions = []
    for k, w in enumerate((w1, w2, w3)):
        predictions.append(ops.tanh(x @ w) * (k + 1))
    return ops.sum(ops.stack(predictions)) / len(predictions)


# Slices bounded by the index of a compile-time range (`q[:, h * d:(h + 1) * d]`): unrolled.
def multi_head_attention(q, k, v):
    d = q.shape[1] // 2
    heads = []
    for h in range(2):
        qh, kh, vh = q[:, h * d:(h + 1) * d], k[:, h * d:(h + 1) * d], v[:, h * d:(h + 1) * d]
        weights = ops.softmax(qh @ kh.T / d ** 0.5, axis=-1)
        heads.append(weights @ vh)
    return ops.sum(ops.concat(heads, axis=1) * q)


# ---------------------------------------------------------------- while loops
def while_doubling(x):
    y = x
    while ops.sum(y * y) < 50:
        y = y * 1.5 + x
    return ops.sum(y)


def halve_until_small(x):
    y = ops.exp(x)
    while ops.sum(y) > 1.0:
        y = y * 0.5
    return ops.sum(y * x)


def repeated_halving(x, n):
    y = x
    while n > 1:   # on a Python int: a run-time loop, n a Python int in it
        y = ops.sin(y) + y * 0.5
        n = n // 2
    return ops.sum(y)


def while_with_branch(x):
    y = x
    while ops.sum(y) < 10.0:
        if ops.amax(y) > 2.0:
            y = y + 1.0
        else:
            y = y * 2.0
    return ops.sum(y * y)


def while_in_for(x):
    y = x
    for k in range(2):
        while ops.sum(y * y) < 4.0 * (k + 1):
            y = y * 1.5
        y = ops.sin(y)
    return ops.sum(y)


def while_with_counter(x, w):
    h = x
    step = 0
    while step < 4 and ops.sum(h * h) > 0.1:
        h = ops.tanh(h @ w)
        step += 1
    return ops.sum(h) + step * 0.1


# A while loop ended by a value or by a Tensor step count that only the condition reads.
def bounded_growth(x):
    y = x
    steps = ops.sum(x) * 0
    while ops.amax(y) < 4.0 and steps < 6:
        y = y * 1.3 + 0.1
        steps = steps + 1
    return ops.sum(y)


# A carried value that only the while condition reads (`delta`).
def fixed_point_while(x, w):
    z = ops.zeros_like(x)
    delta = ops.sum(x * x) + 1.0
    while delta > 1e-4:
        z_new = ops.tanh(z @ w + x)
        delta = ops.sum(ops.abs(z_new - z))
        z = z_new
    return ops.sum(z)


# ---------------------------------------------------------------- lists and dicts of Tensors
def containers(x, w):
    outs = []
    for k in range(3):
        outs.append(ops.sin(x * (k + 1)))
    named = {'a': outs[0], 'b': outs[2]}
    total = named.get('a') + named['b'] @ w
    for key, value in named.items():
        total = total + value
    return ops.sum(total)


def feature_dict(x, w):
    features = {}
    for name, fn in (('sin', ops.sin), ('cos', ops.cos), ('tanh', ops.tanh)):
        features[name] = fn(x @ w)
    total = features['sin'] * features['cos']
    for name, value in features.items():
        if name != 'sin':
            total = total + value
    return ops.sum(total) + len(features)


def stats(v):
    return {'mean': ops.mean(v), 'max': ops.amax(v), 'energy': ops.sum(v * v)}


def dict_returning_helper(x, w):
    s = stats(x @ w)
    score = 0.0
    for key in sorted(s):
        score = score + s[key]
    return score * s.get('mean', 1.0)


# ---------------------------------------------------------------- functions: nested defs, lambdas, closures, arguments
def local_functions(x, w):
    scale = 0.5

    def layer(v, bias=0.1):
        return ops.tanh(v @ w + bias) * scale
    square = lambda v: v * v  # noqa: E731
    return ops.sum(square(layer(layer(x), bias=-0.2)))


def keyword_and_star_args(x, w):
    def affine(v, *, weight, shift=0.0):
        return v @ weight + shift
    args = (x,)
    return ops.sum(ops.exp(affine(*args, weight=w, shift=-0.5)))


def make_affine(w, b):
    def affine(v):
        return v @ w + b
    return affine


def compose(f, g):
    return lambda v: f(g(v))


def closures(x, w, b):
    layer = make_affine(w, b)
    twice = compose(layer, layer)
    act = lambda v: ops.tanh(v) * 0.5  # noqa: E731
    return ops.sum(compose(act, twice)(x))


def lambda_list(x):
    steps = []
    for k in range(1, 4):
        steps.append(lambda v, k=k: v * k + ops.sin(v))
    y = x
    for f in steps:
        y = f(y) * 0.3
    return ops.sum(y)


def dense_block(x, *weights, activation=ops.tanh, residual=False, **options):
    h = x
    for w in weights:
        out = activation(h @ w)
        h = h + out if residual else out
    return h * options.get('scale', 1.0)


def varargs_and_kwargs(x, w1, w2):
    plain = dense_block(x, w1, w2)
    config = {'activation': ops.sigmoid, 'scale': 0.5}
    resid = dense_block(x, w2, residual=True, **config)
    return ops.sum(plain * resid)


def l2_norm(v):
    return ops.sqrt(ops.sum(v * v) + 1e-12)


def normalize(v):
    return v / l2_norm(v)


def cosine_similarity(a, b):
    return ops.sum(normalize(a) * normalize(b))


def helper_calls(a, b, w):
    return cosine_similarity(a @ w, b) + l2_norm(a - b)


FEATURE_SCALE = Tensor(np.array([1.0, 2.0, 0.5]), autograph.float64)
OFFSET = 0.25


def uses_globals(x):
    return ops.sum(ops.sin(x * FEATURE_SCALE + OFFSET))


@autograph.jit
def jitted_layer(x, w):
    return ops.tanh(x @ w)


def calls_jit(x, w):
    return ops.sum(jitted_layer(jitted_layer(x, w), w))


class Standardizer:
    """A plain Python object (not a Cell) holding statistics, with methods."""

    def __init__(self, mean, scale):
        self.mean = mean
        self.scale = scale

    def transform(self, x):
        return (x - self.mean) / self.scale

    def loss(self, x, w):
        return ops.sum(ops.tanh(self.transform(x) @ w) ** 2)


standardizer = Standardizer(Tensor(B3, autograph.float64), 1.5)


def user_object_methods(x, w):
    return standardizer.loss(x, w) + ops.sum(standardizer.transform(x))


def softplus_energy(w, x):
    return ops.sum(ops.log(1 + ops.exp(x @ w)))


energy_grad = autograph.grad(softplus_energy)
energy_value_and_grad = autograph.value_and_grad(softplus_energy)


def inner_gradient_step(w, x):
    g = energy_grad(w, x)   # a gradient inside the function: the outer gradient is of second order
    return softplus_energy(w - 0.5 * g, x)


def energy_with_gradient_norm(w, x):
    energy, g = energy_value_and_grad(w, x)
    return energy + ops.sum(g * g)


# Second-order gradients through a squared inner loss (`ops.tanh(x @ w) ** 2`).
def inner_loss(w, x):
    return ops.sum(ops.tanh(x @ w) ** 2)


inner_grad = autograph.grad(inner_loss)
inner_value_and_grad = autograph.value_and_grad(inner_loss)


def meta_learning_step(w, x):
    g = inner_grad(w, x)   # a gradient inside the function: the outer gradient is of second order
    return inner_loss(w - 0.5 * g, x)


def gradient_penalty(w, x):
    loss, g = inner_value_and_grad(w, x)
    return loss + ops.sum(g * g)


# `autograph.grad` called inside compiled code.
def meta_step_grad_inside(w, x):
    g = autograph.grad(inner_loss)(w, x)
    return inner_loss(w - 0.5 * g, x)


# ---------------------------------------------------------------- recursion with a compile-time depth
def power(x, n):
    if n == 0:
        return ops.ones_like(x)
    half = power(x, n // 2)
    return half * half if n % 2 == 0 else half * half * x


def recursive_power(x):
    return ops.sum(power(x, 5))


def tree_product(items):
    if len(items) == 1:
        return items[0]
    mid = len(items) // 2
    return tree_product(items[:mid]) * tree_product(items[mid:])


def recursive_tree_product(a, b):
    return ops.sum(tree_product((ops.sin(a), b, ops.cos(b), a * b, a + 1.0)))


# A recursion with a compile-time depth that returns early at each level on a Tensor condition.
def refine(x, depth):
    if depth == 0:
        return x
    if ops.sum(x * x) > 4.0:
        return x * 0.5
    return refine(ops.sin(x) + x, depth - 1)


def recursive_refine(x):
    return ops.sum(refine(x, 3))


# ---------------------------------------------------------------- assert and print
def checks_and_prints(x):
    assert x.shape[0] == 3, 'needs three values'
    y = ops.exp(x)
    assert ops.sum(y) > 0, 'exp is positive'
    return ops.sum(y * x)


def gaussian_log_likelihood(x, mu):
    assert x.ndim == 1, 'expects a vector'
    var = ops.mean((x - mu) ** 2)
    assert var > 0, 'the variance must be positive'
    return -0.5 * ops.sum((x - mu) ** 2) / var - 0.5 * x.shape[0] * ops.log(var)


# ---------------------------------------------------------------- Cells
class Stack(nn.Cell):
    def __init__(self):
        super().__init__()
        self.layers = nn.SequentialCell(nn.Dense(3, 3, weight_init=0.3), nn.Dense(3, 3, weight_init=-0.2))

    def construct(self, x):
        for i in range(len(self.layers)):
            x = ops.tanh(self.layers[i](x))
        return x


stack = Stack()


def cell_list_loop(x):
    return ops.sum(stack(x))


class ResidualBlock(nn.Cell):
    def __init__(self, weight, keep):
        super().__init__()
        self.dense = nn.Dense(3, 3, weight_init=weight, bias_init=0.1, dtype=autograph.float64)
        self.keep = keep

    def construct(self, x):
        h = ops.tanh(self.dense(x))
        if self.training:
            h = h * self.keep   # a deterministic stand-in for dropout
        return x + h


class ResidualMLP(nn.Cell):
    def __init__(self):
        super().__init__()
        self.body = nn.SequentialCell(ResidualBlock(W33, 0.9), ResidualBlock(U33, 0.8), nn.Sigmoid())
        self.head = nn.Dense(3, 1, weight_init=B3.reshape(1, 3), bias_init=0.0, dtype=autograph.float64)

    def construct(self, x):
        return self.head(self.body(x))


mlp_eval = ResidualMLP()
mlp_train = ResidualMLP().set_train()


def residual_mlp_eval(x):
    return ops.sum(mlp_eval(x))


def residual_mlp_train(x):
    return ops.sum(mlp_train(x))


class Tower(nn.Cell):
    def __init__(self):
        super().__init__()
        self.layers = nn.SequentialCell(*[nn.Dense(3, 3, weight_init=w, dtype=autograph.float64)
                                          for w in (W33, U33, M33 * 0.5)])
        self.gains = (0.5, 1.0, 2.0)

    def construct(self, x):
        for layer, gain in zip(self.layers, self.gains):
            x = ops.tanh(layer(x) * gain)
        return x


tower = Tower()


def tower_of_layers(x):
    return ops.sum(tower(x) ** 2)


class LSTMCell(nn.Cell):
    def __init__(self, n):
        super().__init__()
        self.n = n
        self.w = Parameter(Tensor(rng.uniform(-0.5, 0.5, (2 * n, 4 * n)), autograph.float64), name='w')
        self.b = Parameter(Tensor(rng.uniform(-0.1, 0.1, 4 * n), autograph.float64), name='b')

    def construct(self, x, h, c):
        n = self.n
        z = ops.concat((x, h)) @ self.w + self.b
        i, f, g, o = ops.sigmoid(z[:n]), ops.sigmoid(z[n:2 * n]), ops.tanh(z[2 * n:3 * n]), ops.sigmoid(z[3 * n:])
        c = f * c + i * g
        return o * ops.tanh(c), c


lstm = LSTMCell(3)


def lstm_sequence(xs, h0):
    h, c = h0, ops.zeros_like(h0)
    for x in xs:
        h, c = lstm(x, h, c)
    return ops.sum(h * h) + ops.mean(c)


# A tuple of Tensors as the state a run-time loop carries (`state = lstm(x, *state)`).
def lstm_tuple_state(xs, h0):
    state = (h0, ops.zeros_like(h0))
    for x in xs:
        state = lstm(x, *state)
    h, c = state
    return ops.sum(h * h) + ops.mean(c)


CORPUS = {
    # assignment and operators
    'unpacking_and_augmented': (unpacking_and_augmented, (V3, M33), (0, 1)),
    'arithmetic_operators': (arithmetic_operators, (V3, np.array([0.6, -0.3, 1.1])), (0, 1)),
    'mask_algebra': (mask_algebra, (np.array([0.3, -0.2, 0.8, -0.9, 0.1]),), (0,)),
    'huber_loss': (huber_loss, (np.array([0.1, 1.2, -0.4, 0.9]), np.array([0.3, 0.2, 0.5, 0.8])), (0, 1)),
    'row_max_pool': (row_max_pool, (M43,), (0,)),
    'slicing_forms': (slicing_forms, (M43,), (0,)),
    'embedding_lookup': (embedding_lookup, (M43, np.array([0, 2, 2, 1, 0]), M33), (0, 2)),
    'tensor_methods': (tensor_methods, (V3, M33), (0, 1)),
    'numpy_calls': (numpy_calls, (V3, M33), (0, 1)),
    # if / elif / else on Tensors
    'branch_on_sum': (branch_on_sum, (V3, M33), (0, 1)),
    'branch_on_sum_negative': (branch_on_sum, (-np.abs(V3), np.abs(M33)), (0, 1)),
    'branch_without_else': (branch_without_else, (V3,), (0,)),
    'branch_uses_outer_values': (branch_uses_outer_values, (V3, M33), (0, 1)),
    'nested_branches': (nested_branches, (V3,), (0,)),
    'nested_branches_negative': (nested_branches, (-np.abs(V3),), (0,)),
    'smooth_step_low': (smooth_step, (-V3 * 2,), (0,)),
    'smooth_step_middle': (smooth_step, (V3 * 0.5,), (0,)),
    'smooth_step_high': (smooth_step, (V3,), (0,)),
    'clip_by_global_norm_clipped': (clip_by_global_norm, (V3, M33), (0, 1)),
    'clip_by_global_norm_kept': (clip_by_global_norm, (V3 * 0.2, M33 * 0.2), (0, 1)),
    'clamp_activations': (clamp_activations, (V3, M33), (0, 1)),
    'boolean_logic_small': (boolean_logic, (np.array([0.2, 0.4, 0.3]),), (0,)),
    'boolean_logic_large': (boolean_logic, (np.array([1.2, 3.4, 1.3]),), (0,)),
    'conditional_expression_true': (conditional_expression, (np.abs(V3),), (0,)),
    'conditional_expression_false': (conditional_expression, (-np.abs(V3),), (0,)),
    'piecewise_energy_inner': (piecewise_energy, (V3 * 0.3,), (0,)),
    'piecewise_energy_middle': (piecewise_energy, (V3,), (0,)),
    'piecewise_energy_outer': (piecewise_energy, (V3 * 2.5,), (0,)),
    'learning_rate_schedule_high': (learning_rate_schedule, (V3, M33, -B3 * 5), (0, 1, 2)),
    'learning_rate_schedule_low': (learning_rate_schedule, (V3, M33, V3 @ M33 + 0.1), (0, 1, 2)),
    # return inside ifs on Tensors
    'early_return_first': (early_return, (np.abs(V3),), (0,)),
    'early_return_second': (early_return, (np.array([-3.0, 1.5, 1.2]),), (0,)),
    'early_return_last': (early_return, (-np.abs(V3),), (0,)),
    'loss_with_warning_large': (loss_with_warning, (V3 * 3, M33), (0, 1)),
    'loss_with_warning_small': (loss_with_warning, (V3, M33), (0, 1)),
    'band_pass_inside': (band_pass, (V3 * 0.5,), (0,)),
    'band_pass_outside': (band_pass, (V3 * 2.0,), (0,)),
    'early_exit_depths_deepest': (early_exit_depths, (np.array([1.3, -0.2, 0.4]),), (0,)),
    'early_exit_depths_middle': (early_exit_depths, (np.array([0.6, -0.2, 0.4]),), (0,)),
    'early_exit_depths_fall_through': (early_exit_depths, (np.array([0.1, -0.2, 0.4]),), (0,)),
    'early_exit_depths_else': (early_exit_depths, (np.array([-0.5, -0.2, 0.4]),), (0,)),
    # compile-time branches
    'shape_dispatch_vector': (shape_dispatch, (V3, M33), (0, 1)),
    'shape_dispatch_rows': (shape_dispatch, (M43, M33), (0, 1)),
    'shape_dispatch_columns': (shape_dispatch, (M43.T, M33), (0, 1)),
    'compile_time_logic': (compile_time_logic, (V3, M33, B3), (0, 1, 2)),
    'optional_bias': (optional_bias, (V3, M33, B3), (0, 1, 2)),
    'static_facts_of_tensors': (static_facts_of_tensors, (V3, M33), (0, 1)),
    # for over range: run-time loops
    'rnn': (rnn, (V3, M33, 4), (0, 1)),
    'accumulate_in_loop': (accumulate_in_loop, (V3, 3), (0,)),
    'loop_with_branch': (loop_with_branch, (V3, M33, 3), (0, 1)),
    'nested_loops': (nested_loops, (V3, 2, 3), (0,)),
    'loop_index_in_arithmetic': (loop_index_in_arithmetic, (V3, 3), (0,)),
    'newton_sqrt': (newton_sqrt, (POS3, 5), (0,)),
    'gradient_descent': (gradient_descent, (V3, SPD33, B3, 0.3, 8), (0, 1, 2)),
    'momentum_descent': (momentum_descent, (V3, B3, 0.2, 6), (0, 1)),
    'power_iteration': (power_iteration, (SPD33, V3, 6), (0, 1)),
    'cumulative_product': (cumulative_product, (M43 + 0.5,), (0,)),
    'discounted_return': (discounted_return, (SEQ53, K53, 0.9), (0, 1)),
    'iterative_shrinkage': (iterative_shrinkage, (np.array([0.9, -0.4, 0.1, 0.25, -0.05]), 3), (0,)),
    'layered_updates': (layered_updates, (V3, M33 - 0.9), (0, 1)),
    'guarded_newton': (guarded_newton, (POS3, 6), (0,)),
    'nested_loops_with_branch': (nested_loops_with_branch, (V3, M33 - 0.9), (0, 1)),
    'streaming_logsumexp': (streaming_logsumexp, (np.array([0.3, -0.2, 1.1, 0.7, 1.6, -0.4]),), (0,)),
    'loop_inside_branch': (loop_inside_branch, (V3, M33), (0, 1)),
    'loop_inside_branch_else': (loop_inside_branch, (-V3, M33), (0, 1)),
    'regression_with_logging': (regression_with_logging, (B3, M43, V3[[0, 1, 2, 0]], 0.1, 5), (0, 1, 2)),
    'lower_triangular_sum': (lower_triangular_sum, (M44,), (0,)),
    # subscript writes and masks
    'subscript_updates': (subscript_updates, (M43[:3, :2], V3[:2]), (0, 1)),
    'masked_softmax': (masked_softmax, (M44, np.triu(np.ones((4, 4)), 1) > 0, V54[:4]), (0, 2)),
    'relu_by_mask': (relu_by_mask, (M43, M33), (0, 1)),
    'rescale_rows': (rescale_rows, (M43, V3[[0, 1, 2, 0]] + 1.0), (0, 1)),
    'attention_rows_stacked': (attention_rows_stacked, (M43, K53, SEQ53), (0, 1, 2)),
    'column_scaling': (column_scaling, (M43, V3[[0, 1, 2, 0]]), (0, 1)),
    'masked_update': (masked_update, (M43, M33), (0, 1)),
    'prefix_sums': (prefix_sums, (M43,), (0,)),
    'column_mixing': (column_mixing, (M43, V3[[0, 1, 2, 0]]), (0, 1)),
    'matvec_by_hand': (matvec_by_hand, (M33, V3), (0, 1)),
    'attention_rows': (attention_rows, (M43, K53, SEQ53), (0, 1, 2)),
    'conditional_row_updates': (conditional_row_updates, (M43,), (0,)),
    # for over a Tensor's first axis
    'rnn_over_rows': (rnn_over_rows, (M43, M33), (0, 1)),
    'horner': (horner, (np.array([0.5, -1.0, 0.25, 2.0]), V3), (0, 1)),
    'leaky_rnn': (leaky_rnn, (SEQ53, M33 * 0.5), (0, 1)),
    'enumerate_rows': (enumerate_rows, (M43, M33), (0, 1)),
    'gru_sequence': (gru_sequence, (SEQ53, W63, U63, H63), (0, 1, 2, 3)),
    # unrolled loops
    'unrolled_over_tuple': (unrolled_over_tuple, (V3, M33), (0, 1)),
    'unrolled_with_break': (unrolled_with_break, (V3,), (0,)),
    'horner_constants': (horner_constants, (V3,), (0,)),
    'weighted_pairs': (weighted_pairs, (V3, B3, POS3), (0, 1, 2)),
    'skip_odd_steps': (skip_odd_steps, (V3,), (0,)),
    'range_loop_with_else': (range_loop_with_else, (V3,), (0,)),
    'search_with_else': (search_with_else, (V3,), (0,)),
    'multi_head_attention_split': (multi_head_attention_split, (M44, K54, V54), (0, 1, 2)),
    'ensemble_average': (ensemble_average, (V3, M33, W33, U33), (0, 1, 2, 3)),
    'multi_head_attention': (multi_head_attention, (M44, K54, V54), (0, 1, 2)),
    # while loops
    'while_doubling': (while_doubling, (np.abs(V3) + 0.5,), (0,)),
    'halve_until_small': (halve_until_small, (V3,), (0,)),
    'repeated_halving': (repeated_halving, (V3, 8), (0,)),
    'while_with_branch': (while_with_branch, (np.array([0.3, 0.2, 0.7]),), (0,)),
    'while_in_for': (while_in_for, (V3,), (0,)),
    'while_with_counter_by_count': (while_with_counter, (V3, M33 * 0.9), (0, 1)),
    'while_with_counter_by_value': (while_with_counter, (V3, M33 * 0.5), (0, 1)),
    'bounded_growth_by_value': (bounded_growth, (V3 * 2,), (0,)),
    'bounded_growth_by_count': (bounded_growth, (V3 * 0.1,), (0,)),
    'fixed_point_while': (fixed_point_while, (V3, M33 * 0.4), (0, 1)),
    # lists and dicts of Tensors
    'containers': (containers, (V3, M33), (0, 1)),
    'feature_dict': (feature_dict, (V3, M33), (0, 1)),
    'dict_returning_helper': (dict_returning_helper, (V3, M33), (0, 1)),
    # functions: nested defs, lambdas, closures, arguments
    'local_functions': (local_functions, (V3, M33), (0, 1)),
    'keyword_and_star_args': (keyword_and_star_args, (V3, M33), (0, 1)),
    'closures': (closures, (V3, W33, B3), (0, 1, 2)),
    'lambda_list': (lambda_list, (V3,), (0,)),
    'varargs_and_kwargs': (varargs_and_kwargs, (V3, W33, U33), (0, 1, 2)),
    'helper_calls': (helper_calls, (V3, B3, M33), (0, 1, 2)),
    'uses_globals': (uses_globals, (V3,), (0,)),
    'calls_jit': (calls_jit, (V3, M33), (0, 1)),
    'user_object_methods': (user_object_methods, (V3, M33), (0, 1)),
    'inner_gradient_step': (inner_gradient_step, (M33, V3), (0, 1)),
    'energy_with_gradient_norm': (energy_with_gradient_norm, (M33, V3), (0, 1)),
    'meta_learning_step': (meta_learning_step, (M33, V3), (0, 1)),
    'gradient_penalty': (gradient_penalty, (M33, V3), (0, 1)),
    'meta_step_grad_inside': (meta_step_grad_inside, (M33, V3), (0, 1)),
    # recursion with a compile-time depth
    'recursive_power': (recursive_power, (V3,), (0,)),
    'recursive_tree_product': (recursive_tree_product, (V3, B3), (0, 1)),
    'recursive_refine_all_levels': (recursive_refine, (V3 * 0.3,), (0,)),
    'recursive_refine_stops_early': (recursive_refine, (V3 * 2,), (0,)),
    # assert and print
    'checks_and_prints': (checks_and_prints, (V3,), (0,)),
    'gaussian_log_likelihood': (gaussian_log_likelihood, (V3, B3), (0, 1)),
    # Cells
    'cell_list_loop': (cell_list_loop, (V3,), (0,)),
    'residual_mlp_eval': (residual_mlp_eval, (V3,), (0,)),
    'residual_mlp_train': (residual_mlp_train, (V3,), (0,)),
    'tower_of_layers': (tower_of_layers, (V3,), (0,)),
    'lstm_sequence': (lstm_sequence, (SEQ53, B3), (0, 1)),
    'lstm_tuple_state': (lstm_tuple_state, (SEQ53, B3), (0, 1)),
}
