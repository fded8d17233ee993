"""Nested tuples, lists and dicts as flat lists of leaves, and back.

Every stage meets such trees: a function's arguments and results, a loop's carried state (an
LSTM's `(h, c)`), the branches of an `if` that must agree leaf by leaf, a custom gradient's
residuals. Dicts keep their keys in insertion order; anything else is a leaf.
"""
from collections.abc import Callable, Iterable
from typing import Any, Optional

# How a tree nests (from `leaves`): None for a leaf, else (kind, the items' structures, the keys
# of a dict or None).
Structure = Optional[tuple[type, tuple[Any, ...], Optional[tuple[Any, ...]]]]


def flatten(tree: Any) -> list[Any]:
    """The leaves, depth first (dict values in insertion order)."""
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in flatten(item)]
    if isinstance(tree, dict):
        return [leaf for item in tree.values() for leaf in flatten(item)]
    return [tree]


def map_tree(fn: Callable[[Any], Any], tree: Any) -> Any:
    """The same nesting, with `fn` applied to each leaf."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(map_tree(fn, item) for item in tree)
    if isinstance(tree, dict):
        return {key: map_tree(fn, item) for key, item in tree.items()}
    return fn(tree)


def leaves(tree: Any) -> tuple[list[Any], Structure]:
    """(leaves, structure): `structure` compares equal for trees of the same nesting, kinds and
    keys, and `rebuild` puts other leaves into it."""
    if isinstance(tree, (tuple, list, dict)):
        found: list[Any] = []
        shape: list[Structure] = []
        for item in (tree.values() if isinstance(tree, dict) else tree):
            item_leaves, item_shape = leaves(item)
            found += item_leaves
            shape.append(item_shape)
        keys = tuple(tree) if isinstance(tree, dict) else None
        return found, (type(tree), tuple(shape), keys)
    return [tree], None


def rebuild(structure: Structure, values: Iterable[Any]) -> Any:
    """The tree of `structure` (from `leaves`) holding `values` in order."""
    items = iter(values)

    def build(shape: Structure) -> Any:
        if shape is None:
            return next(items)
        kind, inner, keys = shape
        if keys is not None:
            return kind(zip(keys, [build(item) for item in inner]))
        return kind(build(item) for item in inner)
    return build(structure)
