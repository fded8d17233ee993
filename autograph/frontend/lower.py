"""gast AST of user functions -> IR ops, by evaluating the code over symbolic values.

The lowering walks each statement once, keeping an environment from names to what they hold at
compile time: IR Values for arrays, and plain Python objects for everything else (numbers,
tuples, modules, functions, Cells). Python-level work (attribute lookups, `x.shape[0] * 2`,
calls of helpers) is done now; only array work becomes IR. Consequences worth knowing:
- Parameters and Tensors reached through globals, closures or `self` become implicit inputs of
  the compiled function (one per object), so their current values are read at each call.
- User functions, methods and `construct` of user Cells are lowered from their source (inlined).
  Code of autograph itself (`ops.*`, built-in Cells) is run directly on the symbolic values.
- Anything else is refused with a `CompileError` that points at the user's line.
"""
import builtins
import functools
import inspect
import re
import types

import gast
import numpy as np

from runtime import ops
from runtime.ops import NUMPY_FUNCTIONS
from runtime.ops.masks import DataDependentShape, Selection
from runtime.ops.subscript import NeedsStaticIndex
from runtime.primitive import BY_KERNEL, Aval
from runtime.tensor import Tensor
from ..errors import CompileError, DynamicShapeError, NotStatic
from ..guards import MISSING, Guards
from ..ir import Value, constant
from ..cell import Cell
from ..tree import flatten, map_tree
from . import calls, constants, control, custom, exits, loops, saved_lists, sizes, unrolling
from .calls import describe
from .exits import Break, Continue, Return
from .parse import parse_function
from .pysemantics import (BINARY, COMPARE, CONTAINERS, UNARY, as_load, is_library, is_user_code,
                          isinstance_of_value, qualified, runs_at_compile_time, unsupported)

_MAX_INLINE_DEPTH = 64


