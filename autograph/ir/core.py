"""The IR: straight-line SSA over primitives.

- `Value`: defined exactly once, by a graph input, a constant or one `Op`. It knows its shape and
  dtype (`aval`) and carries a name hint taken from the user's variables (`z`, `dz`).
  A constant Value holds a Python scalar (weakly typed, as NumPy 2 treats Python numbers) or an
  array in `const`.
- `Op`: one application of a primitive to Values, with static `params` (axes, shapes, dtypes) and
  the user's source location it came from. Control flow is structured: `cond` and the loops
  (`ir.control`) are ops that own `regions` and define several results (`outs`).
- `Region`: a nested list of ops with arguments and yielded results. Ops inside may use any value
  defined before the region's op in an enclosing scope (as MLIR's scf regions do).
- `Graph`: inputs, ops in order, and an output structure (nested tuples of Values and Python
  constants such as the ids of `return_ids`).
- `Builder`: appends ops. While it is active (`runtime.primitive.tracing_into`, context-local),
  every op function (`ops.matmul`, `x + y`, adjoint rules) that runs in that thread records into it.
"""
import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Optional, Union

import numpy as np

from runtime.primitive import Aval, Primitive, tracing_into
from runtime.tensor import ArrayMethods, Tensor
from ..errors import CompileError, NotStatic
from ..source import SourceLoc
from ..tree import flatten, map_tree


class MachineName(str):
    """A value's name that no user variable gave it (the gradient of an unnamed `exp` is `dexp`):
    code generation may write the value inline where a user's name would stay a variable."""


class Value(ArrayMethods):
    """An SSA value. Operators and methods (from ArrayMethods) build ops in the current builder.

    A `weak` value is a Python number known only at run time (a float argument, or arithmetic
    on such): NumPy 2 gives it the dtype of the arrays it meets, so rules see it as a number."""
    __slots__ = ('aval', 'name', 'const', 'op', 'param', 'weak')
    _NO_CONST = object()

    def __init__(self, aval: Aval, name: Optional[str] = None, const: Any = _NO_CONST,
                 param: Any = None, weak: bool = False) -> None:
        self.aval = aval
        self.name = name
        self.const = const
        self.op: Optional[Op] = None    # the Op that defines it, if any
        # The object an implicit input stands for, read at each call: a Parameter, a Tensor or
        # an array the code reached through a global, a closure or `self`.
        self.param = param
        self.weak = weak

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> Any:
        return self.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.aval.shape)

    @property
    def is_const(self) -> bool:
        return self.const is not Value._NO_CONST

    @property
    def is_scalar_const(self) -> bool:
        # is_const spelled out: simplify and codegen ask this of every operand, a third of a
        # million times for a 4,000-line gradient, and a property calling a property doubles it
        const = self.const
        return const is not Value._NO_CONST and not isinstance(const, np.ndarray)

    def __repr__(self) -> str:
        return f'Value({self.name}: {format_aval(self.aval)})'

    def __bool__(self) -> bool:
        raise NotStatic("the truth value of a Tensor is known only when the code runs; use it in "
                        "an if or while statement, or ops.where, not in a Python expression")

    def __index__(self) -> int:
        raise NotStatic("a Tensor cannot index a Python sequence: its value is known only when the "
                        "code runs")

    def __len__(self) -> int:
        if not self.shape:
            raise CompileError("len() of a 0-d Tensor")
        return self.shape[0]


class Op:
    __slots__ = ('prim', 'inputs', 'params', 'outs', 'loc', 'regions')

    def __init__(self, prim: 'Prim', inputs: list[Value], params: dict[str, Any], outs: list[Value],
                 loc: Optional[SourceLoc], regions: tuple['Region', ...] = ()) -> None:
        self.prim = prim
        self.inputs = inputs
        self.params = params
        self.outs = outs
        self.loc = loc
        self.regions = regions
        for v in outs:
            v.op = self

    @property
    def out(self) -> Value:
        """The result of a single-result op (every primitive application)."""
        return self.outs[0]

    def __repr__(self) -> str:
        return f'Op({self.prim.name}, {self.inputs}, {self.params})'


class Construct:
    """An operation the compiler itself defines (control flow, print, checks), where a
    primitive's kernel and adjoint rule would be: codegen and reverse mode know each one."""
    kernel: None = None
    vjp: None = None
    elementwise = subscript = effect = False
    infix: Optional[str] = None
    prefix: Optional[str] = None
    augmented: Optional[str] = None
    in_place: Optional[str] = None

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.name})'


