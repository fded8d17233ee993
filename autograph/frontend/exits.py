"""How `return`, `break` and `continue` leave what is being lowered.

Where the compiler runs the code's course itself (a function's statements, an unrolled loop),
they are the exceptions `Return`, `Break` and `Continue`, caught by the call or loop they leave.
In loops over run-time values they become flags, by rewriting the loop's AST.

A run-time loop's body is compiled once, so it cannot stop half way. As AutoGraph and Tangent do,
the body is rewritten to set flags instead, and the statements after an exit run only while the
flags are down:

    for i in range(n):                 #i = 0
        a = f(a)                       while #i < n and not #broke:
        if g(a) > 1:                       i = #i
            break                          #skip = False
        a = h(a)                           a = f(a)
                                           if g(a) > 1:
                                               #broke = True
                                           if not (#broke or #skip):
                                               a = h(a)
                                           #i = #i + 1

A name first assigned after an exit, or in the branch of an `if` whose other branch exits, has
a value only where the flags are down; where they are up nothing reads it (everything after is
guarded too). So the branch that raises a flag (or the guard's empty one) gives it zeros, and
the name stays defined after the `if`, as it is in Python on every path that reaches a use: the
rewritten `if` says which of its branches always exit (`exits`, read by control.lower_if), and
whose flags they raise (`loop`): a branch that raised one to the constant True when compiling
(under a condition known then) exits too. When every branch of an `if` exits, `#skip` is True
after it, so that the guard of what follows is known false and that dead code is not lowered
(it may read names only the exits left undefined, as Python never runs it).

The flags are names no user code can write (they start with '#'), bound to 0-d bool Tensors
before the loop, so they are loop-carried values like any other. Each loop has its own (see
`flag`). Generated code calls them `broke`, `skip` and `i`.

`return` inside a loop sets `#returned` and `#value` and breaks out; the function continues with
`if #returned: return #value` after the loop. A `return` in a loop nested in the loop sets the
outer loop's flags and breaks out of each loop in between.
"""
import contextlib
import copy

import gast
import numpy as np

from runtime import ops


class Return(Exception):
    """Carries a `return` value out of nested statement lists to the call being lowered."""

    def __init__(self, value):
        self.value = value


class Break(Exception):
    """`break` met while lowering: the unrolled loop it belongs to stops there. (A branch or a
    loop over run-time values cannot stop half way: see control.LoopExit.)"""

    def __init__(self, loc=None):
        self.loc = loc


class Continue(Break):
    """`continue` met while lowering: the unrolled loop goes on with its next item."""


BROKE, SKIP, INDEX, STOP, SEQUENCE = '#broke', '#skip', '#i', '#stop', '#sequence'
RETURNED, VALUE = '#returned', '#value'
FALSE = '#false'    # one constant all loops share: nothing ever assigns it


def flag(kind, loop):
    """The name of one of `loop`'s hidden variables. Each loop has its own (`#broke@12:8`, named
    after where the loop starts), so a loop nested in another never overwrites the outer loop's
    flags or index: with one set of names, the outer loop would carry on from the inner loop's
    counter. Generated code shows them as `broke`, `skip`, `i` (see `display_name`)."""
    return f'{kind}@{loop.lineno}:{loop.col_offset}'


def display_name(name):
    """What generated code calls a variable: the compiler's own start with '#' and may end
    with the '@line:col' of their loop."""
    return name.lstrip('#').split('@')[0]


def has_exit(statements):
    """Whether `break` or `continue` belongs to this loop (not to a loop nested in it), or a
    `return` leaves it (from any depth of nested loops)."""
    for stmt in statements:
        if isinstance(stmt, (gast.Break, gast.Continue, gast.Return)):
            return True
        if isinstance(stmt, gast.If) and (has_exit(stmt.body) or has_exit(stmt.orelse)):
            return True
        if _is_loop(stmt) and _exits_through(stmt):
            return True
    return False


def _exits_through(inner):
    """Whether a loop nested in another leaves the outer one: by a `return` anywhere in it, or
    by a `break`/`continue` in its `else` clause, which runs after it and belongs to the outer loop."""
    return has_return(inner.body) or has_exit(inner.orelse)


def has_return(statements):
    """Whether a `return` is among these statements, in ifs and loops (not nested functions)."""
    for stmt in statements:
        if isinstance(stmt, gast.Return):
            return True
        if isinstance(stmt, gast.If) and (has_return(stmt.body) or has_return(stmt.orelse)):
            return True
        if _is_loop(stmt) and has_return(stmt.body + stmt.orelse):
            return True
    return False


def _is_loop(stmt):
    return isinstance(stmt, (gast.For, gast.While))


