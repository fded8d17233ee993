"""Lowering of `if`, `for` and `while` whose course depends on run-time values, into the IR's
structured control flow (`ir.control`). Compile-time conditions and sequences never get here:
the frame runs the taken branch, or unrolls the loop over a tuple, list, zip or enumerate.

SSA is built from the frame's environment, the way Braun et al. build it from a block's
definitions, but over structured regions rather than basic blocks:
- an `if` lowers each branch into a region from a copy of the environment; names whose values
  differ afterwards become the results of the `cond` op (tuples, lists and dicts leaf by leaf);
  lists and dicts that a branch changes in place (`d['a'] = v`) are restored before the other
  branch and merged the same way. A name given a value in only one branch (and none before) is
  undefined after the `if`, and using it is a compile error, unless the other branch leaves the
  loop (see exits): then nothing reads it where it has no value;
- a loop's carried values are the names its body assigns that exist before it (tuples, lists
  and dicts as their leaves). The body is lowered with region arguments for them; when a
  value's shape or dtype changes in the first pass (`total = 0` then `total = total + x[i]`,
  also inside a branch or a nested loop, and the value a `return` in the loop gives), its
  initial value is widened and the body is lowered again (see Reshaped). Names first assigned
  in the body are undefined after the loop;
- a loop over a compile-time sequence is unrolled; when its exits depend on Tensors, it is
  unrolled again with the exits' flags (`unrolled_loop`).
"""
import contextlib

import gast
import numpy as np

from runtime import ops
from runtime.primitive import Aval
from ..errors import CompileError, NotStatic
from ..ir import Value, constant
from ..ir.control import COND, FOR, FOR_SAVED, WHILE, element_aval, list_aval, make, placeholder
from ..ir import effects
from ..ir.core import Region
from ..tree import flatten, leaves, map_tree, rebuild
from . import exits, saved_lists
from .exits import Break, Return


class Undefined:
    """What a name holds where it may have no value; reading it is a compile error."""

    def __init__(self, name, why):
        self.name = name
        self.why = why

    def error(self):
        return CompileError(f"name {self.name!r} may be undefined here: {self.why}")


class LoopExit(NotStatic):
    """A `return`, `break` or `continue` that a branch or loop over run-time values cannot take
    where it is (it cannot stop half way). An unrolled loop that meets one is unrolled again
    with its flags (`unrolled_loop`); a compile-time range tried as a run-time loop first is
    unrolled instead; elsewhere the user sees the message."""


def assigned_names(statements):
    """Names a list of statements assigns, including the arrays that subscript assignments
    rebind (`y[i] = v` makes a new `y`)."""
    names = []
    for stmt in statements:
        for node in gast.walk(stmt):
            name = None
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                name = node.id
            elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
                name = _base_name(node)
            if name is not None and name not in names:
                names.append(name)
    return names


def _base_name(subscript):
    """The variable a chain of subscripts starts from (`y` in `y[i][j]`), if it is a name."""
    node = subscript
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def truth(value):
    """A Tensor condition -> a 0-d bool Value."""
    if value.shape != ():
        raise CompileError(f"the truth value of a Tensor of shape {value.shape} is ambiguous; "
                           "reduce it first (ops.all, ops.any, x.sum() > 0)")
    return value if value.dtype == np.bool_ else ops.not_equal(value, 0)