class Region:
    """Ops nested in a control-flow op: `args` are bound by the op, `results` are yielded."""
    __slots__ = ('args', 'ops', 'results')

    def __init__(self, args: list[Value], ops: list[Op], results: list[Value]) -> None:
        self.args = args
        self.ops = ops
        self.results = results


Prim = Union[Primitive, Construct]
"""What an op applies: a primitive (runtime.primitive) or one of the compiler's own constructs."""


def walk(ops: Iterable[Op]) -> Iterator[Op]:
    """Every op in `ops` and, depth first, in their regions."""
    for op in ops:
        yield op
        for region in op.regions:
            yield from walk(region.ops)


class Graph:
    """A compiled function: `outputs` is a tree (nested tuples, lists and dicts) of Values and
    Python constants."""

    def __init__(self, name: str, inputs: list[Value], ops: list[Op], outputs: Any) -> None:
        self.name = name
        self.inputs = inputs
        self.ops = ops
        self.outputs = outputs

    def output_values(self) -> list[Value]:
        return [v for v in flatten(self.outputs) if isinstance(v, Value)]


def format_aval(aval: Aval) -> str:
    if aval.dtype is None:
        return 'weak'
    short = {'float': 'f', 'int': 'i', 'uint': 'u', 'bool': 'bool', 'complex': 'c'}
    kind = aval.dtype.name.rstrip('0123456789')
    return f"{short.get(kind, kind)}{aval.dtype.name[len(kind):]}[{','.join(map(str, aval.shape))}]"


