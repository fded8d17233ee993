"""The compile machinery behind every transformation: from a Python callable and the arguments of
one call to generated code, loaded and cached.

In: a function or Cell, and call arguments (Tensors, NumPy arrays, Python values, and tuples,
lists and dicts of them).
Out: a `Compiled` entry per call signature, holding the optimised IR (`graph`), the generated
module (`generated`: source, namespace, line map) and the loaded function (`fn`), with what it
takes to call it (which arguments are run-time inputs, which Parameters are read at each call,
the guards checked before it is reused).

    trace (source -> IR, via the frontend)  ->  a subclass's `build` (jit: as is; grad: reverse
    mode)  ->  passes.optimize  ->  codegen.generate  ->  codegen.load  ->  Compiled

`Transformed` is the callable all of them share (`jit`, `grad`, `value_and_grad`, `jvp`'s
function): it keys its `cache.CompileCache` by `cache.spec` of the arguments, checks a cached
entry's guards, and compiles when none holds. A call that fits the compilation used last skips
all that: that compilation's generated check (fastpath.py) says so and runs it. Subclasses say
what to compile with `build`. `inline` is the other way out of `build`: when a compiled
function is called inside code being compiled, its graph is copied into the caller's instead of
being loaded.
"""
import contextlib
import gc
import inspect
import linecache
import logging
import threading
import types
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Optional

import numpy as np

from runtime.primitive import Aval, current_builder
from runtime.tensor import Parameter, Tensor
from .cell import Cell
from .codegen import Generated, array_api, generate, load, user_location
from . import cache, engines
from .cache import CacheInfo, CompileCache, Key, logger, spec
from .dynamic import DynamicDims, Leaf, Lines, Polymorphic, lines_of, mismatch, polymorphic
from .errors import CompileError, NotStatic
from .fastpath import MISS, FastCall, fast_call, wrap
from .guards import Guards
from .source import SourceLoc
from .frontend.calls import describe
from .frontend import Lowering
from .ir import Builder, Graph, Value
from .ir.core import clone_into
from .passes import optimize
from .tree import flatten, map_tree


# ---------------------------------------------------------------- compiled entries
class Compiled:
    """One compilation: the generated function and how to call it with user arguments."""

    def __init__(self, graph: Graph, array_positions: list[int], implicit: list[Any],
                 tensor_boundary: bool, containers: bool, guards: Guards,
                 generated: Optional[Generated] = None, dims: Optional[dict[int, dict[int, int]]] = None,
                 arg_dims: Optional[dict[int, dict[int, int]]] = None, symbols: Sequence[str] = ()) -> None:
        # The fast path (fastpath.py), made when the compilation is used again: its own compile
        # takes about a millisecond, not worth it for a signature seen once.
        self.fast: Optional[FastCall] = None
        self.fast_made = False
        self.graph = graph
        self.generated: Generated = generated if generated is not None else generate(graph)
        # dynamic_dims (dynamic.py): the axes of any size, {input: {axis: symbol}}, by the
        # generated function's parameters and by the call's arguments (an array argument
        # itself), and each symbol's name in the source.
        self.dims = dims or {}
        self.arg_dims = arg_dims or {}
        self.symbols = list(symbols)
        self.fn: Callable[..., Any] = load(self.generated)
        # The source stays in linecache (for tracebacks) as long as the function lives.
        weakref.finalize(self.fn, linecache.cache.pop, self.fn.__code__.co_filename, None)
        self.array_positions = array_positions        # arguments holding run-time inputs
        self.containers = containers                  # some of them are tuples, lists or dicts
        self.implicit = implicit                      # objects read at each call
        self.implicit_avals = [(np.shape(p), np.asarray(array_of(p)).dtype) for p in implicit]
        self.guards = guards                          # Python values it was specialised on
        self.checks = bool(implicit or len(guards))   # anything to check before a call
        self.tensor_boundary = tensor_boundary

    def __call__(self, args: Sequence[Any]) -> Any:
        if self.containers:
            arrays = [array_of(leaf) for i in self.array_positions for leaf in flatten(args[i])
                      if _is_leaf_input(leaf)]
        else:
            arrays = [array_of(args[i]) for i in self.array_positions]
        if self.implicit:
            arrays += [array_of(p) for p in self.implicit]
        try:
            out = self.fn(*arrays)
        except Exception as e:
            raise _located(e, self) from e
        return wrap(out) if self.tensor_boundary else out

    def stale(self) -> Optional[str]:
        """Why this compilation no longer fits, or None: a Parameter the code reads changed
        shape, or a Python value it was specialised on (`self.training`, a global, a helper
        function) changed (see guards.py)."""
        for p, (shape, dtype) in zip(self.implicit, self.implicit_avals):
            data = array_of(p)
            if data.shape != shape or data.dtype != dtype:
                return (f'{getattr(p, "name", None) or "a Parameter"} changed from {dtype.name}{list(shape)} '
                        f'to {data.dtype.name}{list(data.shape)}')
        failure: Optional[str] = self.guards.failure()
        return failure

    def input_shapes(self) -> list[tuple[str, str, tuple[Any, ...]]]:
        """(parameter, dtype name or 'float' for a Python float, shape) for each parameter of the
        generated function; a dynamic axis is its symbol's name ('n')."""
        names = list(inspect.signature(self.fn).parameters)
        out: list[tuple[str, str, tuple[Any, ...]]] = []
        for k, (name, value) in enumerate(zip(names, self.graph.inputs)):
            if value.weak and value.shape == ():
                out.append((name, 'float', ()))
                continue
            axes = self.dims.get(k, {})
            shape = tuple(self.symbols[axes[a]] if a in axes else size for a, size in enumerate(value.shape))
            out.append((name, np.dtype(value.dtype).name, shape))
        return out


