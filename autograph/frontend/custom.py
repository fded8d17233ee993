"""Custom gradients: a Cell's `bprop` (MindSpore) and `autograph.custom_vjp` (JAX).

In: a call of such a Cell or function met while lowering. Out: one `custom` op (ir/control.py).
Its first region is the forward computation, lowered from `construct` (or the custom_vjp's
`fwd`); its second region is the user's backward rule, lowered now too, with arguments
[*inputs, *results, *output cotangents] and one result per input: reverse mode copies it where
the op's adjoint goes instead of differentiating the first region.

Only Tensor arguments get gradients; Python values reach both functions as compile-time values.
"""
import inspect
from collections.abc import Callable
from typing import Any

from runtime import ops
from ..errors import CompileError
from ..source import SourceLoc
from ..ir import Value
from ..ir.control import CUSTOM, make
from ..ir.core import Region
from ..tree import leaves, rebuild


class CustomVJP:
    """`autograph.custom_vjp(f)`: `f` with a reverse-mode rule given by `f.defvjp(fwd, bwd)`.

    `fwd(*args)` returns `(out, residuals)`; `bwd(residuals, dout)` returns one cotangent per
    argument of `f` (None for arguments that get none). Called outside compiled code, `f` runs
    as it is; compiled or differentiated, the forward computation is `fwd`'s."""

    def __init__(self, fn):
        self.fn = fn
        self.fwd = self.bwd = None
        self.in_fwd = False      # fwd may call the function itself (JAX's idiom): that is plain code
        self.__name__ = getattr(fn, '__name__', 'custom_vjp')
        self.__qualname__ = getattr(fn, '__qualname__', self.__name__)
        self.__wrapped__ = fn

    def defvjp(self, fwd, bwd):
        self.fwd, self.bwd = fwd, bwd
        return self

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __autograph_inline__(self, lowering, args, kwargs):
        if self.fwd is None:
            raise CompileError(f"custom_vjp function {self.__qualname__!r} has no rule yet; call "
                               f"{self.__name__}.defvjp(fwd, bwd) before differentiating it")
        if self.in_fwd:
            return lowering.call_user_function(self.fn, args, kwargs)
        args = _positional(self.fn, args, kwargs)

        def forward(inner):
            self.in_fwd = True
            try:
                result = lowering.call_user_function(self.fwd, inner, {})
            finally:
                self.in_fwd = False
            if not (isinstance(result, tuple) and len(result) == 2):
                raise CompileError(f"{_name(self.fwd)} must return a pair (out, residuals), "
                                   f"like JAX's custom_vjp fwd")
            return result

        def backward(inner, out, residuals, dout):
            return lowering.call_user_function(self.bwd, (residuals, dout), {})
        return custom_call(lowering, args, forward, backward, self.bwd)


def custom_vjp(fn: Callable[..., Any]) -> 'CustomVJP':
    """Give `fn` a custom reverse-mode rule (JAX's API): decorate, then `fn.defvjp(fwd, bwd)`.

    `fwd(*args)` returns `(output, residuals)`; `bwd(residuals, output_cotangent)` returns one
    cotangent per argument. Compiled code runs `fn` forward and `bwd` for its gradient.

    Args:
        fn: the function.

    Returns:
        A callable like `fn`, with `defvjp`.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> @autograph.custom_vjp
        ... def clipped(x):
        ...     return x * 1.0
        >>> def fwd(x):
        ...     return x * 1.0, None
        >>> def bwd(residuals, g):
        ...     return (autograph.ops.clamp(g, -1.0, 1.0),)
        >>> _ = clipped.defvjp(fwd, bwd)
        >>> autograph.grad(lambda x: (clipped(x) * 5.0).sum())(np.ones(2))
        array([1., 1.])
    """
    return CustomVJP(fn)


def has_bprop(cell):
    return callable(getattr(type(cell), 'bprop', None))


def call_cell_with_bprop(lowering, cell, args, kwargs):
    """A user Cell defining `bprop(self, *inputs, out, dout)`: its gradient is what bprop returns."""
    construct, bprop = type(cell).construct, type(cell).bprop
    args = _positional(construct, (cell,) + tuple(args), kwargs)[1:]

    def forward(inner):
        return lowering.call_user_function(construct, (cell,) + inner, {}), ()

    def backward(inner, out, residuals, dout):
        return lowering.call_user_function(bprop, (cell,) + inner + (out, dout), {})
    return custom_call(lowering, args, forward, backward, bprop)


