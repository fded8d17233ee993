"""The primitive: one registry entry per operation of the IR.

A `Primitive` holds everything about one operation in one place:
- `kernel(*arrays, **params)`: the NumPy implementation. It is also how generated code spells the
  operation (an operator for `infix`/`prefix` primitives, else a call of the kernel), so the
  generated source calls NumPy directly, and reading it back maps each kernel to its primitive.
- `abstract(*avals, **params) -> Aval`: the compile-time shape/dtype rule.
- `vjp(g, *inputs, out, **params) -> tuple`: the adjoint rule, written with primitives; one
  cotangent (or None for a zero) per input. `None` for primitives that are not differentiable.

`Primitive.bind` is the single entry point for applying a primitive. While the compiler lowers code
it makes a builder current (`tracing_into`) and every application goes to that builder (creation
ops with no operands included), so the same op function both builds IR and, outside compilation,
runs the kernel on Tensors and arrays. The current builder is context-local (a ContextVar): a
thread compiling never captures another thread's eager ops.
"""
import contextlib
import contextvars
import inspect
from typing import NamedTuple

import numpy as np

from .tensor import Tensor


class Aval(NamedTuple):
    """The abstract value of an array: what is known at compile time."""
    shape: tuple
    dtype: np.dtype


# The compiler's builders in this context (thread), innermost last: it receives every application.
_BUILDERS = contextvars.ContextVar('autograph_builders', default=())


def current_builder():
    """The builder that receives applications in this context, or None when running eagerly."""
    builders = _BUILDERS.get()
    return builders[-1] if builders else None


@contextlib.contextmanager
def tracing_into(builder):
    """Within the block, primitives applied in this context append to `builder`."""
    token = _BUILDERS.set(_BUILDERS.get() + (builder,))
    try:
        yield builder
    finally:
        _BUILDERS.reset(token)


class Primitive:
    def __init__(self, name, kernel, abstract, vjp=None, *, infix=None, prefix=None,
                 spelling=None):
        self.name = name
        self.kernel = kernel
        self.abstract = abstract
        self.vjp = vjp
        self.infix = infix          # e.g. '+': generated code writes `a + b`
        self.prefix = prefix        # e.g. '-': generated code writes `-a`
        self.spelling = spelling or _spelling_of(kernel)
        self.elementwise = False    # set by the elementwise constructors; lets passes fold fills
        self.param_defaults = _keyword_defaults(kernel)

    @property
    def differentiable(self):
        return self.vjp is not None

    def __repr__(self):
        return f'Primitive({self.name})'

    def bind(self, *args, **params):
        builders = _BUILDERS.get()
        if builders:
            return builders[-1].apply(self, args, params)
        wrap = any(isinstance(a, Tensor) for a in args)
        arrays = [a._data if isinstance(a, Tensor) else a for a in args]
        if getattr(self, 'consumes_first', False):   # eagerly, never write into the caller's array
            arrays[0] = np.array(arrays[0])
        out = self.kernel(*arrays, **params)
        return Tensor._wrap(out) if wrap or not args else out


def _spelling_of(kernel):
    """How generated code names the kernel: `np.exp` for NumPy's own, the bare name otherwise."""
    if getattr(np, kernel.__name__, None) is kernel:
        return 'np.' + kernel.__name__
    return kernel.__name__


def _keyword_defaults(kernel):
    try:
        sig = inspect.signature(kernel)
    except (TypeError, ValueError):
        return {}
    return {n: p.default for n, p in sig.parameters.items() if p.default is not p.empty}


REGISTRY = {}          # name -> Primitive
BY_KERNEL = {}         # id(kernel) -> Primitive: how generated source maps back to primitives


def register(prim):
    assert prim.name not in REGISTRY, prim.name
    REGISTRY[prim.name] = prim
    BY_KERNEL.setdefault(id(prim.kernel), prim)
    return prim
