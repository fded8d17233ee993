"""The public API: jit, grad, value_and_grad, get_source, get_ir.

`jit(fn)` and `grad(fn, ...)` return callables (`Jitted`, `GradFunction`) that compile `fn` per
call signature; the machinery they share (tracing, the cache, loading the generated code) is
`autograph.compiler`'s. What is here is what each transformation builds:

    jit:   compiler.trace (source -> IR)
    grad:  compiler.trace, then ad.reverse (IR -> the adjoint's IR), outputs arranged as
           MindSpore's `grad`/`value_and_grad` return them (see `GradFunction._arrange`)

Parameters reached inside are inputs of the generated function, read at each call, so updating
them never recompiles.
"""
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Optional, TypeVar, Union, overload

import numpy as np

from runtime.primitive import Aval
from runtime.tensor import Parameter
from .ad import reverse
from .compiler import Compiled, Keywords, Transformed, array_of, input_leaves, is_array, trace
from .frontend import Lowering
from .ir import Builder, Graph, Value, format_graph
from .tree import flatten, map_tree

GradPosition = Union[int, tuple[int, ...], None]     # None: differentiate the weights only


class Jitted(Transformed):
    """`autograph.jit(fn)`: fn compiled to NumPy source."""

    def build(self, args: Sequence[Any]) -> tuple[Graph, list[Value], Lowering]:
        return trace(self.fn, args, self.__name__, self.dynamic_floats)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        """`@jit` on a method (MindSpore's `@ms.jit` on `construct`): read through an instance,
        it is the jit of the bound method, made once per instance so its compilations are kept."""
        if instance is None:
            return self
        bound = self.__dict__.get('_bound')
        if bound is None:       # not setdefault: that would make a dictionary at every access
            bound = self._bound = weakref.WeakKeyDictionary[Any, Jitted]()
        jitted = bound.get(instance)
        if jitted is None:
            jitted = bound[instance] = Jitted(self.fn.__get__(instance, owner))
            jitted.cache_size = self.cache_size
            if self.dynamic is not None:
                jitted.dynamic = self.dynamic.rebind(jitted.__autograph_target__)
        return jitted


class GradFunction(Transformed):
    """What `grad` and `value_and_grad` return."""

    def __init__(self, fn: Callable[..., Any], grad_position: GradPosition, weights: Any,
                 has_aux: bool, return_ids: bool, with_value: bool, sens_param: bool = False) -> None:
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

    def build(self, args: Sequence[Any]) -> tuple[Graph, list[Value], Lowering]:
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
            if not any(is_array(leaf) for leaf in flatten(args[p])):
                raise TypeError(f"grad_position {p}: argument is a {type(args[p]).__name__}; "
                                "gradients are taken with respect to Tensors or numpy arrays "
                                "(or tuples, lists and dicts of them)")
        graph, explicit, lowering = trace(self.fn, args, self.__name__, self.dynamic_floats)
        inputs = iter(explicit)
        leaves_of = [[next(inputs) for _ in input_leaves(a, self.dynamic_floats)] for a in args]
        wrt: list[list[Value]] = [[leaf] for p in self.positions or () for leaf in leaves_of[p]]
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
        values, grad_values = grad_graph.outputs
        grads = iter(grad_values)
        # A tuple, list or dict argument gets its gradient in the same structure.
        per_position = [_regroup(args[p], grads, self.dynamic_floats) for p in self.positions or ()]
        grad_graph.outputs = self._arrange(values, per_position + list(grads))
        return grad_graph, explicit, lowering

    def _arrange(self, values: Any, grads: list[Any]) -> Any:
        """MindSpore's structure: see the table in README.md."""
        ids = self.return_ids
        result: Any = None
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


def _check_differentiable(name: str, outputs: Any) -> None:
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


def _kind(value: Any) -> str:
    if value is None:
        return 'None'
    if isinstance(value, tuple):
        return f'a tuple of {len(value)} Python values'
    return f'a Python {type(value).__name__} ({value!r:.40})'


