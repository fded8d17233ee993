"""Nested tuples, lists and dicts as flat lists of leaves, and back.

Every stage meets such trees: a function's arguments and results, a loop's carried state (an
LSTM's `(h, c)`), the branches of an `if` that must agree leaf by leaf, a custom gradient's
residuals. Dicts keep their keys in insertion order; anything else is a leaf.
"""


def flatten(tree):
    """The leaves, depth first (dict values in insertion order)."""
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in flatten(item)]
    if isinstance(tree, dict):
        return [leaf for item in tree.values() for leaf in flatten(item)]
    return [tree]


def map_tree(fn, tree):
    """The same nesting, with `fn` applied to each leaf."""
    if isinstance(tree, (tuple, list)):
        return type(tree)(map_tree(fn, item) for item in tree)
    if isinstance(tree, dict):
        return {key: map_tree(fn, item) for key, item in tree.items()}
    return fn(tree)


def leaves(tree):
    """(leaves, structure): `structure` compares equal for trees of the same nesting, kinds and
    keys, and `rebuild` puts other leaves into it."""
    if isinstance(tree, (tuple, list, dict)):
        found, shape = [], []
        for item in (tree.values() if isinstance(tree, dict) else tree):
            item_leaves, item_shape = leaves(item)
            found += item_leaves
            shape.append(item_shape)
        keys = tuple(tree) if isinstance(tree, dict) else None
        return found, (type(tree), tuple(shape), keys)
    return [tree], None


def rebuild(structure, values):
    """The tree of `structure` (from `leaves`) holding `values` in order."""
    values = iter(values)

    def build(shape):
        if shape is None:
            return next(values)
        kind, items, keys = shape
        if keys is not None:
            return kind(zip(keys, [build(item) for item in items]))
        return kind(build(item) for item in items)
    return build(structure)