class Lowering:
    """Lowers calls into one builder. `implicit` maps id(Tensor) -> its implicit input Value."""

    def __init__(self, builder):
        self.builder = builder
        builder.tensor_input = lambda tensor: self.implicit_input(tensor, 'tensor')
        builder.after_write = lambda variable, result: variable.param is not None and \
            self.rebind(variable.param, result)
        builder.lower_call = self.call     # a user Cell called by SequentialCell, say
        self.implicit = {}           # id(Tensor) -> what reading it gives now
        self.inputs = {}             # id(Tensor) -> its input Value
        self.implicit_inputs = []
        # Python values the code was specialised on, read from globals, closures and objects
        # (self.training, a global flag); a compilation is stale when one changes.
        self.guards = Guards()
        self.depth = 0
        self.loop_containers = []    # per enclosing run-time loop: ids of the containers before it

    # ------------------------------------------------------------ implicit inputs
    def implicit_input(self, tensor, hint):
        if id(tensor) not in self.implicit and id(tensor) in self.inputs:
            # first met in another branch of an if: the same input (one per Tensor)
            self.implicit[id(tensor)] = self.inputs[id(tensor)]
        if id(tensor) not in self.implicit:
            name = getattr(tensor, 'name', None) or hint
            value = Value(Aval(tensor.shape, np.asarray(tensor).dtype), parameter_hint(name),
                          param=tensor)
            self.implicit[id(tensor)] = self.inputs[id(tensor)] = value
            self.implicit_inputs.append(value)
        return self.implicit[id(tensor)]

    def bindings(self):
        """What each Parameter reads as now: its input, or the result of its last assign. (A
        Parameter first met inside a branch or loop reads as its input everywhere.)"""
        return {**self.inputs, **self.implicit}

    def rebind(self, tensor, value):
        value.param = tensor
        self.implicit[id(tensor)] = value

    def adopt(self, obj, hint):
        """A Python object reached from user code -> what the lowering works with."""
        if isinstance(obj, (Tensor, np.ndarray)):
            return self.implicit_input(obj, hint)
        if isinstance(obj, (tuple, list)) and any(isinstance(o, (Tensor, np.ndarray)) for o in obj):
            kind = list if isinstance(obj, list) else tuple    # a ParameterTuple holds Parameters only
            return kind(self.adopt(o, f'{hint}_{i}') for i, o in enumerate(obj))
        return obj

    # ------------------------------------------------------------ calls
    def call(self, fn, args, kwargs):
        if sizes.tracking():     # a probe of dynamic_dims (sizes.py): sizes read, sizes passed
            if any(fn is reader for reader in _SIZE_READERS) and args and isinstance(args[0], (Value, np.ndarray)):
                return sizes.read(self.dispatch(fn, args, kwargs), self.builder.loc)
            if sizes.holds(args) or sizes.holds(kwargs):
                takes = self.takes_sizes(fn, args, kwargs)
                if takes == 'python':
                    return sizes.compile_time_call(fn, args, kwargs)
                if takes == 'plain':
                    args, kwargs = sizes.plain(args), sizes.plain(kwargs)
        return self.dispatch(fn, args, kwargs)

    def takes_sizes(self, fn, args, kwargs):
        """How `fn` gets the sizes among its arguments: 'keep' (user code, lowered here, and what
        lowers it), 'python' (a builtin or math function: sizes.compile_time_call), or 'plain'
        (ops, NumPy, library Cells, other compiled functions: plain numbers)."""
        if isinstance(fn, (LocalFunction, functools.partial)) or fn is map or fn is filter:
            return 'keep'
        if isinstance(fn, Cell):
            user = not custom.has_bprop(fn) and not is_library(type(fn).construct)
            return 'keep' if user else 'plain'
        if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType) and \
                not isinstance(fn.__self__, (Value, Selection)):
            return 'keep' if is_user_code(fn.__func__) else 'plain'
        if isinstance(fn, types.FunctionType):
            return 'keep' if is_user_code(fn) else 'plain'
        if calls.holds_value(args, kwargs):
            return 'plain'
        if sizes.runs_on_sizes(fn) or (isinstance(fn, types.BuiltinMethodType) and
                                       type(getattr(fn, '__self__', None)) in CONTAINERS):
            return 'python'
        method = getattr(type(fn), '__call__', None)
        if isinstance(method, types.FunctionType) and not isinstance(fn, type) and is_user_code(method):
            return 'keep'       # an object of the user's own class with __call__
        return 'plain'

    def dispatch(self, fn, args, kwargs):
        inline = getattr(fn, '__autograph_inline__', None)
        if inline is not None:
            return inline(self, args, kwargs)
        if isinstance(fn, Cell):
            construct = type(fn).construct
            if custom.has_bprop(fn):
                return custom.call_cell_with_bprop(self, fn, args, kwargs)
            if is_library(construct):
                self.guards.cell_state(fn)   # its construct reads flags (training, p) in plain Python
                return construct(fn, *args, **kwargs)
            self.guards.attribute(type(fn), 'construct', construct)
            return self.call_user_function(construct, (fn,) + tuple(args), kwargs)
        made = constants.make(self, fn, args, kwargs)   # NumPy on constants, Tensor(data)
        if made is not calls.UNHANDLED:
            return made
        if id(fn) in NUMPY_FUNCTIONS:  # NumPy's signature, normalised by an op
            return calls.numpy_function(NUMPY_FUNCTIONS[id(fn)], fn, args, kwargs)
        # Builtins and NumPy conversions given Tensors (np.asarray(x), list(x), int(x)), print,
        # map and sorted(key=...) with user functions, calling a Tensor.
        special = calls.special_call(self, fn, args, kwargs)
        if special is not calls.UNHANDLED:
            return special
        prim = BY_KERNEL.get(id(fn))
        if prim is not None:       # a kernel called as generated code calls it
            if isinstance(kwargs.get('index'), (tuple, Value)):
                args, kwargs = _index_operands(args, kwargs)
            return prim.bind(*args, **kwargs)
        if isinstance(fn, types.MethodType) and isinstance(fn.__self__, (Value, Selection)):
            return fn(*args, **kwargs)
        if isinstance(fn, types.FunctionType) and (getattr(fn, '__module__', None) or '').startswith('runtime.ops.'):
            return fn(*args, **kwargs)
        if (fn is getattr or fn is hasattr) and len(args) >= 2 and isinstance(args[1], str) and \
                not isinstance(args[0], Value):
            # getattr(obj, 'name') reads an attribute as `obj.name` does: guard it the same way.
            self.guards.attribute(args[0], args[1], getattr(args[0], args[1], MISSING))
        if runs_at_compile_time(fn) and not any(isinstance(a, (Value, Tensor)) for a in list(args) + list(kwargs.values())):
            return fn(*args, **kwargs)
        if fn is len and len(args) == 1 and isinstance(args[0], Value):
            return len(args[0])            # the first dimension, known when compiling
        if fn is isinstance and len(args) == 2 and isinstance(args[0], Value):
            return isinstance_of_value(args[1])
        if getattr(fn, '__autograph_compile_time__', False):
            return fn(*args, **kwargs)     # autograph.grad/jit inside compiled code make functions
        if isinstance(fn, LocalFunction):
            return fn.call(args, kwargs)
        if isinstance(fn, types.BuiltinMethodType) and type(getattr(fn, '__self__', None)) in CONTAINERS:
            return fn(*args, **kwargs)   # xs.append(v), d.items(): Python containers at compile time
        if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType):
            if is_library(fn.__func__):
                name = qualified(fn.__func__)
                raise CompileError(
                    f"Failed to compile because the method or function '{name}' is not supported in "
                    f"'construct' or function with @jit decorator. Try to use the method or function "
                    f"'{name}' externally such as initialized in the method '__init__' before assigning.")
            return self.call_user_function(fn.__func__, (fn.__self__,) + tuple(args), kwargs)
        if isinstance(fn, types.FunctionType) and is_user_code(fn):
            return self.call_user_function(fn, args, kwargs)
        raise calls.refusal(fn, args, kwargs)    # what it is, and what to use instead

    def call_user_function(self, fn, args, kwargs):
        parsed = parse_function(fn)
        self.guards.function(fn)      # its code and defaults
        try:
            bound = inspect.signature(fn).bind(*args, **kwargs)
        except TypeError as e:
            raise CompileError(f"{fn.__qualname__}(): {e}") from None
        bound.apply_defaults()
        frame = Frame(self, fn, parsed, dict(bound.arguments), caller=self.builder.loc)
        return self.execute(frame, parsed.node, fn.__qualname__)

    def execute(self, frame, node, name):
        """Lower a function's body (a lambda's expression) in `frame`; returns what it returns."""
        if self.depth >= _MAX_INLINE_DEPTH:
            raise CompileError(f"calls nest deeper than {_MAX_INLINE_DEPTH} (recursion?) in {name}",
                               frame.parsed.loc(node))
        self.depth += 1
        try:
            if isinstance(node, gast.Lambda):
                # A lambda compiled on its own has its line for its ops; one called from a
                # statement keeps that statement's.
                loc = frame.parsed.loc(node.body)
                with self.builder.at(loc if frame.user_code and self.builder.loc is None else None):
                    try:
                        result = frame.expr(node.body)
                        return outputs(result) if self.depth == 1 else result
                    except CompileError as e:
                        raise e.located(loc) from None
                    except DataDependentShape as e:
                        raise CompileError(str(e), loc) from None
            frame.run(node.body, top=True)
        except Return as r:
            return r.value
        finally:
            self.depth -= 1
        return None