# ---------------------------------------------------------------- building
class Builder:
    """Collects ops. `loc` is the user source location stamped on each new op."""

    def __init__(self, tensor_input: Optional[Callable[[Tensor], Value]] = None) -> None:
        self.ops: list[Op] = []
        self.loc: Optional[SourceLoc] = None
        # How a concrete Tensor met by an op becomes a Value: the frontend makes it an input read
        # at each call (a Parameter of a built-in Cell, say); without a frontend, a constant.
        self.tensor_input: Callable[[Tensor], Value] = \
            tensor_input or (lambda tensor: constant(tensor.asnumpy()))
        # Called after an op that writes into its first operand (ops.assign on a Parameter), so
        # that the frontend's later reads of that Parameter see the result.
        self.after_write: Callable[[Value, Value], object] = lambda variable, result: None
        # How a Cell or a compiled function that library code calls while this builder records
        # is lowered (the frontend inlines it as if user code had called it); None: called as is.
        self.lower_call: Optional[Callable[[Any, tuple[Any, ...], dict[str, Any]], Any]] = None

    def active(self) -> contextlib.AbstractContextManager[object]:
        """Within the block, primitives applied in this thread build ops here."""
        return tracing_into(self)

    @contextlib.contextmanager
    def at(self, loc: Optional[SourceLoc]) -> Iterator[None]:
        """Stamp ops built inside with `loc` (None keeps the current one)."""
        saved = self.loc
        self.loc = loc or saved
        try:
            yield
        finally:
            self.loc = saved

    def apply(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Value:
        for key, param in params.items():
            leaves = flatten(param)
            if any(isinstance(p, Value) for p in leaves):
                raise NotStatic(f"{prim.name}: its {key} must be known at compile time, not a run-time value")
            if any(_subclassed(p) for p in leaves):
                params = {**params, key: map_tree(plain_number, param)}
        inputs = [self.tensor_input(a) if isinstance(a, Tensor) else as_value(a) for a in args]
        if inputs and all(v.is_scalar_const for v in inputs):
            # Python numbers in, a Python number out: `y - 1` on a constant exponent stays weak.
            return constant(prim.kernel(*(v.const for v in inputs), **params).item())
        try:
            aval = abstract_eval(prim, [operand(v, prim) for v in inputs], params)
        except (ValueError, TypeError) as e:
            raise CompileError(f"{prim.name}: {e}", self.loc) from None
        # Python operators on Python numbers give Python numbers; NumPy functions do not.
        weak = bool(prim.infix or prim.prefix) and aval.shape == () and \
            all(v.weak or v.is_scalar_const for v in inputs) and any(v.weak for v in inputs)
        out = Value(aval, weak=weak)
        self.ops.append(Op(prim, inputs, params, [out], self.loc))
        if prim.writes_first:
            self.after_write(inputs[0], out)
        return out

    @contextlib.contextmanager
    def region(self) -> Iterator[list[Op]]:
        """Collect the ops built inside into a fresh list (the body of a region)."""
        saved, self.ops = self.ops, []
        try:
            yield self.ops
        finally:
            self.ops = saved

    def emit(self, prim: Primitive, inputs: Sequence[Any], params: dict[str, Any],
             loc: Optional[SourceLoc]) -> Value:
        """Append an application whose avals are already known to be right (graph copies)."""
        with self.at(loc):
            return self.apply(prim, inputs, params)


_AVALS: dict[Any, Aval] = {}      # (primitive, operands, params) -> the aval its shape rule gave
_MAX_AVALS = 10_000                # emptied when full: keys hold Python numbers of the user's


def abstract_eval(prim: Primitive, operands: list[Any], params: dict[str, Any]) -> Aval:
    """`prim.abstract(*operands, **params)`, remembered. A shape rule is a function of the
    operands it sees (Avals, and Python numbers, each keyed with its type: 1, 1.0 and True differ)
    and of the params, and a long program applies a few primitives to a few shapes again and
    again: the rules were a quarter of tracing and differentiating. Unhashable params (an index
    array) run the rule every time."""
    try:
        key = (prim, tuple([(type(o), o) for o in operands]),
               tuple(sorted([(name, type(p), p) for name, p in params.items()])))
        aval = _AVALS.get(key)
    except TypeError:
        return prim.abstract(*operands, **params)
    if aval is None:
        aval = prim.abstract(*operands, **params)
        if len(_AVALS) >= _MAX_AVALS:
            _AVALS.clear()
        _AVALS[key] = aval
    return aval


Replace = Callable[[Builder, Op, dict[int, Value]], bool]


def clone_into(builder: Builder, ops: Iterable[Op], env: dict[int, Value],
               replace: Optional[Replace] = None) -> None:
    """Copy `ops` (at any depth) into `builder` with fresh values, reading inputs through `env`
    (id -> value), which receives the copies' results: how a graph is inlined where it is called.
    `replace(builder, op, env)`, if given, may copy an op its own way (returning True)."""
    for op in ops:
        if replace is not None and replace(builder, op, env):
            continue
        inputs = [env.get(id(v), v) for v in op.inputs]
        if not op.regions and isinstance(op.prim, Primitive) and not op.prim.effect:
            env[id(op.out)] = builder.emit(op.prim, inputs, op.params, op.loc)
            env[id(op.out)].name = op.out.name
            continue
        regions = []
        for region in op.regions:
            args = [Value(a.aval, a.name, weak=a.weak) for a in region.args]
            env.update(zip(map(id, region.args), args))
            with builder.region() as body:
                clone_into(builder, region.ops, env, replace)
            regions.append(Region(args, body, [env.get(id(v), v) for v in region.results]))
        outs = [Value(o.aval, o.name, weak=o.weak) for o in op.outs]
        env.update(zip(map(id, op.outs), outs))
        builder.ops.append(Op(op.prim, inputs, op.params, outs, op.loc, tuple(regions)))


def operand(v: Value, prim: Prim) -> Any:
    """What `prim`'s shape/dtype rule sees of a value: a Python number for constants, and for
    weak values in elementwise primitives (so NumPy's promotion treats them as weak); else an Aval."""
    if v.is_scalar_const:
        return v.const
    if v.weak and prim.elementwise:
        return {'f': 1.0, 'i': 1, 'b': True}[v.dtype.kind]
    return v.aval


def _subclassed(x: Any) -> bool:
    """A number of a subclass of int or float that is no NumPy scalar (an IntEnum; a dynamic size
    while dynamic_dims probes a function: frontend/sizes.py)."""
    return isinstance(x, (int, float)) and type(x) not in (bool, int, float) and not isinstance(x, np.generic)


def plain_number(x: Any) -> Any:
    """`x`, with a number of a subclass of int or float as the plain int or float it is: the IR
    holds numbers that codegen writes as literals."""
    if not _subclassed(x):
        return x
    return int(x) if isinstance(x, int) else float(x)


def constant(x: Any) -> Value:
    """A Python scalar stays a weakly typed scalar constant; anything else becomes an array."""
    if isinstance(x, (bool, int, float)):
        # np.float64 is a float too: it is written as a Python number, so it is one here (its
        # dtype rule must see what the generated code will compute)
        return Value(Aval((), None), const=x.item() if isinstance(x, np.generic) else plain_number(x))
    array = np.asarray(x)
    return Value(Aval(array.shape, array.dtype), const=array)


def as_value(x: Any) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, Tensor):
        return constant(x.asnumpy())
    if isinstance(x, (bool, int, float, np.ndarray, np.generic)):
        return constant(x)
    refuse = getattr(type(x), 'not_an_operand', None)   # an object with its own words for this
    if refuse is not None:
        raise refuse(x)
    raise CompileError(f"a {type(x).__name__} cannot be used as an array operand")
