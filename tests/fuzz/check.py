"""The fuzzer's oracle: one generated program, compiled and differentiated by autograph, against
plain Python on Tensors (eager execution) and central finite differences.

`check(program, directory)` returns an Outcome whose `status` is one of
- 'ok': compiled values equal eager ones (rtol 1e-9 in float64) and gradients equal differences;
- 'refused': a `CompileError` located in the generated file (its name and a line of it), with no
  internal name in its message; `key` groups refusals by message;
- 'skipped_kink': the differences at two step sizes disagree (a branch decision, a loop's trip
  count or a kink lies within the steps), so they cannot judge the gradient;
- 'skipped_overflow': eager values overflow or grow past 1e6;
- 'wrong_value', 'wrong_gradient', 'crash' (any other exception, or a CompileError without a
  place or with an internal name in its message), 'hang' (past the time limit), 'invalid' (eager
  execution itself failed: a generator bug, or a bug of the eager ops): failures.
Every failure's `detail` holds the program's source.
"""
import importlib.util
import itertools
import re
import signal
import sys
import traceback
import warnings
from dataclasses import dataclass

import numpy as np

import autograph
from autograph import Tensor
from autograph.frontend.parse import _CACHE as parse_cache
from tests.fuzz.ireval import evaluate_entry
from tests.numerics import central_difference_at

FAILURES = ('wrong_value', 'wrong_gradient', 'crash', 'hang', 'invalid')
VALUE_RTOL = 1e-9
STEPS = (1e-6, 4e-6)      # finite-difference steps: they must agree for the gradient to be judged
GRAD_RTOL = 1e-6
LARGE = 1e6
_modules = itertools.count()


@dataclass
class Outcome:
    status: str
    stage: str = ''           # eager, jit, grad, differences
    key: str = ''             # refusals: the message without places and names
    detail: str = ''
    culprit: str = ''         # failures: 'codegen' when the IR is right and the generated code is not

    @property
    def failed(self):
        return self.status in FAILURES


class Timeout(BaseException):
    """Raised by the alarm (a BaseException, so no `except Exception` in the compiler eats it)."""


def _alarm(signum, frame):
    raise Timeout()


