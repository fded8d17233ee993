"""The primitive: one declaration per operation of the IR.

`Primitive(name, kernel, abstract, vjp=..., jvp=..., batch=..., samples=..., **traits)` states
everything about one operation, and nothing is attached to it afterwards (the class is frozen) or
read with a fallback. The rules:

- `kernel(*arrays, **params)`: the NumPy implementation. It is also how generated code spells the
  operation (an operator for `infix`/`prefix` primitives, a subscript for `subscript` ones, else
  a call of the kernel), so the generated source calls NumPy directly, and reading it back maps
  each kernel to its primitive.
- `abstract(*operands, **params) -> Aval`: the compile-time shape/dtype rule.
- `vjp(g, *inputs, out, **params) -> tuple`: the adjoint rule, written with primitives; one
  cotangent (or None for a zero) per input.
- `jvp`: the forward-mode rule. Either a structural kind that `autograph.ad.forward` derives the
  tangent from ('diagonal', 'linear', 'bilinear', 'reduction'; see there), or a rule
  `jvp(primals, tangents, out, **params) -> tangent`.
- `batch(prim, args, dims, **params) -> (out, out_dim)`: the batching rule vmap builds on. `dims[i]`
  is the batched axis of `args[i]` (None: not batched); the result holds the batch in axis
  `out_dim`. A string instead of a rule says why there is none (no operands, a random draw).
- `samples`: [(inputs, params), ...], on which the registry-wide tests check every rule.

`vjp`, `jvp` and `batch` have no defaults: each declaration says what it has, and `None` (a
string, for `batch`) says deliberately that there is none; `vjp` and `jvp` are None together.
The other arguments are traits with the defaults below, read by the passes and the code
generator.

`Primitive.bind` is the single entry point for applying a primitive. While the compiler lowers code
it makes a builder current (`tracing_into`) and every application goes to that builder (creation
ops with no operands included), so the same op function both builds IR and, outside compilation,
runs the kernel on Tensors and arrays. The current builder is context-local (a ContextVar): a
thread compiling never captures another thread's eager ops.
"""
import contextlib
import contextvars
import dataclasses
import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, Optional, Protocol, Union

import numpy as np

from .array_api import NumpyOnly, parse as parse_spelling


class Aval(NamedTuple):
    """The abstract value of an array: what is known at compile time."""
    shape: tuple[Any, ...]
    dtype: Any      # a numpy dtype; None for a weakly typed Python number


class Builder(Protocol):
    """What a builder offers `bind` (the compiler's `ir.Builder`)."""

    def apply(self, prim: 'Primitive', args: tuple[Any, ...], params: dict[str, Any]) -> Any: ...


Kernel = Callable[..., Any]
ShapeRule = Callable[..., Aval]
VjpRule = Callable[..., tuple[Any, ...]]
JvpRule = Callable[..., Any]
BatchRule = Callable[..., tuple[Any, Optional[int]]]
Sample = tuple[tuple[Any, ...], dict[str, Any]]
Scalar = Union[bool, int, float]

JVP_KINDS = ('diagonal', 'linear', 'bilinear', 'reduction')

# The compiler's builders in this context (thread), innermost last: it receives every application.
_BUILDERS: contextvars.ContextVar[tuple[Builder, ...]] = contextvars.ContextVar('autograph_builders', default=())


def current_builder() -> Optional[Builder]:
    """The builder that receives applications in this context, or None when running eagerly."""
    builders = _BUILDERS.get()
    return builders[-1] if builders else None


@contextlib.contextmanager
def tracing_into(builder: Builder) -> Iterator[Builder]:
    """Within the block, primitives applied in this context append to `builder`."""
    token = _BUILDERS.set(_BUILDERS.get() + (builder,))
    try:
        yield builder
    finally:
        _BUILDERS.reset(token)


