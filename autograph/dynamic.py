"""Shape-polymorphic compilation: `dynamic_dims={'x': 0}` compiles once for every size of an axis.

Shapes in the IR are concrete ints everywhere (shape rules are NumPy's own functions on tuples),
so instead of carrying symbolic sizes through every stage, the compiler runs as it always does,
at several sizes, and the results are compared:

1. At a call, each dynamic axis of size 2 or more stands for a symbol; axes of equal size share
   one (`n`, then `m`, `k`...). The cache key holds the symbol instead of the size
   (`DynamicDims.key`), so one entry serves every size; which axes share a symbol is part of
   the key, so a call with them unequal compiles again (and if the function needs them equal,
   that compilation fails and `mismatch` names both). Sizes 0 and 1 are compiled as they are,
   as PyTorch's dynamic shapes specialise them: NumPy broadcasts an axis of length 1, the
   optimiser writes special code for it, and library code branches on it (BatchNorm's
   unbiased variance).
2. The function is compiled at the call's sizes (its IR is what `get_ir` shows, and its errors
   are the user's), then at probe sizes of the symbols, one probe more than a fit needs: sizes
   near 1000 chosen so that every size-dependent choice of the optimiser falls the same way
   for all of them (`_PROBES`).
3. The probes' sources must be the same token for token, numbers aside (`_write`). Each number
   that differs is fitted as an exact function of the symbols (`_fit`): ints as polynomials of
   degree 2 with integer coefficients (`n * 3 + 1`, `n * m`, `n * n`), floats also as
   `c / polynomial` (the mean's `1 / (n * 784)`) and, for one symbol, `c * (n + a) / (n + b)`
   (`n / (n - 1)`), the fewest terms first, checked at every probe; and written as that
   expression. A constant array that differs is made at run time when it is an `np.arange` or
   a fill (`_namespace`).
4. While the probes compile, the sizes user code reads (`x.shape`, `x.size`, `len(x)`, of an
   argument or of an array made from it) are marked where they differ from the earlier probes'
   (frontend/sizes.py): ints that keep the mark through arithmetic, and raise on a Python
   decision, as JAX's symbolic dimensions do: a comparison (a branch whose threshold is above
   the probes, `a if n > 10 else b` on one line), a truth test, min or max (`min(n, 64)` is 64
   at every probe), a hash, `//`, `%`, rounding, indexing a list. A decision leaves no number
   in the code to fit, so the probes alone would compile it as at sizes near 1000. A comparison
   whose sides differ by the same amount at every probe (`n - 1 < n`, the sizes of two axes of
   one symbol) and `==` of two symbols (never equal in one entry) have one answer and pass.
5. The user's lines that produce code are the same at the call's sizes and at size 2 (other
   symbols 3, 4...) as at the probes (`_same_lines`): a Python branch on a size the marks miss
   (a NumPy number made from it), whose sides are on different lines and whose threshold is
   below the probes, is an error rather than code for the probes' side.
6. The generated function starts by binding its symbols, `n = x.shape[0]`, and checks that the
   other axes of `n` have that size (a clear ValueError; in process the cache key guarantees it,
   an exported module needs it).

What cannot be followed raises `DynamicShapeError` naming the user's line: a Python decision on
a size (4), code that differs between sizes (a Python branch on the size, a loop unrolled over
it), a number that is no such function of the size, a constant array built from it that is
neither an arange nor a fill, a probe that fails because another argument's axis must have the
same size (the error names the axes of that size to add to `dynamic_dims`).

What is still not seen, and compiled as at the probes: a decision on a NumPy number made from a
size (`np.prod(x.shape) > 5000`, `np.int64(n)`: NumPy takes the int's value, not its mark) or on
a compile-time array made from it, when its two sides are on one line or its threshold is above
the probes; and what library code (built-in Cells, shape rules) decides on sizes inside, when it
makes the same code at every probe.
"""
import ast
import inspect
import io
import itertools
import tokenize
from fractions import Fraction
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Optional

import numpy as np

from runtime.tensor import Parameter, Tensor
from . import engines
from .codegen import Generated
from .codegen.nodes import dtype_name
from .errors import CompileError, DynamicShapeError
from .frontend import sizes
from .ir import Graph, Value
from .ir.core import walk
from .source import SourceLoc, parse
from .tree import flatten

_NAMES = ('n', 'm', 'k', 'p', 'q')

# Probe sizes: between 965 and 1023, where no array with one dynamic axis crosses the 16 KiB
# at which the optimiser starts updating arrays in place (16384 bytes / itemsize / the other
# axes' product is 1024 or at most 963.8 for every itemsize and product), and none is written
# out as a literal (64 elements at most). Odd and even, with different remainders by small
# numbers, so that `n % 2` is no constant to the fit; large enough that a size's square stands
# out of float32's rounding, small enough that a constant of n * n elements costs little.
_PROBES = (967, 998, 1013, 982, 1021, 974, 991, 1006, 1019, 970, 985, 1010, 979, 1003, 994,
           1016, 977, 1009, 988, 1022, 969, 1001, 996, 1015)


def symbol_name(index: int) -> str:
    return _NAMES[index] if index < len(_NAMES) else f'n{index}'


