"""Transformations beyond grad: `vjp` (the output cotangent given by the caller), `jvp` (forward
mode, its own IR transformation: autograph.ad.forward), MindSpore's `GradOperation`, `jacrev`,
`jacfwd`, `hessian`, and `check_grad` for users.

Each is compiled: `vjp` and `GradOperation(sens_param=True)` compile one gradient function that
takes the cotangent as an input; `jacrev` calls it once per output element (rows of the
Jacobian); `jvp` compiles one function that takes the tangents as inputs, and `jacfwd` calls it
once per input element (columns); `hessian` differentiates the gradient again (reverse over
reverse).
"""
import inspect
from collections.abc import Callable, Sequence
from typing import Any, Optional, Union

import numpy as np

from runtime.primitive import Aval
from runtime.tensor import Parameter, Tensor
from .ad import forward
from .api import GradFunction, jit
from .compiler import Transformed, array_of, dtype_of, input_leaves, trace
from .frontend import Lowering
from .ir import Graph, Value

Positions = Union[int, tuple[int, ...], list[int]]


def vjp(fn: Callable[..., Any], *inputs: Any, weights: Any = None,
        has_aux: bool = False) -> tuple[Any, ...]:
    """`(outputs, vjp_fn)` as MindSpore's `mindspore.vjp`: `vjp_fn(v)` gives the gradients of
    `<v, fn(*inputs)>` with respect to every input (and to `weights`, if given), in the
    structure `grad` returns them. With `has_aux`, `(outputs, vjp_fn, aux)`."""
    value = jit(fn)(*inputs)
    positions = tuple(range(len(inputs)))
    grad_fn = GradFunction(fn, positions if len(positions) > 1 else positions[0], weights, has_aux,
                           False, with_value=False, sens_param=True)

    def vjp_fn(*cotangent: Any) -> Any:
        v = cotangent[0] if len(cotangent) == 1 else cotangent
        grads = grad_fn(*inputs, v)
        return grads[0] if has_aux else grads

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
    """MindSpore's `mindspore.jvp(fn, inputs, v, has_aux=False)`: `(fn(*inputs), J v)`, by forward
    mode. `inputs` and `v` are a Tensor each or tuples of them."""
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
    """The compiled forward-mode function `jvp` calls: `f(*primals, *tangents)` returns
    `(fn(*primals), J tangents)`. Pass it to `get_source` to read the tangent code. It is kept
    on `fn` itself, where fn takes attributes, so that it goes when fn goes."""
    try:
        store = vars(fn)
    except TypeError:       # a bound method, a builtin: compiled afresh
        return JvpFunction(fn, has_aux)
    cached: dict[bool, JvpFunction] = store.setdefault('__autograph_jvp__', {})
    if has_aux not in cached:
        cached[has_aux] = JvpFunction(fn, has_aux)
    return cached[has_aux]


def jacfwd(fn: Callable[..., Any], grad_position: Positions = 0,
           has_aux: bool = False) -> Callable[..., Any]:
    """MindSpore's `ops.jacfwd`: the Jacobian of `fn`'s outputs with respect to the inputs at
    `grad_position`, one forward-mode column per input element. Structure as `jacrev`'s."""
    positions = _positions(grad_position)

    def jacobian(*inputs: Any) -> Any:
        forward_fn = JvpFunction(fn, has_aux)
        arrays = [np.asarray(array_of(a)) for a in inputs]
        zeros = [np.zeros_like(a) for a in arrays]
        blocks: dict[tuple[int, int], Any] = {}
        outputs: Any = None
        for p in positions:
            columns = []
            for index in np.ndindex(arrays[p].shape):
                tangents = list(zeros)
                tangents[p] = zeros[p].copy()
                tangents[p][index] = 1
                result = forward_fn(*inputs, *[_like(inputs[k], t) for k, t in enumerate(tangents)])
                outputs = result
                columns.append(result[1] if isinstance(result[1], tuple) else (result[1],))
            for o in range(len(columns[0])):
                column = [np.asarray(array_of(c[o])) for c in columns]
                jac = np.stack(column, axis=-1).reshape(column[0].shape + arrays[p].shape)
                blocks[o, p] = Tensor._wrap(jac) if isinstance(inputs[p], Tensor) else jac
        count = 1 + max(o for o, _ in blocks)
        jac = _arranged([[blocks[o, p] for p in positions] for o in range(count)])
        if has_aux:
            aux = outputs[2]
            return jac, aux[0] if len(aux) == 1 else aux
        return jac
    return jacobian


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


