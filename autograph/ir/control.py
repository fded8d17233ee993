"""Structured control flow: the ops that own regions, and what each kind of them is.

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

Each kind is a `ControlFlow` object (`COND`, `FOR`, ...), and passes ask it about an op's layout
(`carried_args`, `saved_lists`, ...) instead of testing which one it is. Each stage that treats
kinds differently keeps one table of rules keyed by construct class, looked up with `rule_for`
(so a subclass of `Loop` gets the loop's rules unless it has its own).

Adding a construct (a `switch`, a `scan`), a checklist:
1. Here: subclass `ControlFlow`, or `Loop` when it is a loop laid out as `Loop` says, and make
   one instance named as the IR will print it. Say what it carries (`carried_count`,
   `carried_inputs`, `carried_args`), what it saves (`saves`, `saved_lists`, `popped_args`),
   what it reads once before its regions run (`header_inputs`), whether its regions run again
   (`repeats`) or one of them is chosen (`selects`), what the verifier checks (`problems`), and
   how a result or list nobody reads is removed (`drop_results`, `drop_lists`).
2. Its rules, one entry per table: reverse mode (`ad/reverse.py`: `_ACTIVITY`, `_ADJOINTS`),
   forward mode (`ad/forward.py`: `_TANGENTS`), batching (`ad/batching.py`: `_RULES`), code
   generation (`codegen/emit.py`: `_STATEMENTS`, and for a loop the header in `_HEADERS`). A missing rule is an error that names
   the construct, never a silent fallback.
3. The frontend lowers Python to it (`frontend/control.py`); `tests/fuzz/ireval.py` runs it;
   golden files in `tests/codegen` and `tests/frontend` show its printed IR and generated code.
"""
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Optional, TypeVar

from runtime.primitive import Aval
from .core import Builder, Construct, Op, Region, Value, walk

T = TypeVar('T')


class ControlFlow(Construct):
    """A control-flow operation: it owns regions. The defaults describe a construct that carries
    and saves nothing; subclasses say what differs."""
    repeats = False
    """Its regions may run more than once, so a variable they write is read again by them."""
    selects = False
    """Exactly one of its regions runs, and its results are what that region yields."""
    inlined_after_ad = False
    """Once reverse mode has run, the op means its first region run in place (`passes.custom`)."""

    def body(self, op: Op) -> Region:
        """The region whose results become the op's results (a loop's repeated body; each
        region of a construct that `selects`)."""
        region: Region = op.regions[-1]
        return region

    def test(self, op: Op) -> Optional[Region]:
        """The region that decides whether to run the body again, if any."""
        return None

    def carried_count(self, op: Op) -> int:
        """How many results carry a value out of the regions slot by slot, each of which
        `drop_results` can remove; they come first among the results."""
        return 0

    def carried_inputs(self, op: Op) -> list[Value]:
        """The inputs that initialise the carried values, one per carried result (a loop's)."""
        return []

    def carried_args(self, op: Op, region: Optional[Region] = None) -> list[Value]:
        """The arguments of `region` (the body by default) that hold the carried values."""
        return []

    def header_inputs(self, op: Op) -> list[Value]:
        """Inputs read once, before any region runs (an if's condition, a range's bounds)."""
        return []

    def saves(self, op: Op) -> int:
        """How many results are lists of a value saved at each iteration (for an adjoint); they
        come after the carried ones."""
        return int(op.params.get('saves', 0))

    def saved_lists(self, op: Op) -> list[Value]:
        """Inputs that are lists the op reads one element per iteration."""
        return []

    def popped_args(self, op: Op) -> list[Value]:
        """The body arguments holding the current elements of `saved_lists`."""
        return []

    def index_args(self, op: Op) -> list[Value]:
        """The body arguments holding an iteration's index."""
        return []

    def problems(self, op: Op) -> list[str]:
        """What is wrong with how `op`'s regions, inputs and results fit together."""
        raise NotImplementedError(f'{self.name} does not say how to check it')

    def runs_at_least_once(self, op: Op) -> bool:
        """Whether the body surely runs, known when compiling (work done once before the op is
        then work the op would have done)."""
        return False

    def index_values(self, op: Op) -> Optional[range]:
        """The values its index argument takes, in order, where they are known when compiling."""
        return None

    def drop_results(self, op: Op, dead: Collection[int]) -> None:
        """Remove the results at positions `dead`, with what feeds only them (a carried value's
        initial value and arguments, a yielded value). Only carried and saved results can go."""
        if dead:
            raise NotImplementedError(f'{self.name}: its results cannot be removed')

    def drop_lists(self, op: Op, dead: Collection[int]) -> None:
        """Stop reading the saved lists at positions `dead` of `saved_lists`."""
        if dead:
            raise NotImplementedError(f'{self.name} reads no saved lists')