class EngineCompiled(Compiled):
    """A compilation for another library's arrays (engines.py): the array API dialect, loaded with
    `xp` bound to the engine's namespace. NumPy arrays and Tensors passed beside the engine's
    arrays, and the Parameters the code reads, become the engine's arrays at each call; results
    are the engine's, never Tensors."""

    def __init__(self, graph: Graph, engine: 'engines.Engine', array_positions: list[int],
                 implicit: list[Any], containers: bool, guards: Guards, poly: Optional[Polymorphic] = None,
                 arg_dims: Optional[dict[int, dict[int, int]]] = None) -> None:
        # With dynamic_dims, the array API module written for every size of them (dynamic.py).
        plain = poly.generated if poly is not None else array_api.generate(graph, engine.name)
        generated = plain._replace(namespace={**plain.namespace, array_api.NAMESPACE: engine.namespace})
        super().__init__(graph, array_positions, implicit, False, containers, guards, generated=generated,
                         dims=poly.dims if poly is not None else None, arg_dims=arg_dims,
                         symbols=poly.symbols if poly is not None else ())
        if engine.namespace is None:
            # engines.ANY: for an export, whose function binds xp itself (loaded with xp None).
            self.generated = plain
        self.engine = engine

    def __call__(self, args: Sequence[Any]) -> Any:
        if self.containers:
            leaves = [leaf for i in self.array_positions for leaf in flatten(args[i])
                      if _is_leaf_input(leaf) or engines.is_foreign(leaf)]
        else:
            leaves = [args[i] for i in self.array_positions]
        arrays = [engines.to_engine(self.engine, a) for a in leaves + self.implicit]
        try:
            return self.fn(*arrays)
        except Exception as e:
            raise _located(e, self) from e


def array_of(x: Any) -> Any:
    """The NumPy array behind a Tensor; anything else as it is."""
    return x._data if isinstance(x, Tensor) else x


def _located(exc: Exception, compiled: Compiled) -> Exception:
    loc = user_location(exc, compiled.fn, compiled.generated.line_map)
    if loc is None:
        return exc
    message = f"{exc}\n  (in compiled code, from {loc}: {loc.text})"
    try:
        return type(exc)(message)
    except Exception:
        return RuntimeError(message)


# ---------------------------------------------------------------- tracing
def is_array(arg: Any) -> bool:
    """Whether `arg` is an array: a run-time input when passed to a compiled function."""
    return isinstance(arg, (Tensor, np.ndarray, np.generic, Value)) or engines.is_foreign(arg)