def _sensitivity_inputs(graph: Graph, sens: Any, has_aux: bool, explicit: list[Value]) -> list[Value]:
    """Input values for the sensitivity argument, one per differentiated output, checked against
    the outputs' shapes; placed after the explicit inputs, as the caller passes them."""
    outputs = [v for v in flatten(graph.outputs) if isinstance(v, Value)]
    outputs = outputs[:1] if has_aux else outputs
    leaves = flatten(sens)
    if len(leaves) != len(outputs) or any(np.shape(s) != o.shape for s, o in zip(leaves, outputs)):
        raise ValueError(f"the sensitivity must match the output: expected shapes "
                         f"{[o.shape for o in outputs]}, got {[np.shape(s) for s in leaves]}")
    values = [Value(Aval(o.shape, np.asarray(array_of(leaf)).dtype), 'sens' if len(outputs) == 1 else f'sens_{k}')
              for k, (o, leaf) in enumerate(zip(outputs, leaves))]
    position = len(explicit)
    graph.inputs[position:position] = values
    return values


def _regroup(arg: Any, grads: Iterator[Any], dynamic_floats: bool) -> Any:
    """The gradients of an argument's input leaves, in the argument's structure (None for
    leaves that are not inputs)."""
    if not isinstance(arg, (tuple, list, dict)):
        return next(grads)
    return map_tree(lambda leaf: next(grads) if input_leaves(leaf, dynamic_floats) else None, arg)


def _check_positions(grad_position: GradPosition, weights: Any) -> Optional[tuple[int, ...]]:
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


def _parameters_of(weights: Any) -> Any:
    """Inside compiled code the Parameters a Cell holds arrive as the compiler's values standing
    for them: back to the Parameters themselves."""
    def parameter(w: Any) -> Any:
        return w.param if isinstance(w, Value) and isinstance(w.param, Parameter) else w
    if isinstance(weights, (tuple, list)) and not isinstance(weights, Value):
        return tuple(parameter(w) for w in weights)
    return parameter(weights)


def _check_weights(weights: Any) -> Optional[tuple[Parameter, ...]]:
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
F = TypeVar('F', bound=Callable[..., Any])


def _compile_time(fn: F) -> F:
    """Mark a transformation as callable inside compiled code: it runs while compiling."""
    setattr(fn, '__autograph_compile_time__', True)
    return fn


DynamicDimsArg = Optional[dict[Union[str, int], Union[int, tuple[int, ...]]]]


@overload
def jit(fn: None = None, *, cache_size: Optional[int] = None,
        dynamic_dims: DynamicDimsArg = None) -> Callable[[Callable[..., Any]], Jitted]: ...
@overload
def jit(fn: Callable[..., Any], *, cache_size: Optional[int] = None,
        dynamic_dims: DynamicDimsArg = None) -> Jitted: ...


@_compile_time
def jit(fn: Optional[Callable[..., Any]] = None, *, cache_size: Optional[int] = None,
        dynamic_dims: DynamicDimsArg = None) -> Union[Jitted, Callable[[Callable[..., Any]], Jitted]]:
    """Compile `fn` to NumPy source: MindSpore's `mindspore.jit`.

    Use as `@jit`, `@jit(cache_size=8)` or `jit(fn)`. `fn` is a function or a Cell; everything it
    calls (Cells' `construct`, user functions) is compiled with it, from its source. A compilation
    is kept per call signature (each array argument's shape and dtype, each Python argument's
    value) and reused while the Python values it read stay the same.

    Args:
        fn: the function or Cell to compile (None when used as `@jit(cache_size=...)`).
        cache_size: the most call signatures kept (default 64, `autograph.set_cache_size`).
        dynamic_dims: axes whose size may change without compiling again: `{'x': 0}` (an
            argument's name, or position, mapped to an axis or a tuple of axes). The code reads
            the size at run time (`n = x.shape[0]`); axes of equal size at a call are one size,
            checked to agree. Sizes 0 and 1 are compiled on their own. Code that depends on the
            size in a way the compiled code cannot follow raises `DynamicShapeError`.

    Returns:
        A callable with `fn`'s arguments and results: Tensors in give Tensors out, NumPy arrays
        in give NumPy arrays out. `autograph.get_source(f)` reads the generated code.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> @autograph.jit
        ... def f(x):
        ...     return (x * x).sum()
        >>> float(f(np.arange(3.0)))
        5.0
    """
    if fn is None:
        return lambda f: jit(f, cache_size=cache_size, dynamic_dims=dynamic_dims)
    if isinstance(fn, Jitted) and dynamic_dims is None:
        jitted = fn
    else:
        jitted = Jitted(fn.fn if isinstance(fn, Jitted) else fn)
        if isinstance(fn, Jitted):
            jitted.cache_size = fn.cache_size
    if cache_size is not None:
        jitted.cache_size = cache_size
    if dynamic_dims is not None:
        jitted.set_dynamic_dims(dynamic_dims)
    return jitted