@contextlib.contextmanager
def running_eagerly() -> Iterator[None]:
    """Within the block, primitives run their kernels even while a builder is current: for
    objects the compiler builds while compiling (a Cell created inside compiled code)."""
    token = _BUILDERS.set(())
    try:
        yield
    finally:
        _BUILDERS.reset(token)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Primitive:
    name: str
    kernel: Kernel
    abstract: ShapeRule
    _: dataclasses.KW_ONLY
    vjp: Optional[VjpRule]
    jvp: Union[str, JvpRule, None]
    batch: Union[BatchRule, str]
    samples: Sequence[Sample]

    # How generated code writes it.
    infix: Optional[str] = None
    """An operator written between the operands: '+' gives `a + b`."""
    prefix: Optional[str] = None
    """An operator written before the operand: '-' gives `-a`."""
    spelling: str = ''
    """The callee's name in generated code; empty: `np.<name>` for NumPy's own, else the kernel's name."""
    subscript: bool = False
    """Written as `x[index]` from its `index` param."""
    augmented: Optional[str] = None
    """Written as this augmented assignment where its result takes its first operand's
    variable: '+=' gives `acc += x`."""
    method: Optional[str] = None
    """Written as this method of its first operand where that is an array (not a Python or
    NumPy scalar): 'sum' gives `x.sum(axis=0)`, which skips `np.sum`'s dispatch (a microsecond,
    as much as the sum itself on small arrays)."""
    attribute: Optional[str] = None
    """Written as this attribute of its one operand where every param has its default: 'T'
    gives `a.T` (an attribute costs a fifth of a call: transposes in loops add up)."""
    index_after: int = 1
    """How many operands come before those that go inside `index=np.s_[...]`."""
    array_api: Union[str, Kernel, NumpyOnly, None] = None
    """How code for the array API standard writes it (`runtime.array_api`): the standard's
    function, its positional params after the operands in brackets ('astype(dtype)' gives
    `xp.astype(x, xp.float32)`); or a kernel written against the standard, from
    `runtime.kernels.array_api`; or `NumpyOnly(reason)`. None: an operator as for NumPy, or the
    standard's function that the NumPy kernel is (np.arcsin is np.asin: `xp.asin(x)`)."""

    # Traits.
    elementwise: bool = False
    """Broadcasting and elementwise with no params: the simplifier folds it over fills, drops
    broadcasts of its operands and treats Python-number operands as weakly typed."""
    effect: bool = False
    """It acts (writes state): never dropped, merged or differentiated."""
    writes_first: bool = False
    """Its result is the new state of its first operand: later reads of that must use it."""
    consumes_first: bool = False
    """The kernel writes into its first operand (eagerly, `bind` passes a copy)."""
    random: bool = False
    """Draws random numbers: with `seed=None` two applications are different draws."""
    fresh: bool = False
    """The kernel returns a new array, never a view of an operand (so code may write into it);
    elementwise primitives are fresh anyway."""

    # Algebraic facts the simplifier uses.
    identity: Optional[Scalar] = None
    """The identity element on both sides (`x + 0` and `0 + x` are x); None: none."""
    right_identity: Optional[Scalar] = None
    """An identity on the right only (`x - 0`, `x / 1`, `x ** 1`)."""
    absorbing: Optional[Scalar] = None
    """The element that absorbs the other operand (`x * 0` is 0)."""
    negating: Optional[Scalar] = None
    """The element that negates the other operand (`x * -1` is `-x`)."""
    idempotent: bool = False
    """f(f(x)) is f(x) for a unary primitive with the same params; x op x is x for a binary one."""
    keeps_fill: bool = False
    """Applied to an array that holds one value everywhere, it gives that value everywhere."""
    negate_right: Optional[str] = None
    """The primitive equal to this one with its right operand negated (`x + -y` is `x - y`)."""
    in_place: Optional[str] = None
    """The primitive that computes this one into its first operand's memory (`add_to` for add),
    which `autograph.passes.inplace` may use, on either operand: only commutative ones have one."""
    rewrites: tuple[str, ...] = ()
    """The names of the simplifier's own rewrites that apply (`autograph.passes.simplify.REWRITES`)."""

    param_defaults: dict[str, Any] = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        if (self.vjp is None) != (self.jvp is None):
            raise ValueError(f"{self.name}: vjp and jvp must both be given or both be None")
        if isinstance(self.jvp, str) and self.jvp not in JVP_KINDS:
            raise ValueError(f"{self.name}: jvp kind {self.jvp!r} is not one of {JVP_KINDS}")
        if isinstance(self.batch, str) and not self.batch.strip():
            raise ValueError(f"{self.name}: a primitive without a batching rule must say why")
        if not self.samples:
            raise ValueError(f"{self.name}: needs samples")
        if isinstance(self.array_api, str):
            parse_spelling(self.array_api)      # a ValueError now for a name the standard lacks
        # The frozen class has its own way in, for the fields it computes once here.
        object.__setattr__(self, 'spelling', self.spelling or _spelling_of(self.kernel))
        object.__setattr__(self, 'samples', tuple(self.samples))
        object.__setattr__(self, 'param_defaults', _keyword_defaults(self.kernel))

    @property
    def differentiable(self) -> bool:
        return self.vjp is not None

    @property
    def linear(self) -> bool:
        """Linear in its float operands (its forward rule applies it to the tangents)."""
        return self.jvp == 'linear'

    def __repr__(self) -> str:
        return f'Primitive({self.name})'

    def bind(self, *args: Any, **params: Any) -> Any:
        builders = _BUILDERS.get()
        if builders:
            return builders[-1].apply(self, args, params)
        wrap = any(isinstance(a, Tensor) for a in args)
        arrays = [a._data if isinstance(a, Tensor) else a for a in args]
        if self.consumes_first:     # eagerly, never write into the caller's array
            arrays[0] = np.array(arrays[0])
        out = self.kernel(*arrays, **params)
        return Tensor._wrap(out) if wrap or not args else out

    def batched(self, args: Sequence[Any], dims: Sequence[Optional[int]], **params: Any) -> tuple[Any, Optional[int]]:
        """The primitive applied to a batch: `args[i]` holds its examples in axis `dims[i]`."""
        if isinstance(self.batch, str):
            raise NotImplementedError(f"{self.name} has no batching rule: {self.batch}")
        return self.batch(self, list(args), list(dims), **params)


def _spelling_of(kernel: Kernel) -> str:
    """How generated code names the kernel: `np.exp` for NumPy's own, the bare name otherwise."""
    name: str = kernel.__name__
    if getattr(np, name, None) is kernel:
        return 'np.' + name
    return name


def _keyword_defaults(kernel: Kernel) -> dict[str, Any]:
    try:
        sig = inspect.signature(kernel)
    except (TypeError, ValueError):
        return {}
    return {n: p.default for n, p in sig.parameters.items() if p.default is not p.empty}


REGISTRY: dict[str, Primitive] = {}         # name -> Primitive
BY_KERNEL: dict[int, Primitive] = {}        # id(kernel) -> Primitive: how generated source maps back to primitives


def register(prim: Primitive) -> Primitive:
    assert prim.name not in REGISTRY, prim.name
    REGISTRY[prim.name] = prim
    BY_KERNEL.setdefault(id(prim.kernel), prim)
    return prim


# Last: Tensor's module loads the ops, and they the primitives, which need this module whole.
from .tensor import Tensor  # noqa: E402
