"""`autograph.vmap(fn, in_axes=0, out_axes=0)`: fn mapped over a batch axis, compiled.

The function is traced on one example (each batched argument without its batch axis), and the
graph is batched by `autograph.ad.batching` (IR -> IR), so the generated code runs the whole
batch in NumPy calls: no Python loop over the examples. It is a compiled callable like `jit` and
`grad` (`Transformed`): cached per call signature, with `get_source`/`get_ir`, and inlined when
called inside compiled code, so vmap of grad, grad of vmap and vmap of vmap compose.

`in_axes` and `out_axes` follow MindSpore and JAX: an int (negative counts from the end) or None
for every argument (every output), or one entry per positional argument (per output), nesting as
the argument (output) nests; None means not mapped: every example shares that argument, or that
output is the same for every example. Keyword arguments are mapped along axis 0.
"""
from collections.abc import Callable, Sequence
from typing import Any, Optional

import numpy as np

from runtime.ops.creation import full
from runtime.ops.shapes import moveaxis
from runtime.primitive import Aval
from .ad.batching import Batcher
from .compiler import Keywords, Transformed, dtype_of, input_leaves, is_array, signature_names, trace
from .frontend import Lowering
from .ir import Builder, Graph, Value
from .tree import flatten

Axes = Any     # an int, None, or a tuple, list or dict of them nesting as the values do


class VmapFunction(Transformed):
    """What `vmap` returns."""

    def __init__(self, fn: Callable[..., Any], in_axes: Axes = 0, out_axes: Axes = 0) -> None:
        super().__init__(fn)
        _check_axes(in_axes, 'in_axes')
        _check_axes(out_axes, 'out_axes')
        self.in_axes = in_axes
        self.out_axes = out_axes
        self.__name__ = f'{self.__name__}_vmap'

    def build(self, args: Sequence[Any]) -> tuple[Graph, list[Value], Lowering]:
        names = signature_names(self.fn, len(args))
        axes = self._axes_per_argument(args)
        size = None
        examples, leaf_axes = [], []
        for arg, arg_axes, name in zip(args, axes, names):
            per_leaf = _spread(arg_axes, arg, name)
            example = _example(arg, iter(per_leaf), name)
            examples.append(example)
            for leaf, axis in zip(flatten(arg), per_leaf):
                if input_leaves(leaf, self.dynamic_floats):
                    leaf_axes.append((leaf, axis))
                if axis is not None:
                    n = np.shape(leaf)[axis]
                    if size is not None and n != size:
                        raise ValueError(f"vmap: the mapped axes have different sizes: {size} and {n} "
                                         f"(argument {name}); every mapped axis must have the batch size")
                    size = n
        if size is None:
            raise ValueError("vmap: in_axes maps no argument (every one is None); at least one "
                             "argument must have a mapped axis")
        graph, explicit, lowering = trace(self.fn, examples, self.__name__, self.dynamic_floats)
        builder = Builder()
        batcher = Batcher(builder, size)
        inputs = []
        for value, (leaf, axis) in zip(explicit, leaf_axes):
            if axis is None:
                inputs.append(value)
                continue
            batched = Value(Aval(tuple(np.shape(leaf)), dtype_of(leaf)), value.name)
            batcher.bind(value, batched, axis)
            inputs.append(batched)
        with builder.active():
            batcher.run(graph.ops)
            outputs = _outputs(batcher, graph.outputs, self.out_axes, 'out_axes')
        batched_graph = Graph(graph.name, inputs + graph.inputs[len(explicit):], builder.ops, outputs)
        return batched_graph, inputs, lowering

    def _axes_per_argument(self, args: Sequence[Any]) -> list[Axes]:
        keywords = 1 if args and isinstance(args[-1], Keywords) else 0
        positional = len(args) - keywords
        if not isinstance(self.in_axes, (tuple, list)):
            return [self.in_axes] * len(args)
        if len(self.in_axes) != positional:
            raise ValueError(f"vmap: in_axes has {len(self.in_axes)} entries, but {self.__name__} was "
                             f"called with {positional} positional arguments; give one per argument")
        return list(self.in_axes) + [0] * keywords

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        if isinstance(self.in_axes, (tuple, list)):
            # Binding would move keywords into positional slots that in_axes does not describe.
            return tuple(args) + (Keywords(kwargs),)
        return super()._bind(args, kwargs)


def _check_axes(axes: Axes, what: str) -> None:
    for leaf in flatten(axes):
        if leaf is not None and (isinstance(leaf, bool) or not isinstance(leaf, int)):
            raise TypeError(f"vmap: {what} must be ints or None (or tuples, lists or dicts of them), "
                            f"got {axes!r}")