@_compile_time
def grad(fn: Callable[..., Any], grad_position: GradPosition = 0, weights: Any = None,
         has_aux: bool = False, return_ids: bool = False, *,
         dynamic_dims: DynamicDimsArg = None) -> GradFunction:
    """The gradient function of `fn`, with MindSpore's semantics (`mindspore.grad`).

    Args:
        fn: the function or Cell to differentiate; its output (or, with `has_aux`, its first
            output) is differentiated, seeded with ones (several outputs: their sum).
        grad_position: the argument position (int) or positions (tuple) to differentiate with
            respect to; None for weights only.
        weights: a Parameter, a list of them or a ParameterTuple (`net.trainable_params()`).
        has_aux: `fn` returns `(output, *aux)`; only `output` is differentiated.
        return_ids: pair each gradient with its position or its Parameter's name.
        dynamic_dims: axes of any size, compiled once for all of them, as for `jit`.

    Returns:
        A function with `fn`'s arguments returning: one gradient (an int position, or one
        Parameter), a tuple (several positions or a list of weights), `(position_grads,
        weight_grads)` when both are asked for, and `(grads, aux)` with has_aux.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> def f(x, y):
        ...     return (x * y).sum()
        >>> dx, dy = autograph.grad(f, (0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        >>> dx, dy
        (array([3., 4.]), array([1., 2.]))
    """
    return _with_dims(GradFunction(fn, grad_position, weights, has_aux, return_ids, with_value=False),
                      dynamic_dims)


@_compile_time
def value_and_grad(fn: Callable[..., Any], grad_position: GradPosition = 0, weights: Any = None,
                   has_aux: bool = False, return_ids: bool = False, *,
                   dynamic_dims: DynamicDimsArg = None) -> GradFunction:
    """Like `grad`, returning `(fn's output, gradients)`: MindSpore's `mindspore.value_and_grad`.

    Args:
        fn, grad_position, weights, has_aux, return_ids, dynamic_dims: as for `grad`.

    Returns:
        A function returning `(value, gradients)`, gradients structured as `grad`'s; with has_aux
        `((output, *aux), gradients)`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> loss, dx = autograph.value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 3.0]))
        >>> float(loss), dx
        (10.0, array([2., 6.]))
    """
    return _with_dims(GradFunction(fn, grad_position, weights, has_aux, return_ids, with_value=True),
                      dynamic_dims)


def _with_dims(transformed: GradFunction, dynamic_dims: DynamicDimsArg) -> GradFunction:
    if dynamic_dims is not None:
        transformed.set_dynamic_dims(dynamic_dims)
    return transformed


def _entry(fn: Callable[..., Any], args: tuple[Any, ...], what: str) -> Compiled:
    if not isinstance(fn, Transformed):
        fn = jit(fn)
    if args:
        return fn.compilation(args)
    if fn.last is None:
        raise ValueError(f"{what}: {fn.__name__} has not been compiled yet; call it once, or pass "
                         f"example arguments: autograph.{what}(f, *args)")
    return fn.last


def get_source(fn: Callable[..., Any], *example_args: Any) -> str:
    """The generated Python source of a compiled function.

    Args:
        fn: what `jit`, `grad`, `value_and_grad`, `vmap`... returned (a plain function or Cell is
            compiled with `jit`).
        *example_args: compile for these arguments; without them, the last compilation.

    Returns:
        The module's source (str): valid Python over NumPy, valid input to `autograph.jit`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> def f(x):
        ...     return x * 2.0 + 1.0
        >>> print(autograph.get_source(f, np.ones(3)))
        # Generated by autograph: valid input to autograph.jit again.
        import numpy as np
        <BLANKLINE>
        <BLANKLINE>
        def f(x):
            # return x * 2.0 + 1.0
            out = x * 2.0 + 1.0
            return out
        <BLANKLINE>
    """
    return _entry(fn, example_args, 'get_source').generated.source


def get_ir(fn: Callable[..., Any], *example_args: Any) -> str:
    """The optimised IR of a compiled function, as text: one SSA assignment per primitive.

    Args:
        fn: as for `get_source`.
        *example_args: compile for these arguments; without them, the last compilation.

    Returns:
        The printed graph (str): its inputs with shapes and dtypes, its ops, its outputs.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> print(autograph.get_ir(lambda x: autograph.ops.exp(x), np.ones(2, np.float32)))
        def lambda_(x: f32[2]):
          exp: f32[2] = exp(x)
          return exp
    """
    return format_graph(_entry(fn, example_args, 'get_ir').graph)