def _is_input(arg: Any, dynamic_floats: bool) -> bool:
    """Whether an argument (or, for a tuple, list or dict, any of its leaves) is passed to the
    generated function; the rest is compiled in."""
    return any(is_array(leaf) or (dynamic_floats and type(leaf) is float) for leaf in flatten(arg))


def input_leaves(arg: Any, dynamic_floats: bool) -> list[Any]:
    """The leaves of an argument that the generated function takes as inputs, in order."""
    return [leaf for leaf in flatten(arg) if is_array(leaf) or (dynamic_floats and type(leaf) is float)]


def _is_leaf_input(leaf: Any) -> bool:
    """At call time: which leaves of a container argument the compiled code takes (the cache key
    guarantees floats are inputs exactly when they were while compiling)."""
    return isinstance(leaf, (Tensor, np.ndarray, np.generic, float))


def signature_names(fn: Any, count: int) -> list[str]:
    """The names of `fn`'s first `count` parameters (`arg3` past the ones it declares)."""
    target = getattr(fn, '__autograph_target__', fn)
    if isinstance(target, Cell):
        target = target.construct
    try:
        params = list(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f'arg{i}' for i in range(count)]


def trace(fn: Any, args: Sequence[Any], name: str,
          dynamic_floats: bool = False) -> tuple[Graph, list[Value], Lowering]:
    """Lower `fn` applied to `args` into a Graph. Returns (graph, explicit inputs, lowering).
    With `dynamic_floats`, Python float arguments are run-time inputs (weak values)."""
    builder = Builder()
    lowering = Lowering(builder)
    names = signature_names(fn, len(args))
    inputs: list[Value] = []

    def input_value(leaf: Any, name: str) -> Any:
        if dynamic_floats and type(leaf) is float:
            value = Value(Aval((), np.dtype(np.float64)), name, weak=True)
        elif is_array(leaf):
            param = leaf if isinstance(leaf, Parameter) else getattr(leaf, 'param', None)
            value = Value(Aval(tuple(np.shape(leaf)), dtype_of(leaf)), name, param=param)
        else:
            return leaf
        inputs.append(value)
        return value

    call_args = [_map_named(input_value, arg, name) for arg, name in zip(args, names)]
    call_kwargs = call_args.pop() if call_args and isinstance(args[-1], Keywords) else {}
    with builder.active():
        result = lowering.call(fn, call_args, dict(call_kwargs))
    for leaf in flatten(result):
        if not isinstance(leaf, (Value, bool, int, float, str, type(None))):
            raise CompileError(f"{name} returns {describe(leaf)}; compiled functions return "
                               "Tensors, numbers and tuples, lists or dicts of them", _definition(fn))
    graph = Graph(name, inputs + lowering.implicit_inputs, builder.ops, result)
    return graph, inputs, lowering


def _definition(fn: Any) -> Optional[SourceLoc]:
    """Where `fn` (a function, a Cell's construct, a compiled function) is defined, if known."""
    target = getattr(fn, '__autograph_target__', fn)
    target = getattr(target, 'construct', target) if isinstance(target, Cell) else target
    code = getattr(target, '__code__', None)
    return SourceLoc(code.co_filename, code.co_firstlineno) if code is not None else None


class Keywords(dict[str, Any]):
    """Keyword-only and **kwargs arguments of a call, carried as its last argument."""


def _map_named(fn: Callable[[Any, str], Any], tree: Any, name: str) -> Any:
    """map_tree that also names each leaf after its path: xs_0, params_w (keywords: their names)."""
    if isinstance(tree, Keywords):
        return Keywords({key: _map_named(fn, item, key) for key, item in tree.items()})
    if isinstance(tree, (tuple, list)):
        return type(tree)(_map_named(fn, item, f'{name}_{i}') for i, item in enumerate(tree))
    if isinstance(tree, dict):
        return {key: _map_named(fn, item, f'{name}_{key}') for key, item in tree.items()}
    return fn(tree, name)


def dtype_of(arg: Any) -> np.dtype[Any]:
    """The dtype of an array argument (a Tensor, an array, a NumPy scalar, a Value)."""
    if isinstance(arg, Value):
        dtype: np.dtype[Any] = arg.dtype
        return dtype
    if engines.is_foreign(arg):
        return engines.dtype_of(arg)
    return np.asarray(array_of(arg)).dtype