# ---------------------------------------------------------------- if
def lower_if(frame, stmt, pred):
    builder = frame.lowering.builder
    lowering = frame.lowering
    before, bindings_before = dict(frame.locals), lowering.bindings()
    # Lists and dicts a branch changes in place (`d['a'] = v`, `l[0] = v`) are merged like
    # variables; each branch starts from their content before the if.
    containers = list({id(obj): (obj, _content(obj)) for obj in before.values()
                       if isinstance(obj, (list, dict))}.values())
    branches, branch_bindings, branch_contents = [], [], []
    for body in (stmt.body, stmt.orelse):
        frame.locals = dict(before)
        lowering.implicit = dict(bindings_before)
        try:
            with builder.region() as region_ops:
                _run_branch(frame, body)
                _strengthen(frame.locals, before)
                branch_contents.append([_strong(_content(obj)) for obj, _ in containers])
        finally:
            _restore(containers)
        branches.append((region_ops, frame.locals))
        branch_bindings.append(lowering.implicit)
    frame.locals = dict(before)
    lowering.implicit = bindings_before = lowering.bindings()   # with Parameters first met inside
    # Parameters a branch assigns (ops.assign) become results too, like variables.
    params = [p for p in bindings_before if any(b.get(p, bindings_before[p]) is not bindings_before[p]
                                                for b in branch_bindings)]
    for k, param in enumerate(params):
        key = f'#param{k}'
        for (_, env), bindings in zip(branches, branch_bindings):
            env[key] = bindings.get(param, bindings_before[param])
        before[key] = bindings_before[param]
    changed = []    # (pseudo-name, container) for containers a branch changed
    for k, (obj, content) in enumerate(containers):
        if any(not _same_content(contents[k], content) for contents in branch_contents):
            key = f'#container{k}'
            for (_, env), contents in zip(branches, branch_contents):
                env[key] = contents[k]
            before[key] = content
            changed.append((key, obj))
    names = [n for n in assigned_names(stmt.body + stmt.orelse) + [f'#param{k}' for k in range(len(params))]
             + [key for key, _ in changed]
             if any(env.get(n, _MISSING) is not before.get(n, _MISSING) for _, env in branches)]
    display = {f'#param{k}': bindings_before[p].name for k, p in enumerate(params)}
    display.update((key, _name_of(obj, before)) for key, obj in changed)
    # Branches that always leave the loop (see exits): names they leave undefined are read only
    # where the flags are down, and when all leave, what follows is dead.
    loop = getattr(stmt, 'loop', None)
    exiting = [syntactic or (loop is not None and any(
        env.get(exits.flag(kind, loop)) is True for kind in (exits.BROKE, exits.SKIP)))
        for syntactic, (_, env) in zip(getattr(stmt, 'exits', (False, False)), branches)]
    containers_of = dict(changed)
    results, merged, out_names = [[], []], [], []
    for name in names:
        values = [env.get(name, _MISSING) for _, env in branches]
        local = loop is not None and _iteration_local(frame, loop, name, containers_of.get(name))
        for k, exits_here in enumerate(exiting):                   # see exits: read only where
            other = values[1 - k]                                  # the flags are down
            if exits_here and other is not _MISSING and not isinstance(other, Undefined) and (
                    local or values[k] is _MISSING or isinstance(values[k], Undefined)):
                values[k] = map_tree(_stand_in, other)
        if any(v is _MISSING or isinstance(v, Undefined) for v in values):
            frame.locals[name] = Undefined(name, f"it is assigned in only one branch of the if at line {stmt.lineno}")
            continue
        shown = display.get(name) or name
        (then_leaves, tree), (else_leaves, other) = leaves(values[0]), leaves(values[1])
        if tree != other:
            raise Reshaped(f"{_what(shown)} holds {_describe_tree(values[0])} in one branch of the "
                           f"if at line {stmt.lineno} and {_describe_tree(values[1])} in the other; "
                           "both branches must give it the same structure", name=name, values=values)
        slots = []
        for k, pair in enumerate(zip(then_leaves, else_leaves)):
            leaf = _same_type(shown if tree is None else f'{shown}[{k}]', list(pair), builder, stmt,
                              frame.parsed.generated, widen=name)
            if leaf is None:
                slots.append(pair[0])     # one Python object in both branches
                continue
            for i, v in enumerate(leaf):
                results[i].append(v)
            slots.append(None)
            out_names.append(display.get(name) or _hint(name))
        merged.append((name, tree, slots))
    regions = (Region([], branches[0][0], results[0]), Region([], branches[1][0], results[1]))
    outs = iter(_weak_numbers(make(builder, COND, [truth(pred)], regions, _avals(results[0]),
                                   names=out_names), *results))
    for name, tree, slots in merged:
        frame.locals[name] = rebuild(tree, [saved_lists.wrap(next(outs)) if s is None else s for s in slots])
    for key, obj in changed:
        _refill(obj, frame.locals.pop(key))
    for k, param in enumerate(params):
        if f'#param{k}' in frame.locals:
            _bind_params(lowering, [param], [frame.locals.pop(f'#param{k}')], bindings_before)
    if loop is not None and all(exiting):
        frame.locals[exits.flag(exits.SKIP, loop)] = True


def _stand_in(value):
    """What a guard's skipped branch gives a name the guarded statements define (see exits)."""
    if isinstance(value, Value) and not value.is_scalar_const:
        return ops.full(value.shape, 0, value.dtype)
    return value


def _content(obj):
    """A container's content as a tree the if can merge: a list's items, a dict's values by key."""
    return list(obj) if isinstance(obj, list) else dict(obj)


def _same_content(now, before):
    if isinstance(before, list):
        return len(now) == len(before) and all(a is b for a, b in zip(now, before))
    return list(now) == list(before) and all(now[k] is before[k] for k in before)


def _restore(containers):
    """Put containers back as they were (a list of (container, its content then))."""
    for obj, content in containers:
        obj.clear()
        obj.update(content) if not isinstance(obj, list) else obj.extend(content)