class LocalFunction:
    """A def or lambda inside compiled code. Its body is lowered where it is called, seeing the
    enclosing frame's variables as they are then, as a Python closure does."""

    def __init__(self, frame, node, defaults, kw_defaults):
        self.frame = frame
        self.node = node
        self.defaults = defaults
        self.kw_defaults = kw_defaults
        self.__name__ = getattr(node, 'name', '<lambda>')

    def bind(self, args, kwargs):
        spec = self.node.args
        names = [a.id for a in spec.posonlyargs + spec.args]
        bound = dict(zip(names[len(names) - len(self.defaults):], self.defaults))
        bound.update(zip([a.id for a in spec.kwonlyargs], self.kw_defaults))
        bound.update(zip(names, args))
        extra = list(args[len(names):])
        if spec.vararg is not None:
            bound[spec.vararg.id] = tuple(extra)
        elif extra:
            raise CompileError(f"{self.__name__}() takes {len(names)} positional arguments, got {len(args)}")
        rest = {k: v for k, v in kwargs.items() if k not in names and k not in bound}
        bound.update({k: v for k, v in kwargs.items() if k not in rest})
        if spec.kwarg is not None:
            bound[spec.kwarg.id] = rest
        elif rest:
            raise CompileError(f"{self.__name__}() got unexpected keyword arguments {sorted(rest)}")
        missing = [n for n in names + [a.id for a in spec.kwonlyargs] if n not in bound]
        if missing:
            raise CompileError(f"{self.__name__}() is missing arguments {missing}")
        return bound

    def call(self, args, kwargs):
        frame = Frame(self.frame.lowering, self.frame.fn, self.frame.parsed, self.bind(args, kwargs),
                      parent=self.frame, caller=self.frame.lowering.builder.loc)
        return self.frame.lowering.execute(frame, self.node, self.__name__)

    def __call__(self, *args, **kwargs):
        """Called by library code while compiling (grad of it, say): lowered here."""
        return self.call(args, kwargs)


def _views(v, base, depth=8):
    """Whether `v` is a view of `base` in eager code (a slice, a row, a transpose or a reshape
    of it, or of such a view): an item assignment to base shows through it there."""
    while depth and isinstance(v, Value) and v.op is not None and v.op.inputs:
        prim = v.op.prim.name
        basic = prim == 'getitem' and v.shape != () and \
            not any(isinstance(item, str) for item in v.op.params['index'])
        if not (basic or prim in ('transpose', 'reshape', 'broadcast_to')):
            return False
        v, depth = v.op.inputs[0], depth - 1
        if v is base:
            return True
    return False