def flags(frame, loop, returns=False):
    """Bind `loop`'s flags to False before it (as Tensors: a branch may raise them). A loop
    that returns also carries the returned value, a number until the body shows its shape."""
    frame.locals[FALSE] = ops.full((), False, bool)
    frame.locals[flag(BROKE, loop)] = frame.locals[flag(SKIP, loop)] = frame.locals[FALSE]
    if returns:
        frame.locals[flag(RETURNED, loop)] = frame.locals[FALSE]
        frame.locals[flag(VALUE, loop)] = 0.0


@contextlib.contextmanager
def scope(frame, loop):
    """While a loop with exits is lowered: the names and containers there are before it. What a
    branch that leaves the loop does to anything else is never read (see control.lower_if)."""
    scopes = getattr(frame.lowering, 'exit_scopes', None)
    if scopes is None:
        scopes = frame.lowering.exit_scopes = {}
    scopes.setdefault(id(loop), []).append(
        (set(frame.locals), {id(v) for v in frame.locals.values() if isinstance(v, (list, dict))}))
    try:
        yield
    finally:
        scopes[id(loop)].pop()


def iteration_local(frame, loop, name, obj=None):
    """Whether a name (or a container) is made inside this iteration of `loop`: not there before
    the loop, so nothing reads it after a branch that leaves the loop."""
    scopes = getattr(frame.lowering, 'exit_scopes', {}).get(id(loop))
    if not scopes:
        return False
    names, containers = scopes[-1]
    if obj is not None:
        return id(obj) not in containers
    return not name.startswith('#') and name not in names



def known_false(value):
    """Whether a flag is one of the constants False that `flags` binds (a loop's `#returned`
    after it, when its returns were never compiled)."""
    op = getattr(value, 'op', None)
    return op is not None and op.prim.name == 'full' and op.params.get('shape') == () and \
        op.params.get('fill_value') is False and op.params.get('dtype') == np.dtype(bool)


def after_return(loop):
    """What follows a loop that may return: `if #returned: return #value`."""
    return at(gast.If(test=_name(flag(RETURNED, loop), loop),
                      body=[at(gast.Return(value=_name(flag(VALUE, loop), loop)), loop)], orelse=[]), loop)


def reset_skip(loop):
    """`#skip = #false` at the start of each iteration."""
    return at(gast.Assign(targets=[_store(flag(SKIP, loop), loop)], value=_name(FALSE, loop),
                          type_comment=None), loop)


def rewrite_body(statements, loop):
    """`loop`'s body with exits turned into its flags, and what follows an exit guarded by them."""
    out = []
    for index, stmt in enumerate(statements):
        out.append(_rewrite(stmt, loop))
        if _may_exit(stmt):
            rest = rewrite_body(statements[index + 1:], loop)
            if rest:
                test = _not(_either(flag(BROKE, loop), flag(SKIP, loop), stmt), stmt)
                guard = at(gast.If(test=test, body=rest, orelse=[]), stmt)
                guard.exits = (False, True)     # its empty branch runs only with a flag up
                guard.loop = loop
                out.append(guard)
            return out
    return out


def _rewrite(stmt, loop):
    if isinstance(stmt, gast.Return):
        return _returning(stmt, loop)
    if isinstance(stmt, gast.Break):
        return assign(flag(BROKE, loop), True, stmt)
    if isinstance(stmt, gast.Continue):
        return assign(flag(SKIP, loop), True, stmt)
    if isinstance(stmt, gast.If) and _may_exit(stmt):
        new = at(gast.If(test=stmt.test, body=rewrite_body(stmt.body, loop) or [gast.Pass()],
                         orelse=rewrite_body(stmt.orelse, loop)), stmt)
        new.exits = (_always_exits(stmt.body), _always_exits(stmt.orelse))
        new.loop = loop
        return new
    if _is_loop(stmt) and _exits_through(stmt):
        return _returning_inner(stmt, loop)
    return stmt


def _returning(stmt, loop):
    """`return v` -> `#returned = True; #value = v; #broke = True` (of the loop it leaves)."""
    value = stmt.value if stmt.value is not None else gast.Constant(value=None, kind=None)
    keep = gast.Assign(targets=[_store(flag(VALUE, loop), stmt)], value=value, type_comment=None)
    return at(gast.If(test=gast.Constant(value=True, kind=None),
                      body=[assign(flag(RETURNED, loop), True, stmt), at(keep, stmt),
                            assign(flag(BROKE, loop), True, stmt)],
                      orelse=[]), stmt)


