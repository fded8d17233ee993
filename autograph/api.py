"""The public API: jit, grad, value_and_grad, get_source, get_ir. It wires the stages together:

    frontend.Lowering (source -> IR) -> ad.reverse (grad only) -> passes.optimize
    -> codegen.generate (IR -> source) -> codegen.load (source -> function)

and owns the compile cache. A compiled function is cached per call signature: the shape and
dtype of each array argument and the value of each Python argument. Parameters reached inside
are inputs of the generated function, read at each call, so updating them never recompiles.

Return structures follow MindSpore's `grad`/`value_and_grad` exactly (see `_arrange`).
"""
import inspect
import linecache
import logging
import weakref

import numpy as np

from runtime.primitive import Aval, current_builder
from runtime.tensor import Parameter, Tensor
from .nn.cell import Cell
from .ad import reverse
from .codegen import generate, load, user_location
from . import cache
from .cache import CacheInfo, CompileCache, logger, spec
from .errors import CompileError, NotStatic
from .source import SourceLoc
from .frontend.calls import describe
from .frontend import Lowering
from .ir import Builder, Graph, Value, flatten, format_graph, map_tree
from .ir.core import clone_into
from .passes import optimize


# ---------------------------------------------------------------- compiled entries
class Compiled:
    """One compilation: the generated function and how to call it with user arguments."""

    def __init__(self, graph, array_positions, implicit, tensor_boundary, containers, guards):
        self.graph = graph
        self.generated = generate(graph)
        self.fn = load(self.generated)
        # The source stays in linecache (for tracebacks) as long as the function lives.
        weakref.finalize(self.fn, linecache.cache.pop, self.fn.__code__.co_filename, None)
        self.array_positions = array_positions        # arguments holding run-time inputs
        self.containers = containers                  # some of them are tuples, lists or dicts
        self.implicit = implicit                      # objects read at each call
        self.implicit_avals = [(np.shape(p), np.asarray(_array(p)).dtype) for p in implicit]
        self.guards = guards                          # Python values it was specialised on
        self.checks = bool(implicit or len(guards))   # anything to check before a call
        self.tensor_boundary = tensor_boundary

    def __call__(self, args):
        if self.containers:
            arrays = [_array(leaf) for i in self.array_positions for leaf in flatten(args[i])
                      if _is_leaf_input(leaf)]
        else:
            arrays = [_array(args[i]) for i in self.array_positions]
        if self.implicit:
            arrays += [_array(p) for p in self.implicit]
        try:
            out = self.fn(*arrays)
        except Exception as e:
            raise _located(e, self) from e
        return _wrap(out) if self.tensor_boundary else out

    def stale(self):
        """Why this compilation no longer fits, or None: a Parameter the code reads changed
        shape, or a Python value it was specialised on (`self.training`, a global, a helper
        function) changed (see guards.py)."""
        for p, (shape, dtype) in zip(self.implicit, self.implicit_avals):
            data = _array(p)
            if data.shape != shape or data.dtype != dtype:
                return (f'{getattr(p, "name", None) or "a Parameter"} changed from {dtype.name}{list(shape)} '
                        f'to {data.dtype.name}{list(data.shape)}')
        return self.guards.failure()


def _array(x):
    return x._data if isinstance(x, Tensor) else x


def _wrap(tree):
    kind = type(tree)
    if kind is np.ndarray or isinstance(tree, np.generic):
        return Tensor._wrap(tree)
    if kind is tuple:
        return tuple([_wrap(t) for t in tree])
    if kind is list:
        return [_wrap(t) for t in tree]
    if kind is dict:
        return {key: _wrap(t) for key, t in tree.items()}
    return tree


def _located(exc, compiled):
    loc = user_location(exc, compiled.fn, compiled.generated.line_map)
    if loc is None:
        return exc
    message = f"{exc}\n  (in compiled code, from {loc}: {loc.text})"
    try:
        return type(exc)(message)
    except Exception:
        return RuntimeError(message)


# ---------------------------------------------------------------- tracing
def _is_array(arg):
    return isinstance(arg, (Tensor, np.ndarray, np.generic, Value))


def _is_input(arg, dynamic_floats):
    """Whether an argument (or, for a tuple, list or dict, any of its leaves) is passed to the
    generated function; the rest is compiled in."""
    return any(_is_array(leaf) or (dynamic_floats and type(leaf) is float) for leaf in flatten(arg))


