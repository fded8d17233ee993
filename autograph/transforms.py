"""Transformations beyond grad: `vjp` (the output cotangent given by the caller), `jvp` (forward
mode, its own IR transformation: autograph.ad.forward), MindSpore's `GradOperation`, `jacrev`,
`jacfwd`, `hessian`, and `check_grad` for users.

Each is compiled once per call signature: `vjp` and `GradOperation(sens_param=True)` compile one
gradient function that takes the cotangent as an input (`vjp` keeps it on `fn`, so calling `vjp`
again reuses it); `jvp` compiles one function that takes the tangents as inputs. `jacrev` and
`jacfwd` are IR transformations: the adjoint (or the tangent code) batched over the rows (or
columns) of an identity (`ad.batching`), one compiled function for the whole Jacobian, so they
compose with each other and with grad, jit and vmap. `hessian` is `jacfwd(jacrev(fn))`.
"""
import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Optional, TypeVar, Union

import numpy as np

from runtime.ops.creation import eye, zeros
from runtime.ops.shapes import moveaxis, narrow, reshape
from runtime.primitive import Aval
from runtime.tensor import Parameter, Tensor
from .ad import forward, reverse
from .ad.batching import Batcher
from .api import GradFunction, jit
from .compiler import Keywords, Transformed, array_of, dtype_of, input_leaves, is_array, trace
from .frontend import Lowering
from .ir import Builder, Graph, Value
from .tree import flatten, map_tree

Positions = Union[int, tuple[int, ...], list[int]]
F = TypeVar('F', bound=Callable[..., Any])


def _compile_time(fn: F) -> F:
    """Mark a transformation as callable inside compiled code: it runs while compiling."""
    setattr(fn, '__autograph_compile_time__', True)
    return fn


def _memo(fn: Any, key: tuple[Any, ...], make: Callable[[], Transformed]) -> Any:
    """The transformed function `make` gives, kept on `fn` itself under `key` (so that it goes
    when fn goes, and a second `vjp(fn, ...)` reuses its compilations); made afresh for what
    takes no attributes (a bound method, a builtin)."""
    try:
        store = vars(fn)
    except TypeError:
        return make()
    cached: dict[tuple[Any, ...], Transformed] = store.setdefault('__autograph_transforms__', {})
    if key not in cached:
        cached[key] = make()
    return cached[key]


def vjp(fn: Callable[..., Any], *inputs: Any, weights: Any = None,
        has_aux: bool = False) -> tuple[Any, ...]:
    """MindSpore's `mindspore.vjp`: the outputs of `fn` and a function giving vector-Jacobian
    products.

    Args:
        fn: the function.
        *inputs: the point.
        weights: Parameters to differentiate too (then `vjp_fn` gives `(input_grads,
            weight_grads)`).
        has_aux: `fn` returns `(output, *aux)`; then `(outputs, vjp_fn, aux)`.

    Returns:
        `(outputs, vjp_fn)`: `vjp_fn(v)` gives the gradients of `<v, fn(*inputs)>` with respect to
        every input, as a tuple (a 1-tuple for one input). Both functions are compiled once per call
        signature and kept on `fn`, so calling `vjp` again is a cached call.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> out, vjp_fn = autograph.vjp(lambda x: x ** 2, np.array([1.0, 2.0]))
        >>> vjp_fn(np.array([1.0, 1.0]))
        (array([2., 4.]),)
    """
    weight_key = None if weights is None else (type(weights), tuple(id(w) for w in flatten(weights)))
    forward_fn = _memo(fn, ('jit',), lambda: jit(fn))
    grad_fn = _memo(fn, ('vjp', len(inputs), has_aux, weight_key),
                    lambda: GradFunction(fn, tuple(range(len(inputs))), weights, has_aux, False,
                                         with_value=False, sens_param=True))
    value = forward_fn(*inputs)

    def vjp_fn(*cotangent: Any) -> Any:
        v = cotangent[0] if len(cotangent) == 1 else cotangent
        grads = grad_fn(*inputs, v)
        grads = grads[0] if has_aux else grads
        if len(inputs) == 1:        # grad gives one gradient alone; vjp_fn gives a tuple
            grads = ((grads[0],), grads[1]) if weights is not None else (grads,)
        return grads

    setattr(vjp_fn, 'grad_fn', grad_fn)     # the compiled function, for get_source
    if has_aux:
        return value[0], vjp_fn, tuple(value[1:])
    return value, vjp_fn