class Sym:
    """A dynamic size in a cache key: 2 or more, the same wherever the symbol appears."""
    __slots__ = ('index',)

    def __init__(self, index: int) -> None:
        self.index = index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sym) and other.index == self.index

    def __hash__(self) -> int:
        return hash((Sym, self.index))

    def __repr__(self) -> str:
        return symbol_name(self.index)


class Leaf(NamedTuple):
    """An array whose axes are dynamic, at one call."""
    input: int                  # among the explicit inputs: the generated function's parameter
    arg: int                    # the argument's position (the keywords' position for a keyword)
    key: Any                    # the keyword, or None
    position: int               # among the argument's leaves, in `tree.flatten`'s order
    label: str                  # 'x', 'xs[1]'
    array: Any
    shape: tuple[int, ...]
    axes: tuple[int, ...]       # its dynamic axes, from 0
    sizes: tuple[Any, ...] = ()  # the shape with a Sym for each dynamic axis of size 2 or more


# ---------------------------------------------------------------- the keyword
class DynamicDims:
    """The `dynamic_dims` of one compiled function: which arguments' axes may have any size.

    `dims` maps an argument's name (or position) to an axis or a tuple of axes. A tuple, list or
    dict argument has those axes dynamic in each of its arrays; a `*args` name, in each extra
    positional argument."""

    def __init__(self, dims: Mapping[Any, Any], target: Any, what: str) -> None:
        self.what = what
        self.dims = _normalised(dims, what)
        self.target = target
        self._plan = _plan(self.dims, target, what)

    def rebind(self, target: Any) -> 'DynamicDims':
        """The same dimensions for another callable of the same parameters (a bound method)."""
        return DynamicDims(self.dims, target, self.what)

    def __repr__(self) -> str:
        return f'DynamicDims({self.dims!r})'

    # ---- per call
    def leaves(self, args: Sequence[Any], keywords_last: bool,
               leaves_of: Callable[[Any], list[Any]]) -> list[Leaf]:
        """The arrays of this call with dynamic axes. TypeError or ValueError for an axis that
        does not exist or an argument that holds no array."""
        positional = list(args[:-1] if keywords_last else args)
        keywords = args[-1] if keywords_last else {}
        offsets = list(itertools.accumulate([0] + [len(leaves_of(a)) for a in args]))
        chosen: dict[tuple[int, Any], tuple[str, set[int]]] = {}
        for kind, where, given, name in self._plan:
            targets: list[tuple[int, Any, str]] = []
            if kind == 'pos' and where < len(positional):
                targets = [(where, None, name)]
            elif kind == 'var':
                targets = [(i, None, f'{name}[{i - where}]') for i in range(where, len(positional))]
            elif kind == 'kw' and where in keywords:
                targets = [(len(positional), where, name)]
            elif kind == 'varkw':
                targets = [(len(positional), key, key) for key in keywords if key not in where]
            for arg, key, label in targets:
                chosen.setdefault((arg, key), (label, set()))[1].update(given)
        found = []
        for (arg, key), (label, axes) in sorted(chosen.items(), key=lambda i: (i[0][0], str(i[0][1]))):
            value = args[arg] if key is None else keywords[key]
            base = offsets[arg]
            if key is not None:
                for other, item in keywords.items():
                    if other == key:
                        break
                    base += len(leaves_of(item))
            found += self._leaves_of(value, arg, key, label, sorted(axes), base, leaves_of)
        return found

    def _leaves_of(self, value: Any, arg: int, key: Any, label: str, axes: list[int], base: int,
                   leaves_of: Callable[[Any], list[Any]]) -> list[Leaf]:
        found = []
        count = 0
        single = not isinstance(value, (tuple, list, dict))
        for position, leaf in enumerate(flatten(value)):
            is_input = bool(leaves_of(leaf))
            if isinstance(leaf, Parameter):
                raise TypeError(f"{self.what}: dynamic_dims names {label}, a Parameter; a "
                                "Parameter's shape is fixed")
            foreign = engines.is_foreign(leaf)      # another library's array (engines.py)
            if foreign or isinstance(leaf, (Tensor, np.ndarray, np.generic)):
                shape = engines.shape_of(leaf) if foreign else \
                    tuple(np.shape(leaf._data if isinstance(leaf, Tensor) else leaf))
                name = label if single else f'{label}[{position}]'
                normal = []
                for axis in axes:
                    if not -len(shape) <= axis < len(shape):
                        raise ValueError(f"{self.what}: dynamic_dims gives axis {axis} of {name}, "
                                         f"which has {len(shape)} "
                                         f"ax{'i' if len(shape) == 1 else 'e'}s (shape {shape})")
                    normal.append(axis % len(shape))
                found.append(Leaf(base + count, arg, key, position, name, leaf, shape, tuple(sorted(set(normal)))))
            elif isinstance(leaf, Value):
                raise TypeError(f"{self.what}: dynamic_dims applies to calls from Python, not "
                                "to a call inside compiled code")
            count += is_input
        if not found:
            raise TypeError(f"{self.what}: dynamic_dims names {label}, "
                            f"{_a(type(value).__name__)}; only arrays (Tensors, NumPy arrays, or "
                            "tuples, lists and dicts of them) have axes")
        return found

    @staticmethod
    def symbols(leaves: list[Leaf]) -> list[Leaf]:
        """The leaves with their sizes: a Sym per dynamic axis of size 2 or more, one per size."""
        by_size: dict[int, Sym] = {}
        out = []
        for leaf in leaves:
            sizes = tuple((by_size.setdefault(size, Sym(len(by_size))) if axis in leaf.axes and size >= 2
                           else size) for axis, size in enumerate(leaf.shape))
            out.append(leaf._replace(sizes=sizes))
        return out

    def key(self, args: Sequence[Any], key: tuple[Any, ...], leaves: list[Leaf]) -> tuple[Any, ...]:
        """`key` (one `cache.spec` per argument) with each dynamic size replaced by its Sym."""
        if not leaves:
            return key
        masks: dict[tuple[int, Any], dict[int, tuple[Any, ...]]] = {}
        for leaf in leaves:
            masks.setdefault((leaf.arg, leaf.key), {})[leaf.position] = leaf.sizes
        out = list(key)
        for (arg, keyword), shapes in masks.items():
            counter = itertools.count()
            if keyword is None:
                out[arg] = _masked(args[arg], key[arg], shapes, counter)
            else:
                kind, items = key[arg]
                new_items = []
                for name, item in items:
                    value = args[arg][name]
                    if name == keyword:
                        new_items.append((name, _masked(value, item, shapes, counter)))
                    else:
                        for _ in flatten(value):
                            next(counter)
                        new_items.append((name, item))
                out[arg] = (kind, tuple(new_items))
        return tuple(out)

    # ---- compiling
    def with_sizes(self, args: Sequence[Any], leaves: list[Leaf], sizes: Mapping[int, int]) -> tuple[Any, ...]:
        """`args` with each dynamic array replaced by a stand-in of the same dtype whose symbols
        have `sizes` (Sym index -> size): zero-strided views, which cost no memory. Another
        library's array has a NumPy stand-in: tracing reads only its shape and dtype."""
        replace: dict[tuple[int, Any], dict[int, Any]] = {}
        for leaf in leaves:
            shape = tuple(int(sizes.get(s.index, actual)) if isinstance(s, Sym) else int(s)
                          for s, actual in zip(leaf.sizes, leaf.shape))
            data = leaf.array._data if isinstance(leaf.array, Tensor) else leaf.array
            dtype = engines.dtype_of(data) if engines.is_foreign(data) else np.asarray(data).dtype
            view = np.broadcast_to(np.zeros((), dtype), shape)
            replace.setdefault((leaf.arg, leaf.key), {})[leaf.position] = \
                Tensor._wrap(view) if isinstance(leaf.array, Tensor) else view
        out = list(args)
        for (arg, keyword), by_position in replace.items():
            counter = itertools.count()
            if keyword is None:
                out[arg] = _replaced(args[arg], by_position, counter)
            else:
                keywords = args[arg]
                items = {}
                for name, value in keywords.items():
                    if name == keyword:
                        items[name] = _replaced(value, by_position, itertools.count())
                    else:
                        items[name] = value
                out[arg] = type(keywords)(items)
        return tuple(out)


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _normalised(dims: Any, what: str) -> dict[Any, tuple[int, ...]]:
    if not isinstance(dims, Mapping):
        raise TypeError(f"{what}: dynamic_dims must be a dict of argument names to axes, such as "
                        f"{{'x': 0}}, got {_a(type(dims).__name__)}")
    out: dict[Any, tuple[int, ...]] = {}
    for name, axes in dims.items():
        if isinstance(name, bool) or not isinstance(name, (str, int)):
            raise TypeError(f"{what}: dynamic_dims keys are argument names (or positions), got {name!r}")
        if isinstance(name, int) and name < 0:
            raise ValueError(f"{what}: dynamic_dims: argument position {name} is negative")
        items = axes if isinstance(axes, (tuple, list)) else (axes,)
        if not items or not all(isinstance(a, int) and not isinstance(a, bool) for a in items):
            raise TypeError(f"{what}: dynamic_dims[{name!r}] must be an axis (an int) or a tuple of "
                            f"axes, got {axes!r}")
        out[name] = tuple(items)
    return out


