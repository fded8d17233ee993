"""Ops that act rather than compute: `print` and run-time checks (`assert` on Tensors). They have
no results; dead-code elimination keeps them, and reverse mode passes over them.

- `print`:  inputs [*values]; param `items`, the printed arguments, with None where the next input
            goes; `sep`, `end`.
- `check`:  inputs [condition]; param `message`; raises AssertionError when not all true.
"""
from collections.abc import Iterable
from typing import Any

from .core import Builder, Construct, Op, Value, walk


class Effect(Construct):
    """An operation that acts and has no result."""
    effect = True


PRINT = Effect('print')
CHECK = Effect('check')


def has_effect(op: Op) -> bool:
    """Whether `op`, or anything in its regions, acts."""
    return op.prim.effect or any(inner.prim.effect for region in op.regions for inner in walk(region.ops))


def append(builder: Builder, prim: Effect, inputs: Iterable[Value], params: dict[str, Any]) -> None:
    builder.ops.append(Op(prim, list(inputs), params, [], builder.loc))
