"""Every combination of break, continue and return in two nested run-time loops (for over a
Tensor's rows, for over a range, while on a Tensor), compiled against plain Python on Tensors at
inputs that take different exits, and gradients against central differences.

A loop's exits are flags the compiler carries (frontend/exits.py); each loop must have its own,
or an inner loop's counter and break flag overwrite the outer loop's (a wrong value, or a loop
that never ends)."""
import importlib.util
import itertools

import numpy as np
import pytest

import autograph
from autograph import Tensor
from tests.numerics import central_difference_at

EXITS = ('none', 'break', 'continue', 'return')
# (header, first line of the body, what a run-time loop needs before it)
LOOPS = {
    'rows': ('for w in ws:', 'y = y * w + 0.5', None),
    'range': ('for j in range(n):', 'y = y * 0.5 + 1.0', None),
    'while': ('while {k} < 3.0:', '{k} = {k} + 1.0', '{k} = ops.sum(y) * 0.0'),   # {k}: its counter
}
EXIT_LINES = {'break': 'break', 'continue': 'continue', 'return': 'return ops.sum(y * y) * 3.0',
              'none': 'y = y - 0.125'}


def program(name, outer, inner, outer_exit, inner_exit, in_else, in_loop_else=False):
    """Source of one function: the inner loop's exit under a Tensor condition (in its `else`
    branch when `in_else`), the outer loop's exit after the inner loop, or in the inner loop's
    `else` clause when `in_loop_else` (an exit there belongs to the outer loop, and runs only
    when the inner loop did not break)."""
    def loop(kind, indent, body):
        counter = 'k' if indent == 4 else 'm'
        header, first, before = (line and line.format(k=counter) for line in LOOPS[kind])
        pad = ' ' * indent
        lines = [pad + before] if before else []
        lines += [pad + header, pad + '    ' + first]
        if kind == 'while':   # the body of a while moves y too, after its counter
            lines.append(pad + '    y = y * 0.75 + 0.25')
        return lines + body
    condition = 'if ops.sum(y) > 2.5:'
    inner_body = ([' ' * 12 + condition, ' ' * 16 + 'y = y + 0.5', ' ' * 12 + 'else:',
                   ' ' * 16 + EXIT_LINES[inner_exit]] if in_else else
                  [' ' * 12 + condition, ' ' * 16 + EXIT_LINES[inner_exit]])
    inner_body.append(' ' * 12 + 'y = y * 1.25')
    outer_exit_lines = [' ' * 8 + 'if ops.sum(y * y) > 9.0:', ' ' * 12 + EXIT_LINES[outer_exit]]
    if in_loop_else:
        outer_exit_lines = [' ' * 8 + 'else:'] + ['    ' + line for line in outer_exit_lines]
    outer_body = loop(inner, 8, inner_body) + outer_exit_lines + [' ' * 8 + 'y = y - 0.25']
    lines = [f'def {name}(y, ws, n):'] + loop(outer, 4, outer_body) + ['    return ops.sum(y)']
    return '\n'.join(lines)


def cases():
    for outer, inner in itertools.product(LOOPS, LOOPS):
        for outer_exit, inner_exit in itertools.product(EXITS, EXITS):
            for in_else in (False, True) if inner_exit != 'none' else (False,):
                yield f'{outer}_{outer_exit}__{inner}_{inner_exit}{"_else" if in_else else ""}', \
                    (outer, inner, outer_exit, inner_exit, in_else)
    for outer, inner in itertools.product(LOOPS, LOOPS):     # the outer loop's exit in the inner loop's else
        for outer_exit, inner_exit in itertools.product(EXITS[1:], ('none', 'break')):
            yield f'{outer}_{outer_exit}__{inner}_{inner_exit}_loop_else', \
                (outer, inner, outer_exit, inner_exit, False, True)


CASES = dict(cases())


@pytest.fixture(scope='module')
def programs(tmp_path_factory):
    path = tmp_path_factory.mktemp('nested') / 'nested_exit_programs.py'
    path.write_text('from autograph import ops\n\n\n' +
                    '\n\n\n'.join(program(name, *spec) for name, spec in CASES.items()) + '\n')
    spec = importlib.util.spec_from_file_location('nested_exit_programs', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Starting points that take different exits (first iteration, later, never).
STARTS = [np.array([0.0, 0.5]), np.array([1.2, 0.9]), np.array([-2.0, 0.3]), np.array([0.1, -0.2])]
WS = np.array([[0.9, 1.1], [1.3, 0.7], [0.8, 1.05]])
N = Tensor(np.array(2))   # a run-time loop bound


def eager(fn, y):
    return float(fn(Tensor(y), Tensor(WS), N))


def test_the_cases_cover_every_combination():
    assert len(CASES) == 9 * (4 + 12 * 2) + 9 * 3 * 2


@pytest.mark.parametrize('name', sorted(CASES))
def test_compiled_equals_python(programs, name):
    fn = getattr(programs, name)
    compiled = autograph.jit(fn)
    for y in STARTS:
        np.testing.assert_allclose(float(compiled(Tensor(y), Tensor(WS), N)), eager(fn, y), rtol=1e-12,
                                   err_msg=f'{name} at y={y}')


@pytest.mark.parametrize('name', sorted(CASES))
def test_gradient_equals_finite_differences(programs, name):
    fn = getattr(programs, name)
    grad = autograph.grad(fn, (0, 1))
    for y in STARTS:
        dy, dws = grad(Tensor(y), Tensor(WS), N)
        want = central_difference_at(lambda y, ws, n: float(fn(Tensor(y), Tensor(ws), n)), [y, WS, N], (0, 1))
        np.testing.assert_allclose(dy.asnumpy(), want[0], rtol=1e-6, atol=1e-7, err_msg=f'{name} at y={y}')
        np.testing.assert_allclose(dws.asnumpy(), want[1], rtol=1e-6, atol=1e-7, err_msg=f'{name} at y={y}')