Plan = list[tuple[str, Any, tuple[int, ...], str]]


def _plan(dims: dict[Any, tuple[int, ...]], target: Any, what: str) -> Plan:
    """(kind, where, axes, name) per entry: 'pos' (its position), 'var' (*args: the position it
    starts at), 'kw' (a keyword-only name), 'varkw' (**kwargs: the names it does not take)."""
    try:
        params = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        params = []
    plan: Plan = []
    keyword_only = {p.name for p in params if p.kind is p.KEYWORD_ONLY}
    for name, axes in dims.items():
        if isinstance(name, int):
            label = params[name].name if name < len(params) and params[name].kind in (
                inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD) else f'argument {name}'
            plan.append(('pos', name, axes, label))
            continue
        found = [(i, p) for i, p in enumerate(params) if p.name == name]
        if not found:
            names = ', '.join(p.name for p in params) or 'none that can be read'
            raise TypeError(f"{what}: dynamic_dims names {name!r}, which is not a parameter of "
                            f"{getattr(target, '__name__', what)} (its parameters: {names})")
        i, p = found[0]
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            plan.append(('pos', i, axes, name))
        elif p.kind is p.VAR_POSITIONAL:
            plan.append(('var', i, axes, name))
        elif p.kind is p.KEYWORD_ONLY:
            plan.append(('kw', name, axes, name))
        else:
            plan.append(('varkw', keyword_only, axes, name))
    return plan


