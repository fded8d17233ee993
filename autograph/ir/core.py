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

import numpy as np

from runtime.primitive import Aval, tracing_into
from runtime.tensor import ArrayMethods, Tensor
from ..errors import CompileError, NotStatic


class Value(ArrayMethods):
    """An SSA value. Operators and methods (from ArrayMethods) build ops in the current builder.

    A `weak` value is a Python number known only at run time (a float argument, or arithmetic
    on such): NumPy 2 gives it the dtype of the arrays it meets, so rules see it as a number."""
    __slots__ = ('aval', 'name', 'const', 'op', 'param', 'weak')
    _NO_CONST = object()

    def __init__(self, aval, name=None, const=_NO_CONST, param=None, weak=False):
        self.aval = aval
        self.name = name
        self.const = const
        self.op = None          # the Op that defines it, if any
        self.param = param      # the runtime Parameter an implicit input stands for
        self.weak = weak

    shape = property(lambda self: self.aval.shape)
    dtype = property(lambda self: self.aval.dtype)
    ndim = property(lambda self: len(self.aval.shape))

    @property
    def is_const(self):
        return self.const is not Value._NO_CONST

    @property
    def is_scalar_const(self):
        return self.is_const and not isinstance(self.const, np.ndarray)

    def __repr__(self):
        return f'Value({self.name}: {format_aval(self.aval)})'

    def __bool__(self):
        raise NotStatic("the truth value of a Tensor is known only when the code runs; use it in "
                        "an if or while statement, or ops.where, not in a Python expression")

    def __index__(self):
        raise NotStatic("a Tensor cannot index a Python sequence: its value is known only when the "
                        "code runs")

    def __len__(self):
        if not self.shape:
            raise CompileError("len() of a 0-d Tensor")
        return self.shape[0]


class Op:
    __slots__ = ('prim', 'inputs', 'params', 'outs', 'loc', 'regions')

    def __init__(self, prim, inputs, params, outs, loc, regions=()):
        self.prim = prim
        self.inputs = inputs
        self.params = params
        self.outs = outs
        self.loc = loc
        self.regions = regions
        for v in outs:
            v.op = self

    @property
    def out(self):
        """The result of a single-result op (every primitive application)."""
        return self.outs[0]

    def __repr__(self):
        return f'Op({self.prim.name}, {self.inputs}, {self.params})'


class Construct:
    """An operation the compiler itself defines (control flow, print, checks), where a
    primitive's kernel and adjoint rule would be: codegen and reverse mode know each one."""
    kernel = vjp = None
    elementwise = subscript = effect = False
    infix = prefix = None

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'{type(self).__name__}({self.name})'


class Region:
    """Ops nested in a control-flow op: `args` are bound by the op, `results` are yielded."""
    __slots__ = ('args', 'ops', 'results')

    def __init__(self, args, ops, results):
        self.args = args
        self.ops = ops
        self.results = results


def walk(ops):
    """Every op in `ops` and, depth first, in their regions."""
    for op in ops:
        yield op
        for region in op.regions:
            yield from walk(region.ops)


class Graph:
    def __init__(self, name, inputs, ops, outputs):
        self.name = name
        self.inputs = inputs
        self.ops = ops
        self.outputs = outputs

    def output_values(self):
        return [v for v in flatten(self.outputs) if isinstance(v, Value)]


def flatten(tree):
    """The leaves of nested tuples, lists and dicts (dict values in insertion order)."""
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in flatten(item)]
    if isinstance(tree, dict):
        return [leaf for item in tree.values() for leaf in flatten(item)]
    return [tree]