class Frame:
    """One activation of a user function: its locals and how to resolve the rest."""

    def __init__(self, lowering, fn, parsed, arguments, parent=None, caller=None):
        self.lowering = lowering
        self.parent = parent
        self.caller = caller     # the caller's statement (its SourceLoc), which comments show
        self.fn = fn
        self.parsed = parsed
        self.locals = arguments
        self.aliased = set()     # names bound by `a = b` or `a = b = ...` (see stmt_Assign)
        self.user_code = not is_library(fn)
        self.following = None      # (statements, start) of `continuation`
        self.pending_return = None
        closure = fn.__closure__ or ()
        self.closure = {name: cell for name, cell in zip(fn.__code__.co_freevars, closure)}

    # ------------------------------------------------------------ statements
    @property
    def continuation(self):
        """The statements after the current one when they end the function (`run` with `top`),
        else None. Sliced only when asked: a slice at every statement was quadratic."""
        if self.following is None:
            return None
        statements, start = self.following
        return statements[start:]

    def run(self, statements, top=False):
        """Lower `statements`. `top`: they end the function, so an `if` on a Tensor that returns
        may take the statements after it into its branches."""
        for index, stmt in enumerate(statements):
            loc = self.parsed.loc(stmt)
            if self.caller is not None:
                loc = loc._replace(caller=self.caller)
            builder = self.lowering.builder
            self.following = (statements, index + 1) if top else None
            try:
                with builder.at(loc if self.user_code else None):
                    self.statement(stmt)
            except (Return, Break, Continue):
                raise
            except CompileError as e:
                raise e.located(loc) from None
            except NeedsStaticIndex as e:
                raise NotStatic(str(e), loc) from None
            except DataDependentShape as e:
                raise CompileError(str(e), loc) from None
            except RecursionError:
                raise
            except Exception as e:
                raise CompileError(calls.python_error(e), loc) from None

    def statement(self, stmt):
        method = getattr(self, 'stmt_' + type(stmt).__name__, None)
        if method is None:
            raise unsupported(stmt)
        method(stmt)

    def stmt_Assign(self, stmt):
        value = self.expr(stmt.value)
        for target in stmt.targets:
            self.assign(target, value)
        # Names that now hold the very object another name holds (`v = b`, `a = b = zeros(3)`):
        # an item assignment through one is seen through the others, as in Python.
        names = [t.id for t in stmt.targets if isinstance(t, gast.Name)]
        if isinstance(stmt.value, gast.Name) or len(names) > 1:
            self.aliased.update(names)

    def stmt_AugAssign(self, stmt):
        target = stmt.target
        if isinstance(target, gast.Subscript):
            # x[i] += v evaluates x and i once, as Python does (x[x > 0] += 1 has one mask)
            base, index = self.expr(target.value), self.expr(target.slice)
            current = self.subscript(base, index)
            self.assign_item(target, base, index, BINARY[type(stmt.op)](current, self.expr(stmt.value)))
            return
        current = self.expr(as_load(target))
        self.assign(target, BINARY[type(stmt.op)](current, self.expr(stmt.value)))

    def stmt_AnnAssign(self, stmt):
        if stmt.value is None:
            raise unsupported(stmt)
        self.assign(stmt.target, self.expr(stmt.value))

    def stmt_Return(self, stmt):
        result = None if stmt.value is None else self.expr(stmt.value)
        if self.lowering.depth == 1:   # the compiled function's own result
            result = outputs(result)
            for leaf in flatten(result):
                if isinstance(leaf, Value) and leaf.name is None and not leaf.is_const:
                    leaf.name = 'out'
        raise Return(result)

    def stmt_Expr(self, stmt):
        if not (isinstance(stmt.value, gast.Constant) and isinstance(stmt.value.value, str)):
            self.expr(stmt.value)

    def stmt_Pass(self, stmt):
        pass

    def stmt_If(self, stmt):
        if self.parsed.generated and _generated_check(stmt):
            # codegen's form of a run-time assert: if not np.all(test): raise AssertionError(msg)
            raised = stmt.body[0].exc
            message = self.expr(raised.args[0]) if isinstance(raised, gast.Call) and raised.args else None
            return control.runtime_check(self, self.expr(stmt.test.operand.args[0]), message)
        test = self.expr(stmt.test)
        if isinstance(test, Value):
            if self.following is not None and control.returns(stmt):
                control.lower_returning_if(self, stmt, test, self.continuation)
            else:
                control.lower_if(self, stmt, test)
            return
        taken = stmt.body if test else stmt.orelse
        if self.following is not None and any(map(control.returns, taken)):
            # At the top level a taken branch that may return continues with the rest of the
            # function, so that a returning `if` on a Tensor inside it sees what follows. (Only
            # then: each such `if` nests the rest of the function one call deeper; a branch not
            # taken is not looked at, so a chain of `if k == i: return ...` stays flat.)
            self.run(taken + self.continuation, top=True)
            raise Return(None)
        self.run(taken)

    def stmt_For(self, stmt):
        self.loop(stmt, self.for_loop)

    def stmt_While(self, stmt):
        self.loop(stmt, self.while_loop)

    def loop(self, stmt, lower):
        # A run-time loop that may return sets `pending_return` (loops nested in it must
        # not clear the outer loop's).
        continuation, enclosing, self.pending_return = self.continuation, self.pending_return, None
        try:   # an error a loop enclosing this one recovers from must not lose its own
            lower(stmt)
            returning = self.pending_return
        finally:
            self.pending_return = enclosing
        if returning is not None:
            self.after_returning_loop(returning, continuation)

    def stmt_FunctionDef(self, stmt):
        if stmt.decorator_list:
            raise CompileError("decorators on a def inside compiled code are not supported")
        self.locals[stmt.name] = self.local_function(stmt)

    def stmt_Assert(self, stmt):
        """`assert` on compile-time values is checked now; on Tensors, when the code runs."""
        test = self.expr(stmt.test)
        message = None if stmt.msg is None else self.expr(stmt.msg)
        calls.check_text(message, "an assert message with a Tensor in it")
        if isinstance(test, Value):
            return control.runtime_check(self, test, message)
        if not test:
            raise CompileError(f"assertion failed while compiling: {message}" if message is not None
                               else "assertion failed while compiling")

    def stmt_Break(self, stmt):
        raise Break(self.parsed.loc(stmt))

    def stmt_Continue(self, stmt):
        raise Continue(self.parsed.loc(stmt))

    def for_loop(self, stmt):
        saved = self.saved_sequence(stmt.iter)
        if saved is not None:
            return loops.lower_for_saved(self, stmt, *saved)
        bounds = self.range_bounds(stmt.iter)
        if bounds is not None and any(isinstance(b, Value) for b in bounds):
            return loops.lower_for_range(self, stmt, bounds)
        if bounds is not None:
            return unrolling.range_loop(self, stmt, bounds)   # a run-time loop, or unrolled
        runtime = self.runtime_sequence(stmt.iter)
        if runtime is not None:
            length, element = runtime
            return loops.lower_for_range(self, stmt, (0, length, 1), element=element, runs_once=length > 0)
        sequence = self.expr(stmt.iter)
        try:
            items = iter(sequence)
        except TypeError:
            raise CompileError(f"cannot iterate over {describe(sequence)}") from None
        return loops.unrolled_loop(self, stmt, items)

    def after_returning_loop(self, loop, continuation):
        if continuation is None:
            # the loop around takes it as a flag (see LoopExit); with none, the user sees this
            raise control.LoopExit("return inside a loop over run-time values, where the compiler finds "
                                   "neither the end of the function nor a loop around it to leave; move "
                                   "the loop into a function of its own", self.parsed.loc(loop))
        self.run([exits.after_return(loop)] + continuation, top=True)
        raise Return(None)

    def saved_sequence(self, node):
        """(lists, zipped) for `reversed(lst)` or `zip(reversed(la), ...)` over lists a run-time
        loop saved; None for any other loop header."""
        def reversed_arg(call):
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and len(call.args) == 1 \
                    and not call.keywords and self.lookup(call.func.id) is reversed:
                return call.args[0]
            return None
        zipped = isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and not node.keywords \
            and self.lookup(node.func.id) is zip
        calls = node.args if zipped else [node]
        args = [reversed_arg(c) for c in calls]
        if not args or any(a is None for a in args):
            return None
        values = [self.expr(a) for a in args]
        if not any(isinstance(v, saved_lists.SavedList) for v in values):
            return None
        if not all(isinstance(v, saved_lists.SavedList) for v in values):
            raise CompileError("zip of saved lists and other sequences is not supported")
        return [v.value for v in values], zipped

    def runtime_sequence(self, node):
        """(length, element at an index) for iterating a Tensor's first axis, or enumerate/zip of
        Tensors; None for compile-time sequences (those are unrolled)."""
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and not node.keywords \
                and self.lookup(node.func.id) in (enumerate, zip):
            parts = [self.runtime_sequence(a) or self.expr(a) for a in node.args]
            if not parts or not all(isinstance(p, tuple) and len(p) == 2 and callable(p[1]) for p in parts):
                return None
            if self.lookup(node.func.id) is enumerate:
                (length, element), = parts
                return length, lambda i: (i, element(i))
            return min(length for length, _ in parts), lambda i: tuple(element(i) for _, element in parts)
        value = self.expr(node)
        if not isinstance(value, Value):
            return None
        if not value.shape:
            raise CompileError("cannot iterate over a 0-d Tensor")
        return value.shape[0], lambda i: ops.getitem(value, i)

    def range_bounds(self, node):
        """(start, stop, step) of a `range(...)` loop header, else None."""
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and not node.keywords):
            return None
        if self.expr(node.func) is not range:
            return None
        args = sizes.plain([self.expr(a) for a in node.args])     # range(n): a run-time loop's bound
        for a in args:
            if isinstance(a, Value) and (a.shape != () or a.dtype.kind not in 'iu'):
                raise CompileError(f"range() takes integers; got a Tensor of shape {a.shape} and dtype {a.dtype}")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
        return start, stop, step

    def unrolled(self, stmt, items):
        """A loop over a compile-time sequence (or range bounds): the body is lowered per item."""
        if isinstance(items, tuple):
            items = range(*items)
        for item in items:
            self.assign(stmt.target, item)
            try:
                self.run(stmt.body)
            except Continue:
                continue
            except Break:
                return
        self.run(stmt.orelse)

    def while_loop(self, stmt):
        try:
            test = self.expr(stmt.test)
            if sizes.holds(test, 0):
                bool(test)   # the truth of a dynamic size: a DynamicShapeError (unrolling tests it)
        except DynamicShapeError as error:
            if not sizes.tracking():
                raise
            return self.while_on_sizes(stmt, error)
        if isinstance(test, Value):
            return loops.lower_while(self, stmt)
        return unrolling.while_loop(self, stmt, test)    # run now, a run-time loop, or unrolled

    def while_on_sizes(self, stmt, error):
        """`while i < x.shape[0]:` while dynamic_dims probes: a run-time loop, whose test (the
        numbers it carries made run-time values) compares with the size when the code runs; when
        it cannot be one, `error`, the DynamicShapeError of the test."""
        attempt = loops.Attempt(self)
        try:
            return loops.lower_while(self, stmt)
        except NotStatic:
            attempt.forget()
            raise error from None

    def assign(self, target, value):
        if isinstance(target, gast.Name):
            if isinstance(value, Value) and value.name is None and not value.is_const:
                value.name = exits.display_name(target.id)
            self.locals[target.id] = value
            self.aliased.discard(target.id)
        elif isinstance(target, (gast.Tuple, gast.List)):
            # `a, b = x` unpacks the rows of x, as Python does
            items = list(value) if not isinstance(value, Value) else calls.rows(value)
            targets = target.elts
            starred = [i for i, t in enumerate(targets) if isinstance(t, gast.Starred)]
            if starred:     # a, *rest = items: the starred name takes a list of what is left over
                i, after = starred[0], len(targets) - starred[0] - 1
                if len(items) < len(targets) - 1:
                    raise CompileError(f"cannot unpack {len(items)} values into {len(targets) - 1} or more names")
                items = items[:i] + [items[i:len(items) - after]] + items[len(items) - after:]
                targets = targets[:i] + [targets[i].value] + targets[i + 1:]
            if len(items) != len(targets):
                raise CompileError(f"cannot unpack {len(items)} values into {len(targets)} names")
            for t, v in zip(targets, items):
                self.assign(t, v)
        elif isinstance(target, gast.Attribute):
            raise CompileError("assigning to an attribute is not supported in compiled code; "
                               "return the new value instead")
        elif isinstance(target, gast.Subscript):
            self.assign_item(target, self.expr(target.value), self.expr(target.slice), value)
        else:
            raise CompileError(f"cannot assign to {type(target).__name__}")

    def assign_item(self, target, base, index, value):
        """`target` is `base[index] = value`, base and index already evaluated."""
        if sizes.tracking() and (sizes.holds(index) or sizes.holds(value)):
            if sizes.holds(index):
                index = _size_index(base, index)
            if isinstance(base, (Value, np.ndarray)):
                value = sizes.plain(value)
        if isinstance(base, np.ndarray) and calls.holds_value([index, value]):
            base = constant(base)    # a compile-time array given a Tensor's values
        if isinstance(base, Value):
            # x[i] = v makes a new array and rebinds x to it (arrays are values here), and every
            # other name for the same object (fuzz seed 90953: `v = b; b[0] = 1` changes v)
            name = target.value.id if isinstance(target.value, gast.Name) else None
            others = [n for n, v in self.locals.items() if v is base and n != name and
                      (n in self.aliased or name in self.aliased)] if name is not None else []
            new = ops.setitem(base, index, value)
            self.assign(target.value, new)
            for other in others:
                self.locals[other] = new
            if others:
                self.aliased.update(others + [name])
            for other, v in list(self.locals.items()):
                if _views(v, base):     # Python would show the change through it: never stale
                    self.locals[other] = control.ChangedView(other, name or 'an array', target.lineno)
        elif isinstance(index, Value):
            raise NotStatic(f"{describe(base)} cannot be indexed by a Tensor")
        else:
            base[index] = value

    # ------------------------------------------------------------ expressions
    def expr(self, node):
        method = getattr(self, 'expr_' + type(node).__name__, None)
        if method is None:
            raise unsupported(node)
        return method(node)

    def expr_Constant(self, node):
        return node.value

    def expr_Name(self, node):
        return self.lookup(node.id)

    def lookup(self, name):
        if name in self.locals:
            value = self.locals[name]
            if isinstance(value, control.Undefined):
                raise value.error()
            return value
        if self.parent is not None:
            return self.parent.lookup(name)
        if name in self.closure:
            try:
                obj = self.closure[name].cell_contents
            except ValueError:
                raise CompileError(f"name {name!r} is used before it is assigned") from None
            self.lowering.guards.closure(self.closure[name], name, obj)
            return self.lowering.adopt(obj, name)
        namespace = self.fn.__globals__
        value = namespace.get(name, MISSING)
        self.lowering.guards.global_(namespace, name, value)   # a builtin: until a global hides it
        if value is not MISSING:
            return self.lowering.adopt(value, name)
        if hasattr(builtins, name):
            return getattr(builtins, name)
        raise CompileError(f"name {name!r} is not defined")

    def expr_Attribute(self, node):
        base = self.expr(node.value)
        try:
            attr = getattr(base, node.attr)
        except AttributeError:
            raise CompileError(calls.no_attribute(base, node.attr)) from None
        if isinstance(base, (Value, np.ndarray, np.generic)):
            if node.attr in ('shape', 'size') and not isinstance(base, np.generic) and sizes.tracking():
                return sizes.read(attr, self.lowering.builder.loc)
            return attr     # a.T of a compile-time array is one too, not an input
        self.lowering.guards.attribute(base, node.attr, attr)
        return self.lowering.adopt(attr, node.attr)

    def expr_BinOp(self, node):
        left, right = self.expr(node.left), self.expr(node.right)
        if isinstance(left, str) and isinstance(node.op, gast.Mod):
            calls.check_text(right)    # '%s' % x would format the compiler's stand-in for x
        if sizes.tracking() and _with_array(left, right):
            left, right = sizes.plain(left), sizes.plain(right)    # n * x: a number in the code
        if isinstance(right, Selection) and isinstance(left, Value):
            # a Tensor's operator does not know x[mask]; Python would ask x[mask]'s reflected one
            return getattr(right, f"__r{BINARY[type(node.op)].__name__.rstrip('_')}__")(left)
        return BINARY[type(node.op)](left, right)

    def expr_UnaryOp(self, node):
        operand = self.expr(node.operand)
        if isinstance(node.op, gast.Not) and isinstance(operand, Value):
            return ops.logical_not(control.truth(operand))
        return UNARY[type(node.op)](operand)

    def expr_Compare(self, node):
        """Chains compare pairwise; on Tensors the pairs are combined with logical_and (all are
        evaluated: the code is pure, so only the result differs from short-circuiting)."""
        left = self.expr(node.left)
        result = True
        for op, right_node in zip(node.ops, node.comparators):
            right = self.expr(right_node)
            if (isinstance(left, Value) or isinstance(right, Value)) and type(op) in (gast.In, gast.NotIn):
                raise NotStatic("`in` does not apply to Tensors; compare values with == instead")
            pair = COMPARE[type(op)](*_sizes_compared(op, left, right))
            if isinstance(result, Value) or isinstance(pair, Value):
                result = ops.logical_and(result, pair) if result is not True else pair
            elif not pair:
                return False
            else:
                result = pair
            left = right
        return result

    def expr_BoolOp(self, node):
        """`and`/`or` on compile-time values short-circuit as in Python; once a Tensor takes part
        they become logical_and/logical_or of truth values (0-d bool)."""
        is_and = isinstance(node.op, gast.And)
        combine = ops.logical_and if is_and else ops.logical_or
        result = None
        for value_node in node.values:
            value = self.expr(value_node)
            if isinstance(value, Value):
                value = control.truth(value)
                result = value if result is None else combine(result, value)
                continue
            if result is None and bool(value) != is_and:
                return value     # decided at compile time
            if result is not None and bool(value) != is_and:
                return bool(value)   # a constant that decides: `t and False` is False
        return True if result is None and is_and else result if result is not None else value

    def expr_JoinedStr(self, node):
        """An f-string over compile-time values is made while compiling (a Tensor in it is refused:
        its value is known only when the code runs)."""
        parts = []
        for part in node.values:
            if isinstance(part, gast.FormattedValue):
                spec = '' if part.format_spec is None else self.expr(part.format_spec)
                parts.append(calls.formatted(self.expr(part.value), part.conversion, spec))
            else:
                parts.append(str(self.expr(part)))
        return ''.join(parts)

    def expr_Lambda(self, node):
        return self.local_function(node)

    def local_function(self, node):
        defaults = [self.expr(d) for d in node.args.defaults]
        kw_defaults = [None if d is None else self.expr(d) for d in node.args.kw_defaults]
        return LocalFunction(self, node, defaults, kw_defaults)

    def expr_IfExp(self, node):
        test = self.expr(node.test)
        if isinstance(test, Value):
            return control.lower_ifexp(self, node, test)
        return self.expr(node.body if test else node.orelse)

    def expr_Tuple(self, node):
        return tuple(self._elements(node.elts))

    def expr_List(self, node):
        return list(self._elements(node.elts))

    def _elements(self, elts):
        for elt in elts:
            if isinstance(elt, gast.Starred):
                value = self.expr(elt.value)
                yield from calls.rows(value) if isinstance(value, Value) else value
            else:
                yield self.expr(elt)

    def expr_Dict(self, node):
        result = {}
        for key, value in zip(node.keys, node.values):
            if key is None:       # {**other, ...}
                mapping = self.expr(value)
                if not isinstance(mapping, dict):
                    raise CompileError(f"** in a dict display takes a dict, not {describe(mapping)}")
                result.update(mapping)
            else:
                result[self.expr(key)] = self.expr(value)
        return result

    def expr_Subscript(self, node):
        return self.subscript(self.expr(node.value), self.expr(node.slice))

    def subscript(self, base, index):
        if sizes.tracking() and sizes.holds(index):
            index = _size_index(base, index)
        if isinstance(base, np.ndarray) and calls.holds_value([index]):
            base = constant(base)        # a compile-time table indexed by a Tensor
        if isinstance(base, Value):
            return ops.getitem(base, index)
        if base is np.s_:          # generated code's index= argument (np.s_[i, ::2])
            return index
        if isinstance(index, Value):
            raise NotStatic(f"{describe(base)} cannot be indexed by a Tensor: its value is known only "
                            "when the code runs")
        return base[index]

    def expr_Slice(self, node):
        part = lambda n: None if n is None else self.expr(n)
        return slice(part(node.lower), part(node.upper), part(node.step))

    def expr_Call(self, node):
        fn = self.expr(node.func)
        args = list(self._elements(node.args))
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                mapping = self.expr(kw.value)
                if not isinstance(mapping, dict):
                    raise CompileError(f"** takes a dict, not {describe(mapping)}", self.parsed.loc(node))
                kwargs.update(mapping)
            else:
                kwargs[kw.arg] = self.expr(kw.value)
        try:
            if not self.parsed.generated and saved_lists.grows_outer_container(fn, self.lowering.loop_containers):
                raise NotStatic(saved_lists.GROWS)
            return self.lowering.call(fn, args, kwargs)
        except CompileError as e:
            raise e.located(self.parsed.loc(node)) from None