def load(program, directory):
    """Write the program into a real file of `directory` and import it (inspect.getsource and
    linecache then work as for any user module). Returns (module, path)."""
    name = f'fuzz_program_{next(_modules)}'
    path = directory / f'{name}.py'
    path.write_text(program.source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def tensor_args(args):
    return [Tensor(a) if isinstance(a, np.ndarray) else a for a in args]


def leaves(out):
    if isinstance(out, (tuple, list)):
        return [leaf for item in out for leaf in leaves(item)]
    return [np.asarray(out.asnumpy() if isinstance(out, Tensor) else out)]


def _tree(out):
    if isinstance(out, (tuple, list)):
        return [leaf for item in out for leaf in _tree(item)]
    return [out]


def scalar_output(fn):
    """The sum of all of fn's outputs (what grad differentiates: each output seeded with ones),
    evaluated eagerly on float64 arrays."""
    def total(*args):
        return float(sum(np.sum(leaf) for leaf in leaves(fn(*tensor_args(args)))))
    return total


INTERNAL = re.compile(r"#|@|%\d|\$|\b__\w+|\bag__|\b\w+_\d+\b|<locals>|\bSSA\b|\bValue\(|\bop\d+\b")


def refusal(err, path, program, stage):
    """A CompileError: acceptable (refused) when located in the generated file, else a crash."""
    text = str(err)
    lines = program.source.count('\n')
    m = re.search(r'File "([^"]+)", line (\d+)', text)
    first = text.split('\n')[0]
    message = first.split(': ', 1)[1] if m and ': ' in first else first
    if not m or m.group(1) != str(path) or not 1 <= int(m.group(2)) <= lines:
        return Outcome('crash', stage, detail=f'CompileError without a place in {path.name}:\n{text}')
    if INTERNAL.search(message):
        return Outcome('crash', stage, detail=f'CompileError with an internal name:\n{text}')
    key = re.sub(r"\b(?:[vxbtlmkjircesgh]\d+|alpha|n|a\d|p\d|K\d+)\b", '<name>', message)
    key = re.sub(r'-?\d+(\.\d+)?', '<num>', key)
    return Outcome('refused', stage, key=f'{stage}: {key}', detail=text)


def check(program, directory, timeout=30.0, full_differences=False):
    """Run one program; see the module docstring. `full_differences` compares every gradient
    element (slower) instead of random directions."""
    # frontend/parse.py caches parsed functions by code object, and code objects compare equal
    # across files: a program identical to an earlier one would get the earlier file's places.
    parse_cache.clear()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    stage = 'load'
    try:
        module, path = load(program, directory)
        try:
            with np.errstate(all='ignore'), warnings.catch_warnings():
                warnings.simplefilter('ignore', RuntimeWarning)
                return _check(program, module, path, full_differences)
        finally:
            sys.modules.pop(module.__name__, None)
    except Timeout:
        return Outcome('hang', stage, detail=f'no result after {timeout} s')
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check(program, module, path, full_differences):
    fn = module.f
    args = tensor_args(program.args)
    # eager
    try:
        raw = fn(*args)
    except Exception:
        return Outcome('invalid', 'eager', detail=traceback.format_exc())
    if not all(isinstance(leaf, Tensor) for leaf in _tree(raw)):
        return Outcome('invalid', 'eager', detail=f'eager results are not all Tensors: {raw!r}')
    want = leaves(raw)
    if not all(w.dtype == np.float64 for w in want):
        return Outcome('invalid', 'eager', detail=f'eager results of dtypes {[w.dtype for w in want]}')
    shapes = tuple(w.shape for w in want)
    if program.returns is not None and shapes != program.returns:
        return Outcome('invalid', 'eager', detail=f'eager result shapes {shapes}, generator meant '
                       f'{program.returns}')
    if not all(np.all(np.isfinite(w)) for w in want) or max(np.max(np.abs(w), initial=0)
                                                             for w in want) > LARGE:
        return Outcome('skipped_overflow', 'eager')
    # compiled values
    jitted = autograph.jit(fn)
    try:
        got = leaves(jitted(*args))
    except autograph.CompileError as err:
        return refusal(err, path, program, 'jit')
    except Timeout:
        raise
    except BaseException:
        return _crash('jit')
    if len(got) != len(want) or any(g.shape != w.shape for g, w in zip(got, want)):
        return Outcome('wrong_value', 'jit', detail=f'shapes {[g.shape for g in got]}, '
                       f'eager gives {[w.shape for w in want]}')
    scale = max(1.0, max(np.max(np.abs(w), initial=0) for w in want))
    for k, (g, w) in enumerate(zip(got, want)):
        if not np.allclose(g, w, rtol=VALUE_RTOL, atol=VALUE_RTOL * scale):
            ir = _ir_values(jitted, args)
            right = ir is not None and len(ir) == len(want) and all(
                np.allclose(i, w, rtol=VALUE_RTOL, atol=VALUE_RTOL * scale) for i, w in zip(ir, want))
            return Outcome('wrong_value', 'jit', culprit='codegen' if right else '',
                           detail=f'output {k}: compiled\n{g}\neager\n{w}\n' + (
                               'the optimised IR evaluates to the eager values: code generation '
                               'is wrong' if right else f'the optimised IR evaluates to\n{ir}'))
    # gradients
    positions = program.positions
    grad_fn = autograph.grad(fn, positions if len(positions) > 1 else positions[0])
    try:
        grads = grad_fn(*args)
    except autograph.CompileError as err:
        return refusal(err, path, program, 'grad')
    except Timeout:
        raise
    except BaseException:
        return _crash('grad')
    grads = list(grads) if len(positions) > 1 else [grads]
    grads = [np.asarray(g.asnumpy() if isinstance(g, Tensor) else g) for g in grads]
    for p, g in zip(positions, grads):
        if g.shape != program.args[p].shape:
            return Outcome('wrong_gradient', 'grad', detail=f'gradient {p} has shape {g.shape}, '
                           f'argument {program.args[p].shape}')
    try:
        outcome = _compare_gradients(program, fn, grads, full_differences)
    except Timeout:
        raise
    except Exception:
        return Outcome('invalid', 'differences', detail=traceback.format_exc())
    if outcome.status == 'wrong_gradient':
        ir = _ir_values(grad_fn, args)
        if ir is not None and len(ir) == len(grads) and not all(
                np.allclose(i, g, rtol=1e-9, atol=1e-12) for i, g in zip(ir, grads)):
            outcome.culprit = 'codegen'
            outcome.detail += ('\nthe optimised IR of the gradient evaluates to other values than '
                               f'the generated code:\n{ir}')
    return outcome


def _ir_values(compiled, args):
    """The leaves of what the last compilation's optimised IR evaluates to, or None."""
    try:
        return leaves(evaluate_entry(compiled.last, args))
    except Exception:
        return None


def _crash(stage):
    text = traceback.format_exc()
    frames = re.findall(r'File "([^"]+)"', text)
    culprit = 'codegen' if frames and '/autograph/codegen/' in frames[-1] else ''
    return Outcome('crash', stage, detail=text, culprit=culprit)


def _compare_gradients(program, fn, grads, full_differences):
    total = scalar_output(fn)
    base = [a.copy() if isinstance(a, np.ndarray) else a for a in program.args]
    value = abs(total(*base))
    noise = 1e-9 * max(1.0, value)      # rounding of f, amplified through the program
    if full_differences:
        return _elementwise(program, total, grads, noise)
    rng = np.random.default_rng(0)
    for _ in range(2):
        direction = {p: rng.standard_normal(program.args[p].shape) for p in program.positions}

        def along(h):   # np.asarray: a 0-d array plus a number is a NumPy scalar
            plus = [np.asarray(a + h * direction[k]) if k in direction else a for k, a in enumerate(base)]
            minus = [np.asarray(a - h * direction[k]) if k in direction else a for k, a in enumerate(base)]
            return (total(*plus) - total(*minus)) / (2 * h)
        d1, d2 = (along(h) for h in STEPS)
        exact = sum(float(np.sum(g * direction[p])) for p, g in zip(program.positions, grads))
        size = max(1.0, abs(d1), sum(float(np.sum(np.abs(g * direction[p])))
                                     for p, g in zip(program.positions, grads)))
        tol = GRAD_RTOL * size + noise / STEPS[0]
        if abs(d1 - d2) > tol:
            return Outcome('skipped_kink', 'differences')
        if abs(exact - d1) > tol:
            # confirm element by element, and say where
            return _elementwise(program, total, grads, noise)
    return Outcome('ok')


def _elementwise(program, total, grads, noise):
    fds = [central_difference_at(total, program.args, program.positions, eps=h) for h in STEPS]
    report = []
    for p, g, fd1, fd2 in zip(program.positions, grads, *fds):
        size = max(1.0, np.max(np.abs(fd1), initial=0))
        tol = GRAD_RTOL * size + noise / STEPS[0]
        if np.max(np.abs(fd1 - fd2), initial=0) > tol:
            return Outcome('skipped_kink', 'differences')
        if np.max(np.abs(g - fd1), initial=0) > tol:
            report.append(f'argument {p}: gradient\n{g}\ncentral differences\n{fd1}')
    if report:
        return Outcome('wrong_gradient', 'grad', detail='\n'.join(report))
    return Outcome('ok')