def _refill(obj, content):
    """Put the merged content back into the container, in place (other names may share it)."""
    obj.clear()
    obj.update(content) if not isinstance(obj, list) else obj.extend(content)


def _name_of(obj, env):
    return next((n for n, v in env.items() if v is obj and not n.startswith('#')), 'a container')


def _what(name):
    """How a message names a variable: the compiler's own (`#value@12:4`) say what they hold."""
    if name.startswith(exits.VALUE):
        return f'the value returned inside the loop at line {name.split("@")[1].split(":")[0]}'
    if name.startswith('#'):
        return 'a value the compiler carries'
    return repr(name)


def runtime_check(frame, test, message):
    """`assert test, message` with a Tensor test: checked when the code runs."""
    effects.append(frame.lowering.builder, effects.CHECK, [test],
                   {'message': None if message is None else str(message)})


def runtime_print(builder, args, sep=' ', end='\n'):
    """`print(...)` in compiled code prints when the code runs, with the values of that run."""
    items = tuple(None if isinstance(a, Value) else a for a in args)
    effects.append(builder, effects.PRINT, [a for a in args if isinstance(a, Value)],
                   {'items': items, 'sep': sep, 'end': end})


def returns(stmt):
    """Whether an `if` statement contains a `return` (not counting nested functions)."""
    return any(isinstance(node, gast.Return) for node in gast.walk(stmt))


def lower_returning_if(frame, stmt, pred, continuation):
    """`if c: ... return a` followed by more statements: each branch takes the rest of the
    function after it, so both end in a return, and the `cond` yields the returned values."""
    if exits.known_false(pred):
        # `if #returned:` after a loop whose returns were never compiled (they sit under a
        # condition known at compile time to be false): the loop does not return.
        frame.run(stmt.orelse + continuation, top=True)
        raise Return(None)
    builder = frame.lowering.builder
    lowering = frame.lowering
    before, bindings_before = dict(frame.locals), lowering.bindings()
    containers = list({id(obj): (obj, _content(obj)) for obj in before.values()
                       if isinstance(obj, (list, dict))}.values())
    returned, branch_bindings, branch_contents = [], [], []
    for body in (stmt.body + continuation, stmt.orelse + continuation):
        # each branch starts from the state before the if: variables, Parameters, containers
        frame.locals = dict(before)
        lowering.implicit = dict(bindings_before)
        try:
            with builder.region() as region_ops:
                try:
                    frame.run(body, top=True)
                    value = None
                except Return as r:
                    value = _strong(r.value)
                branch_contents.append([_strong(_content(obj)) for obj, _ in containers])
        finally:
            _restore(containers)
        returned.append((region_ops, value))
        branch_bindings.append(lowering.implicit)
    frame.locals = before
    lowering.implicit = bindings_after = lowering.bindings()
    (then_ops, then_value), (else_ops, else_value) = returned
    then_leaves, tree = leaves(then_value)
    else_leaves, other = leaves(else_value)
    if tree != other:
        raise CompileError(f"the branches of the if at line {stmt.lineno} return different structures "
                           f"({_describe_tree(then_value)} and {_describe_tree(else_value)})")
    results = [[], []]
    for k, pair in enumerate(zip(then_leaves, else_leaves)):
        values = _same_type(f'returned value {k}', list(pair), builder, stmt)
        if values is not None:
            results[0].append(values[0])
            results[1].append(values[1])
    count = len(results[0])
    # What the branches leave behind for the caller: Parameters they assign, containers they
    # change (the caller may hold them), merged after the returned values.
    params = [p for p in bindings_after if any(b.get(p, bindings_after[p]) is not bindings_after[p]
                                               for b in branch_bindings)]
    for param in params:
        pair = [b.get(param, bindings_before.get(param, lowering.inputs[param])) for b in branch_bindings]
        values = _same_type(bindings_after[param].name or 'a Parameter', pair, builder, stmt)
        for i in (0, 1):
            results[i].append(pair[i] if values is None else values[i])
    # Containers changed in place that a caller may hold (the compiled function's own are gone
    # when it returns: each branch returns with its own).
    changed = [(k, obj) for k, (obj, content) in enumerate(containers)
               if any(not _same_content(contents[k], content) for contents in branch_contents)
               and lowering.depth > 1]
    slots = []
    for k, obj in changed:
        (a, shape), (b, shape_b) = leaves(branch_contents[0][k]), leaves(branch_contents[1][k])
        if shape != shape_b:
            raise CompileError(f"{_what(_name_of(obj, before))} holds {_describe_tree(branch_contents[0][k])} "
                               f"in one branch of the if at line {stmt.lineno} and "
                               f"{_describe_tree(branch_contents[1][k])} in the other")
        slot = []
        for leaf in zip(a, b):
            values = _same_type(_name_of(obj, before), list(leaf), builder, stmt)
            if values is None:
                slot.append(leaf[0])
            else:
                results[0].append(values[0])
                results[1].append(values[1])
                slot.append(None)
        slots.append((obj, shape, slot))
    regions = (Region([], then_ops, results[0]), Region([], else_ops, results[1]))
    outs = _weak_numbers(make(builder, COND, [truth(pred)], regions, _avals(results[0]),
                              names=['out'] * len(results[0])), *results)
    rest = iter(outs[count:])
    _bind_params(lowering, params, [next(rest) for _ in params], bindings_after)
    for obj, shape, slot in slots:
        _refill(obj, rebuild(shape, [next(rest) if s is None else s for s in slot]))
    outs = iter(outs[:count])
    merged = [leaf if _same_python(leaf, other_leaf) else next(outs)
              for leaf, other_leaf in zip(then_leaves, else_leaves)]
    raise Return(rebuild(tree, merged))