class Cond(ControlFlow):
    """`if pred: then else: orelse`, both branches yielding the results."""
    selects = True

    def carried_count(self, op: Op) -> int:
        return len(op.outs)

    def header_inputs(self, op: Op) -> list[Value]:
        return list(op.inputs)

    def problems(self, op: Op) -> list[str]:
        outs = _avals(op.outs)
        return [f'a branch yields {_avals(region.results)}, the results are {outs}'
                for region in op.regions if len(region.results) != len(op.outs)
                or not all(fits(v, out) for v, out in zip(region.results, op.outs))]

    def drop_results(self, op: Op, dead: Collection[int]) -> None:
        op.outs = _without(op.outs, dead)
        op.regions = tuple(Region(r.args, r.ops, _without(r.results, dead)) for r in op.regions)


class Loop(ControlFlow):
    """A loop, laid out as:

    inputs  [*bounds, *saved lists, *carried inputs]
    regions [*test, body]: a test (if any) takes the carried values and yields [pred]
    body    args [*index, *popped elements, *carried]; yields [*next carried, *saved values]
    results [*carried, *saved lists]

    Subclasses set how many bounds and index arguments there are; the rest follows from the op."""
    repeats = True
    bounds_count = 0
    index_count = 0

    def test(self, op: Op) -> Optional[Region]:
        if len(op.regions) < 2:
            return None
        region: Region = op.regions[0]
        return region

    def carried_count(self, op: Op) -> int:
        return len(op.outs) - self.saves(op)

    def bounds(self, op: Op) -> list[Value]:
        return list(op.inputs[:self.bounds_count])

    def carried_inputs(self, op: Op) -> list[Value]:
        return list(op.inputs[len(op.inputs) - self.carried_count(op):])

    def carried_args(self, op: Op, region: Optional[Region] = None) -> list[Value]:
        args = (region if region is not None else self.body(op)).args
        return list(args[len(args) - self.carried_count(op):])

    def header_inputs(self, op: Op) -> list[Value]:
        return self.bounds(op)

    def saved_lists(self, op: Op) -> list[Value]:
        return list(op.inputs[self.bounds_count:len(op.inputs) - self.carried_count(op)])

    def popped_args(self, op: Op) -> list[Value]:
        args = self.body(op).args
        return list(args[self.index_count:len(args) - self.carried_count(op)])

    def index_args(self, op: Op) -> list[Value]:
        return list(self.body(op).args[:self.index_count])

    def problems(self, op: Op) -> list[str]:
        inits, args = self.carried_inputs(op), self.carried_args(op)
        results = self.body(op).results[:len(args)]
        return [f'carried value {out} changes from {init.aval} to {result.aval}'
                for init, arg, result, out in zip(inits, args, results, op.outs)
                if not (arg.aval == out.aval and arg.weak == out.weak and fits(init, out) and fits(result, out))]

    def drop_results(self, op: Op, dead: Collection[int]) -> None:
        count, saves, body = self.carried_count(op), self.saves(op), self.body(op)
        carried_dead = {k for k in dead if k < count}
        first = len(op.inputs) - count
        op.inputs = op.inputs[:first] + _without(op.inputs[first:], carried_dead)
        regions = []
        for region in op.regions:
            lead = len(region.args) - count
            args = region.args[:lead] + _without(region.args[lead:], carried_dead)
            results = _without(region.results, dead) if region is body else region.results
            regions.append(Region(args, region.ops, results))
        op.regions = tuple(regions)
        op.outs = _without(op.outs, dead)
        saved_dead = len(dead) - len(carried_dead)
        if saved_dead:
            op.params = {**op.params, 'saves': saves - saved_dead}

    def drop_lists(self, op: Op, dead: Collection[int]) -> None:
        first, lead, body = self.bounds_count, self.index_count, self.body(op)
        lists = len(self.saved_lists(op))
        op.inputs = op.inputs[:first] + _without(op.inputs[first:first + lists], dead) + op.inputs[first + lists:]
        args = body.args[:lead] + _without(body.args[lead:lead + lists], dead) + body.args[lead + lists:]
        op.regions = op.regions[:-1] + (Region(args, body.ops, body.results),)


class ForRange(Loop):
    """`for i in range(start, stop, step)`."""
    bounds_count = 3
    index_count = 1

    def runs_at_least_once(self, op: Op) -> bool:
        return bool(self.index_values(op))

    def index_values(self, op: Op) -> Optional[range]:
        bounds = self.bounds(op)
        if not all(v.is_scalar_const and isinstance(v.const, int) for v in bounds):
            return None
        return range(*(v.const for v in bounds))


class WhileLoop(Loop):
    """`while test: body`."""


class ForSaved(Loop):
    """Over saved lists, last element first: the adjoint of a loop."""

    def runs_at_least_once(self, op: Op) -> bool:
        """As often as the loop that filled its lists ran."""
        lists = self.saved_lists(op)
        source = lists[0].op if lists else None
        return source is not None and isinstance(source.prim, ControlFlow) and \
            source.prim.runs_at_least_once(source)


