"""Which loops over compile-time values the compiler runs itself (unrolls), and which stay loops
in the generated code.

- `for` over a tuple, list, zip or dict: unrolled (`loops.unrolled_loop`).
- `for` over a range whose bounds are known at compile time: a run-time loop, as over a run-time
  range, unless its body needs the index at compile time (`self.layers[i]`,
  `x[:, i * d:(i + 1) * d]`, a list it grows): then unrolled. A short one with break or continue
  is unrolled first, since they may be decided at compile time. When the unrolled body also has
  an exit under a Tensor condition, it is unrolled with the exit's flags.
- `while` whose test is a Python value:
  1. While the body does only Python work (it makes no Tensor op), the compiler runs it, for at
     most `PYTHON_STEPS` iterations: a loop that computes a size or a count leaves nothing in
     the generated code.
  2. Otherwise it becomes a run-time `while`, as a range does: the Python numbers it carries
     become numbers known at run time (weakly typed), and so its test becomes one too.
  3. A body that needs values known at compile time is unrolled, within `UNROLL_BUDGET`
     statements lowered (iterations times the statements of the body); exits under Tensor
     conditions take flags. Past the budget, a CompileError says why the loop could not stay a
     loop.
So no loop is unrolled without a bound, and no loop that can stay a loop is refused for its
length. A loop known to run at least once (a non-empty compile-time range, a while whose test
held) defines after it what its body assigns, as Python does.
"""
import gast

from ..errors import CompileError, NotStatic
from ..ir import Value
from . import exits, loops
from .control import LoopExit
from .exits import Break, Continue

PYTHON_STEPS = 100_000      # iterations of a while loop doing only Python work, run while compiling
UNROLL_BUDGET = 100_000     # statements lowered in unrolling a while loop that must be unrolled
SHORT_LOOP = 16             # a compile-time range this short with break/continue is unrolled first


def range_loop(frame, stmt, bounds):
    """`for` over `range(*bounds)`, the bounds known at compile time."""
    count = len(range(*bounds))

    def runtime():
        return loops.lower_for_range(frame, stmt, bounds, runs_once=count > 0)

    def unrolled():
        return frame.unrolled(stmt, bounds)
    order = [runtime, unrolled]
    if exits.has_exit(stmt.body) and count <= SHORT_LOOP:
        order.reverse()
    failed = {}
    for way in order:
        attempt = loops.Attempt(frame)
        try:
            return way()
        except NotStatic as e:
            attempt.forget()
            failed[way] = e
    if isinstance(failed[unrolled], LoopExit):
        # the body needs the index at compile time, and its exits depend on Tensors
        return loops.unrolled_loop(frame, stmt, range(*bounds))
    raise failed[unrolled]


def while_loop(frame, stmt, test):
    """`while` whose test (`test`, its value now) is a Python value."""
    attempt = loops.Attempt(frame)
    ran = _run_python(frame, stmt, test)
    if ran:
        return None
    attempt.forget()
    try:
        return loops.lower_while(frame, stmt, runs_once=True)
    except NotStatic as e:
        reason = e
        attempt.forget()
    if ran is None:
        raise CompileError(f"this while loop ran {PYTHON_STEPS:,} times while compiling without ending, "
                           f"and it cannot be a loop in the generated code: {_why(reason)}")
    try:
        return _unrolled(frame, stmt, reason)
    except LoopExit as exit:
        if _in_else_clause(frame, stmt, exit):
            raise     # an exit of the enclosing loop: that loop takes flags for it
        # Unrolled with flags, each iteration would run under `if not #broke`: what the body
        # sets there (its counter) becomes a run-time value, and so would the condition.
        raise CompileError(
            f"this while loop must be unrolled, as it cannot be a loop in the generated code "
            f"({_why(reason)}), and it also has {_exit_kind(exit)} under a Tensor condition "
            f"(line {(exit.loc or frame.parsed.loc(stmt)).lineno}), which needs its course decided at run "
            "time; write it as a for loop over a range known at compile time, which is unrolled with "
            "such exits") from None


def _run_python(frame, stmt, test):
    """Run the loop while it does only Python work: True when it ended so; False when an
    iteration made a Tensor op (or met something that needs one); None after PYTHON_STEPS."""
    builder = frame.lowering.builder
    start = len(builder.ops)
    for _ in range(PYTHON_STEPS):
        if isinstance(test, Value) or len(builder.ops) > start:
            return False
        if not test:
            frame.run(stmt.orelse)
            return True
        try:
            frame.run(stmt.body)
        except Continue:
            pass
        except Break:
            return True
        except NotStatic:
            return False
        test = frame.expr(stmt.test)
    return None


def _unrolled(frame, stmt, reason):
    """The loop unrolled, within the budget (its exits decided at compile time)."""
    for _ in _steps(frame, stmt, reason):
        try:
            frame.run(stmt.body)
        except Continue:
            continue
        except Break:
            return None
    frame.run(stmt.orelse)
    return None


def _steps(frame, stmt, reason):
    """Yields once per iteration of the unrolled loop, while its test holds."""
    size = _size(stmt.body)
    steps = 0
    while True:
        test = frame.expr(stmt.test)
        if isinstance(test, Value):
            raise CompileError(
                f"this while condition became a Tensor after {steps} iterations (it reads a value set "
                f"under a Tensor condition), and the loop cannot be a run-time loop: {_why(reason)}")
        if not test:
            return
        steps += 1
        if steps * size > UNROLL_BUDGET:
            raise CompileError(
                f"this while loop must be unrolled, and after {steps - 1:,} iterations of {size} statements it "
                f"is past the compiler's budget of {UNROLL_BUDGET:,} statements; it cannot be a loop in the "
                f"generated code: {_why(reason)}")
        yield


def _in_else_clause(frame, stmt, exit):
    """Whether `exit` (a LoopExit) is at a break, continue or return in the loop's else clause."""
    if exit.loc is None or not stmt.orelse:
        return False
    first = frame.parsed.loc(stmt.orelse[0]).lineno
    last = max(frame.parsed.loc(node).lineno for s in stmt.orelse for node in gast.walk(s)
               if isinstance(node, gast.stmt))
    return first <= exit.loc.lineno <= last


def _exit_kind(exit):
    return 'a return' if exit.message.startswith('return') else 'a break or continue'


def _size(statements):
    return sum(1 for stmt in statements for node in gast.walk(stmt) if isinstance(node, gast.stmt))


def _why(error):
    """A refusal's message (with its line, when it is not the loop's own) as the reason given."""
    if error.loc is None:
        return error.message
    return f"{error.message} (line {error.loc.lineno})"