def outputs(result):
    """What the compiled function returns: an array folded while compiling comes out as any
    other result does (a Tensor); x[mask] has no static shape to come out with."""
    if sizes.tracking():
        result = sizes.plain(result)
    result = map_tree(lambda v: constant(v) if isinstance(v, (np.ndarray, np.generic)) else v, result)
    if any(isinstance(leaf, Selection) for leaf in flatten(result)):
        raise DataDependentShape("returning x[mask] from compiled code: indexing with a boolean "
                                 "mask gives a shape known only when the code runs; return "
                                 "ops.where(mask, x, 0) or ops.masked_fill(x, ~mask, 0), or reduce "
                                 "it first: ops.sum(x[mask]), ops.mean(x[mask])")
    return result


_NP_ALL = gast.dump(gast.parse('np.all', mode='eval').body)

# What reads a size from an array: sizes.read marks the dynamic ones while a probe compiles.
_SIZE_READERS = (len, np.shape, np.size)
_ARRAYS = (Value, Selection, np.ndarray, np.generic)


def _with_array(left, right):
    """Whether one operand is an array and the other holds a size: the array's operator takes
    the size as a plain number (one that reaches the code, fitted there)."""
    return (isinstance(left, _ARRAYS) or isinstance(right, _ARRAYS)) and (sizes.holds(left) or sizes.holds(right))