def _returning_inner(inner, loop):
    """A loop nested in `loop` that leaves it: each `return` in its body sets `loop`'s flags and
    breaks out, and every loop between breaks out after it (`if #returned: break`); its `else`
    clause, run after it, sets `loop`'s flags as `loop`'s own body does. The statements after
    `inner` in `loop`'s body are guarded by `loop`'s flags like any exit."""
    def rewrite(statements):
        out = []
        for stmt in statements:
            if isinstance(stmt, gast.Return):
                out += [_returning(stmt, loop), at(gast.Break(), stmt)]
            elif isinstance(stmt, gast.If) and has_return([stmt]):
                out.append(at(gast.If(test=stmt.test, body=rewrite(stmt.body) or [gast.Pass()],
                                      orelse=rewrite(stmt.orelse)), stmt))
            elif _is_loop(stmt) and has_return(stmt.body + stmt.orelse):
                out += [_copy_loop(stmt, rewrite(stmt.body), rewrite(stmt.orelse)),
                        at(gast.If(test=_name(flag(RETURNED, loop), stmt), body=[at(gast.Break(), stmt)],
                                   orelse=[]), stmt)]
            else:
                out.append(stmt)
        return out
    return _copy_loop(inner, rewrite(inner.body), rewrite_body(inner.orelse, loop))


def _copy_loop(loop, body, orelse):
    """A copy of a loop statement with another body (the parsed AST is shared: never mutated).
    It keeps the loop's position, and so its flags' names."""
    new = copy.copy(loop)
    new.body, new.orelse = body, orelse
    return new


def _always_exits(statements):
    """Whether these statements leave by break, continue or return on every path (what follows
    such a statement is dead: its guard is known false when compiling, and not lowered)."""
    for stmt in statements:
        if isinstance(stmt, (gast.Break, gast.Continue, gast.Return)):
            return True
        if isinstance(stmt, gast.If) and _always_exits(stmt.body) and _always_exits(stmt.orelse):
            return True
    return False


def _may_exit(stmt):
    return isinstance(stmt, (gast.Break, gast.Continue, gast.Return)) or (
        isinstance(stmt, gast.If) and (has_exit(stmt.body) or has_exit(stmt.orelse))) or (
        _is_loop(stmt) and _exits_through(stmt))


def unless_broke(statements, loop):
    """`if not #broke: statements` (a loop's else clause)."""
    return at(gast.If(test=_not(_name(flag(BROKE, loop), loop), loop), body=statements, orelse=[]), loop)


def while_header(loop, test):
    """`test and not #broke`: the loop runs while its own test holds and nothing broke out."""
    return at(gast.BoolOp(op=gast.And(), values=[test, _not(_name(flag(BROKE, loop), loop), loop)]), loop)


def counted_loop(loop, step, over_sequence=False):
    """`for target in range(...)` with exits as a while loop over the index `#i` (bound by the
    caller to the start): `while #i < #stop and not #broke: ...; #i = #i + step`. Over a
    sequence, the target takes `#sequence(#i)`, the element at the index."""
    index = flag(INDEX, loop)
    compare = gast.Lt() if step > 0 else gast.Gt()
    test = gast.Compare(left=_name(index, loop), ops=[compare], comparators=[_name(flag(STOP, loop), loop)])
    bind = gast.Assign(targets=[loop.target], value=_element(loop, over_sequence), type_comment=None)
    body = [at(bind, loop), reset_skip(loop)] + rewrite_body(loop.body, loop)
    advance = gast.Assign(targets=[_store(index, loop)], type_comment=None,
                          value=gast.BinOp(left=_name(index, loop), op=gast.Add(),
                                           right=gast.Constant(value=step, kind=None)))
    return at(gast.While(test=while_header(loop, at(test, loop)), body=body + [at(advance, loop)],
                         orelse=loop.orelse), loop)


def _element(loop, over_sequence):
    if over_sequence:
        return gast.Call(func=_name(flag(SEQUENCE, loop), loop), args=[_name(flag(INDEX, loop), loop)], keywords=[])
    return _name(flag(INDEX, loop), loop)


class Element:
    """The element of a run-time sequence at an index (`#sequence(#i)` in rewritten loops)."""

    def __init__(self, element):
        self.element = element

    def __autograph_inline__(self, lowering, args, kwargs):
        return self.element(*args)


def _either(a, b, where):
    return at(gast.BoolOp(op=gast.Or(), values=[_name(a, where), _name(b, where)]), where)


def _not(expr, where):
    return at(gast.UnaryOp(op=gast.Not(), operand=expr), where)


def assign(name, value, where):
    return at(gast.Assign(targets=[_store(name, where)], value=gast.Constant(value=value, kind=None),
                           type_comment=None), where)


def _name(name, where):
    return at(gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None), where)


def _store(name, where):
    return at(gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None), where)


def at(node, where):
    """Give new nodes the line of the statement they stand for (errors and comments use it)."""
    for n in gast.walk(node):
        if not hasattr(n, 'lineno') or getattr(n, 'lineno', None) is None:
            n.lineno, n.col_offset = where.lineno, where.col_offset
            n.end_lineno, n.end_col_offset = getattr(where, 'end_lineno', None), getattr(where, 'end_col_offset', None)
    return node