class JvpFunction(Transformed):
    """`fn` with its forward-mode derivative: called as (*primals, *tangents), it returns
    `(outputs, tangents of the outputs)` (and the aux outputs with has_aux)."""

    def __init__(self, fn: Callable[..., Any], has_aux: bool = False) -> None:
        super().__init__(fn)
        self.has_aux = has_aux
        self.__name__ = f'{self.__name__}_jvp'
        self.dynamic_floats = False      # float primals would have no tangent input

    def build(self, args: Sequence[Any]) -> tuple[Graph, list[Value], Lowering]:
        count = len(args) // 2
        primals, tangents = args[:count], args[count:]
        graph, explicit, lowering = trace(self.fn, primals, self.__name__)
        leaves = [leaf for t in tangents for leaf in input_leaves(t, False)]
        if len(leaves) != len(explicit):
            raise ValueError(f"jvp: give one tangent per input array ({len(explicit)}), got {len(leaves)}")
        tangent_values = []
        for value, leaf in zip(explicit, leaves):
            shape = leaf.shape if isinstance(leaf, Value) else np.shape(array_of(leaf))   # Values: inlined
            if shape != value.shape:
                raise ValueError(f"jvp: the tangent of {value.name} has shape {shape}, the input {value.shape}")
            tangent_values.append(Value(Aval(value.shape, dtype_of(leaf)), f'd{value.name}'))
        graph.inputs[len(explicit):len(explicit)] = tangent_values
        # Integer inputs (indices) have no tangent: theirs is accepted and ignored.
        result = forward(graph, {id(v): t for v, t in zip(explicit, tangent_values)
                                 if np.issubdtype(v.dtype, np.inexact)})
        outputs, out_tangents = result.outputs
        if self.has_aux:
            if not isinstance(outputs, tuple):
                raise TypeError("has_aux=True: the function must return a tuple (output, aux...)")
            result.outputs = (outputs[0], out_tangents[0], tuple(outputs[1:]))
        return result, explicit + tangent_values, lowering


def jvp(fn: Callable[..., Any], inputs: Any, v: Any, has_aux: bool = False) -> Any:
    """MindSpore's `mindspore.jvp(fn, inputs, v, has_aux=False)`: the output of `fn` and its
    directional derivative along `v`, by forward mode.

    Args:
        fn: the function.
        inputs: the point: a Tensor (or array), or a tuple of them, one per argument.
        v: the tangent, structured as `inputs`.
        has_aux: `fn` returns `(output, *aux)`; then `(output, J v, aux)`.

    Returns:
        `(fn(*inputs), J v)`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> out, tangent = autograph.jvp(lambda x: x ** 2, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
        >>> out, tangent
        (array([1., 4.]), array([2., 0.]))
    """
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    v = v if isinstance(v, tuple) else (v,)
    if len(v) != len(inputs):
        raise ValueError(f"jvp: {len(inputs)} inputs but {len(v)} tangents")
    return jvp_function(fn, has_aux)(*inputs, *v)