def map_tree(fn, tree):
    """The same nesting of tuples, lists and dicts, with `fn` applied to each leaf."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(map_tree(fn, item) for item in tree)
    if isinstance(tree, dict):
        return {key: map_tree(fn, item) for key, item in tree.items()}
    return fn(tree)


def format_aval(aval):
    if aval.dtype is None:
        return 'weak'
    short = {'float': 'f', 'int': 'i', 'uint': 'u', 'bool': 'bool', 'complex': 'c'}
    kind = aval.dtype.name.rstrip('0123456789')
    return f"{short.get(kind, kind)}{aval.dtype.name[len(kind):]}[{','.join(map(str, aval.shape))}]"


# ---------------------------------------------------------------- building
class Builder:
    """Collects ops. `loc` is the user source location stamped on each new op."""

    def __init__(self, tensor_input=None):
        self.ops = []
        self.loc = None
        # How a concrete Tensor met by an op becomes a Value: the frontend makes it an input read
        # at each call (a Parameter of a built-in Cell, say); without a frontend, a constant.
        self.tensor_input = tensor_input or (lambda tensor: constant(tensor.asnumpy()))
        # Called after an op that writes into its first operand (ops.assign on a Parameter), so
        # that the frontend's later reads of that Parameter see the result.
        self.after_write = lambda variable, result: None
        # How a Cell or a compiled function that library code calls while this builder records
        # is lowered (the frontend inlines it as if user code had called it); None: called as is.
        self.lower_call = None

    def active(self):
        """Within the block, primitives applied in this thread build ops here."""
        return tracing_into(self)

    @contextlib.contextmanager
    def at(self, loc):
        """Stamp ops built inside with `loc` (None keeps the current one)."""
        saved = self.loc
        self.loc = loc or saved
        try:
            yield
        finally:
            self.loc = saved

    def apply(self, prim, args, params):
        for key, param in params.items():
            if any(isinstance(p, Value) for p in flatten(param)):
                raise NotStatic(f"{prim.name}: its {key} must be known at compile time, not a run-time value")
        inputs = [self.tensor_input(a) if isinstance(a, Tensor) else as_value(a) for a in args]
        if inputs and all(v.is_scalar_const for v in inputs):
            # Python numbers in, a Python number out: `y - 1` on a constant exponent stays weak.
            return constant(prim.kernel(*(v.const for v in inputs), **params).item())
        try:
            aval = prim.abstract(*(operand(v, prim) for v in inputs), **params)
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
    def region(self):
        """Collect the ops built inside into a fresh list (the body of a region)."""
        saved, self.ops = self.ops, []
        try:
            yield self.ops
        finally:
            self.ops = saved

    def emit(self, prim, inputs, params, loc):
        """Append an application whose avals are already known to be right (graph copies)."""
        with self.at(loc):
            return self.apply(prim, inputs, params)


def clone_into(builder, ops, env, replace=None):
    """Copy `ops` (at any depth) into `builder` with fresh values, reading inputs through `env`
    (id -> value), which receives the copies' results: how a graph is inlined where it is called.
    `replace(builder, op, env)`, if given, may copy an op its own way (returning True)."""
    for op in ops:
        if replace is not None and replace(builder, op, env):
            continue
        inputs = [env.get(id(v), v) for v in op.inputs]
        if not op.regions and not op.prim.effect:
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


def operand(v, prim):
    """What `prim`'s shape/dtype rule sees of a value: a Python number for constants, and for
    weak values in elementwise primitives (so NumPy's promotion treats them as weak); else an Aval."""
    if v.is_scalar_const:
        return v.const
    if v.weak and prim.elementwise:
        return {'f': 1.0, 'i': 1, 'b': True}[v.dtype.kind]
    return v.aval


def constant(x):
    """A Python scalar stays a weakly typed scalar constant; anything else becomes an array."""
    if isinstance(x, (bool, int, float)):
        return Value(Aval((), None), const=x)
    array = np.asarray(x)
    return Value(Aval(array.shape, array.dtype), const=array)


def as_value(x):
    if isinstance(x, Value):
        return x
    if isinstance(x, Tensor):
        return constant(x.asnumpy())
    if isinstance(x, (bool, int, float, np.ndarray, np.generic)):
        return constant(x)
    raise CompileError(f"a {type(x).__name__} cannot be used as an array operand")
