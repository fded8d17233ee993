"""Lowering of `if` on run-time values into the IR's structured control flow (`ir.control`),
and what loops (loops.py) share with it. Compile-time conditions never get here: the frame runs
the taken branch.

SSA is built from the frame's environment, the way Braun et al. build it from a block's
definitions, but over structured regions rather than basic blocks: an `if` lowers each branch
into a region from a copy of the environment; names whose values differ afterwards become the
results of the `cond` op (tuples, lists and dicts leaf by leaf); lists and dicts that a branch
changes in place (`d['a'] = v`) are restored before the other branch and merged the same way.
A name given a value in only one branch (and none before) is undefined after the `if`, and
using it is a compile error, unless the other branch leaves the loop (see exits): then nothing
reads it where it has no value.
"""
import contextlib

import gast
import numpy as np

from runtime import ops
from runtime.primitive import Aval
from ..errors import CompileError, NotStatic
from ..ir import Value, constant
from ..ir.control import COND, make, placeholder
from ..ir import effects
from ..ir.core import Region
from ..tree import leaves, map_tree, rebuild
from . import exits, saved_lists
from .exits import Break, Return
from .exits import display_name as _hint


class Undefined:
    """What a name holds where it may have no value; reading it is a compile error."""

    def __init__(self, name, why):
        self.name = name
        self.why = why

    def error(self):
        return CompileError(f"name {self.name!r} may be undefined here: {self.why}")


class ChangedView(Undefined):
    """What a name holds that viewed an array an item assignment then changed (`v = b[1:]`,
    then `b[0] = 1`): in Python the change shows through the view; compiled code keeps values
    apart, so reading it is an error rather than a stale value."""

    def __init__(self, name, base, line):
        super().__init__(name, f"it viewed {base}, which the assignment at line {line} changed")
        self.base, self.line = base, line

    def error(self):
        return CompileError(f"{self.name!r} is a view of {self.base!r}, which the item assignment at line "
                            f"{self.line} changed; in Python the change shows through the view, which "
                            f"compiled code does not follow: take {self.name!r} after the assignment, or "
                            f"use it before the assignment")


class Unmerged(Undefined):
    """What a name holds after an if whose branches gave it values of different shapes or
    structures: reading it raises the Reshaped error the merge met (a loop that started it as a
    number catches that and widens it)."""

    def __init__(self, name, reshaped):
        super().__init__(name, reshaped.message)
        self.reshaped = reshaped

    def error(self):
        return self.reshaped


class LoopExit(NotStatic):
    """A `return`, `break` or `continue` that a branch or loop over run-time values cannot take
    where it is (it cannot stop half way). The loop the compiler was unrolling around it is
    lowered again with flags for its exits: as a run-time loop, or unrolled with them (see
    unrolling). Every statement that is not at the end of a function is in some loop, so the
    message reaches the user only if that chain has a gap."""


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
    containers = list({id(obj): (obj, contents_of(obj)) for obj in before.values()
                       if isinstance(obj, (list, dict))}.values())
    branches, branch_bindings, branch_contents = [], [], []
    for body in (stmt.body, stmt.orelse):
        frame.locals = dict(before)
        lowering.implicit = dict(bindings_before)
        try:
            with builder.region() as region_ops:
                _run_branch(frame, body)
                branch_contents.append([contents_of(obj) for obj, _ in containers])
        finally:
            restore_containers(containers)
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
        local = loop is not None and exits.iteration_local(frame, loop, name, containers_of.get(name))
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
        try:
            if tree != other:
                raise Reshaped(f"{shown_name(shown)} holds {describe_tree(values[0])} in one branch of the "
                               f"if at line {stmt.lineno} and {describe_tree(values[1])} in the other; "
                               "both branches must give it the same structure", name=name, values=values)
            pairs = [_same_type(shown if tree is None else f'{shown}[{k}]', list(pair), builder, stmt,
                                frame.parsed.generated, widen=name, regions=[ops_ for ops_, _ in branches])
                     for k, pair in enumerate(zip(then_leaves, else_leaves))]
        except Reshaped as e:
            if name.startswith('#') or before.get(name, _MISSING) is not _MISSING:
                raise       # (a loop widens what it carries from a number when it sees this)
            # A name new in both branches with two kinds of value: an error only where
            # something reads it after the if (each branch may use its own `t` for its own work).
            frame.locals[name] = Unmerged(name, e.located(frame.parsed.loc(stmt)))
            continue
        slots = []
        for pair, leaf in zip(zip(then_leaves, else_leaves), pairs):
            if leaf is None:
                slots.append(pair[0])     # one Python object in both branches
                continue
            for i, v in enumerate(leaf):
                results[i].append(v)
            slots.append(None)
            out_names.append(display.get(name) or _hint(name))
        merged.append((name, tree, slots))
    regions = (Region([], branches[0][0], results[0]), Region([], branches[1][0], results[1]))
    outs = iter(_cond(builder, pred, regions, out_names))
    for name, tree, slots in merged:
        frame.locals[name] = rebuild(tree, [saved_lists.wrap(next(outs)) if s is None else s for s in slots])
    for key, obj in changed:
        _refill(obj, frame.locals.pop(key))
    for k, param in enumerate(params):
        if f'#param{k}' in frame.locals:
            bind_params(lowering, [param], [frame.locals.pop(f'#param{k}')], bindings_before)
    if loop is not None and all(exiting):
        frame.locals[exits.flag(exits.SKIP, loop)] = True