def _inline_jvp(lowering: Lowering, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """`autograph.jvp(fn, inputs, v)` called inside compiled code: inlined, like grad."""
    bound = inspect.signature(jvp).bind(*args, **kwargs)
    fn, inputs, v, has_aux = (bound.arguments.get(k, False) for k in ('fn', 'inputs', 'v', 'has_aux'))
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    v = v if isinstance(v, tuple) else (v,)
    return jvp_function(fn, has_aux).__autograph_inline__(lowering, list(inputs) + list(v), {})


setattr(jvp, '__autograph_inline__', _inline_jvp)


def jvp_function(fn: Callable[..., Any], has_aux: bool = False) -> JvpFunction:
    """The compiled forward-mode function that `jvp` calls: `f(*primals, *tangents)` returns
    `(fn(*primals), J tangents)`. Pass it to `get_source` to read the tangent code. It is kept on
    `fn` itself, where fn takes attributes, so that it goes when fn goes.

    Args:
        fn: the function.
        has_aux: as for `jvp`.

    Returns:
        The compiled function (one compilation per call signature).

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> def f(x):
        ...     return autograph.ops.sin(x)
        >>> out, tangent = autograph.jvp_function(f)(np.zeros(2), np.ones(2))
        >>> tangent
        array([1., 1.])
    """
    try:
        store = vars(fn)
    except TypeError:       # a bound method, a builtin: compiled afresh
        return JvpFunction(fn, has_aux)
    cached: dict[bool, JvpFunction] = store.setdefault('__autograph_jvp__', {})
    if has_aux not in cached:
        cached[has_aux] = JvpFunction(fn, has_aux)
    return cached[has_aux]


def _positions(grad_position: Positions) -> tuple[int, ...]:
    if isinstance(grad_position, bool) or not isinstance(grad_position, (int, tuple, list)):
        raise TypeError(f"grad_position must be an int or a tuple of ints, not {grad_position!r}")
    return (grad_position,) if isinstance(grad_position, int) else tuple(grad_position)


def _arranged(blocks: list[list[Any]]) -> Any:
    """MindSpore's Jacobian structure from blocks[output][position]: one block alone; a flat
    tuple when there is one output or one position; else a tuple per output of a tuple per
    position."""
    flat = [b for row in blocks for b in row]
    if len(flat) == 1:
        return flat[0]
    if len(blocks) == 1 or len(blocks[0]) == 1:
        return tuple(flat)
    return tuple(tuple(row) for row in blocks)


class GradOperation:
    """MindSpore's `ops.GradOperation(get_all=False, get_by_list=False, sens_param=False)`, for
    code being ported: `GradOperation(...)(net[, params])` is a gradient function.

    Args:
        get_all: differentiate every input (the result is always a tuple); without it, the first
            input only.
        get_by_list: differentiate the Parameters passed as `params` (a tuple); with get_all too,
            the result is `(input_grads, param_grads)`.
        sens_param: the gradient function takes one more argument, the output's sensitivity
            (the cotangent that seeds reverse mode).

    Returns:
        An object that, called with a function or Cell (and `params`), gives the gradient function.

    Example:
        >>> import numpy as np
        >>> from autograph import ops
        >>> def f(x, y):
        ...     return (x * y).sum()
        >>> ops.GradOperation(get_all=True)(f)(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        (array([3., 4.]), array([1., 2.]))
    """

    def __init__(self, get_all: bool = False, get_by_list: bool = False, sens_param: bool = False) -> None:
        self.get_all, self.get_by_list, self.sens_param = get_all, get_by_list, sens_param

    def __call__(self, fn: Callable[..., Any], weights: Any = None) -> '_OperationGradient':
        if self.get_by_list and weights is None:
            raise TypeError("GradOperation(get_by_list=True) needs the Parameters: grad_op(net, params)")
        return _OperationGradient(self, fn, weights if self.get_by_list else None)


class _OperationGradient:
    def __init__(self, operation: GradOperation, fn: Callable[..., Any], weights: Any) -> None:
        self.operation, self.fn, self.weights = operation, fn, weights
        self.compiled: dict[int, GradFunction] = {}      # by number of arguments

    def __call__(self, *args: Any) -> Any:
        op = self.operation
        count = len(args) - (1 if op.sens_param else 0)
        positions: Optional[Union[int, tuple[int, ...]]] = \
            tuple(range(count)) if op.get_all else None if op.get_by_list else 0
        if count not in self.compiled:
            self.compiled[count] = GradFunction(self.fn, positions, self.weights, False, False,
                                                with_value=False, sens_param=op.sens_param)
        grads = self.compiled[count](*args)
        if op.get_all and count == 1:     # MindSpore's get_all is a tuple even for one input
            return ((grads[0],), grads[1]) if op.get_by_list else (grads,)
        return grads


class Jacobian(Transformed):
    """What `jacrev` and `jacfwd` return: one compiled function giving the whole Jacobian. The
    derivative (reverse mode's adjoint with the output cotangent as an input, or forward mode's
    tangents with the input tangents as inputs) is batched (`ad.batching`) over the rows or
    columns of an identity matrix, so every row or column comes from the same NumPy calls. The
    result is a graph like any other, so Jacobians of Jacobians, `grad` of them and `vmap` of
    them compile too."""
    mode = ''

    def __init__(self, fn: Callable[..., Any], grad_position: Positions = 0, has_aux: bool = False) -> None:
        super().__init__(fn)
        self.positions = _positions(grad_position)
        self.has_aux = has_aux
        self.__name__ = f'{self.__name__}_{self.mode}'

    def build(self, args: Sequence[Any]) -> tuple[Graph, list[Value], Lowering]:
        positional = len(args) - (1 if args and isinstance(args[-1], Keywords) else 0)
        for p in self.positions:
            if not 0 <= p < positional:
                raise RuntimeError(f"Position index {p} is exceed input size.")
            if not any(is_array(leaf) for leaf in flatten(args[p])):
                raise TypeError(f"{self.mode}: grad_position {p}: argument is a {type(args[p]).__name__}; "
                                "Jacobians are taken with respect to Tensors or numpy arrays")
        graph, explicit, lowering = trace(self.fn, args, self.__name__, self.dynamic_floats)
        inputs = iter(explicit)
        leaves_of = [[next(inputs) for _ in input_leaves(a, self.dynamic_floats)] for a in args]
        wrt = [leaf for p in self.positions for leaf in leaves_of[p]]
        outputs = graph.outputs
        if self.has_aux and not (isinstance(outputs, tuple) and len(outputs) >= 2):
            raise ValueError("When 'has_aux' is True, origin 'fn' requires more than one outputs.")
        differentiated = outputs[0] if self.has_aux else outputs
        outs = list(differentiated) if isinstance(differentiated, tuple) else [differentiated]
        for out in outs:
            if not isinstance(out, Value):
                raise TypeError(f"{self.mode} of {getattr(self.fn, '__name__', 'fn')}: an output is "
                                f"{out!r}, not a Tensor computed from the inputs")
        builder = Builder()
        with builder.active():
            blocks, values = self.blocks(graph, outs, wrt, builder)
            per_leaf = iter(zip(*blocks)) if blocks else iter(())
            by_leaf = {id(leaf): column for leaf, column in zip(wrt, per_leaf)}
            rows: list[list[Any]] = [[] for _ in outs]
            for p in self.positions:
                for o in range(len(outs)):
                    leaves = iter(by_leaf[id(leaf)][o] for leaf in leaves_of[p])
                    rows[o].append(_regroup(args[p], leaves, self.dynamic_floats))
        jac = _arranged(rows)
        if self.has_aux:
            aux = values[1] if len(values) == 2 else tuple(values[1:])
            result: Any = (jac, aux)
        else:
            result = jac
        return Graph(graph.name, graph.inputs, builder.ops, result), explicit, lowering

    def blocks(self, graph: Graph, outs: list[Value], wrt: list[Value],
               builder: Builder) -> tuple[list[list[Value]], Any]:
        """blocks[output][input leaf], each of shape `output.shape + input.shape`, and the
        function's outputs; built into `builder`."""
        raise NotImplementedError


class JacRev(Jacobian):
    """Reverse mode: the adjoint, batched over one cotangent per output element."""
    mode = 'jacrev'

    def blocks(self, graph: Graph, outs: list[Value], wrt: list[Value],
               builder: Builder) -> tuple[list[list[Value]], Any]:
        seeds = [Value(o.aval, 'sens') for o in outs]
        with Builder().active():
            grad_graph = reverse(graph, [[leaf] for leaf in wrt], seed_all=not self.has_aux, seeds=seeds)
        rows = int(sum(np.prod(o.shape, dtype=int) for o in outs))
        batcher = Batcher(builder, rows)
        offsets = _offsets(outs)
        for seed, out, offset in zip(seeds, outs, offsets):
            basis = eye(rows, int(np.prod(out.shape, dtype=int)), k=-offset, dtype=out.dtype)
            batcher.bind(seed, reshape(basis, (rows,) + tuple(out.shape)), 0)
        batcher.run(grad_graph.ops)
        values, grads = grad_graph.outputs
        blocks: list[list[Value]] = [[] for _ in outs]
        for leaf, g in zip(wrt, grads):
            new, dim = batcher.read(g)
            g = batcher.front(new, dim, leaf.aval)
            for o, (out, offset) in enumerate(zip(outs, offsets)):
                size = int(np.prod(out.shape, dtype=int))
                part = g if size == rows else narrow(g, 0, offset, size)
                blocks[o].append(reshape(part, tuple(out.shape) + tuple(leaf.shape)))
        return blocks, _read_all(batcher, values)


class JacFwd(Jacobian):
    """Forward mode: the tangents, batched over one tangent per input element."""
    mode = 'jacfwd'

    def blocks(self, graph: Graph, outs: list[Value], wrt: list[Value],
               builder: Builder) -> tuple[list[list[Value]], Any]:
        tangents = [Value(leaf.aval, 'd' + (leaf.name or 'x')) for leaf in wrt]
        # Integer inputs (indices) have no tangent: their blocks are zeros.
        result = forward(graph, {id(v): t for v, t in zip(wrt, tangents) if np.issubdtype(v.dtype, np.inexact)})
        values, out_tangents = result.outputs
        columns = int(sum(np.prod(leaf.shape, dtype=int) for leaf in wrt))
        batcher = Batcher(builder, columns)
        offsets = _offsets(wrt)
        for t, leaf, offset in zip(tangents, wrt, offsets):
            basis = eye(columns, int(np.prod(leaf.shape, dtype=int)), k=-offset, dtype=leaf.dtype)
            batcher.bind(t, reshape(basis, (columns,) + tuple(leaf.shape)), 0)
        batcher.run(result.ops)
        out_tangents = out_tangents[0] if self.has_aux else out_tangents
        out_tangents = list(out_tangents) if isinstance(out_tangents, tuple) else [out_tangents]
        blocks: list[list[Value]] = []
        for out, t in zip(outs, out_tangents):
            row = []
            if t is None:
                tangent = zeros((columns,) + tuple(out.shape), out.dtype)
            else:
                new, dim = batcher.read(t)
                tangent = batcher.front(new, dim, out.aval)
            for leaf, offset in zip(wrt, offsets):
                size = int(np.prod(leaf.shape, dtype=int))
                part = tangent if size == columns else narrow(tangent, 0, offset, size)
                part = moveaxis(part, 0, -1) if out.shape else part
                row.append(reshape(part, tuple(out.shape) + tuple(leaf.shape)))
            blocks.append(row)
        return blocks, _read_all(batcher, values)


def _offsets(values: list[Value]) -> list[int]:
    sizes = [int(np.prod(v.shape, dtype=int)) for v in values]
    return [int(sum(sizes[:k])) for k in range(len(sizes))]


def _read_all(batcher: Batcher, tree: Any) -> Any:
    return map_tree(lambda v: batcher.read(v)[0] if isinstance(v, Value) else v, tree)


def _regroup(arg: Any, blocks: Iterator[Any], dynamic_floats: bool) -> Any:
    """An argument's blocks in the argument's structure (None for leaves that are not inputs)."""
    if not isinstance(arg, (tuple, list, dict)):
        return next(blocks)
    return map_tree(lambda leaf: next(blocks) if input_leaves(leaf, dynamic_floats) else None, arg)


@_compile_time
def jacrev(fn: Callable[..., Any], grad_position: Positions = 0, has_aux: bool = False) -> JacRev:
    """MindSpore's `ops.jacrev`: the Jacobian of `fn` by reverse mode, every row from one compiled
    call per signature.

    Args:
        fn: the function.
        grad_position: the input (int) or inputs (tuple) to differentiate with respect to.
        has_aux: `fn` returns `(output, *aux)`; the result is then `(jacobian, aux)` (aux the
            second output, or a tuple of the rest).

    Returns:
        A function giving, for each output and each input asked for, a block of shape
        `output.shape + input.shape`: one array for one output and one position, tuples otherwise.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> autograph.jacrev(lambda x, y: x * y, (0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        (array([[3., 0.],
               [0., 4.]]), array([[1., 0.],
               [0., 2.]]))
    """
    return _memo(fn, ('jacrev', _positions(grad_position), has_aux), lambda: JacRev(fn, grad_position, has_aux))


@_compile_time
def jacfwd(fn: Callable[..., Any], grad_position: Positions = 0, has_aux: bool = False) -> JacFwd:
    """MindSpore's `ops.jacfwd`: the Jacobian of `fn` by forward mode, every column from one
    compiled call per signature.

    Args:
        fn: the function.
        grad_position: the input (int) or inputs (tuple) to differentiate with respect to.
        has_aux: `fn` returns `(output, *aux)`; the result is then `(jacobian, aux)`.

    Returns:
        A function giving blocks of shape `output.shape + input.shape`, structured as `jacrev`'s.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> autograph.jacfwd(lambda x: x * x)(np.array([1.0, 3.0]))
        array([[2., 0.],
               [0., 6.]])
    """
    return _memo(fn, ('jacfwd', _positions(grad_position), has_aux), lambda: JacFwd(fn, grad_position, has_aux))


@_compile_time
def hessian(fn: Callable[..., Any], grad_position: Union[int, tuple[int, ...]] = 0) -> JacFwd:
    """The Hessian of a scalar `fn`: `jacfwd(jacrev(fn))` (forward over reverse).

    Args:
        fn: a function returning a scalar.
        grad_position: the input (int) or inputs (tuple) to differentiate with respect to.

    Returns:
        A function giving, for one position, an array of shape `input.shape * 2`; for several,
        `H[i][j]` of shape `inputs[i].shape + inputs[j].shape`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> def f(x):
        ...     return (x ** 3).sum()
        >>> autograph.hessian(f)(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    return _memo(fn, ('hessian', _positions(grad_position)),
                 lambda: JacFwd(jacrev(fn, grad_position), grad_position))


def check_grad(fn: Callable[..., Any], *inputs: Any, eps: float = 1e-6, rtol: float = 1e-5,
               atol: float = 1e-8) -> str:
    """Compare the compiled gradient of the scalar `fn` with central finite differences, for every
    float array input.

    Args:
        fn: a function returning a scalar.
        *inputs: where to compare (float64 inputs give the tightest check).
        eps: the finite-difference step.
        rtol, atol: the tolerances, as `np.allclose`'s.

    Returns:
        A report (str), one line per input with its worst mismatch. Raises AssertionError, with the
        report, when an input is off by more than the tolerances.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> def f(x):
        ...     return (autograph.ops.sin(x) * x).sum()
        >>> report = autograph.check_grad(f, np.array([0.5, 1.0, 2.0]))
    """
    arrays = [np.array(a._data if isinstance(a, Tensor) else a, dtype=np.float64)
              if _is_float_array(a) else a for a in inputs]
    positions = [k for k, a in enumerate(inputs) if _is_float_array(a)]
    if not positions:
        raise TypeError("check_grad needs at least one float array or Tensor input")
    grads = GradFunction(fn, tuple(positions), None, False, False, with_value=False)(*arrays)
    grads = grads if len(positions) > 1 else (grads,)
    lines, ok = [], True
    for k, grad in zip(positions, grads):
        numeric = _central_difference(fn, arrays, k, eps)
        grad = np.asarray(grad._data if isinstance(grad, Tensor) else grad)
        error = np.abs(grad - numeric)
        worst = np.unravel_index(np.argmax(error), error.shape) if error.size else ()
        bad = not np.allclose(grad, numeric, rtol=rtol, atol=atol)
        ok = ok and not bad
        lines.append(f"input {k}: max |compiled - numeric| = {error.max() if error.size else 0:.3g} "
                     f"at {tuple(int(i) for i in worst)} "
                     f"(compiled {grad[worst] if error.size else 0:.6g}, numeric {numeric[worst] if error.size else 0:.6g})"
                     + ('  MISMATCH' if bad else ''))
    report = '\n'.join(lines)
    if not ok:
        raise AssertionError('gradient check failed\n' + report)
    return report


def _is_float_array(a: Any) -> bool:
    data = a._data if isinstance(a, (Tensor, Parameter)) else a
    return isinstance(data, np.ndarray) and data.dtype.kind == 'f'


def _central_difference(fn: Callable[..., Any], arrays: list[Any], k: int, eps: float) -> Any:
    numeric = np.zeros_like(arrays[k])
    compiled = jit(fn)
    for index in np.ndindex(numeric.shape):
        values = []
        for sign in (1, -1):
            moved = list(arrays)
            moved[k] = arrays[k].copy()
            moved[k][index] += sign * eps
            out = compiled(*moved)
            values.append(float(np.sum(out._data if isinstance(out, Tensor) else out)))
        numeric[index] = (values[0] - values[1]) / (2 * eps)
    return numeric


__all__ = ['vjp', 'jvp', 'GradOperation', 'jacrev', 'jacfwd', 'hessian', 'check_grad', 'JvpFunction',
           'Jacobian', 'JacRev', 'JacFwd']
