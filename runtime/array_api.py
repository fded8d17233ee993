"""How each primitive is written for the Python array API standard (2024.12): the second dialect
of generated code, which runs on any array library that has the standard's namespace (`xp`:
`dask.array`, CuPy, `array_api_strict`... through `array_api_compat`).

A primitive's `array_api` field says it (see `runtime.primitive.Primitive`); `rule_of(prim)`
reads it, filling in what needs no declaration:

- an operator, subscript or augmented assignment (`x @ w`, `x[1:]`, `acc += x`): the standard's
  arrays have the same operators, so the primitive is written as it is for NumPy (`OPERATOR`);
- a NumPy function that is also one of the standard's, under the standard's name (`np.arcsin`
  is `np.asin`): `Spelled('asin')`, written `xp.asin(x)` with the params as keywords;
- a string names one of the standard's functions, and lists the params written positionally,
  in that order, after the operands: `'astype(dtype)'` gives `xp.astype(x, xp.float32)`;
- a function is a kernel written once against the standard (`runtime.kernels.array_api`):
  generated code imports and calls it as it calls NumPy's kernels;
- `NumpyOnly(reason)`: there is none, and compiling it for another engine is an error that
  names the primitive, the engine and the reason.

A primitive that none of these covers resolves to `NumpyOnly(UNDECLARED)`; the registry-wide
test (tests/runtime/test_array_api.py) refuses that, so every primitive says what it has.
"""
from typing import Any, Callable, NamedTuple, Union

import numpy as np

# The functions of the standard's main namespace (2024.12), and of its linalg extension. A
# NumPy kernel that is one of these objects is spelled by that name.
STANDARD = frozenset('''
abs acos acosh add all any arange argmax argmin argsort asarray asin asinh astype atan atan2 atanh
bitwise_and bitwise_invert bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor
broadcast_arrays broadcast_to can_cast ceil clip concat conj copysign cos cosh count_nonzero
cumulative_prod cumulative_sum diff divide empty empty_like equal exp expand_dims expm1 eye finfo
flip floor floor_divide from_dlpack full full_like greater greater_equal hypot iinfo imag isdtype
isfinite isinf isnan less less_equal linspace log log10 log1p log2 logaddexp logical_and
logical_not logical_or logical_xor matmul matrix_transpose max maximum mean meshgrid min minimum
moveaxis multiply negative nextafter nonzero not_equal ones ones_like permute_dims positive pow
prod real reciprocal remainder repeat reshape result_type roll round searchsorted sign signbit sin
sinh sort sqrt square squeeze stack std subtract sum take take_along_axis tan tanh tensordot tile
tril triu trunc unique_all unique_counts unique_inverse unique_values unstack var vecdot where
zeros zeros_like
'''.split())
LINALG = frozenset('''
cholesky cross det diagonal eigh eigvalsh inv matmul matrix_norm matrix_power matrix_rank
matrix_transpose outer pinv qr slogdet solve svd svdvals tensordot trace vecdot vector_norm
'''.split())
DTYPES = frozenset('bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64 '
                   'complex64 complex128'.split())


class Spelled(NamedTuple):
    """One of the standard's functions: `xp.<name>(*operands, *positional params, **the rest)`."""
    name: str
    positional: tuple[str, ...] = ()


class NumpyOnly(NamedTuple):
    """No spelling in the standard: the primitive runs on NumPy only, for this reason."""
    reason: str


OPERATOR = Spelled('')          # written as for NumPy: an operator, a subscript, `+=`
UNDECLARED = 'its declaration says nothing about the array API standard'

Rule = Union[Spelled, NumpyOnly, Callable[..., Any]]


def parse(text: str) -> Spelled:
    """'astype(dtype)' -> Spelled('astype', ('dtype',)); 'linalg.inv' -> Spelled('linalg.inv')."""
    name, _, rest = text.partition('(')
    positional = tuple(p.strip() for p in rest.rstrip(')').split(',') if p.strip())
    head, _, tail = name.rpartition('.')
    known = LINALG if head == 'linalg' else STANDARD if not head else frozenset()
    if (tail or name) not in known:
        raise ValueError(f"{text!r} is not a function of the array API standard")
    return Spelled(name, positional)


_RULES: dict[int, Rule] = {}


def rule_of(prim: Any) -> Rule:
    """How the array API dialect writes `prim` (a runtime.primitive.Primitive)."""
    rule = _RULES.get(id(prim))
    if rule is None:
        rule = _RULES[id(prim)] = _resolve(prim)
    return rule


def _resolve(prim: Any) -> Rule:
    declared = prim.array_api
    if isinstance(declared, NumpyOnly):
        return declared
    if isinstance(declared, str):
        return parse(declared)
    if callable(declared):
        return declared
    if prim.infix or prim.prefix or prim.subscript or prim.augmented:
        return OPERATOR
    for name in STANDARD:
        if getattr(np, name, None) is prim.kernel:
            return Spelled(name)
    return NumpyOnly(UNDECLARED)
