"""`break` and `continue` in loops over run-time values, by rewriting the loop's AST.

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

The flags are names no user code can write (they start with '#'), bound to 0-d bool Tensors
before the loop, so they are loop-carried values like any other. Generated code calls them
`broke`, `skip` and `i`.
"""
import gast

from runtime import ops

BROKE, SKIP, INDEX, SEQUENCE, FALSE = '#broke', '#skip', '#i', '#sequence', '#false'
RETURNED, VALUE = '#returned', '#value'


def has_exit(statements):
    """Whether `break`, `continue` or `return` belongs to this loop (not to a loop nested in it)."""
    for stmt in statements:
        if isinstance(stmt, (gast.Break, gast.Continue, gast.Return)):
            return True
        if isinstance(stmt, gast.If) and (has_exit(stmt.body) or has_exit(stmt.orelse)):
            return True
    return False


def has_return(statements):
    """Whether a `return` belongs to this loop's body (not to a loop nested in it)."""
    for stmt in statements:
        if isinstance(stmt, gast.Return) or (
                isinstance(stmt, gast.If) and (has_return(stmt.body) or has_return(stmt.orelse))):
            return True
    return False


def flags(frame, returns=False):
    """Bind the flags to False before the loop (as Tensors: a branch may raise them). A loop
    that returns also carries the returned value, a number until the body shows its shape."""
    frame.locals[FALSE] = ops.full((), False, bool)
    frame.locals[BROKE] = frame.locals[SKIP] = frame.locals[FALSE]
    if returns:
        frame.locals[RETURNED] = frame.locals[FALSE]
        frame.locals[VALUE] = 0.0


def after_return(loop):
    """What follows a loop that may return: `if #returned: return #value`."""
    return at(gast.If(test=_name(RETURNED, loop), body=[at(gast.Return(value=_name(VALUE, loop)), loop)],
                      orelse=[]), loop)


def reset_skip(where):
    """`#skip = #false` at the start of each iteration."""
    return at(gast.Assign(targets=[_store(SKIP, where)], value=_name(FALSE, where), type_comment=None), where)


def rewrite_body(statements, where):
    """The body with exits turned into flags, and what follows an exit guarded by them."""
    out = []
    for index, stmt in enumerate(statements):
        out.append(_rewrite(stmt, where))
        if _may_exit(stmt):
            rest = rewrite_body(statements[index + 1:], where)
            if rest:
                out.append(at(gast.If(test=_not(_either(BROKE, SKIP, where), where), body=rest, orelse=[]), where))
            return out
    return out


def _rewrite(stmt, where):
    if isinstance(stmt, gast.Return):
        value = stmt.value if stmt.value is not None else gast.Constant(value=None, kind=None)
        keep = gast.Assign(targets=[_store(VALUE, stmt)], value=value, type_comment=None)
        return at(gast.If(test=gast.Constant(value=True, kind=None),
                          body=[assign(RETURNED, True, stmt), at(keep, stmt), assign(BROKE, True, stmt)],
                          orelse=[]), stmt)
    if isinstance(stmt, gast.Break):
        return assign(BROKE, True, stmt)
    if isinstance(stmt, gast.Continue):
        return assign(SKIP, True, stmt)
    if isinstance(stmt, gast.If) and _may_exit(stmt):
        return at(gast.If(test=stmt.test, body=rewrite_body(stmt.body, stmt) or [gast.Pass()],
                           orelse=rewrite_body(stmt.orelse, stmt)), stmt)
    return stmt


def _may_exit(stmt):
    return isinstance(stmt, (gast.Break, gast.Continue, gast.Return)) or (
        isinstance(stmt, gast.If) and (has_exit(stmt.body) or has_exit(stmt.orelse)))


def unless_broke(statements, loop):
    """`if not #broke: statements` (a loop's else clause)."""
    return at(gast.If(test=_not(_name(BROKE, loop), loop), body=statements, orelse=[]), loop)


def while_header(loop, test):
    """`test and not #broke`: the loop runs while its own test holds and nothing broke out."""
    return at(gast.BoolOp(op=gast.And(), values=[test, _not(_name(BROKE, loop), loop)]), loop)


def counted_loop(loop, step):
    """`for target in range(...)` with exits as a while loop over the index `#i` (bound by the
    caller to the start): `while #i < stop and not #broke: ...; #i = #i + step`."""
    compare = gast.Lt() if step > 0 else gast.Gt()
    test = gast.Compare(left=_name(INDEX, loop), ops=[compare], comparators=[_name('#stop', loop)])
    bind = gast.Assign(targets=[loop.target], value=_element(loop), type_comment=None)
    body = [at(bind, loop), reset_skip(loop)] + rewrite_body(loop.body, loop)
    advance = gast.Assign(targets=[_store(INDEX, loop)], type_comment=None,
                          value=gast.BinOp(left=_name(INDEX, loop), op=gast.Add(),
                                           right=gast.Constant(value=step, kind=None)))
    return at(gast.While(test=while_header(loop, at(test, loop)), body=body + [at(advance, loop)],
                          orelse=loop.orelse), loop)


def _element(loop):
    """What the loop target takes: the index, or `#sequence(#i)`, the element at the index."""
    if getattr(loop, 'over_sequence', False):
        return gast.Call(func=_name(SEQUENCE, loop), args=[_name(INDEX, loop)], keywords=[])
    return _name(INDEX, loop)


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
