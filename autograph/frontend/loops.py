"""Lowering of `for` and `while` whose course depends on run-time values into the IR's loops
(`ir.control`), and of loops over compile-time sequences whose exits depend on Tensors.
Compile-time sequences without such exits never get here: the frame unrolls the loop over a
tuple, list, zip or enumerate.

- A loop's carried values are the names its body assigns that exist before it (tuples, lists
  and dicts as their leaves). The body is lowered with region arguments for them; when a
  value's shape or dtype changes in the first pass (`total = 0` then `total = total + x[i]`,
  also inside a branch or a nested loop, and the value a `return` in the loop gives), its
  initial value is widened and the body is lowered again (see control.Reshaped). Names first
  assigned in the body are undefined after the loop, unless it is known to run at least once
  (see `_made`).
- A loop over a compile-time sequence is unrolled; when its exits depend on Tensors, it is
  unrolled again with the exits' flags (`unrolled_loop`, `flagged`). Which loops over
  compile-time values are unrolled at all is unrolling.py's choice.
- Python numbers a loop carries stay Python numbers at run time (weak Values, as NumPy 2 types
  them), so that a float32 Tensor times the index stays float32.
"""
import collections

import gast
import numpy as np

from runtime import ops
from runtime.ops import masks
from runtime.ops.masks import Selection
from runtime.primitive import Aval
from ..errors import CompileError, NotStatic
from ..ir import Value, constant
from ..ir.control import FOR, FOR_SAVED, WHILE, element_aval, list_aval, make
from ..ir.core import Region
from ..tree import flatten, map_tree
from . import exits, saved_lists
from .control import (KINDS, LoopExit, Reshaped, Undefined, as_array, assigned_names, bind_params,
                      contents_of, describe_tree, promotes, restore_containers, show_aval, shown_name, strong,
                      truth, weak_dtype)
from .exits import Break, Return
from .exits import display_name as _hint


def lower_for_range(frame, stmt, bounds, element=None, runs_once=False):
    """`for target in range(*bounds)` (or over a Tensor's first axis: `element(i)` gives the
    target's value) as a run-time loop. `runs_once`: it is known to run at least once."""
    if exits.has_exit(stmt.body):
        return _lower_exiting_for(frame, stmt, bounds, element, runs_once)
    start, stop, step = (constant(b) if not isinstance(b, Value) else b for b in bounds)

    def bind_target(index):
        frame.assign(stmt.target, index if element is None else element(index))

    # the index is a Python int when the code runs (weakly typed: `x[i] * (i + 1)` keeps x's dtype)
    index = Value(Aval((), np.dtype(np.int64)), weak=True)
    return _lower_loop(frame, stmt, FOR, [start, stop, step], [index], bind_target, element, runs_once)


def lower_for_saved(frame, stmt, lists, zipped):
    """`for v in reversed(lst)` or `for a, b in zip(reversed(la), reversed(lb))` over lists a
    run-time loop saved (see saved_lists): a `for_saved` loop, last element first."""
    if exits.has_exit(stmt.body) or stmt.orelse:
        raise CompileError("break, continue and else are not supported in a loop over saved lists")

    def bind_target(*popped):
        items = [saved_lists.wrap(p) for p in popped]
        frame.assign(stmt.target, tuple(items) if zipped else items[0])

    popped = [Value(element_aval(lst.aval), weak=lst.weak) for lst in lists]   # weak: Python numbers saved
    return _lower_loop(frame, stmt, FOR_SAVED, list(lists), popped, bind_target)


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


def _lower_exiting_for(frame, stmt, bounds, element, runs_once):
    """A `for` with break/continue: a while loop over its index (see `exits`)."""
    start, stop, step = bounds
    if isinstance(step, Value):
        raise CompileError("a loop with break or continue needs a range step known at compile time")
    frame.locals[exits.flag(exits.INDEX, stmt)] = start
    frame.locals[exits.flag(exits.STOP, stmt)] = stop
    if element is not None:
        frame.locals[exits.flag(exits.SEQUENCE, stmt)] = exits.Element(element)
    _returns_from(frame, stmt)
    with exits.scope(frame, stmt):
        return _lower_loop(frame, exits.counted_loop(stmt, step, element is not None), WHILE, [], [], None,
                           runs_once=runs_once)


def lower_while(frame, stmt, runs_once=False):
    if not exits.has_exit(stmt.body):
        return _lower_loop(frame, stmt, WHILE, [], [], None, runs_once=runs_once)
    _returns_from(frame, stmt)
    loop = stmt
    stmt = exits.at(gast.While(test=exits.while_header(stmt, stmt.test),
                               body=[exits.reset_skip(stmt)] + exits.rewrite_body(stmt.body, stmt),
                               orelse=stmt.orelse), stmt)
    with exits.scope(frame, loop):
        return _lower_loop(frame, stmt, WHILE, [], [], None, runs_once=runs_once)


