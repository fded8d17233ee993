"""Structured control flow: the ops that own regions.

- `cond`:       inputs [pred]; regions [then, orelse], no args, each yielding values of the same
                avals; one result per yielded value.
- `for_range`:  inputs [start, stop, step, *inits]; region body(args [i, *carried]) yields the next
                carried values; results: the carried values after the last iteration.
- `while_loop`: inputs [*inits]; regions test(args carried) yielding [pred] and body(args carried)
                yielding the next carried values; results: the final carried values.

Loops made by reverse mode also save values for their adjoint, one list per saved value:
- `for_range`/`while_loop` with param `saves=k`: the body yields k more values after the carried
  ones; the op has k more results, each the list of that value over the iterations.
- `for_saved`:  inputs [*lists, *inits]; region body(args [*popped, *carried]) yields the next
                carried values; it runs once per list element, last element first. It may have
                `saves` too (when a gradient is differentiated again).
- `custom`:     inputs [*operands]; params {'outputs': n}; regions: forward(args [*operands])
                yields the n results the caller sees, then residuals for the rule; rule(args
                [*operands, *results, *n cotangents]) yields one cotangent per operand. Reverse
                mode copies the rule instead of differentiating forward (a Cell's bprop, a
                custom_vjp); generated code writes the forward region in place.

Regions may use values defined in enclosing scopes before their op (`free_values` lists them).
"""
from runtime.primitive import Aval
from .core import Construct, Op, Region, Value, walk


class ControlFlow(Construct):
    """A control-flow operation: it owns regions."""


COND = ControlFlow('cond')
FOR = ControlFlow('for_range')
WHILE = ControlFlow('while_loop')
FOR_SAVED = ControlFlow('for_saved')
CUSTOM = ControlFlow('custom')
LOOPS = (FOR, WHILE, FOR_SAVED)


def body(op):
    """The region a loop repeats."""
    return op.regions[-1]


def carried_inputs(op):
    """The inputs of a loop that initialise its carried values."""
    if op.prim is FOR:
        return op.inputs[3:]
    if op.prim is FOR_SAVED:
        return op.inputs[len(body(op).args) - carried_count(op):]
    return op.inputs


def carried_count(op):
    """How many of a loop's results are carried values (the rest are saved lists)."""
    return len(op.outs) - op.params.get('saves', 0)


def saved_lists(op):
    """The lists a `for_saved` loop pops, one element per iteration."""
    return op.inputs[:len(body(op).args) - carried_count(op)]


def carried_args(op):
    """The body arguments that hold a loop's carried values."""
    return body(op).args[len(body(op).args) - len(carried_inputs(op)):]


def make(builder, prim, inputs, regions, avals, params=None, names=()):
    """Append a control-flow op with results of `avals` to `builder`; returns its results."""
    outs = [Value(aval, name) for aval, name in zip(avals, list(names) + [None] * len(avals))]
    builder.ops.append(Op(prim, list(inputs), params or {}, outs, builder.loc, regions))
    return outs


def free_values(region):
    """Values that ops in `region` (or deeper) use but that are defined outside it."""
    defined = {id(v) for v in region.args}
    free, seen = [], set()
    for op in walk(region.ops):
        defined.update(id(v) for v in op.outs)
        for r in op.regions:
            defined.update(id(v) for v in r.args)
    for op in walk(region.ops):
        for v in op.inputs:
            _note_free(v, defined, free, seen)
    for v in region.results:
        _note_free(v, defined, free, seen)
    for op in walk(region.ops):
        for r in op.regions:
            for v in r.results:
                _note_free(v, defined, free, seen)
    return free


def _note_free(v, defined, free, seen):
    if isinstance(v, Value) and not v.is_const and id(v) not in defined and id(v) not in seen:
        seen.add(id(v))
        free.append(v)


# A loop's saved values are lists, one element per iteration: avals whose first dimension is '*'.
def list_aval(aval):
    return Aval(('*',) + tuple(aval.shape), aval.dtype)


def element_aval(aval):
    return Aval(tuple(aval.shape[1:]), aval.dtype)


def is_list(v):
    return bool(v.shape) and v.shape[0] == '*'


def placeholder(aval):
    """What a region yields for a value it does not define (the other branch does), or for a
    list it has no cotangent of: None, never read."""
    return Value(aval, const=None)


__all__ = ['COND', 'CUSTOM', 'FOR', 'WHILE', 'FOR_SAVED', 'LOOPS', 'ControlFlow', 'Region', 'body',
           'carried_args', 'carried_count', 'carried_inputs', 'element_aval', 'is_list', 'list_aval',
           'placeholder', 'saved_lists', 'free_values', 'make']