def _like(original: Any, array: Any) -> Any:
    return Tensor._wrap(array) if isinstance(original, Tensor) else array


class GradOperation:
    """MindSpore's `ops.GradOperation(get_all=False, get_by_list=False, sens_param=False)`, for
    code being ported: `GradOperation(...)(net[, params])` is a gradient function. Without
    get_all it differentiates the first input only; get_all gives all inputs (always a tuple);
    get_by_list gives the Parameters (a tuple); both give `(inputs, params)`. With sens_param the
    last argument is the output's sensitivity."""

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


def jacrev(fn: Callable[..., Any], grad_position: Positions = 0,
           has_aux: bool = False) -> Callable[..., Any]:
    """MindSpore's `ops.jacrev`: a function giving the Jacobian of `fn`'s outputs with respect to
    the inputs at `grad_position`, each block of shape `output.shape + input.shape`, arranged as
    `_arranged` says. With has_aux, `(jacobian, aux)`: aux is the second output, or a tuple of
    the rest when there are more. Rows come from one compiled vector-Jacobian product each."""
    positions = _positions(grad_position)

    def jacobian(*inputs: Any) -> Any:
        out = jit(fn)(*inputs)
        if has_aux and not (isinstance(out, tuple) and len(out) >= 2):
            raise ValueError("When 'has_aux' is True, origin 'fn' requires more than one outputs.")
        several = isinstance(out, tuple) and not has_aux
        values = out if several else (out[0] if has_aux else out,)
        grad_fn = GradFunction(fn, positions if len(positions) > 1 else positions[0], None,
                               has_aux, False, with_value=False, sens_param=True)
        arrays = [np.asarray(array_of(v)) for v in values]
        blocks = []
        for o, array in enumerate(arrays):
            rows = []
            for index in np.ndindex(array.shape):
                basis = [np.zeros_like(a) for a in arrays]
                basis[o][index] = 1
                sens = tuple(_like(v, b) for v, b in zip(values, basis))
                grads = grad_fn(*inputs, sens if several else sens[0])
                grads = grads[0] if has_aux else grads
                rows.append(grads if len(positions) > 1 else (grads,))
            blocks.append([_stack([row[k] for row in rows], array.shape) for k in range(len(positions))])
        jac = _arranged(blocks)
        if has_aux:
            return jac, out[1] if len(out) == 2 else tuple(out[1:])
        return jac
    return jacobian


def hessian(fn: Callable[..., Any], grad_position: Union[int, tuple[int, ...]] = 0) -> Callable[..., Any]:
    """The Hessian of a scalar `fn`: the Jacobian (reverse mode) of its compiled gradient. For
    one position, shape `input.shape * 2`; for several, H[i][j] of shape
    `inputs[i].shape + inputs[j].shape` (jacrev's structure)."""
    return jacrev(GradFunction(fn, grad_position, None, False, False, with_value=False), grad_position)


def _stack(rows: list[Any], out_shape: tuple[int, ...]) -> Any:
    arrays = [np.asarray(r._data if isinstance(r, Tensor) else r) for r in rows]
    stacked = np.stack(arrays).reshape(out_shape + arrays[0].shape)
    return Tensor._wrap(stacked) if isinstance(rows[0], Tensor) else stacked


def check_grad(fn: Callable[..., Any], *inputs: Any, eps: float = 1e-6, rtol: float = 1e-5,
               atol: float = 1e-8) -> str:
    """Compare the compiled gradient of the scalar `fn` with central finite differences, for every
    float array input. Returns a report (one line per input with the worst mismatch); raises
    AssertionError, with the report, if any input is off by more than the tolerances."""
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


__all__ = ['vjp', 'jvp', 'GradOperation', 'jacrev', 'jacfwd', 'hessian', 'check_grad', 'JvpFunction']