def _stand_in(value):
    """What a guard's skipped branch gives a name the guarded statements define (see exits)."""
    if isinstance(value, Value) and value.weak:
        return constant(np.zeros((), value.dtype).item())    # a number for a number
    if isinstance(value, Value) and not value.is_scalar_const:
        return ops.full(value.shape, 0, value.dtype)
    return value


def contents_of(obj):
    """A container's content as a tree the if can merge: a list's items, a dict's values by key."""
    return list(obj) if isinstance(obj, list) else dict(obj)


def _same_content(now, before):
    if isinstance(before, list):
        return len(now) == len(before) and all(a is b for a, b in zip(now, before))
    return list(now) == list(before) and all(now[k] is before[k] for k in before)


def restore_containers(containers):
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


def shown_name(name):
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
    containers = list({id(obj): (obj, contents_of(obj)) for obj in before.values()
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
                    value = r.value
                branch_contents.append([contents_of(obj) for obj, _ in containers])
        finally:
            restore_containers(containers)
        returned.append((region_ops, value))
        branch_bindings.append(lowering.implicit)
    frame.locals = before
    lowering.implicit = bindings_after = lowering.bindings()
    (then_ops, then_value), (else_ops, else_value) = returned
    then_leaves, tree = leaves(then_value)
    else_leaves, other = leaves(else_value)
    if tree != other:
        raise CompileError(f"the branches of the if at line {stmt.lineno} return different structures "
                           f"({describe_tree(then_value)} and {describe_tree(else_value)})")
    results = [[], []]
    inside = [then_ops, else_ops]
    for k, pair in enumerate(zip(then_leaves, else_leaves)):
        values = _same_type(f'returned value {k}', list(pair), builder, stmt, regions=inside)
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
        values = _same_type(bindings_after[param].name or 'a Parameter', pair, builder, stmt, regions=inside)
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
            raise CompileError(f"{shown_name(_name_of(obj, before))} holds {describe_tree(branch_contents[0][k])} "
                               f"in one branch of the if at line {stmt.lineno} and "
                               f"{describe_tree(branch_contents[1][k])} in the other")
        slot = []
        for leaf in zip(a, b):
            values = _same_type(_name_of(obj, before), list(leaf), builder, stmt, regions=inside)
            if values is None:
                slot.append(leaf[0])
            else:
                results[0].append(values[0])
                results[1].append(values[1])
                slot.append(None)
        slots.append((obj, shape, slot))
    regions = (Region([], then_ops, results[0]), Region([], else_ops, results[1]))
    outs = _cond(builder, pred, regions, ['out'] * len(results[0]))
    rest = iter(outs[count:])
    bind_params(lowering, params, [next(rest) for _ in params], bindings_after)
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
            value = frame.expr(expr)
        branches.append((region_ops, value))
    values = _same_type('the conditional expression', [v for _, v in branches], builder, node,
                        regions=[ops_ for ops_, _ in branches])
    if values is None:
        return branches[0][1]
    regions = tuple(Region([], ops_, [v]) for (ops_, _), v in zip(branches, values))
    return _cond(builder, pred, regions)[0]


def describe_tree(tree):
    if isinstance(tree, (tuple, list, dict)):
        return f'a {type(tree).__name__} of {len(tree)}'
    return 'None' if tree is None else 'one value'


def _same_python(a, b):
    return not isinstance(a, Value) and not isinstance(b, Value) and (a is b or a == b)


def _run_branch(frame, body):
    try:
        frame.run(body)
    except Return:
        # the loop around takes it as a flag (see LoopExit); with none, the user sees this
        raise LoopExit("return inside an if on Tensor values, with no loop around it to leave and not "
                       "at the end of the function; assign the result to a variable and return it "
                       "after the if") from None
    except Break as e:   # Continue too
        raise LoopExit("break/continue inside an if on Tensor values, in no loop the compiler can "
                       "give flags", e.loc) from None


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


def _same_type(name, values, builder, stmt, generated=False, widen=None, regions=None):
    """Both branches' values of `name` as Values of one aval, or None when both are the same
    Python object. Python numbers (also those known only at run time) stay numbers when both
    are; beside an array they become arrays of its shape and dtype, converted in their branch
    (`regions`: each branch's ops). `widen`: the variable's name, for a loop that may widen it
    (see Reshaped)."""
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
            # Numbers chosen at run time stay Python numbers (weakly typed, see `_cond`).
            kind = float if any(isinstance(v, float) for v in values) else int
            return [constant(kind(v)) for v in values]
        raise CompileError(f"{shown_name(name)} is a Python value ({values[0]!r} or {values[1]!r}) that would "
                           f"depend on a Tensor condition (line {stmt.lineno}); make it a Tensor")
    if all(weak_dtype(v) is not None for v in values):
        # Numbers, some known only at run time: they stay Python numbers (see `_cond`).
        return [v if isinstance(v, Value) else constant(v) for v in values]
    arrays = [v for v in values if isinstance(v, Value) and weak_dtype(v) is None]
    if not arrays:
        other = next(v for v in values if weak_dtype(v) is None)
        raise CompileError(f"{shown_name(name)} holds a number in one branch of the if at line {stmt.lineno} "
                           f"and {'None' if other is None else 'a ' + type(other).__name__} in the other")
    aval = arrays[0].aval
    converted = []
    for v, region_ops in zip(values, regions or [None] * len(values)):
        if isinstance(v, Value) and v.weak:
            with _appending(builder, region_ops):
                v = ops.full(aval.shape, v, aval.dtype)
        converted.append(as_array(v, aval, name, builder))
    values = converted
    if values[0].aval != values[1].aval and regions is not None:
        # the same shape, one dtype promoting to the other (float32 and float64): the wider
        for k, (v, other) in enumerate(zip(values, values[::-1])):
            if promotes(v.aval, other.aval):
                with _appending(builder, regions[k]):
                    values[k] = ops.cast(v, other.dtype)
    if values[0].aval != values[1].aval:
        raise Reshaped(f"{shown_name(name)} is {show_aval(values[0].aval)} in one branch and "
                       f"{show_aval(values[1].aval)} in the other; both branches must agree",
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


@contextlib.contextmanager
def _appending(builder, region_ops):
    """Ops built inside go to the end of a region already lowered (a branch's), or where the
    builder is when there is none."""
    if region_ops is None:
        yield
        return
    saved, builder.ops = builder.ops, region_ops
    try:
        yield
    finally:
        builder.ops = saved


def strong(tree):
    """Run-time Python numbers (weak values) leave a region as 0-d arrays, so that what the
    region yields has one dtype whichever way it went. Built inside the region."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(strong(t) for t in tree)
    if isinstance(tree, dict):
        return type(tree)((k, strong(t)) for k, t in tree.items())
    return ops.cast(tree, tree.dtype) if isinstance(tree, Value) and tree.weak else tree


def _cond(builder, pred, regions, names=()):
    """The `cond` op, and its results. A result that is a Python number in every branch (a
    constant, or one known only at run time) stays one: weak, as NumPy 2 treats Python numbers
    (it takes the dtype of the arrays it meets), of the widest kind the branches give."""
    avals, weak = [], []
    for pair in zip(*(region.results for region in regions)):
        kinds = [weak_dtype(v) for v in pair]
        if all(k is not None for k in kinds):
            avals.append(Aval((), max(kinds, key=lambda d: KINDS.index(d.kind))))
            weak.append(True)
        else:
            avals.append(next(v.aval for v, k in zip(pair, kinds) if k is None))
            weak.append(False)
    outs = make(builder, COND, [truth(pred)], regions, avals, names=names)
    for out, w in zip(outs, weak):
        out.weak = w
    return outs


def promotes(narrow, wide):
    """Whether an array of aval `narrow` becomes one of aval `wide` by a cast that loses nothing
    NumPy's promotion would keep (float32 -> float64, int -> float): same shape, wider dtype."""
    return narrow.shape == wide.shape and narrow.dtype != wide.dtype and \
        np.promote_types(narrow.dtype, wide.dtype) == wide.dtype


KINDS = 'biufc'    # bool < int < float < complex: Python's numbers, each widening the one before


def weak_dtype(value):
    """The dtype a Python number (a constant, or a weak Value: a number known only at run time)
    is known by; None for anything else."""
    if isinstance(value, Value):
        if value.weak:
            return value.dtype
        if not value.is_scalar_const:
            return None
        value = value.const
    if isinstance(value, (bool, int, float, complex)) and not isinstance(value, np.generic):
        return np.asarray(value).dtype
    return None


def as_array(v, aval, name, builder):
    if isinstance(v, Value) and not v.is_scalar_const:
        return v
    number = v.const if isinstance(v, Value) else v
    if not isinstance(number, (bool, int, float)):
        raise CompileError(f"{shown_name(name)} holds a {type(number).__name__} in one branch and a Tensor in the other")
    return ops.full(aval.shape, number, aval.dtype)


def show_aval(aval):
    return f'{np.dtype(aval.dtype).name} of shape {aval.shape}'


def bind_params(lowering, params, values, bindings):
    """Make the compiler's reads of these Parameters see `values` (a region's arguments, or a
    control-flow op's results)."""
    for param, value in zip(params, values):
        value.param = bindings[param].param
        lowering.implicit[param] = value