class Attempt:
    """What lowering a statement changes, kept so that a failed try at it (a loop lowered one way
    when it must be lowered another) can be forgotten: its ops, and what it did to names,
    Parameters and containers."""

    def __init__(self, frame):
        self.frame = frame
        self.start = len(frame.lowering.builder.ops)
        self.locals, self.pending = dict(frame.locals), frame.pending_return
        self.bindings = dict(frame.lowering.implicit)
        self.containers = list({id(obj): (obj, contents_of(obj)) for obj in self.locals.values()
                                if isinstance(obj, (list, dict))}.values())

    def forget(self):
        del self.frame.lowering.builder.ops[self.start:]
        self.restore()

    def restore(self):
        """Names, Parameters and containers as they were (the ops stay)."""
        frame = self.frame
        frame.locals, frame.pending_return = dict(self.locals), self.pending
        frame.lowering.implicit = dict(self.bindings)
        restore_containers(self.containers)


def unrolled_loop(frame, stmt, items):
    """A loop over a compile-time sequence (a tuple, list, dict items, zip): unrolled. When its
    break, continue or return depend on Tensor values, it is unrolled again with the loop's
    flags (see `flagged`)."""
    items = list(items)
    attempt = Attempt(frame)
    try:
        return frame.unrolled(stmt, items)
    except LoopExit:
        attempt.forget()
    flagged(frame, stmt, items)


def flagged(frame, stmt, items):
    """A loop over `items` unrolled with its flags, for break, continue or return that depend
    on Tensor values (see exits): each iteration's body is rewritten as a run-time loop's is,
    and runs under `if not #broke`, so that the iterations after one that breaks or returns do
    nothing."""
    attempt = Attempt(frame)
    builder = frame.lowering.builder
    value = exits.flag(exits.VALUE, stmt)
    template = None
    for _ in range(4):
        attempt.restore()
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