def _sizes_compared(op, left, right):
    """The operands of a comparison in user code while a probe compiles: plain beside a Tensor
    (compared when the code runs); beside a compile-time array, a DynamicShapeError (the Sizes'
    own comparisons raise beside Python numbers)."""
    if not sizes.tracking() or isinstance(op, (gast.Is, gast.IsNot)) or not (sizes.holds(left) or sizes.holds(right)):
        return left, right
    if isinstance(left, (Value, Selection)) or isinstance(right, (Value, Selection)):
        return sizes.plain(left), sizes.plain(right)
    if isinstance(left, (np.ndarray, np.generic)) or isinstance(right, (np.ndarray, np.generic)):
        raise sizes.refusal("this line compares it with a compile-time array in Python")
    return left, right


def _size_index(base, index):
    """An index holding a size: plain for a Tensor (a number in the code); for a Python list,
    tuple, dict or a compile-time array, a DynamicShapeError (the item chosen, or how many, would
    be those at the sizes compiled at)."""
    if isinstance(base, (Value, Selection)) or base is np.s_ or \
            (isinstance(base, np.ndarray) and calls.holds_value([index])):
        return sizes.plain(index)
    raise sizes.refusal(f"this line indexes {describe(base)} with it in Python")


def _generated_check(stmt):
    """Whether `stmt` is `if not np.all(...): raise AssertionError(...)`."""
    test, body = stmt.test, stmt.body
    return (not stmt.orelse and len(body) == 1 and isinstance(body[0], gast.Raise)
            and isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not)
            and isinstance(test.operand, gast.Call) and len(test.operand.args) == 1
            and gast.dump(test.operand.func) == _NP_ALL)


def _index_operands(args, kwargs):
    """`index=np.s_[i, ::2]` with run-time values in it, as the subscript primitives take it: a
    template with 'array' where each value goes, and the values as operands after `args`."""
    index = kwargs['index'] if isinstance(kwargs['index'], tuple) else (kwargs['index'],)
    template = tuple('array' if isinstance(item, Value) else item for item in index)
    operands = [item for item in index if isinstance(item, Value)]
    return tuple(args) + tuple(operands), {**kwargs, 'index': template}


def parameter_hint(name):
    """A readable name hint for a Parameter: 'inner.a' -> inner_a, '0.weight' -> weight_0,
    '1.0.bias' -> bias_1_0. (Codegen makes any hint a safe identifier: ir.printer.identifier.)"""
    index = re.match(r'((?:\d+\.)+)(.*)', str(name))
    if index:
        name = f"{index.group(2)}_{index.group(1).rstrip('.').replace('.', '_')}"
    name = str(name).replace('.', '_')
    return name if name and not name[0].isdigit() else 'p_' + name