_ARRAY_LEAVES = (Tensor, np.ndarray, np.generic, Value)


def _masked(arg: Any, item: Any, shapes: dict[int, tuple[Any, ...]], counter: Any) -> Any:
    """`item` (cache.spec of `arg`) with the shapes of the leaves at positions in `shapes`
    replaced; `counter` counts leaves in `flatten`'s order."""
    if isinstance(arg, (tuple, list)):
        kind, items = item
        return kind, tuple(_masked(a, i, shapes, counter) for a, i in zip(arg, items))
    if isinstance(arg, dict):
        kind, items = item
        return kind, tuple((k, _masked(arg[k], i, shapes, counter)) for k, i in items)
    position = next(counter)
    if position in shapes and (isinstance(arg, _ARRAY_LEAVES) or engines.is_foreign(arg)):
        return item[:-2] + (shapes[position], item[-1])
    return item


def _replaced(tree: Any, by_position: dict[int, Any], counter: Any) -> Any:
    if isinstance(tree, (tuple, list)):
        return type(tree)([_replaced(item, by_position, counter) for item in tree])
    if isinstance(tree, dict):
        return type(tree)({key: _replaced(item, by_position, counter) for key, item in tree.items()})
    return by_position.get(next(counter), tree)


# ---------------------------------------------------------------- the polymorphic source
class Polymorphic(NamedTuple):
    generated: Generated
    dims: dict[int, dict[int, int]]     # explicit input -> {axis: Sym index}
    symbols: list[str]                  # each Sym's name in the source


Lines = dict[tuple[str, int], SourceLoc]
# args -> (the generated module, the user's lines its graph came from, before optimisation); with
# a second argument False, only the lines: (None, lines).
SourceOf = Callable[..., tuple[Optional[Generated], Lines]]


def polymorphic(dynamic: DynamicDims, args: Sequence[Any], leaves: list[Leaf], lines: Lines,
                source_of: SourceOf, fn_name: str, static: Sequence[tuple[str, Any]] = (),
                module: str = 'np') -> Optional[Polymorphic]:
    """The generated module of `args`' compilation (whose graph came from the user's `lines`)
    written for every size of the symbols in `leaves`, or None when there is none (every
    dynamic axis has size 0 or 1). `source_of(args)` compiles for other arguments; `static`
    names the other arrays (label, array) for the hint when a probe fails. `module` is the name
    the code calls its array functions by: 'np', or the array API dialect's 'xp' (a constant
    array that depends on the sizes is made by `xp.arange`, `xp.full`)."""
    symbols = sorted({s.index for leaf in leaves for s in leaf.sizes if isinstance(s, Sym)})
    if not symbols:
        return None
    basis = _basis(len(symbols))
    plans = [{s: _PROBES[(p * len(symbols) + k) % len(_PROBES)] for k, s in enumerate(symbols)}
             for p in range(len(basis) + 1)]
    probes: list[tuple[Generated, Lines]] = []
    streams: list[list[tokenize.TokenInfo]] = []
    reads = sizes.Probes(fn_name, _described(leaves), plans)     # the sizes user code decides with raise
    for plan in plans:
        probe_args = dynamic.with_sizes(args, leaves, plan)
        try:
            with reads.probe():
                generated, found = source_of(probe_args)
            assert generated is not None
        except DynamicShapeError:
            raise
        except Exception as e:
            raise _probe_failure(e, leaves, fn_name, static) from e
        probes.append((generated, found))
        streams.append(_tokens(generated.source))
        _same_structure(streams[0], streams[-1], probes[0][0], leaves, fn_name)    # fail early
    _same_lines(lines, probes[0][1], leaves, fn_name, 'at the sizes of this call')
    try:        # a Python branch on the size below those of this call: traced at size 2 (and the
        # other symbols at 3, 4...: a call with two symbols' sizes equal has another key)
        smallest = source_of(dynamic.with_sizes(args, leaves, {s: 2 + k for k, s in enumerate(symbols)}), False)[1]
    except Exception:
        smallest = None     # (the code fails at size 2 as it would have failed to compile)
    if smallest is not None:
        small = 'at size 2' if len(symbols) == 1 else f"at sizes {', '.join(str(2 + k) for k in range(len(symbols)))}"
        _same_lines(smallest, probes[0][1], leaves, fn_name, small)
    values = [[plan[s] for s in symbols] for plan in plans]
    return _write(probes, streams, values, leaves, symbols, fn_name, module)


def mismatch(dynamic: DynamicDims, args: Sequence[Any], leaves: list[Leaf], error: Exception,
             source_of: SourceOf, fn_name: str) -> Optional[ValueError]:
    """When compiling for `args` failed and its dynamic axes have several sizes: the ValueError
    naming two axes that must be equal (compiling with them equal works), or None."""
    symbols = sorted({s.index for leaf in leaves for s in leaf.sizes if isinstance(s, Sym)})
    actual = {s.index: size for leaf in leaves for s, size in zip(leaf.sizes, leaf.shape) if isinstance(s, Sym)}
    for a, b in itertools.combinations(symbols, 2):
        try:
            source_of(dynamic.with_sizes(args, leaves, {**actual, b: actual[a]}), False)
        except Exception:
            continue
        first, second = (_first_axis(leaves, s) for s in (a, b))
        return ValueError(f"{fn_name}: {first[0]}.shape[{first[1]}] is {actual[a]} but "
                          f"{second[0]}.shape[{second[1]}] is {actual[b]}; {fn_name} needs them "
                          f"equal (compiling it for these sizes failed: {_first_line(error)})")
    return None