def _input_leaves(arg, dynamic_floats):
    return [leaf for leaf in flatten(arg) if _is_array(leaf) or (dynamic_floats and type(leaf) is float)]


def _is_leaf_input(leaf):
    """At call time: which leaves of a container argument the compiled code takes (the cache key
    guarantees floats are inputs exactly when they were while compiling)."""
    return isinstance(leaf, (Tensor, np.ndarray, np.generic, float))


def _signature_names(fn, count):
    target = getattr(fn, '__autograph_target__', fn)
    if isinstance(target, Cell):
        target = target.construct
    try:
        params = list(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f'arg{i}' for i in range(count)]


def trace(fn, args, name, dynamic_floats=False):
    """Lower `fn` applied to `args` into a Graph. Returns (graph, explicit inputs, lowering).
    With `dynamic_floats`, Python float arguments are run-time inputs (weak values)."""
    builder = Builder()
    lowering = Lowering(builder)
    names = _signature_names(fn, len(args))
    inputs = []

    def input_value(leaf, name):
        if dynamic_floats and type(leaf) is float:
            value = Value(Aval((), np.dtype(np.float64)), name, weak=True)
        elif _is_array(leaf):
            param = leaf if isinstance(leaf, Parameter) else getattr(leaf, 'param', None)
            value = Value(Aval(tuple(np.shape(leaf)), _dtype_of(leaf)), name, param=param)
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


def _definition(fn):
    """Where `fn` (a function, a Cell's construct, a compiled function) is defined, if known."""
    target = getattr(fn, '__autograph_target__', fn)
    target = getattr(target, 'construct', target) if isinstance(target, Cell) else target
    code = getattr(target, '__code__', None)
    return SourceLoc(code.co_filename, code.co_firstlineno) if code is not None else None


class Keywords(dict):
    """Keyword-only and **kwargs arguments of a call, carried as its last argument."""


def _map_named(fn, tree, name):
    """map_tree that also names each leaf after its path: xs_0, params_w (keywords: their names)."""
    if isinstance(tree, Keywords):
        return Keywords({key: _map_named(fn, item, key) for key, item in tree.items()})
    if isinstance(tree, (tuple, list)):
        return type(tree)(_map_named(fn, item, f'{name}_{i}') for i, item in enumerate(tree))
    if isinstance(tree, dict):
        return {key: _map_named(fn, item, f'{name}_{key}') for key, item in tree.items()}
    return fn(tree, name)


def _dtype_of(arg):
    if isinstance(arg, Value):
        return arg.dtype
    return np.asarray(_array(arg)).dtype


def inline(lowering, graph, args, dynamic_floats):
    """Copy `graph`'s ops into `lowering`'s builder, applied to `args`; returns its outputs."""
    explicit = [leaf for a in args for leaf in _input_leaves(a, dynamic_floats)]
    env = {}
    for value, arg in zip(graph.inputs, explicit):
        env[id(value)] = arg
    for value in graph.inputs[len(explicit):]:
        env[id(value)] = lowering.implicit_input(value.param, value.name)
    clone_into(lowering.builder, graph.ops, env)
    return map_tree(lambda v: env.get(id(v), v) if isinstance(v, Value) else v, graph.outputs)