class Custom(ControlFlow):
    """A function with its own gradient rule. None of its results can go: the rule reads them
    all."""
    inlined_after_ad = True

    def body(self, op: Op) -> Region:
        region: Region = op.regions[0]
        return region

    def problems(self, op: Op) -> list[str]:
        forward, rule = op.regions
        problems = []
        if _avals(forward.results) != _avals(op.outs):
            problems.append(f'its body yields {_avals(forward.results)}, the results are {_avals(op.outs)}')
        if _avals(rule.results) != _avals(op.inputs):
            problems.append(f'its rule yields {_avals(rule.results)} for inputs {_avals(op.inputs)}')
        return problems


COND = Cond('cond')
FOR = ForRange('for_range')
WHILE = WhileLoop('while_loop')
FOR_SAVED = ForSaved('for_saved')
CUSTOM = Custom('custom')


def construct(op: Op) -> ControlFlow:
    """The construct of an op that owns regions."""
    prim = op.prim
    if not isinstance(prim, ControlFlow):
        raise TypeError(f'{prim.name} is not a control-flow construct')
    return prim


def rule_for(table: Mapping[type, T], prim: object) -> Optional[T]:
    """`table`'s entry for the class of `prim`, or for its nearest base class that has one."""
    for cls in type(prim).__mro__:
        if cls in table:
            return table[cls]
    return None


# The layout questions passes ask most, as functions of the op.
def body(op: Op) -> Region:
    """The region a loop repeats."""
    return construct(op).body(op)


def carried_inputs(op: Op) -> list[Value]:
    """The inputs of a loop that initialise its carried values."""
    return construct(op).carried_inputs(op)


def carried_count(op: Op) -> int:
    """How many of a loop's results are carried values (the rest are saved lists)."""
    return construct(op).carried_count(op)


def saved_lists(op: Op) -> list[Value]:
    """The lists a `for_saved` loop pops, one element per iteration."""
    return construct(op).saved_lists(op)


def carried_args(op: Op) -> list[Value]:
    """The body arguments that hold a loop's carried values."""
    return construct(op).carried_args(op)


def make(builder: Builder, prim: ControlFlow, inputs: Iterable[Value], regions: Sequence[Region],
         avals: Sequence[Aval], params: Optional[dict[str, Any]] = None,
         names: Sequence[Optional[str]] = ()) -> list[Value]:
    """Append a control-flow op with results of `avals` to `builder`; returns its results."""
    hints = list(names) + [None] * len(avals)
    outs = [Value(aval, name) for aval, name in zip(avals, hints)]
    builder.ops.append(Op(prim, list(inputs), params or {}, outs, builder.loc, tuple(regions)))
    return outs


def free_values(region: Region) -> list[Value]:
    """Values that ops in `region` (or deeper) use but that are defined outside it."""
    defined = {id(v) for v in region.args}
    free: list[Value] = []
    seen: set[int] = set()
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


def _note_free(v: object, defined: set[int], free: list[Value], seen: set[int]) -> None:
    if isinstance(v, Value) and not v.is_const and id(v) not in defined and id(v) not in seen:
        seen.add(id(v))
        free.append(v)


def _avals(values: Iterable[Value]) -> list[Aval]:
    return [v.aval for v in values]


def fits(v: Value, slot: Value) -> bool:
    """Whether `v` may be what `slot` (a carried value, a result) holds: a value of its aval; or,
    where the slot is a Python number known only at run time (weak), any Python number (a
    constant, or weak itself): Python's numbers mix freely, and NumPy 2 types them weakly."""
    if slot.weak:
        return v.shape == () and (v.weak or v.is_scalar_const)
    return v.aval == slot.aval


def _without(items: Sequence[T], positions: Collection[int]) -> list[T]:
    return [item for k, item in enumerate(items) if k not in positions]


# A loop's saved values are lists, one element per iteration: avals whose first dimension is '*'.
def list_aval(aval: Aval) -> Aval:
    return Aval(('*',) + tuple(aval.shape), aval.dtype)


def element_aval(aval: Aval) -> Aval:
    return Aval(tuple(aval.shape[1:]), aval.dtype)


def is_list(v: Value) -> bool:
    shape = v.aval.shape
    return bool(shape) and shape[0] == '*'


def placeholder(aval: Aval) -> Value:
    """What a region yields for a value it does not define (the other branch does), or for a
    list it has no cotangent of: None, never read."""
    return Value(aval, const=None)


__all__ = ['COND', 'CUSTOM', 'FOR', 'WHILE', 'FOR_SAVED', 'Cond', 'ControlFlow', 'Custom', 'ForRange',
           'ForSaved', 'Loop', 'Region', 'WhileLoop', 'body', 'carried_args', 'carried_count',
           'carried_inputs', 'construct', 'element_aval', 'is_list', 'list_aval', 'placeholder',
           'rule_for', 'saved_lists', 'free_values', 'make']