def _first_axis(leaves: list[Leaf], symbol: int) -> tuple[str, int]:
    return next((leaf.label, axis) for leaf in leaves for axis, s in enumerate(leaf.sizes)
                if isinstance(s, Sym) and s.index == symbol)


def _first_line(error: Exception) -> str:
    text = error.message if isinstance(error, CompileError) else str(error)
    return f'{type(error).__name__}: {text.splitlines()[0] if text else ""}'


def _described(leaves: list[Leaf]) -> str:
    return ', '.join(f"{leaf.label}'s axis {axis}" for leaf in leaves
                     for axis, s in enumerate(leaf.sizes) if isinstance(s, Sym))


def _probe_failure(error: Exception, leaves: list[Leaf], fn_name: str,
                   static: Sequence[tuple[str, Any]]) -> DynamicShapeError:
    sizes = {size for leaf in leaves for s, size in zip(leaf.sizes, leaf.shape) if isinstance(s, Sym)}
    hints = []
    for label, array in static:
        shape = np.shape(array._data if isinstance(array, Tensor) else array)
        hints += [f"'{label}': {axis}" for axis, size in enumerate(shape) if size in sizes]
    hint = (f"; if an axis of another argument must have the same size, add it to dynamic_dims "
            f"(an axis of that size: {', '.join(hints)})" if hints else
            "; drop it from dynamic_dims to compile once per size")
    loc = error.loc if isinstance(error, CompileError) else None
    return DynamicShapeError(f"{fn_name} was compiled with dynamic_dims ({_described(leaves)}), and "
                             f"compiling it for another size failed: {_first_line(error)}{hint}", loc)


def lines_of(graph: Graph) -> Lines:
    """The user's lines that ops of `graph` came from."""
    return {(op.loc.filename, op.loc.lineno): op.loc for op in walk(graph.ops) if op.loc is not None}


def _same_lines(here: Lines, there: Lines, leaves: list[Leaf], fn_name: str, sizes: str) -> None:
    """The user's lines that produce code at some sizes (`here`, traced `sizes`) are those that
    do at the probes' (`there`): a Python branch on a dynamic size would otherwise be taken as at
    the probes. Traced at size 2, at the call's sizes and near 1000, a branch on any
    threshold below the probes shows (if its two sides are on different lines). The graphs are
    those before optimisation, which removes a product by 1 (the mean's 2 / n at size 2)."""
    only = [loc for key, loc in here.items() if key not in there] or \
        [loc for key, loc in there.items() if key not in here]
    if only:
        loc = min(only, key=lambda l: (l.filename, l.lineno))
        where = sizes if (loc.filename, loc.lineno) in here else f'at other sizes than {sizes[3:]}'
        raise DynamicShapeError(f"{fn_name}'s code depends on the size of {_described(leaves)}: this "
                                f"line is compiled only {where} (a Python branch on the size?); drop "
                                "that axis from dynamic_dims to compile once per size",
                                SourceLoc(loc.filename, loc.lineno, loc.col))


def _basis(count: int) -> list[tuple[int, ...]]:
    """The monomials a fitted number may use: 1, each symbol, each product of two (n * n: the
    mean of an (n, n) array)."""
    return [()] + [(i,) for i in range(count)] + list(itertools.combinations_with_replacement(range(count), 2))


def _structure_error(fn_name: str, leaves: list[Leaf], generated: Generated, row: int,
                     what: str) -> DynamicShapeError:
    loc = _loc_of(generated, row)
    return DynamicShapeError(f"{fn_name}'s code depends on the size of {_described(leaves)}: {what}; "
                             "drop that axis from dynamic_dims to compile once per size", loc)


def _loc_of(generated: Generated, row: int) -> Optional[SourceLoc]:
    for line in range(row, 0, -1):
        loc = generated.line_map.get(line)
        if loc is not None:
            return SourceLoc(loc.filename, loc.lineno, loc.col)
    return None


_SKIP = (tokenize.NL, tokenize.COMMENT, tokenize.ENCODING)


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    return [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in _SKIP]


# After these the replaced number starts an expression, and before these it ends one.
_OPENERS = {'(', '[', '{', ',', '=', ':', 'return', 'in', 'if', 'else', 'elif', 'while', 'and',
            'or', 'assert', '==', '!=', '<', '>', '<=', '>=', '+=', '-=', '*=', '/=', '//=', '%=',
            '@=', '**=', '|=', '&=', '^=', '>>=', '<<='}
_ENDS_SUM = {')', ']', '}', ',', ':', '=', '==', '!=', '<', '>', '<=', '>=', 'if', 'else', 'for',
             'and', 'or', 'in', '+', '-', ''}
_ENDS_PRODUCT = _ENDS_SUM | {'*', '/', '//', '%', '@'}