def lower_ifexp(frame, node, pred):
    """`a if c else b` with a Tensor condition."""
    builder = frame.lowering.builder
    branches = []
    for expr in (node.body, node.orelse):
        with builder.region() as region_ops:
            value = _strong(frame.expr(expr))
        branches.append((region_ops, value))
    values = _same_type('the conditional expression', [v for _, v in branches], builder, node)
    if values is None:
        return branches[0][1]
    regions = tuple(Region([], ops_, [v]) for (ops_, _), v in zip(branches, values))
    return _weak_numbers(make(builder, COND, [truth(pred)], regions, _avals([values[0]])), [values[0]], [values[1]])[0]


def _describe_tree(tree):
    if isinstance(tree, (tuple, list, dict)):
        return f'a {type(tree).__name__} of {len(tree)}'
    return 'None' if tree is None else 'one value'


def _same_python(a, b):
    return not isinstance(a, Value) and not isinstance(b, Value) and (a is b or a == b)


def _run_branch(frame, body):
    try:
        frame.run(body)
    except Return:
        raise LoopExit("return inside an if on Tensor values is not supported yet; assign the "
                       "result to a variable and return it after the if") from None
    except Break as e:   # Continue too
        raise LoopExit("break/continue inside an if on Tensor values is not supported yet", e.loc) from None


_MISSING = object()


class Reshaped(NotStatic):
    """A variable is a Tensor of one shape in one branch and of another (or a tuple) in the
    other branch, or after an iteration. When a run-time loop started the variable as a Python
    number (`total = 0.0`, and the value that a `return` in the loop gives), the loop catches
    this, widens the number to what the body made of it, and lowers the body again; otherwise
    the user sees the message. (NotStatic: were the condition known at compile time, a float
    argument, this would go.)"""

    def __init__(self, message, loc=None, name=None, values=()):
        super().__init__(message, loc)
        self.name, self.values = name, values

    def located(self, loc):
        if self.loc is not None or loc is None:
            return self
        return Reshaped(self.message, loc, self.name, self.values)


def _same_type(name, values, builder, stmt, generated=False, widen=None):
    """Both branches' values of `name` as Values of one aval, or None when both are the same
    Python object. Python numbers become arrays of the other branch's shape and dtype. `widen`:
    the variable's name, for a loop that may widen it (see Reshaped)."""
    if any(isinstance(v, saved_lists.SavedList) for v in values):
        return _saved_lists_merged(name, values, stmt)
    if generated and any(v is None for v in values) and any(isinstance(v, Value) for v in values):
        # A value the adjoint reads only when the same condition holds (codegen's placeholder).
        aval = next(v.aval for v in values if isinstance(v, Value))
        return [placeholder(aval) if v is None else v for v in values]
    if all(not isinstance(v, Value) for v in values):
        if values[0] is values[1] or values[0] == values[1]:
            return None
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            # Numbers chosen at run time stay Python numbers (weakly typed, see `_weak_numbers`).
            kind = float if any(isinstance(v, float) for v in values) else int
            return [constant(kind(v)) for v in values]
        raise CompileError(f"{_what(name)} is a Python value ({values[0]!r} or {values[1]!r}) that would "
                           f"depend on a Tensor condition (line {stmt.lineno}); make it a Tensor")
    aval = next(v.aval for v in values if isinstance(v, Value))
    values = [_as_array(v, aval, name, builder) for v in values]
    if values[0].aval != values[1].aval:
        raise Reshaped(f"{_what(name)} is {_show(values[0].aval)} in one branch and "
                       f"{_show(values[1].aval)} in the other; both branches must agree",
                       name=widen, values=values)
    return values