# ---------------------------------------------------------------- transformations
class _Transformed:
    """A compiled callable with a cache per call signature (cache.CompileCache)."""

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError(f"expected a function or a Cell to compile, got {describe(fn)}")
        self.fn = fn
        self.cache = CompileCache()
        self.last = None
        self.dynamic_floats = True
        self.__name__ = getattr(fn, '__name__', type(fn).__name__)
        if isinstance(fn, Cell):
            self.__name__ = type(fn).__name__.lower()
        self.__doc__ = getattr(fn, '__doc__', None)
        self.__autograph_target__ = getattr(fn, '__autograph_target__', fn)
        if isinstance(fn, Cell):
            self.__autograph_target__ = fn.construct

    def __call__(self, *args, **kwargs):
        builder = current_builder()
        if builder is not None and builder.lower_call is not None:
            return builder.lower_call(self, args, kwargs)   # called by library code while compiling
        if kwargs:
            args = self._bind(args, kwargs)
        key = tuple([spec(a, self.dynamic_floats) for a in args])
        entry, why = self._cached(key)
        if entry is None:
            entry = self._compile_new(args, key, why)
        self.last = entry
        return entry(args)

    def _cached(self, key):
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

    def _compile_new(self, args, key, why=None):
        """Compile for `args` (once per key, whichever threads ask), log why, cache it."""
        def compile():
            self.cache.misses += 1
            if logger.isEnabledFor(logging.INFO):
                names = _signature_names(self.fn, len(args))
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
                return tuple([spec(a, False) for a in args]), self.compile(args)
        return self.cache.compile_once(key, compile)

    def cache_info(self):
        """Entries, hits, misses, each entry's signature, the size bound and evictions."""
        keys = list(self.cache.entries)
        names = _signature_names(self.fn, max((len(k) for k in keys), default=0))
        return CacheInfo(len(keys), self.cache.hits, self.cache.misses,
                         [cache.describe(k, names) for k in keys], self.cache.size, self.cache.evictions)

    def cache_clear(self):
        """Drop every compilation (statistics stay)."""
        self.cache.clear()
        self.last = None

    @property
    def cache_size(self):
        """The most call signatures kept; the least recently used is dropped past it."""
        return self.cache.size

    @cache_size.setter
    def cache_size(self, size):
        self.cache.resize(size)

    def _bind(self, args, kwargs):
        """Arguments that can be positional become positional; keyword-only ones and **kwargs
        travel as one last `Keywords` argument (a dict, flattened like any other)."""
        try:
            bound = inspect.signature(self.__autograph_target__).bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.__name__}(): {e}") from None
        bound.apply_defaults()
        return tuple(bound.args) + ((Keywords(bound.kwargs),) if bound.kwargs else ())

    def compile(self, args):
        graph, explicit, lowering = self.build(args)
        graph = optimize(graph)
        positions = [i for i, a in enumerate(args) if _is_input(a, self.dynamic_floats)]
        implicit = [v.param for v in graph.inputs[len(explicit):]]
        # NumPy in, NumPy out: results are Tensors unless only NumPy arrays came in.
        leaves = flatten(list(args))
        numpy_only = (any(isinstance(a, (np.ndarray, np.generic)) for a in leaves) and
                      not any(isinstance(a, Tensor) for a in leaves + implicit))
        boundary = not numpy_only
        containers = any(isinstance(args[i], (tuple, list, dict)) for i in positions)
        return Compiled(graph, positions, implicit, boundary, containers, lowering.guards)

    def __autograph_inline__(self, lowering, args, kwargs):
        if kwargs:
            args = self._bind(args, kwargs)
        graph, _, _ = self.build(args)
        return inline(lowering, graph, args, self.dynamic_floats)


class Jitted(_Transformed):
    """`autograph.jit(fn)`: fn compiled to NumPy source."""

    def build(self, args):
        return trace(self.fn, args, self.__name__, self.dynamic_floats)