def _lower_loop(frame, stmt, prim, leading_inputs, leading, bind_target, element=None, runs_once=False):
    """`leading`: Values standing for the body's leading arguments (a range's index, popped
    elements), for their avals and weakness. `runs_once`: the loop is known to run at least
    once, so what its body assigns is defined after it, as in Python (see `_made`)."""
    builder = frame.lowering.builder
    before = dict(frame.locals)
    assigned = assigned_names(stmt.body) + (assigned_names([stmt.target]) if bind_target else [])
    elsewhere = _read_elsewhere(frame, stmt, assigned)
    # the target too, where something reads it: after the loop it holds the last item (or, when
    # the loop ran no time, its old value)
    targets = assigned_names([stmt.target]) if bind_target else []
    carried = [n for n in assigned if n in before and not isinstance(before[n], Undefined)
               and (n not in targets or n in elsewhere)]
    slots = _Slots(carried, before)
    inits = dict(zip(slots.names, slots.read(before)))
    # Python numbers stay Python numbers at run time, weakly typed as NumPy 2 treats them: the
    # dtype each is known by (int64, float64, ...; widened when the body makes an int a float)
    weak = {n: d for n, d in ((n, weak_dtype(v)) for n, v in inits.items()) if d is not None}
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
            weak.pop(error.name, None)
        else:
            before[error.name] = widened
            slots = _Slots(carried, before)
            inits = {n: inits.get(n, v) for n, v in zip(slots.names, slots.read(before))}
            for n, v in inits.items():
                if weak_dtype(v) is None:
                    weak.pop(n, None)
        return True

    for attempt in range(7):
        init_names = set(inits)
        frame.locals = dict(before)
        lowering.implicit = dict(bindings_before)
        init_values = [_init_value(n, inits[n], n in weak) for n in slots.names] + [bindings_before[p] for p in params]
        names = slots.names + [bindings_before[p].name for p in params]
        slot_avals = [Aval((), weak[n]) if n in weak else v.aval for n, v in zip(names, init_values)]
        is_weak = [n in weak for n in slots.names] + [False] * len(params)
        args = [Value(v.aval, name, weak=v.weak)
                for v, name in zip(leading, _leading_names(stmt, prim, element, len(leading)))]
        args += [Value(a, _hint(n), weak=w) for n, a, w in zip(names, slot_avals, is_weak)]
        carried_args = args[len(leading):]
        slots.bind(frame.locals, carried_args)
        bind_params(lowering, params, carried_args[len(slots.names):], bindings_before)
        regions = []
        if prim is WHILE:
            test_args = [Value(a, _hint(n), weak=w) for n, a, w in zip(names, slot_avals, is_weak)]
            slots.bind(frame.locals, test_args)
            bind_params(lowering, params, test_args[len(slots.names):], bindings_before)
            with builder.region() as test_ops:
                test = frame.expr(stmt.test)
            if not isinstance(test, Value):
                raise NotStatic("its condition reads nothing the loop changes as a number or a Tensor")
            regions.append(Region(test_args, test_ops, [truth(test)]))
            slots.bind(frame.locals, carried_args)
            bind_params(lowering, params, carried_args[len(slots.names):], bindings_before)
        containers = saved_lists.snapshot(before)
        lowering.loop_containers.append({id(obj) for obj, _ in containers})
        try:
            with builder.region() as body_ops:
                if bind_target:
                    bind_target(*args[:len(leading)])
                _run_loop_body(frame, stmt.body)
                results = [r if n in weak else _into(r, a)
                           for n, r, a in zip(slots.names, slots.read(frame.locals), slot_avals)]
                results += [lowering.implicit[p] for p in params]
        except Reshaped as e:
            restore_containers(containers)
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
            widened = _widen(slots.names, init_values, results, inits, weak)
        except Reshaped as e:
            if not widen_number(e):
                raise
            continue
        made = _made(frame.locals, [n for n in assigned if n not in carried and n in elsewhere]) \
            if runs_once else {}
        if made:
            # lower again, carrying them from stand-ins the loop never reads
            before.update(made)
            carried += list(made)
            slots = _Slots(carried, before)
            inits = {n: inits.get(n, v) for n, v in zip(slots.names, slots.read(before))}
            weak.update((n, d) for n, d in ((n, weak_dtype(v)) for n, v in inits.items())
                        if d is not None and n not in weak and n not in init_names)
            restore_containers(containers)
            continue
        if written:
            params += written      # lower again, carrying what the body assigns
        elif not widened:
            break
    else:
        raise NotStatic("a loop-carried value keeps changing its shape or dtype")
    results = [_carried_result(n, r, a, w) for n, r, a, w in zip(names, results, slot_avals, is_weak)]
    saved = [value for _, value in saves]
    regions.append(Region(args, body_ops, results + saved))
    frame.locals = dict(before)
    lowering.implicit = dict(bindings_before)
    list_names = [next((n for n, v in before.items() if v is obj), 'saved') for obj, _ in saves]
    outs = make(builder, prim, leading_inputs + init_values, tuple(regions),
                slot_avals + [list_aval(_aval(v)) for v in saved],
                {'saves': len(saved)} if saved else None, names=[_hint(n) for n in names + list_names])
    for out, w in zip(outs, is_weak + [v.weak or v.is_scalar_const for v in saved]):
        out.weak = w     # a list of Python numbers pops them as such
    outs, lists = outs[:len(init_values)], outs[len(init_values):]
    # A value the body passes on unchanged is what it was before the loop (a Python number stays
    # one; `#returned` stays the constant False when the loop's returns were never compiled).
    originals = slots.read(before)
    slots.bind(frame.locals, [original if result is arg else out for original, result, arg, out in
                              zip(originals, results, carried_args, outs)])
    bind_params(lowering, params, outs[len(slots.names):], bindings_before)
    saved_lists.rebind(frame.locals, before, saves, lists)
    for name in assigned:
        if name not in carried:
            frame.locals[name] = Undefined(name, f"it is first assigned inside the loop at line {stmt.lineno}; "
                                                 "give it a value before the loop")
    if stmt.orelse:   # `else` runs when the loop ends without break
        broke = exits.flag(exits.BROKE, stmt) in carried
        frame.run([exits.unless_broke(stmt.orelse, stmt)] if broke else stmt.orelse)
    return outs


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
                    raise NotStatic(f"{name!r} holds {len(flatten(self.structure[name]))} values before "
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


def _run_loop_body(frame, body):
    try:
        frame.run(body)
    except Return:    # a body with exits is rewritten with flags first (see exits)
        raise LoopExit("return inside a loop over run-time values that was not given flags") from None
    except Break as e:   # Continue too
        raise LoopExit("break/continue in a loop over run-time values that was not given flags", e.loc) from None


def _init_value(name, value, weak):
    """A carried variable's value before the loop, as the loop's input: a Python number stays
    one (`weak`), or becomes an array when the body makes the variable one."""
    if isinstance(value, Value) and not value.is_scalar_const:
        return value if weak or not value.weak else ops.cast(value, value.dtype)
    number = value.const if isinstance(value, Value) else value
    if isinstance(number, Selection):
        raise masks.refusal(f"{name!r} holds x[mask] and changes in a loop over run-time values")
    if weak_dtype(number) is not None:
        return constant(number) if weak else ops.full((), number, np.asarray(number).dtype)
    raise NotStatic(f"{name!r} holds a {type(number).__name__} and changes in a loop over run-time "
                    "values; only Tensors and numbers can")


def _aval(v):
    """A value's aval; a Python number's is that of NumPy's type for it."""
    return Aval((), weak_dtype(v)) if v.is_scalar_const else v.aval


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


def _widen(carried, init_values, results, inits, weak):
    """Where a carried value's aval changed in the body, widen its initial value (a number becomes
    an array of the result's shape and dtype, or, still a number, of a wider kind: an int that
    the body makes a float); True when anything changed."""
    changed = False
    for name, init, result in zip(carried, init_values, results):
        if isinstance(result, (tuple, list, dict)):
            raise Reshaped(f"{shown_name(name)} is {show_aval(_aval(init))} before the loop and "
                           f"{describe_tree(result)} after one iteration; a loop must keep it the same",
                           name=name, values=[result])
        kind = weak_dtype(result)
        if name in weak and kind is not None:
            if KINDS.index(kind.kind) > KINDS.index(weak[name].kind):
                weak[name] = kind
                changed = True
            continue
        if name in weak and isinstance(result, Value):    # the body makes the number an array
            weak.pop(name)
            inits[name] = ops.full(result.shape, inits[name], result.dtype)
            changed = True
            continue
        if isinstance(result, Value) and not result.is_scalar_const and result.aval != init.aval:
            original = inits[name]
            if isinstance(original, Value) and not original.is_scalar_const and \
                    promotes(original.aval, result.aval):
                # float32 before, float64 after (a float64 weight met in the body): as wide
                # from the start, which changes no value the first iteration reads
                inits[name] = ops.cast(original, result.dtype)
                changed = True
                continue
            if isinstance(original, Value) and not original.is_scalar_const:
                raise Reshaped(f"{shown_name(name)} is {show_aval(init.aval)} before the loop and "
                               f"{show_aval(result.aval)} after one iteration; a loop must keep it the same",
                               name=name, values=[result])
            number = original.const if isinstance(original, Value) else original
            inits[name] = ops.full(result.shape, number, result.dtype)
            changed = True
    return changed


def _carried_result(name, result, aval, weak):
    if isinstance(result, Undefined):
        raise result.error()
    if weak:
        if weak_dtype(result) is None:
            raise CompileError(f"{shown_name(name)} holds a number before the loop and "
                               f"{describe_tree(result) if result is None else 'a ' + type(result).__name__} "
                               "after one iteration; a loop must keep it a number or a Tensor")
        return result if isinstance(result, Value) else constant(result)
    if isinstance(result, Value) and result.aval == aval:
        return result
    return as_array(result, aval, name, None)


def _read_elsewhere(frame, loop, names):
    """Those of `names` that the function reads outside this loop (a name only the loop reads
    need not come out of it). Reads are counted, the function's once, so that each loop walks
    only itself (a walk of the whole function per loop was quadratic). The loop may be a copy
    (exits.py): only its nodes that are the function's count as inside."""
    reads, counts = frame.parsed.reads
    inside = collections.Counter(reads[i] for i in {id(node) for node in gast.walk(loop)} if i in reads)
    return {name for name in names if counts[name] > inside[name]}


def _made(env, names):
    """Of the names a loop that runs at least once first assigns in its body, those it can
    carry (Tensors and numbers, in tuples, lists and dicts), each with a stand-in for its value
    before the loop: zeros, or 0 of its kind for a number. The loop assigns the name before it
    reads it, so the stand-in is never read; after the loop the name holds what the last
    iteration gave it."""
    made = {}
    for name in names:
        value = env.get(name)
        leaves = flatten(value) if isinstance(value, (tuple, list, dict)) else [value]
        if not leaves or not all(isinstance(v, Value) or weak_dtype(v) is not None for v in leaves) or \
                any(isinstance(v, Value) and v.is_const and not v.is_scalar_const for v in leaves):
            continue
        made[name] = map_tree(_zero, value)
    return made


def _zero(leaf):
    kind = weak_dtype(leaf)
    if kind is not None:
        return np.zeros((), kind).item()
    return ops.full(leaf.shape, 0, leaf.dtype)


def _into(result, aval):
    """A Python number known at run time that the body stores into a variable the loop carries
    as an array: the array it stands for (built in the body)."""
    if isinstance(result, Value) and result.weak:
        return ops.full(aval.shape, result, aval.dtype)
    return strong(result)