def _spread(axes: Axes, tree: Any, name: str) -> list[Optional[int]]:
    """One axis per leaf of `tree`, from `axes`, a prefix of its structure."""
    if isinstance(axes, (tuple, list, dict)):
        if isinstance(axes, dict) != isinstance(tree, dict) or not isinstance(tree, (tuple, list, dict)) \
                or len(axes) != len(tree) or (isinstance(tree, dict) and set(axes) != set(tree)):
            raise ValueError(f"vmap: in_axes for {name} is {axes!r}, which does not match the "
                             f"structure of the argument ({type(tree).__name__})")
        if isinstance(tree, dict):
            return [a for key in tree for a in _spread(axes[key], tree[key], f'{name}[{key!r}]')]
        return [a for k, (sub, item) in enumerate(zip(axes, tree)) for a in _spread(sub, item, f'{name}[{k}]')]
    return [_leaf_axis(axes, leaf, name) for leaf in flatten(tree)]


def _leaf_axis(axis: Optional[int], leaf: Any, name: str) -> Optional[int]:
    if axis is None:
        return None
    if not is_array(leaf):
        raise ValueError(f"vmap: in_axes maps {name} along axis {axis}, but it is a Python "
                         f"{type(leaf).__name__}, which has no axes; give it in_axes None")
    ndim = len(np.shape(leaf))
    if not -ndim <= axis < ndim:
        raise ValueError(f"vmap: in_axes maps {name} along axis {axis}, but it has {ndim} "
                         f"dimension{'s' if ndim != 1 else ''} (shape {tuple(np.shape(leaf))})")
    return axis % ndim


def _example(tree: Any, axes: Any, name: str) -> Any:
    """`tree` as one example sees it: each mapped array leaf becomes a stand-in Value without
    its batch axis (the tracer reads only shapes and dtypes)."""
    if isinstance(tree, Keywords):
        return Keywords({key: _example(item, axes, name) for key, item in tree.items()})
    if isinstance(tree, (tuple, list)):
        return type(tree)(_example(item, axes, name) for item in tree)
    if isinstance(tree, dict):
        return {key: _example(item, axes, name) for key, item in tree.items()}
    axis = next(axes)
    if axis is None:
        return tree
    shape = tuple(np.shape(tree))
    return Value(Aval(shape[:axis] + shape[axis + 1:], dtype_of(tree)))


def _outputs(batcher: Batcher, outputs: Any, out_axes: Axes, what: str) -> Any:
    """The outputs with their batch axes where `out_axes` puts them."""
    def place(value: Any, axis: Optional[int]) -> Any:
        if not isinstance(value, (Value, bool, int, float)) or isinstance(value, bool) and axis is None:
            return value
        if isinstance(value, Value):
            new, dim = batcher.read(value)
            aval = value.aval
        else:
            new, dim, aval = value, None, Aval((), np.asarray(value).dtype)
        if axis is None:
            if dim is not None:
                raise ValueError(f"vmap: {what} is None for an output that differs between examples; "
                                 "only an output that is the same for every example can be unmapped")
            return new
        if not isinstance(new, Value):
            new = full((batcher.size,), new, aval.dtype)
            dim = 0
        ndim = len(aval.shape) + 1
        if not -ndim <= axis < ndim:
            raise ValueError(f"vmap: {what} puts an output's batch axis at {axis}, but it has "
                             f"{ndim} dimensions with the batch")
        front = batcher.front(new, dim, aval)
        return front if axis % ndim == 0 else moveaxis(front, 0, axis % ndim)

    def walk(tree: Any, axes: Axes) -> Any:
        if isinstance(axes, (tuple, list, dict)):
            if isinstance(axes, dict) != isinstance(tree, dict) or not isinstance(tree, (tuple, list, dict)) \
                    or len(axes) != len(tree):
                raise ValueError(f"vmap: {what} {axes!r} does not match the structure of the outputs")
            if isinstance(tree, dict):
                return {key: walk(item, axes[key]) for key, item in tree.items()}
            return type(tree)(walk(item, sub) for item, sub in zip(tree, axes))
        if isinstance(tree, (tuple, list)):
            return type(tree)(walk(item, axes) for item in tree)
        if isinstance(tree, dict):
            return {key: walk(item, axes) for key, item in tree.items()}
        return place(tree, axes)
    return walk(outputs, out_axes)


def vmap(fn: Callable[..., Any], in_axes: Axes = 0, out_axes: Axes = 0) -> VmapFunction:
    """`fn` mapped over an axis of its arguments, its outputs stacked along `out_axes` (MindSpore's
    and JAX's `vmap`), compiled once per call signature as one batched function.

    Args:
        fn: the function to map.
        in_axes: the mapped axis of each argument: an int for all, or a tuple with one entry per
            argument (None: not mapped, the same for every example).
        out_axes: where the mapped axis goes in each output.

    Returns:
        The batched function.

    Example:
        >>> import numpy as np
        >>> import autograph
        >>> batched = autograph.vmap(lambda x, w: x @ w, in_axes=(0, None))
        >>> batched(np.ones((5, 3)), np.ones((3, 2))).shape
        (5, 2)
    """
    return VmapFunction(fn, in_axes, out_axes)


setattr(vmap, '__autograph_compile_time__', True)

__all__ = ['vmap', 'VmapFunction']