class GradFunction(_Transformed):
    """What `grad` and `value_and_grad` return."""

    def __init__(self, fn, grad_position, weights, has_aux, return_ids, with_value, sens_param=False):
        super().__init__(fn)
        self.sens_param = sens_param   # the last argument is the output's cotangent
        self.positions = _check_positions(grad_position, weights)
        self.grad_position = grad_position
        weights = _parameters_of(weights)
        self.weights = _check_weights(weights)
        self.weights_arg = weights
        self.has_aux = has_aux
        self.return_ids = return_ids
        self.with_value = with_value
        self.__name__ = f"{self.__name__}_{'value_and_grad' if with_value else 'grad'}"

    def build(self, args):
        sens = None
        if self.sens_param:
            if not args:
                raise TypeError(f"{self.__name__}: with sens_param=True pass the output's sensitivity "
                                "as the last argument")
            args, sens = args[:-1], args[-1]
        positional = len(args) - (1 if args and isinstance(args[-1], Keywords) else 0)
        for p in self.positions or ():
            if p >= positional:
                raise RuntimeError(f"Position index {p} is exceed input size.")
            if not any(_is_array(leaf) for leaf in flatten(args[p])):
                raise TypeError(f"grad_position {p}: argument is a {type(args[p]).__name__}; "
                                "gradients are taken with respect to Tensors or numpy arrays "
                                "(or tuples, lists and dicts of them)")
        graph, explicit, lowering = trace(self.fn, args, self.__name__, self.dynamic_floats)
        inputs = iter(explicit)
        leaves_of = [[next(inputs) for _ in _input_leaves(a, self.dynamic_floats)] for a in args]
        wrt = [[leaf] for p in self.positions or () for leaf in leaves_of[p]]
        for weight in self.weights or ():
            group = [v for v in graph.inputs if v.param is weight]
            if not group:  # a weight the function never reads: its gradient is zeros
                group = [lowering.implicit_input(weight, weight.name)]
                graph.inputs.append(group[0])
            wrt.append(group)
        outputs = graph.outputs
        if self.has_aux and not isinstance(outputs, tuple):
            raise TypeError(f"has_aux=True: {self.fn.__name__} must return a tuple (output, aux...), "
                            f"it returns one value")
        _check_differentiable(getattr(self.fn, '__name__', type(self.fn).__name__), outputs[0] if self.has_aux else outputs)
        seeds = None
        if sens is not None:
            seeds = _sensitivity_inputs(graph, sens, self.has_aux, explicit)
            explicit = explicit + seeds
        with Builder().active():
            grad_graph = reverse(graph, wrt, seed_all=not self.has_aux, seeds=seeds)
        values, grads = grad_graph.outputs
        grads = iter(grads)
        # A tuple, list or dict argument gets its gradient in the same structure.
        per_position = [_regroup(args[p], grads, self.dynamic_floats) for p in self.positions or ()]
        grad_graph.outputs = self._arrange(values, per_position + list(grads))
        return grad_graph, explicit, lowering

    def _arrange(self, values, grads):
        """MindSpore's structure: see the table in README.md."""
        ids = self.return_ids
        result = None
        if self.positions is not None:
            pos_grads = [(p, g) if ids else g for p, g in zip(self.positions, grads)]
            result = pos_grads[0] if len(pos_grads) == 1 else tuple(pos_grads)
            grads = grads[len(self.positions):]
        if self.weights is not None:
            w_grads = [(w.name, g) if ids else g for w, g in zip(self.weights, grads)]
            w_result = w_grads[0] if isinstance(self.weights_arg, Parameter) else tuple(w_grads)
            result = w_result if result is None else (result, w_result)
        if self.has_aux:
            if self.with_value:
                return values, result
            return result, tuple(values[1:])
        return (values, result) if self.with_value else result


def _check_differentiable(name, outputs):
    """What `grad` differentiates must be Tensors (or tuples of them, and numbers): None, a
    string or only Python numbers would give gradients that mean nothing."""
    leaves = flatten(outputs)
    for leaf in leaves:
        if not isinstance(leaf, (Value, bool, int, float)):
            raise TypeError(f"grad of {name}: it returns {_kind(leaf)}; grad needs a Tensor "
                            "(or a tuple of Tensors) computed from the inputs")
    if not any(isinstance(leaf, Value) for leaf in leaves):
        raise TypeError(f"grad of {name}: it returns {_kind(outputs)}, not a Tensor; its gradient "
                        "would be zero whatever the inputs. Return a Tensor computed from the inputs "
                        "(a Python number made from a Tensor with float() or .item() is not one)")


def _kind(value):
    if value is None:
        return 'None'
    if isinstance(value, tuple):
        return f'a tuple of {len(value)} Python values'
    return f'a Python {type(value).__name__} ({value!r:.40})'


def _sensitivity_inputs(graph, sens, has_aux, explicit):
    """Input values for the sensitivity argument, one per differentiated output, checked against
    the outputs' shapes; placed after the explicit inputs, as the caller passes them."""
    outputs = [v for v in flatten(graph.outputs) if isinstance(v, Value)]
    outputs = outputs[:1] if has_aux else outputs
    leaves = flatten(sens)
    if len(leaves) != len(outputs) or any(np.shape(s) != o.shape for s, o in zip(leaves, outputs)):
        raise ValueError(f"the sensitivity must match the output: expected shapes "
                         f"{[o.shape for o in outputs]}, got {[np.shape(s) for s in leaves]}")
    values = [Value(Aval(o.shape, np.asarray(_array(leaf)).dtype), 'sens' if len(outputs) == 1 else f'sens_{k}')
              for k, (o, leaf) in enumerate(zip(outputs, leaves))]
    position = len(explicit)
    graph.inputs[position:position] = values
    return values