def custom_call(lowering, args, forward, backward, rule):
    """Lower `forward(args) -> (out, residuals)` and `backward(args, out, residuals, dout) ->
    cotangents` into one custom op; returns `out` built from its results. Errors in what the
    rule returns point at the rule's def."""
    rule_name, where = _name(rule), _def_loc(rule)
    builder = lowering.builder
    arg_leaves, structure = leaves(tuple(args))
    inputs = [leaf for leaf in arg_leaves if isinstance(leaf, Value) and not leaf.is_const]

    def region_args(values):
        return [Value(v.aval, v.name) for v in values]

    def substitute(values, fresh):
        swap = {id(v): f for v, f in zip(values, fresh)}
        return rebuild(structure, [swap.get(id(leaf), leaf) for leaf in arg_leaves])

    forward_args = region_args(inputs)
    with _no_assign(lowering, 'the forward computation'), builder.region() as forward_ops:
        out, residuals = forward(substitute(inputs, forward_args))
    out_leaves, out_structure = leaves(out)
    residual_leaves, residual_structure = leaves(residuals)
    _check_values(out_leaves, rule_name)
    yielded = out_leaves + [r for r in residual_leaves if isinstance(r, Value)]

    backward_inputs = region_args(inputs)
    backward_outs = region_args(yielded)
    douts = region_args(out_leaves)
    residual_swap = dict(zip(map(id, yielded[len(out_leaves):]), backward_outs[len(out_leaves):]))
    with _no_assign(lowering, 'a gradient rule'), builder.region() as backward_ops:
        cotangents = backward(substitute(inputs, backward_inputs),
                              rebuild(out_structure, backward_outs[:len(out_leaves)]),
                              rebuild(residual_structure, [residual_swap.get(id(r), r) for r in residual_leaves]),
                              rebuild(out_structure, douts))
        try:
            per_input = _cotangents_per_input(cotangents, args, inputs, backward_inputs, rule_name)
        except CompileError as e:
            raise e.located(where) from None
    regions = (Region(forward_args, forward_ops, yielded),
               Region(backward_inputs + backward_outs + douts, backward_ops, per_input))
    outs = make(builder, CUSTOM, inputs, regions, [v.aval for v in yielded],
                {'outputs': len(out_leaves)}, names=[v.name for v in yielded])
    return rebuild(out_structure, outs[:len(out_leaves)])


def _cotangents_per_input(cotangents, args, inputs, backward_inputs, rule_name):
    """The rule's result, one entry per argument, checked against each array input."""
    if not isinstance(cotangents, (tuple, list)):
        cotangents = (cotangents,)
    if len(cotangents) != len(args):
        raise CompileError(f"{rule_name} returns {len(cotangents)} gradient(s) for {len(args)} "
                           "input(s); return one per input (the same number as the inputs)")
    per_input = []
    index = {id(v): k for k, v in enumerate(inputs)}
    for position, (arg, ct) in enumerate(zip(args, cotangents)):
        arg_leaves, _ = leaves(arg)
        ct_leaves, _ = leaves(ct) if isinstance(arg, (tuple, list, dict)) else ([ct], None)
        if ct is not None and len(ct_leaves) != len(arg_leaves):
            raise CompileError(f"{rule_name}: the gradient for input {position} has "
                               f"{len(ct_leaves)} part(s), the input has {len(arg_leaves)}")
        for k, leaf in enumerate(arg_leaves):
            if id(leaf) not in index:
                continue
            x = backward_inputs[index[id(leaf)]]
            g = None if ct is None else ct_leaves[k]
            per_input.append(_as_cotangent(g, x, position, rule_name))
    return per_input


def _as_cotangent(g, x, position, rule_name):
    if g is None:
        return ops.zeros_like(x)
    if not isinstance(g, Value):
        if isinstance(g, (int, float)) and not isinstance(g, bool):
            return ops.full(x.shape, g, x.dtype)
        raise CompileError(f"{rule_name}: the gradient for input {position} is a "
                           f"{type(g).__name__}; return a Tensor (or None)")
    if g.shape != x.shape:
        if len(g.shape) > len(x.shape):
            raise CompileError(f"{rule_name}: the gradient for input {position} has shape "
                               f"{g.shape}, the input has shape {x.shape}")
        g = ops.broadcast_to(g, x.shape)
    return g if g.dtype == x.dtype else ops.cast(g, x.dtype)


def _check_values(values, rule_name):
    for leaf in values:
        if not isinstance(leaf, Value):
            raise CompileError(f"a function with a custom gradient ({rule_name}) returns "
                               f"{type(leaf).__name__}; it must return Tensors")


class _no_assign:
    """Parameter updates (ops.assign) inside a custom-gradient computation are refused: the op's
    results are all the state it may change."""

    def __init__(self, lowering, where):
        self.lowering, self.where = lowering, where

    def __enter__(self):
        self.before = dict(self.lowering.implicit)

    def __exit__(self, kind, exc, tb):
        if kind is not None:
            return False
        for key, value in self.lowering.implicit.items():
            if value is not self.before.get(key, self.lowering.inputs.get(key)):
                self.lowering.implicit = self.before
                raise CompileError(f"ops.assign inside {self.where} of a custom gradient is not "
                                   "supported; update Parameters outside the Cell with bprop")
        return False


def _positional(fn, args, kwargs):
    if not kwargs:
        return tuple(args)
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as e:
        raise CompileError(f"{_name(fn)}(): {e}") from None
    bound.apply_defaults()
    if bound.kwargs:
        raise CompileError(f"{_name(fn)}: keyword-only arguments are not supported with a custom gradient")
    return tuple(bound.args)


def _def_loc(fn):
    code = getattr(fn, '__code__', None)
    return SourceLoc(code.co_filename, code.co_firstlineno) if code is not None else None


def _name(fn):
    return getattr(fn, '__qualname__', repr(fn))