def _text(token: Optional[tokenize.TokenInfo]) -> str:
    if token is None or token.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
        return ''
    return token.string


def _needs_parens(kind: str, before: str, after: str) -> bool:
    if kind == 'atom':
        return False
    if before in _OPENERS or before == '':
        return after not in (_ENDS_PRODUCT if kind == 'product' else _ENDS_SUM)
    if before in ('+', '-') and kind == 'product':
        return after not in _ENDS_PRODUCT
    return True


def _same_structure(first: list[tokenize.TokenInfo], other: list[tokenize.TokenInfo], generated: Generated,
                    leaves: list[Leaf], fn_name: str) -> None:
    """Two probes' code is the same token for token, numbers aside (a loop unrolled over the
    size, or a branch on it, is not)."""
    for a, b in itertools.zip_longest(first, other):
        if a is None or b is None or a.type != b.type or (a.type != tokenize.NUMBER and a.string != b.string):
            row = a.start[0] if a is not None else 1
            differs = f' ({a.string!r} against {b.string!r})' if a is not None and b is not None else ''
            raise _structure_error(fn_name, leaves, generated, row,
                                   f"compiled for two sizes of it, the code differs{differs}")


def _write(probes: list[tuple[Generated, Lines]], streams: list[list[tokenize.TokenInfo]],
           values: list[list[int]], leaves: list[Leaf], symbols: list[int], fn_name: str,
           module: str = 'np') -> Polymorphic:
    """The probes' module with each number that differs between them written as its fit, and the
    symbols bound first."""
    generated = probes[0][0]
    first = streams[0]
    # Names: each symbol's, not taken by anything the module already names.
    taken = {t.string for t in first if t.type == tokenize.NAME} | set(generated.namespace)
    names = []
    for s in symbols:
        name = symbol_name(s)
        suffix = 0
        while name in taken:
            suffix += 1
            name = f'{symbol_name(s)}_{suffix}'
        taken.add(name)
        names.append(name)
    monomials = [' * '.join(names[i] for i in mono) for mono in _basis(len(symbols))]
    design = np.array([[float(np.prod([v[i] for i in mono])) for mono in _basis(len(symbols))]
                       for v in values])
    edits = []      # (row, start col, end col, text)
    for k, token in enumerate(first):
        if token.type != tokenize.NUMBER:
            continue
        texts = [stream[k].string for stream in streams]
        if len(set(texts)) == 1:
            continue
        start = k
        sign = 1
        before = first[k - 1] if k else None
        if before is not None and before.string == '-' and (k < 2 or _text(first[k - 2]) in _OPENERS or
                                                            _text(first[k - 2]) in ('+', '-', '*', '/', '**', '')):
            sign, start = -1, k - 1
        fitted = _fit([sign * _number(t) for t in texts], texts, design, monomials)
        if fitted is None:
            raise _structure_error(fn_name, leaves, generated, token.start[0],
                                   f"a number in its code ({texts[0]} at one size, {texts[1]} at "
                                   "another) is no simple function of the size")
        text, kind = fitted
        before_text = _text(first[start - 1]) if start else ''
        after_text = _text(first[k + 1]) if k + 1 < len(first) else ''
        if _needs_parens(kind, before_text, after_text):
            text = f'({text})'
        edits.append((first[start].start[0], first[start].start[1], token.end[1], text))
    lines = generated.source.split('\n')
    for row, col, end, text in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + text + line[end:]
    namespace, rebuilt = _namespace([g.namespace for g, _ in probes], design, monomials, fn_name,
                                    leaves, generated, module)
    params = _parameters(generated)
    prologue = []
    dims: dict[int, dict[int, int]] = {}
    bound: dict[int, str] = {}
    for leaf in leaves:
        for axis, s in enumerate(leaf.sizes):
            if not isinstance(s, Sym):
                continue
            dims.setdefault(leaf.input, {})[axis] = s.index
            name = names[symbols.index(s.index)]
            read = f'{params[leaf.input]}.shape[{axis}]'
            if s.index not in bound:
                bound[s.index] = read
                prologue.append(f'    {name} = {read}')
            else:
                own = fn_name.replace('%', '%%')      # the message is a %-format
                message = f'{own}: {read} is %d but {bound[s.index]} is %d; they must be equal'
                prologue.append(f'    if {read} != {name}:\n'
                                f'        raise ValueError({message!r}\n'
                                f'                         % ({read}, {name}))')
    prologue += [f'    {name} = {expr}' for name, expr in rebuilt]
    prologue_text = '\n'.join(prologue)
    added = prologue_text.count('\n') + 1
    def_row = next(i for i, line in enumerate(lines) if line.startswith(f'def {generated.name}('))
    lines.insert(def_row + 1, prologue_text)
    source = '\n'.join(lines)
    line_map = {(row + added if row > def_row + 1 else row): loc for row, loc in generated.line_map.items()}
    return Polymorphic(Generated(generated.name, source, namespace, line_map), dims, names)


def _parameters(generated: Generated) -> list[str]:
    tree = parse(generated.source)
    for node in tree.body:   # type: ignore[attr-defined]
        if isinstance(node, ast.FunctionDef) and node.name == generated.name:
            return [a.arg for a in node.args.args]
    raise AssertionError(f'no def {generated.name} in the generated module')