def inline(lowering: Lowering, graph: Graph, args: Sequence[Any], dynamic_floats: bool) -> Any:
    """Copy `graph`'s ops into `lowering`'s builder, applied to `args`; returns its outputs."""
    explicit = [leaf for a in args for leaf in input_leaves(a, dynamic_floats)]
    env: dict[int, Any] = {}
    for value, arg in zip(graph.inputs, explicit):
        env[id(value)] = arg
    for value in graph.inputs[len(explicit):]:
        env[id(value)] = lowering.implicit_input(value.param, value.name)
    clone_into(lowering.builder, graph.ops, env)
    return map_tree(lambda v: env.get(id(v), v) if isinstance(v, Value) else v, graph.outputs)


_PAUSES = 0                 # compilations under way, in any thread
_PAUSE_LOCK = threading.Lock()
_COLLECTING = True          # whether the collector ran before the first of them


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector waits while code compiles. A compilation makes hundreds
    of thousands of objects that live until it ends (graphs and their copies, ASTs), so nearly
    nothing is garbage before then, yet each full collection walks them all: it took a third
    of compile time, and peak memory was the same without it. The collector runs again (as it
    did, enabled or not) when the last compilation in any thread ends."""
    global _PAUSES, _COLLECTING
    with _PAUSE_LOCK:
        if _PAUSES == 0:
            _COLLECTING = gc.isenabled()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0 and _COLLECTING:
                gc.enable()


# ---------------------------------------------------------------- the callable
class Transformed:
    """A compiled callable with a cache per call signature (cache.CompileCache). Subclasses
    define `build(args) -> (graph, explicit inputs, lowering)`: what to compile for `args`."""

    def __init__(self, fn: Any) -> None:
        if not callable(fn):
            raise TypeError(f"expected a function or a Cell to compile, got {describe(fn)}")
        self.fn = fn
        self.cache = CompileCache()
        self.last: Optional[Compiled] = None
        self.dynamic_floats = True
        self.dynamic: Optional[DynamicDims] = None      # dynamic_dims (dynamic.py)
        self._kept_signature: Optional[tuple[tuple[Any, ...], inspect.Signature]] = None   # see _signature
        self.__name__: str = getattr(fn, '__name__', type(fn).__name__)
        if isinstance(fn, Cell):
            self.__name__ = type(fn).__name__.lower()
        self.__doc__ = getattr(fn, '__doc__', None)
        self.__autograph_target__: Any = getattr(fn, '__autograph_target__', fn)
        if isinstance(fn, Cell):
            self.__autograph_target__ = fn.construct

    def build(self, args: Sequence[Any]) -> tuple[Graph, list[Value], Lowering]:
        raise NotImplementedError(f'{type(self).__name__} does not say what to compile')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        last = self.last
        if last is not None and not kwargs:
            fast = last.fast
            if fast is not None:
                # The signature used last, checked by its own generated function (fastpath.py),
                # which leaves a call while compiling to the slow path.
                try:
                    out = fast(args)
                except Exception as e:      # raised by the generated code: the user's line
                    raise _located(e, last) from e
                if out is not MISS:
                    self.cache.hits += 1
                    return out
        return self._call(args, kwargs)

    def _call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        builder = current_builder()
        if builder is not None and isinstance(builder, Builder) and builder.lower_call is not None:
            return builder.lower_call(self, args, kwargs)   # called by library code while compiling
        if kwargs:
            args = self._bind(args, kwargs)
        return self.compilation(args)(args)

    def compilation(self, args: Sequence[Any]) -> Compiled:
        """The compilation for positional `args`, compiled now if no cached one fits; it becomes
        `last`."""
        key = self._key(args)
        entry, why = self._cached(key)
        if entry is None:
            entry = self._compile_new(args, key, why)
        elif not entry.fast_made:
            entry.fast_made = True
            entry.fast = fast_call(entry, args, self.dynamic_floats)
        self.last = entry
        return entry

    def _cached(self, key: Key) -> tuple[Optional[Compiled], Optional[str]]:
        """(the compilation for `key` whose guards hold, None) or (None, why none does)."""
        variants = self.cache.get(key)
        if not variants:
            return None, None
        why = None
        for entry in variants:
            why = entry.stale() if entry.checks else None
            if why is None:
                self.cache.hits += 1
                self.cache.prefer(key, variants, entry)
                return entry, None
        return None, why

    def _compile_new(self, args: Sequence[Any], key: Key, why: Optional[str] = None) -> Compiled:
        """Compile for `args` (once per key, whichever threads ask), log why, cache it."""
        def compile() -> tuple[Key, Compiled]:
            self.cache.misses += 1
            if logger.isEnabledFor(logging.INFO):
                names = signature_names(self.fn, len(args))
                cache.log('compiling %s(%s): %s', self.__name__, cache.describe(key, names),
                          why or cache.reason(self.cache.last_key(), key, names))
            try:
                return key, self.compile(args)
            except NotStatic:
                if not (self.dynamic_floats and any(type(a) is float for a in args)):
                    raise
                # A float decides control flow or shapes: specialise on float values from now on.
                cache.log('%s needs its float arguments when compiling; compiling per value', self.__name__)
                self.dynamic_floats = False
                self.cache.clear()
                return self._key(args), self.compile(args)
        entry: Compiled = self.cache.compile_once(key, compile)
        return entry

    def _key(self, args: Sequence[Any]) -> Key:
        """The call signature of `args`: `cache.spec` of each, and with dynamic_dims, each
        dynamic size of 2 or more replaced by its symbol."""
        key = tuple([spec(a, self.dynamic_floats) for a in args])
        if self.dynamic is not None:
            key = self.dynamic.key(args, key, self._dynamic_leaves(args))
        return key

    def _dynamic_leaves(self, args: Sequence[Any]) -> list[Leaf]:
        assert self.dynamic is not None
        leaves = self.dynamic.leaves(args, bool(args) and isinstance(args[-1], Keywords),
                                     lambda a: input_leaves(a, self.dynamic_floats))
        return self.dynamic.symbols(leaves)

    def set_dynamic_dims(self, dims: Any) -> None:
        """Compile once for every size of the axes `dims` names ({argument name: axis or tuple
        of axes}; see dynamic.py); None compiles per size again. Drops the compilations kept."""
        self.dynamic = None if dims is None else DynamicDims(dims, self.__autograph_target__, self.__name__)
        self.cache_clear()

    def cache_info(self) -> CacheInfo:
        """Entries, hits, misses, each entry's signature, the size bound and evictions."""
        keys = list(self.cache.entries)
        names = signature_names(self.fn, max((len(k) for k in keys), default=0))
        return CacheInfo(len(keys), self.cache.hits, self.cache.misses,
                         [cache.describe(k, names) for k in keys], self.cache.size, self.cache.evictions)

    def cache_clear(self) -> None:
        """Drop every compilation (statistics stay)."""
        self.cache.clear()
        self.last = None

    @property
    def cache_size(self) -> int:
        """The most call signatures kept; the least recently used is dropped past it."""
        size: int = self.cache.size
        return size

    @cache_size.setter
    def cache_size(self, size: int) -> None:
        self.cache.resize(size)

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """Arguments that can be positional become positional; keyword-only ones and **kwargs
        travel as one last `Keywords` argument (a dict, flattened like any other)."""
        try:
            bound = self._signature().bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.__name__}(): {e}") from None
        bound.apply_defaults()
        return tuple(bound.args) + ((Keywords(bound.kwargs),) if bound.kwargs else ())

    def _signature(self) -> inspect.Signature:
        """The target's signature, kept while the function's code and defaults are the same
        objects (it holds the defaults `apply_defaults` fills in); `inspect` is slow."""
        target = self.__autograph_target__
        fn = getattr(target, '__func__', target)
        if not isinstance(fn, types.FunctionType):
            return inspect.signature(target)
        stamp = (fn.__code__, fn.__defaults__, fn.__kwdefaults__)
        kept = self._kept_signature
        if kept is None or any(a is not b for a, b in zip(kept[0], stamp)):
            kept = self._kept_signature = (stamp, inspect.signature(target))
        return kept[1]

    def compile(self, args: Sequence[Any], engine: Optional['engines.Engine'] = None) -> Compiled:
        """Compile for `args` (not cached); with `engine`, for that engine's arrays whatever the
        arguments are (`engines.ANY`: the array API module an export writes)."""
        with collector_paused():
            return self._compile(args, engine)

    def _compile(self, args: Sequence[Any], engine: Optional['engines.Engine'] = None) -> Compiled:
        dynamic = self._dynamic_leaves(args) if self.dynamic is not None else []
        try:
            graph, explicit, lowering = self.build(args)
        except Exception as e:
            if self.dynamic is not None:
                unequal = mismatch(self.dynamic, args, dynamic, e, self._source_of, self.__name__)
                if unequal is not None:
                    raise unequal from e
            raise
        lines = lines_of(graph) if self.dynamic is not None else {}
        graph = optimize(graph)
        positions = [i for i, a in enumerate(args) if _is_input(a, self.dynamic_floats)]
        implicit = [v.param for v in graph.inputs[len(explicit):]]
        # NumPy in, NumPy out: results are Tensors unless only NumPy arrays came in.
        leaves = flatten(list(args))
        engine = engine or engines.engine_of(leaves)
        containers = any(isinstance(args[i], (tuple, list, dict)) for i in positions)
        poly = self._polymorphic(args, dynamic, lines, engine) if self.dynamic is not None else None
        arg_dims = {} if poly is None else {
            leaf.arg: poly.dims[leaf.input] for leaf in dynamic
            if leaf.key is None and leaf.array is args[leaf.arg] and leaf.input in poly.dims}
        if engine is not None:      # another library's arrays: the array API dialect
            return EngineCompiled(graph, engine, positions, implicit, containers, lowering.guards, poly, arg_dims)
        numpy_only = (any(isinstance(a, (np.ndarray, np.generic)) for a in leaves) and
                      not any(isinstance(a, Tensor) for a in leaves + implicit))
        boundary = not numpy_only
        if poly is None:
            return Compiled(graph, positions, implicit, boundary, containers, lowering.guards)
        return Compiled(graph, positions, implicit, boundary, containers, lowering.guards,
                        generated=poly.generated, dims=poly.dims, arg_dims=arg_dims, symbols=poly.symbols)

    def _polymorphic(self, args: Sequence[Any], dynamic: list[Leaf], lines: Lines,
                     engine: Optional['engines.Engine']) -> Optional[Polymorphic]:
        """dynamic_dims: the module for `args` written for every size of the dynamic axes (NumPy's,
        or with `engine` the array API dialect's), or None when none has a size of 2 or more."""
        assert self.dynamic is not None
        dynamic_ids = {id(leaf.array) for leaf in dynamic}
        static = [(name, leaf) for arg, name in zip(args, signature_names(self.fn, len(args)))
                  for leaf in flatten(arg) if is_array(leaf) and id(leaf) not in dynamic_ids]

        def source_of(probe_args: Sequence[Any], generate_source: bool = True) -> tuple[Optional[Generated], Lines]:
            return self._source_of(probe_args, generate_source, engine)
        return polymorphic(self.dynamic, args, dynamic, lines, source_of, self.__name__, static,
                           array_api.NAMESPACE if engine is not None else 'np')

    def _source_of(self, args: Sequence[Any], generate_source: bool = True,
                   engine: Optional['engines.Engine'] = None) -> tuple[Optional[Generated], Lines]:
        """The generated module for `args`, not loaded (with `engine`, in the array API dialect),
        and the user's lines its graph came from (the probes of dynamic_dims); without
        `generate_source`, only the lines."""
        graph = self.build(args)[0]
        lines = lines_of(graph)
        if not generate_source:
            return None, lines
        graph = optimize(graph)
        return (generate(graph) if engine is None else array_api.generate(graph, engine.name)), lines

    def __autograph_inline__(self, lowering: Lowering, args: Sequence[Any],
                             kwargs: dict[str, Any]) -> Any:
        if kwargs:
            args = self._bind(tuple(args), kwargs)
        graph, _, _ = self.build(args)
        return inline(lowering, graph, args, self.dynamic_floats)

