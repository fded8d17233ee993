"""Functions with control flow, each run three ways by test_control_flow.py: compiled against
plain Python on Tensors, gradients against central differences, source against a golden file.

Each entry: name -> (function, example float64 inputs, positions to differentiate)."""
import numpy as np

from autograph import nn, ops

rng = np.random.default_rng(7)
V3 = rng.uniform(-1, 1, 3)
M33 = np.eye(3) * 0.8 + rng.uniform(-0.2, 0.2, (3, 3))
M43 = rng.uniform(-1, 1, (4, 3))


def rnn(x, w, n):
    h = x
    for t in range(n):
        h = ops.tanh(h @ w)
    return ops.sum(h)


def rnn_over_rows(xs, w):
    h = ops.zeros_like(xs[0])
    for x in xs:
        h = ops.tanh(h @ w + x)
    return ops.sum(h * h)


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


def accumulate_in_loop(x, n):
    total = 0
    for i in range(n):
        total = total + x * (i + 1)
    return ops.sum(total * total)


def while_doubling(x):
    y = x
    while ops.sum(y * y) < 50:
        y = y * 1.5 + x
    return ops.sum(y)


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


def loop_index_in_arithmetic(x, n):
    y = x
    for i in range(n):
        y = y + ops.sin(y * i)
    return ops.sum(y)


def early_return(x):
    if ops.sum(x) > 0:
        return ops.sum(x * x)
    y = ops.exp(x)
    if ops.mean(y) > 2:
        return ops.sum(y)
    return ops.sum(-x)


def conditional_expression(x):
    s = ops.sum(x)
    return ops.sin(s) if s > 0 else ops.cos(s) * 2


def local_functions(x, w):
    scale = 0.5

    def layer(v, bias=0.1):
        return ops.tanh(v @ w + bias) * scale
    square = lambda v: v * v  # noqa: E731
    return ops.sum(square(layer(layer(x), bias=-0.2)))


def subscript_updates(x, v):
    y = x * 1.0
    y[0] = v
    y[:, 1] += v[0] * y[1, 0]
    return ops.sum(y * y)


def containers(x, w):
    outs = []
    for k in range(3):
        outs.append(ops.sin(x * (k + 1)))
    named = {'a': outs[0], 'b': outs[2]}
    total = named.get('a') + named['b'] @ w
    for key, value in named.items():
        total = total + value
    return ops.sum(total)


def keyword_and_star_args(x, w):
    def affine(v, *, weight, shift=0.0):
        return v @ weight + shift
    args = (x,)
    return ops.sum(ops.exp(affine(*args, weight=w, shift=-0.5)))


def checks_and_prints(x):
    assert x.shape[0] == 3, 'needs three values'
    y = ops.exp(x)
    assert ops.sum(y) > 0, 'exp is positive'
    return ops.sum(y * x)


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


CORPUS = {
    'rnn': (rnn, (V3, M33, 4), (0, 1)),
    'rnn_over_rows': (rnn_over_rows, (M43, M33), (0, 1)),
    'branch_on_sum': (branch_on_sum, (V3, M33), (0, 1)),
    'branch_on_sum_negative': (branch_on_sum, (-np.abs(V3), np.abs(M33)), (0, 1)),
    'branch_without_else': (branch_without_else, (V3,), (0,)),
    'branch_uses_outer_values': (branch_uses_outer_values, (V3, M33), (0, 1)),
    'nested_branches': (nested_branches, (V3,), (0,)),
    'nested_branches_negative': (nested_branches, (-np.abs(V3),), (0,)),
    'accumulate_in_loop': (accumulate_in_loop, (V3, 3), (0,)),
    'while_doubling': (while_doubling, (np.abs(V3) + 0.5,), (0,)),
    'loop_with_branch': (loop_with_branch, (V3, M33, 3), (0, 1)),
    'nested_loops': (nested_loops, (V3, 2, 3), (0,)),
    'unrolled_over_tuple': (unrolled_over_tuple, (V3, M33), (0, 1)),
    'unrolled_with_break': (unrolled_with_break, (V3,), (0,)),
    'loop_index_in_arithmetic': (loop_index_in_arithmetic, (V3, 3), (0,)),
    'cell_list_loop': (cell_list_loop, (V3,), (0,)),
    'early_return_first': (early_return, (np.abs(V3),), (0,)),
    'early_return_second': (early_return, (np.array([-3.0, 1.5, 1.2]),), (0,)),
    'early_return_last': (early_return, (-np.abs(V3),), (0,)),
    'conditional_expression_true': (conditional_expression, (np.abs(V3),), (0,)),
    'conditional_expression_false': (conditional_expression, (-np.abs(V3),), (0,)),
    'local_functions': (local_functions, (V3, M33), (0, 1)),
    'subscript_updates': (subscript_updates, (M43[:3, :2], V3[:2]), (0, 1)),
    'containers': (containers, (V3, M33), (0, 1)),
    'keyword_and_star_args': (keyword_and_star_args, (V3, M33), (0, 1)),
    'checks_and_prints': (checks_and_prints, (V3,), (0,)),
    'boolean_logic_small': (boolean_logic, (np.array([0.2, 0.4, 0.3]),), (0,)),
    'boolean_logic_large': (boolean_logic, (np.array([1.2, 3.4, 1.3]),), (0,)),
}