def _number(text: str) -> Any:
    try:
        return int(text, 0)
    except ValueError:
        return complex(text) if text[-1] in 'jJ' else float(text)


def _fit(numbers: list[Any], texts: list[str], design: np.ndarray,
         monomials: list[str]) -> Optional[tuple[str, str]]:
    """(expression, its kind: 'atom', 'product' or 'sum') giving `numbers` at the probes (the
    rows of `design`, the monomials' values), the simplest that fits: fewest terms first."""
    if any(isinstance(v, complex) for v in numbers):
        return None
    y = np.array(numbers, dtype=float)
    width = design.shape[1]
    subsets = [list(c) for size in range(1, width + 1) for c in itertools.combinations(range(width), size)]

    def spread(subset: list[int], values: Sequence[Any]) -> list[Any]:
        full: list[Any] = [0] * width
        for k, v in zip(subset, values):
            full[k] = v
        return full

    def solve(subset: list[int], target: np.ndarray) -> np.ndarray:
        return np.linalg.lstsq(design[:, subset], target, rcond=None)[0]

    if all(isinstance(v, int) for v in numbers):
        for subset in subsets:
            ints = spread(subset, [int(round(c)) for c in solve(subset, y)])
            if all(_at(ints, row) == v for row, v in zip(design, numbers)):
                return _sum(ints, monomials)
        return None
    tolerance = [_tolerance(t) for t in texts]

    def close(formula: Callable[[np.ndarray], Any]) -> bool:
        with np.errstate(all='ignore'):
            got = [formula(row) for row in design]
        return all(np.isfinite(g) and abs(g - v) <= tol * abs(v) for g, v, tol in zip(got, numbers, tolerance))

    # a polynomial: n * 4.0 + 2.0
    for subset in subsets:
        coef = solve(subset, y)
        for digits in range(1, 18):
            snapped = spread(subset, [float(f'{c:.{digits}g}') for c in coef])
            if any(snapped[1:]) and close(lambda row: _at(snapped, row)):
                return _float_sum(snapped, monomials)
    # c / P, P a polynomial with integer coefficients: the mean's 1 / (n * 784), 2 / (n * 3)
    if all(v != 0 for v in numbers):
        found = []
        for subset in subsets:
            a = solve(subset, 1 / y)
            for c in [1.0] + [1 / x for x in a if x != 0]:
                ints = spread(subset, [int(round(c * x)) for x in a])
                if not any(ints[1:]) or any(abs(c * x - round(c * x)) > 0.25 for x in a):
                    continue
                estimate = float(np.median([v * _at(ints, row) for v, row in zip(numbers, design)]))
                text = _reciprocal(estimate, ints, monomials, close)
                if text is not None:
                    found.append(text)
        if found:
            return min(found, key=lambda t: len(t[0]))
    # c * (n + a) / (n + b), one symbol (n / (n - 1)): of the forms that fit, the shortest
    if width == 3:
        sizes = design[:, 1]
        candidates = []
        for up, down in itertools.product(range(-3, 4), repeat=2):
            if up == down:
                continue
            k = y * (sizes + down) / (sizes + up)
            constant = _snap(float(np.median(k)),
                             lambda v: close(lambda row: v * (row[1] + up) / (row[1] + down)))
            if constant is not None:
                text = _moebius(constant, up, down, monomials[1])
                candidates.append((len(text[0]), abs(up) + abs(down), text))
        if candidates:
            return min(candidates)[2]
    return None


def _at(coef: Sequence[Any], row: np.ndarray) -> Any:
    """The polynomial of coefficients `coef` at a probe (its monomials' values `row`)."""
    return sum(c * (int(round(r)) if isinstance(c, int) else r) for c, r in zip(coef, row))


def _tolerance(text: str) -> float:
    """How far a literal may be from the fitted value: a float32 written shortest has at most 9
    significant digits and is within half an ulp of float32; a float64, within a few of its own."""
    mantissa = text.lower().split('e')[0].replace('.', '').lstrip('0')
    return 2.0 ** -23 if len(mantissa) <= 9 else 2.0 ** -49


def _snap(value: float, ok: Callable[[float], bool]) -> Optional[float]:
    """The shortest decimal near `value` that `ok` accepts."""
    for digits in range(1, 18):
        candidate = float(f'{value:.{digits}g}')
        if candidate != 0 and ok(candidate):
            return candidate
    return None


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _sum(coef: list[int], monomials: list[str]) -> tuple[str, str]:
    terms = [(c, m) for c, m in zip(coef, monomials) if c != 0]
    terms.sort(key=lambda t: (t[1] == '', t[0] < 0))
    texts = []
    for c, m in terms:
        magnitude = abs(c)
        text = str(magnitude) if m == '' else m if magnitude == 1 else f'{m} * {magnitude}'
        texts.append((c < 0, text))
    out = ('-' if texts[0][0] else '') + texts[0][1]
    for negative, text in texts[1:]:
        out += (' - ' if negative else ' + ') + text
    if len(texts) > 1 or texts[0][0]:
        return out, 'sum'
    return out, 'atom' if ' ' not in out else 'product'


