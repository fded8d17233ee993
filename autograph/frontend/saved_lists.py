"""Lists that a run-time loop fills, one element per iteration: how generated adjoints save
values, read back so that generated code is valid input to the compiler again.

In: a loop body's effect on the empty Python lists that exist before it (`x_saved = []`, then
`x_saved.append(x)` in the body). Out: those appends as the loop's `saves` (ir/control.py), the
list's name bound to a `SavedList` of the loop's result, which a later
`for v in reversed(x_saved)` (or `zip(reversed(a), reversed(b))`) pops as a `for_saved` loop.

Only that pattern is understood, and only in modules autograph generated (their first line
says so): one append per list per iteration, at the top level of the loop body, to a list
created outside every enclosing run-time loop's start. Anything else that changes a Python list
in a run-time loop stays a compile error (in user code a compile-time loop is unrolled instead).
"""
from ..errors import CompileError, NotStatic
from ..ir import Value, constant
from ..ir.control import is_list
from ..ir.core import walk

_USE = ("a list filled in a loop over run-time values can only be read back with "
        "`for v in reversed(lst)` or `for a, b in zip(reversed(la), reversed(lb))`; to use the "
        "values as a Tensor, write them into one with ops.stack before the loop or index assignment")


GROWS = ("a loop over run-time values cannot change a Python list or dict (its body is compiled "
         "once); collect the values in a Tensor instead, or loop over a range with bounds known at "
         "compile time")
_MUTATORS = {'append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse', 'update',
             'setdefault', 'popitem', 'add', 'discard'}


def grows_outer_container(fn, enclosing):
    """Whether `fn` is a method changing a container that exists before an enclosing run-time
    loop (in user code that is an error, reported at the call)."""
    owner = getattr(fn, '__self__', None)
    return (isinstance(owner, (list, dict, set)) and getattr(fn, '__name__', '') in _MUTATORS
            and any(id(owner) in ids for ids in enclosing))


class SavedList:
    """A list built by a run-time loop: a Value whose aval's first dimension is '*'."""

    def __init__(self, value):
        self.value = value

    def __iter__(self):
        raise CompileError(_USE)

    def __len__(self):
        raise CompileError(_USE)

    def __reversed__(self):
        raise CompileError(_USE)


def wrap(value):
    return SavedList(value) if isinstance(value, Value) and is_list(value) else value


def unwrap(value):
    return value.value if isinstance(value, SavedList) else value


def snapshot(env):
    """Copies of the Python containers a loop body could change."""
    return [(obj, list(obj.items()) if isinstance(obj, dict) else list(obj))
            for obj in env.values() if isinstance(obj, (list, dict, set))]


def loop_saves(snapshot_before, enclosing, body_ops, generated):
    """The lists the body filled in the saved-list pattern (in code autograph generated), as
    (list, value saved) pairs; every container is put back as it was. Any other change is a
    NotStatic error (the loop may still be unrolled when its bounds are known)."""
    nested = {id(o) for op in body_ops for region in op.regions for inner in walk(region.ops)
              for o in inner.outs}
    saves, other = [], False
    for obj, content in snapshot_before:
        now = list(obj.items()) if isinstance(obj, dict) else list(obj)
        if _unchanged(now, content, isinstance(obj, dict)):
            continue
        value = _saved_value(obj, content, now, enclosing, nested) if generated else None
        if value is None:
            other = True
        else:
            saves.append((obj, value))
        obj.clear()
        obj.update(content) if not isinstance(obj, list) else obj.extend(content)
    if other:
        raise NotStatic(GROWS)
    return saves


def _unchanged(now, content, items):
    """Whether a container holds the same objects as before (a dict's items are new tuples each
    time: compare their keys and values)."""
    if len(now) != len(content):
        return False
    if items:
        return all(k == j and v is w for (k, v), (j, w) in zip(now, content))
    return all(a is b for a, b in zip(now, content))


def _saved_value(obj, content, now, enclosing, nested):
    if not isinstance(obj, list) or content or len(now) != 1 or any(id(obj) in s for s in enclosing):
        return None
    value = unwrap(now[0])
    if isinstance(value, (bool, int, float)):
        value = constant(value)
    if not isinstance(value, Value) or id(value) in nested:
        return None
    return value


def rebind(env, before, saves, outs):
    """After the loop: each name that held a filled list now holds its SavedList."""
    for (obj, _), out in zip(saves, outs):
        for name, value in before.items():
            if value is obj:
                env[name] = SavedList(out)