def _regroup(arg, grads, dynamic_floats):
    """The gradients of an argument's input leaves, in the argument's structure (None for
    leaves that are not inputs)."""
    if not isinstance(arg, (tuple, list, dict)):
        return next(grads)
    return map_tree(lambda leaf: next(grads) if _input_leaves(leaf, dynamic_floats) else None, arg)


def _check_positions(grad_position, weights):
    if grad_position is None:
        if weights is None:
            raise ValueError("`grad_position` and `weight` can not be None at the same time.")
        return None
    positions = (grad_position,) if isinstance(grad_position, int) else grad_position
    if not isinstance(positions, tuple) or not all(isinstance(p, int) and not isinstance(p, bool)
                                                   for p in positions) or not positions:
        raise TypeError(f"`grad_position` must be an int, a non-empty tuple of ints or None, "
                        f"got {grad_position!r}")
    for p in positions:
        if p < 0:
            raise ValueError(f"`grad_position` must be >= 0, got {p}")
    return positions


def _parameters_of(weights):
    """Inside compiled code the Parameters a Cell holds arrive as the compiler's values standing
    for them: back to the Parameters themselves."""
    def parameter(w):
        return w.param if isinstance(w, Value) and isinstance(w.param, Parameter) else w
    if isinstance(weights, (tuple, list)) and not isinstance(weights, Value):
        return tuple(parameter(w) for w in weights)
    return parameter(weights)


def _check_weights(weights):
    if weights is None:
        return None
    items = (weights,) if isinstance(weights, Parameter) else weights
    if not isinstance(items, (tuple, list)):
        raise TypeError(f"`weights` must be a Parameter, a list or a ParameterTuple of Parameters, "
                        f"got {type(weights).__name__}")
    for i, w in enumerate(items):
        if not isinstance(w, Parameter):
            raise TypeError(f"`weights` must contain Parameters only; item {i} is a {type(w).__name__}")
    return tuple(items)


# ---------------------------------------------------------------- public functions
def _compile_time(fn):
    """Mark a transformation as callable inside compiled code: it runs while compiling."""
    fn.__autograph_compile_time__ = True
    return fn


@_compile_time
def jit(fn=None, *, cache_size=None):
    """Compile `fn` to NumPy source. Use as `@jit`, `@jit(cache_size=8)` or `jit(fn)`.
    `cache_size`: the most call signatures kept (default 64, `autograph.set_cache_size`)."""
    if fn is None:
        return lambda fn: jit(fn, cache_size=cache_size)
    jitted = fn if isinstance(fn, Jitted) else Jitted(fn)
    if cache_size is not None:
        jitted.cache_size = cache_size
    return jitted


@_compile_time
def grad(fn, grad_position=0, weights=None, has_aux=False, return_ids=False):
    """The gradient function of `fn`, with MindSpore's semantics."""
    return GradFunction(fn, grad_position, weights, has_aux, return_ids, with_value=False)


@_compile_time
def value_and_grad(fn, grad_position=0, weights=None, has_aux=False, return_ids=False):
    """Like `grad`, returning `(fn's output, gradients)`."""
    return GradFunction(fn, grad_position, weights, has_aux, return_ids, with_value=True)


def _entry(fn, args, what):
    if not isinstance(fn, _Transformed):
        fn = jit(fn)
    if args:
        key = tuple(spec(a, fn.dynamic_floats) for a in args)
        entry, why = fn._cached(key)
        if entry is None:
            entry = fn._compile_new(args, key, why)
        fn.last = entry
        return entry
    if fn.last is None:
        raise ValueError(f"{what}: {fn.__name__} has not been compiled yet; call it once, or pass "
                         f"example arguments: autograph.{what}(f, *args)")
    return fn.last


def get_source(fn, *example_args):
    """The generated Python source of the last compilation of `fn` (or of its compilation for
    `example_args`)."""
    return _entry(fn, example_args, 'get_source').generated.source


def get_ir(fn, *example_args):
    """The optimised IR, as text, of the last compilation of `fn` (or for `example_args`)."""
    return format_graph(_entry(fn, example_args, 'get_ir').graph)