def _saved_lists_merged(name, values, stmt):
    """A list one branch saved (a gradient's forward part) and None in the other: the if's
    result; the branch without it yields None, which the adjoint never reads."""
    lists = [v.value for v in values if isinstance(v, saved_lists.SavedList)]
    if any(not isinstance(v, saved_lists.SavedList) and v is not None for v in values) or \
            any(v.aval != lists[0].aval for v in lists):
        raise CompileError(f"{name!r} is a list saved by a loop in one branch of the if at line "
                           f"{stmt.lineno} and something else in the other")
    return [v.value if isinstance(v, saved_lists.SavedList) else placeholder(lists[0].aval)
            for v in values]


def _strong(tree):
    """Run-time Python numbers (weak values) leave a region as 0-d arrays, so that what the
    region yields has one dtype whichever way it went. Built inside the region."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(_strong(t) for t in tree)
    if isinstance(tree, dict):
        return type(tree)((k, _strong(t)) for k, t in tree.items())
    return ops.cast(tree, tree.dtype) if isinstance(tree, Value) and tree.weak else tree


def _strengthen(env, before):
    for name, value in env.items():
        if value is not before.get(name):
            env[name] = _strong(value)


def _avals(results):
    """The results' avals; a number chosen by the condition has NumPy's type for Python numbers."""
    return [Aval((), np.asarray(v.const).dtype) if v.is_scalar_const and v.const is not None else v.aval
            for v in results]


def _weak_numbers(outs, *branches):
    """Results that are Python numbers in every branch stay weak: NumPy 2 gives them the dtype
    of the arrays they meet, as the numbers themselves would."""
    for k, out in enumerate(outs):
        if all(branch[k].is_scalar_const for branch in branches):
            out.weak = True
    return outs


def _as_array(v, aval, name, builder):
    if isinstance(v, Value) and not v.is_scalar_const:
        return v
    number = v.const if isinstance(v, Value) else v
    if not isinstance(number, (bool, int, float)):
        raise CompileError(f"{_what(name)} holds a {type(number).__name__} in one branch and a Tensor in the other")
    return ops.full(aval.shape, number, aval.dtype)


def _show(aval):
    return f'{np.dtype(aval.dtype).name} of shape {aval.shape}'


# ---------------------------------------------------------------- loops
def lower_for_range(frame, stmt, bounds, element=None):
    """`for target in range(*bounds)` (or over a Tensor's first axis: `element(i)` gives the
    target's value) as a run-time loop."""
    if exits.has_exit(stmt.body):
        return _lower_exiting_for(frame, stmt, bounds, element)
    start, stop, step = (constant(b) if not isinstance(b, Value) else b for b in bounds)

    def bind_target(index):
        frame.assign(stmt.target, index if element is None else element(index))

    index_aval = Aval((), np.dtype(np.int64))
    return _lower_loop(frame, stmt, FOR, [start, stop, step], [index_aval], bind_target, element)


def lower_for_saved(frame, stmt, lists, zipped):
    """`for v in reversed(lst)` or `for a, b in zip(reversed(la), reversed(lb))` over lists a
    run-time loop saved (see saved_lists): a `for_saved` loop, last element first."""
    if exits.has_exit(stmt.body) or stmt.orelse:
        raise CompileError("break, continue and else are not supported in a loop over saved lists")

    def bind_target(*popped):
        items = [saved_lists.wrap(p) for p in popped]
        frame.assign(stmt.target, tuple(items) if zipped else items[0])

    avals = [element_aval(lst.aval) for lst in lists]
    return _lower_loop(frame, stmt, FOR_SAVED, list(lists), avals, bind_target)


def _leading_names(stmt, prim, element, count):
    """Names for a loop's leading body arguments: a range loop's index, a saved-list loop's
    popped elements (after the loop's target variables)."""
    if count == 0:
        return []
    targets = stmt.target.elts if isinstance(stmt.target, (gast.Tuple, gast.List)) else [stmt.target]
    if prim is FOR_SAVED:
        return [t.id if isinstance(t, gast.Name) else 'popped' for t in targets][:count] + ['popped'] * count
    name = stmt.target.id if prim is FOR and element is None and isinstance(stmt.target, gast.Name) else 'i'
    return [name] * count


def _lower_exiting_for(frame, stmt, bounds, element):
    """A `for` with break/continue: a while loop over its index (see `exits`)."""
    start, stop, step = bounds
    if isinstance(step, Value):
        raise CompileError("a loop with break or continue needs a range step known at compile time")
    frame.locals[exits.flag(exits.INDEX, stmt)] = start
    frame.locals[exits.flag(exits.STOP, stmt)] = stop
    if element is not None:
        frame.locals[exits.flag(exits.SEQUENCE, stmt)] = exits.Element(element)
    _returns_from(frame, stmt)
    with _exit_scope(frame, stmt):
        return _lower_loop(frame, exits.counted_loop(stmt, step, element is not None), WHILE, [], [], None)


def lower_while(frame, stmt):
    if not exits.has_exit(stmt.body):
        return _lower_loop(frame, stmt, WHILE, [], [], None)
    _returns_from(frame, stmt)
    loop = stmt
    stmt = exits.at(gast.While(test=exits.while_header(stmt, stmt.test),
                               body=[exits.reset_skip(stmt)] + exits.rewrite_body(stmt.body, stmt),
                               orelse=stmt.orelse), stmt)
    with _exit_scope(frame, loop):
        return _lower_loop(frame, stmt, WHILE, [], [], None)


def unrolled_loop(frame, stmt, items):
    """A loop over a compile-time sequence (a tuple, list, dict items, zip): unrolled. When its
    break, continue or return depend on Tensor values, it is unrolled again with the loop's
    flags (see exits): each iteration's body is rewritten as a run-time loop's is, and runs under
    `if not #broke`, so that the iterations after one that breaks or returns do nothing."""
    items = list(items)
    builder, lowering = frame.lowering.builder, frame.lowering
    start, before, pending = len(builder.ops), dict(frame.locals), frame.pending_return
    bindings = dict(lowering.implicit)
    containers = list({id(obj): (obj, _content(obj)) for obj in before.values()
                       if isinstance(obj, (list, dict))}.values())
    try:
        return frame.unrolled(stmt, items)
    except LoopExit:
        # forget the attempt: its ops, and what it did to names, Parameters and containers
        del builder.ops[start:]
        frame.locals, frame.pending_return, lowering.implicit = dict(before), pending, dict(bindings)
        _restore(containers)
    value = exits.flag(exits.VALUE, stmt)
    template = None
    for attempt in range(4):
        frame.locals, lowering.implicit = dict(before), dict(bindings)
        _restore(containers)
        start = len(builder.ops)
        _returns_from(frame, stmt)
        if template is not None:
            frame.locals[value] = template
        try:
            for item in items:
                frame.assign(stmt.target, item)
                body = [exits.reset_skip(stmt)] + exits.rewrite_body(stmt.body, stmt)
                if frame.locals[exits.flag(exits.BROKE, stmt)] is frame.locals[exits.FALSE]:
                    frame.run(body)      # nothing can have broken out yet
                else:
                    guard = exits.unless_broke(body, stmt)
                    guard.exits = (False, True)     # its empty branch runs only after a break
                    frame.run([guard])
        except Reshaped as e:
            # the value a return gives starts as a number: widen it to what the body returns
            if e.name != value or template is not None:
                raise
            del builder.ops[start:]
            template = _widened(e, [value], {value: 0.0}, {})
            if template is None:
                raise
            continue
        break
    if stmt.orelse:
        frame.run([exits.unless_broke(stmt.orelse, stmt)])


def _returns_from(frame, loop):
    """Set the flags up; a loop that returns tells the frame to check `#returned` after it."""
    returns = exits.has_return(loop.body)
    exits.flags(frame, loop, returns)
    if returns:
        frame.pending_return = loop


@contextlib.contextmanager
def _exit_scope(frame, loop):
    """While a loop with exits is lowered: the names and containers there are before it. What a
    branch that leaves the loop does to anything else is never read (see lower_if)."""
    scopes = getattr(frame.lowering, 'exit_scopes', None)
    if scopes is None:
        scopes = frame.lowering.exit_scopes = {}
    scopes.setdefault(id(loop), []).append(
        (set(frame.locals), {id(v) for v in frame.locals.values() if isinstance(v, (list, dict))}))
    try:
        yield
    finally:
        scopes[id(loop)].pop()


def _iteration_local(frame, loop, name, obj=None):
    """Whether a name (or a container) is made inside this iteration of `loop`: not there before
    the loop, so nothing reads it after a branch that leaves the loop."""
    scopes = getattr(frame.lowering, 'exit_scopes', {}).get(id(loop))
    if not scopes:
        return False
    names, containers = scopes[-1]
    if obj is not None:
        return id(obj) not in containers
    return not name.startswith('#') and name not in names


def _lower_loop(frame, stmt, prim, leading_inputs, leading_avals, bind_target, element=None):
    builder = frame.lowering.builder
    before = dict(frame.locals)
    assigned = assigned_names(stmt.body) + (assigned_names([stmt.target]) if bind_target else [])
    carried = [n for n in assigned_names(stmt.body) if n in before and not isinstance(before[n], Undefined)]
    slots = _Slots(carried, before)
    inits = dict(zip(slots.names, slots.read(before)))
    lowering = frame.lowering
    bindings_before = lowering.bindings()
    params = []          # ids of Parameters the body assigns (ops.assign): carried like variables

    def widen_number(error):
        """A carried variable that starts as a Python number met a Tensor of another shape or a
        tuple in the body (see Reshaped): start it as that, filled with the number."""
        nonlocal slots, inits
        widened = _widened(error, carried, before, inits)
        if widened is None:
            return False
        if isinstance(widened, Value):
            inits[error.name] = widened
        else:
            before[error.name] = widened
            slots = _Slots(carried, before)
            inits = {n: inits.get(n, v) for n, v in zip(slots.names, slots.read(before))}
        return True

    for attempt in range(6):
        frame.locals = dict(before)
        lowering.implicit = dict(bindings_before)
        init_values = [_init_value(n, inits[n]) for n in slots.names] + [bindings_before[p] for p in params]
        names = slots.names + [bindings_before[p].name for p in params]
        args = [Value(a, name) for a, name in zip(leading_avals, _leading_names(stmt, prim, element, len(leading_avals)))]
        args += [Value(v.aval, _hint(n)) for n, v in zip(names, init_values)]
        carried_args = args[len(leading_avals):]
        slots.bind(frame.locals, carried_args)
        _bind_params(lowering, params, carried_args[len(slots.names):], bindings_before)
        regions = []
        if prim is WHILE:
            test_args = [Value(v.aval, _hint(n)) for n, v in zip(names, init_values)]
            slots.bind(frame.locals, test_args)
            _bind_params(lowering, params, test_args[len(slots.names):], bindings_before)
            with builder.region() as test_ops:
                test = frame.expr(stmt.test)
            if not isinstance(test, Value):
                raise CompileError("this while condition is known at compile time; a loop whose "
                                   "course is known then is unrolled only over for, so write it as a for loop")
            regions.append(Region(test_args, test_ops, [truth(test)]))
            slots.bind(frame.locals, carried_args)
            _bind_params(lowering, params, carried_args[len(slots.names):], bindings_before)
        containers = saved_lists.snapshot(before)
        lowering.loop_containers.append({id(obj) for obj, _ in containers})
        try:
            with builder.region() as body_ops:
                if bind_target:
                    bind_target(*args[:len(leading_avals)])
                _run_loop_body(frame, stmt.body)
                results = [_strong(r) for r in slots.read(frame.locals)] + [lowering.implicit[p] for p in params]
        except Reshaped as e:
            _restore(containers)
            if not widen_number(e):
                raise
            continue
        finally:
            lowering.loop_containers.pop()
        saves = saved_lists.loop_saves(containers, lowering.loop_containers, body_ops, frame.parsed.generated)
        bindings_before = {**lowering.inputs, **bindings_before}    # Parameters first met in the body
        written = [p for p, v in lowering.implicit.items()
                   if p not in params and v is not bindings_before.get(p)]
        try:
            widened = _widen(slots.names, init_values, results, inits)
        except Reshaped as e:
            if not widen_number(e):
                raise
            continue
        if written:
            params += written      # lower again, carrying what the body assigns
        elif not widened:
            break
    else:
        raise CompileError("a loop-carried value keeps changing its shape or dtype")
    results = [_carried_result(n, r, v.aval, builder) for n, r, v in zip(names, results, init_values)]
    saved = [value for _, value in saves]
    regions.append(Region(args, body_ops, results + saved))
    frame.locals = dict(before)
    lowering.implicit = dict(bindings_before)
    list_names = [next((n for n, v in before.items() if v is obj), 'saved') for obj, _ in saves]
    outs = make(builder, prim, leading_inputs + init_values, tuple(regions),
                [v.aval for v in init_values] + [list_aval(v.aval) for v in saved],
                {'saves': len(saved)} if saved else None, names=[_hint(n) for n in names + list_names])
    outs, lists = outs[:len(init_values)], outs[len(init_values):]
    # A value the body passes on unchanged is what it was before the loop (a Python number stays
    # one; `#returned` stays the constant False when the loop's returns were never compiled).
    originals = slots.read(before)
    slots.bind(frame.locals, [original if result is arg else out for original, result, arg, out in
                              zip(originals, results, carried_args, outs)])
    _bind_params(lowering, params, outs[len(slots.names):], bindings_before)
    saved_lists.rebind(frame.locals, before, saves, lists)
    for name in assigned:
        if name not in carried:
            frame.locals[name] = Undefined(name, f"it is first assigned inside the loop at line {stmt.lineno}; "
                                                 "give it a value before the loop")
    if stmt.orelse:   # `else` runs when the loop ends without break
        broke = exits.flag(exits.BROKE, stmt) in carried
        frame.run([exits.unless_broke(stmt.orelse, stmt)] if broke else stmt.orelse)
    return outs


def _bind_params(lowering, params, values, bindings):
    """Make the compiler's reads of these Parameters see `values` (a region's arguments, or a
    control-flow op's results)."""
    for param, value in zip(params, values):
        value.param = bindings[param].param
        lowering.implicit[param] = value


class _Slots:
    """A loop's carried variables as a flat list of values: a variable holding a tuple, list or
    dict of Tensors (an LSTM's `(h, c)` state) is carried as its leaves, named `state_0`,
    `state_1`."""

    def __init__(self, names, env):
        self.structure = {}
        self.names = []
        for name in names:
            value = env[name]
            if isinstance(value, (tuple, list, dict)):
                self.structure[name] = value
                self.names += [f'{name}_{k}' for k in range(len(flatten(value)))]
            else:
                self.names.append(name)
        self.variables = names

    def read(self, env):
        values = []
        for name in self.variables:
            value = env[name]
            if name in self.structure:
                items = flatten(value) if isinstance(value, (tuple, list, dict)) else None
                if items is None or len(items) != len(flatten(self.structure[name])):
                    raise CompileError(f"{name!r} holds {len(flatten(self.structure[name]))} values before "
                                       "the loop and a different structure after an iteration")
                values += items
            else:
                values.append(value)
        return values

    def bind(self, env, values):
        values = iter(values)
        for name in self.variables:
            if name in self.structure:
                env[name] = map_tree(lambda _: next(values), self.structure[name])
            else:
                env[name] = next(values)


_hint = exits.display_name


def _run_loop_body(frame, body):
    try:
        frame.run(body)
    except Return:
        raise LoopExit("return inside a loop over run-time values is not supported yet") from None
    except Break as e:   # Continue too
        raise LoopExit("break/continue in a loop over run-time values is not supported yet", e.loc) from None


def _init_value(name, value):
    if isinstance(value, Value) and value.weak:
        return ops.cast(value, value.dtype)
    if isinstance(value, Value) and not value.is_scalar_const:
        return value
    number = value.const if isinstance(value, Value) else value
    if isinstance(number, (bool, int, float)):
        return constant_array(number)
    raise CompileError(f"{name!r} holds a {type(number).__name__} and changes in a loop over run-time "
                       "values; only Tensors and numbers can")


def constant_array(number):
    """A Python number carried by a loop: a 0-d array of NumPy's type for it."""
    return ops.full((), number, np.asarray(number).dtype)


def _widened(error, carried, before, inits):
    """The initial value to widen a loop-carried variable to, after `error` (a Reshaped) showed
    what the body makes of it; None unless the variable starts as a Python number."""
    name = error.name
    if name not in carried:
        return None
    original = before[name]
    if isinstance(original, Value):
        if not original.is_scalar_const:
            return None
        original = original.const
    if not isinstance(original, (bool, int, float)):
        return None
    current = inits.get(name)
    aval = current.aval if isinstance(current, Value) and not current.is_scalar_const else \
        Aval((), np.asarray(original).dtype)

    def filled(leaf):
        if isinstance(leaf, Value) and not leaf.is_scalar_const:
            return ops.full(leaf.shape, original, leaf.dtype)
        return original if isinstance(leaf, (bool, int, float, Value)) else leaf
    for v in error.values:
        if isinstance(v, (tuple, list, dict)):
            return map_tree(filled, v)
        if isinstance(v, Value) and not v.is_scalar_const and v.aval != aval:
            return filled(v)
    return None


def _widen(carried, init_values, results, inits):
    """Where a carried value's aval changed in the body, widen its initial value (a number becomes
    an array of the result's shape and dtype); True when anything changed."""
    changed = False
    for name, init, result in zip(carried, init_values, results):
        if isinstance(result, (tuple, list, dict)):
            raise Reshaped(f"{_what(name)} is {_show(init.aval)} before the loop and "
                           f"{_describe_tree(result)} after one iteration; a loop must keep it the same",
                           name=name, values=[result])
        if isinstance(result, Value) and not result.is_scalar_const and result.aval != init.aval:
            original = inits[name]
            if isinstance(original, Value) and not original.is_scalar_const:
                raise Reshaped(f"{_what(name)} is {_show(init.aval)} before the loop and "
                               f"{_show(result.aval)} after one iteration; a loop must keep it the same",
                               name=name, values=[result])
            number = original.const if isinstance(original, Value) else original
            inits[name] = ops.full(result.shape, number, result.dtype)
            changed = True
    return changed


def _carried_result(name, result, aval, builder):
    if isinstance(result, Undefined):
        raise result.error()
    if isinstance(result, Value) and result.aval == aval and not result.weak:
        return result
    return _as_array(result, aval, name, builder)