def _float_sum(coef: list[float], monomials: list[str]) -> tuple[str, str]:
    terms = [(c, m) for c, m in zip(coef, monomials) if c != 0]
    terms.sort(key=lambda t: (t[1] == '', t[0] < 0))
    constant = any(m == '' for _, m in terms)     # a float constant makes the sum a float
    parts = []
    for c, m in terms:
        magnitude = repr(abs(c))
        parts.append((c < 0, magnitude if m == '' else m if constant and abs(c) == 1 else f'{m} * {magnitude}'))
    out = ('-' if parts[0][0] else '') + parts[0][1]
    for negative, text in parts[1:]:
        out += (' - ' if negative else ' + ') + text
    return out, 'sum' if len(parts) > 1 or parts[0][0] else 'product'


def _reciprocal(estimate: float, ints: list[int], monomials: list[str],
                close: Callable[[Callable[[np.ndarray], Any]], bool]) -> Optional[tuple[str, str]]:
    """`c / P` near `estimate / P` that `close` accepts: c a ratio of small integers folded into
    P (2 / (n * 3)), else the shortest decimal; None if none is."""
    ratio = Fraction(estimate).limit_denominator(1000)
    tries = []
    if ratio.numerator != 0:
        tries.append((float(ratio.numerator), [ratio.denominator * i for i in ints]))
    constant = _snap(estimate, lambda v: close(lambda row: v / _at(ints, row)))
    if constant is not None:
        tries.append((constant, ints))
    for constant, coef in tries:
        if close(lambda row: constant / _at(coef, row)):
            denominator, kind = _sum(coef, monomials)
            if kind != 'atom':
                denominator = f'({denominator})'
            text = f'{_number_text(abs(constant))} / {denominator}'
            return ('-' + text, 'sum') if constant < 0 else (text, 'product')
    return None


def _moebius(constant: float, a: int, b: int, name: str) -> tuple[str, str]:
    def shifted(offset: int) -> str:
        return name if offset == 0 else f'({name} {"+" if offset > 0 else "-"} {abs(offset)})'
    text = f'{shifted(a)} / {shifted(b)}'
    if constant != 1:
        text = f'{_number_text(abs(constant))} * {text}'
    return ('-' + text, 'sum') if constant < 0 else (text, 'product')


def _namespace(namespaces: list[dict[str, Any]], design: np.ndarray, monomials: list[str],
               fn_name: str, leaves: list[Leaf], generated: Generated,
               module: str = 'np') -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The module's namespace, and (name, expression) for each constant array that depends on
    the sizes: made at run time (by `module`'s functions), when it is an np.arange or a fill."""
    first = namespaces[0]
    if any(set(ns) != set(first) for ns in namespaces[1:]):
        raise _structure_error(fn_name, leaves, generated, 1, "compiled for two sizes of it, it "
                               "holds different constants")
    kept, rebuilt = {}, []
    for name, value in first.items():
        others = [ns[name] for ns in namespaces[1:]]
        if all(_same(value, other) for other in others):
            kept[name] = value
            continue
        expr = _array_expression([value] + others, design, monomials, module) \
            if all(isinstance(v, np.ndarray) for v in [value] + others) else None
        if expr is None:
            row = _row_reading(generated.source, name)
            raise _structure_error(fn_name, leaves, generated, row, "it builds a constant array "
                                   "from the size (one that is not an np.arange or a fill)")
        rebuilt.append((name, expr))
    return kept, rebuilt


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype and
                a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True)))
    return a is b


def _row_reading(source: str, name: str) -> int:
    for row, line in enumerate(source.split('\n'), 1):
        if not line.lstrip().startswith('#') and any(t.string == name for t in _line_names(line)):
            return row
    return 1


def _line_names(line: str) -> list[tokenize.TokenInfo]:
    try:
        return [t for t in tokenize.generate_tokens(io.StringIO(line.strip() + '\n').readline)
                if t.type == tokenize.NAME]
    except (tokenize.TokenError, IndentationError):
        return []


def _array_expression(arrays: list[np.ndarray], design: np.ndarray, monomials: list[str],
                      module: str = 'np') -> Optional[str]:
    if len({a.ndim for a in arrays}) != 1 or len({a.dtype for a in arrays}) != 1:
        return None
    try:
        dtype = f'{module}.{dtype_name(arrays[0].dtype)}'
    except TypeError:
        return None
    dims = []
    for axis in range(arrays[0].ndim):
        fitted = _fit([int(a.shape[axis]) for a in arrays], [], design, monomials)
        if fitted is None:
            return None
        dims.append(fitted[0])
    shape = f"({', '.join(dims)}{',' if len(dims) == 1 else ''})"
    if all(a.size and np.array_equal(a.ravel(), np.arange(a.size)) for a in arrays):
        size = _fit([int(a.size) for a in arrays], [], design, monomials)
        if size is None:
            return None
        made = f'{module}.arange({size[0]}, dtype={dtype})'
        return made if arrays[0].ndim == 1 else f'{module}.reshape({made}, {shape})'
    fills = {a.flat[0].item() for a in arrays if a.size}
    if len(fills) == 1 and all(a.size and (a == a.flat[0]).all() for a in arrays):
        fill = fills.pop()
        if isinstance(fill, float) and not np.isfinite(fill):
            return None
        return f'{module}.full({shape}, {fill!r}, dtype={dtype})'
    return None
