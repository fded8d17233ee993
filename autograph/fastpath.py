"""The fast way into a compilation: one small Python function generated per compilation that
checks a call still fits it and then runs it.

A call on a cache hit used to compute the cache key (`cache.spec` per argument), look it up,
check the guards one by one and unwrap Tensors in a loop: 2 to 4 microseconds, as long as the
generated code itself takes at the tutorial's sizes. The function written here does the same for
the compilation used last, in straight-line code: for each argument the check that `spec`'s key
implies (`type(a0) is Tensor`, its shape and dtype, `a2 is` the Parameter passed while compiling,
a Python value's type and value), the guards as identity checks (`guards.Guards.identities`),
the shapes of the Parameters read at each call, then the generated function and the wrapping of
its results as Tensors. When any check fails it returns `MISS` and the caller takes the slow
path, which stays the definition: key, lookup, variants, compile. Every check here implies the
slow path's, so a hit here is one the slow path would make too. It also returns `MISS` while a
compiler's builder is active (a call from code being compiled: Transformed._call inlines it).

The function is made when a compilation is used a second time (compiler.Transformed.compilation):
Python's compiler takes about a millisecond for it. Compilations with tuple, list or dict arguments
have no fast path, and calls with keywords do not take it.

A compilation with dynamic_dims (dynamic.py) checks a dynamic axis as its key does: 2 or more,
equal to the other axes of its symbol and different from the other symbols' sizes.
"""
import keyword
from collections.abc import Callable, Sequence
from typing import Any, Optional

import numpy as np

from runtime.primitive import _BUILDERS
from runtime.tensor import Parameter, Tensor
from . import cell
from .guards import MISSING
from .ir import Value

MISS = object()         # what a fast path returns when the call does not fit


class _Source:
    """The generated function's lines, and the objects they name (c0, c1...: never text)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.sizes: dict[int, list[str]] = {}      # a dynamic_dims symbol -> the sizes read for it
        self.namespace: dict[str, Any] = {
            'MISS': MISS, 'MISSING': MISSING, 'Tensor': Tensor, 'ndarray': np.ndarray, 'generic': np.generic,
            'asarray': np.asarray, 'cell': cell, 'new': object.__new__, 'wrap': wrap,
            'builders': _BUILDERS.get}      # the compiler's builders: () when running

    def const(self, obj: Any) -> str:
        name = f'c{len(self.namespace)}'
        self.namespace[name] = obj
        return name

    def refuse_if(self, conditions: list[str]) -> None:
        if conditions:
            self.lines.append(f"    if {' or '.join(conditions)}:\n        return MISS")


FastCall = Callable[[tuple[Any, ...]], Any]    # args -> the call's result, or MISS


def fast_call(compiled: Any, args: Sequence[Any], dynamic_floats: bool) -> Optional[FastCall]:
    """The fast path of `compiled` (a compiler.Compiled), compiled for `args`, or None when
    an argument is of a kind it does not check."""
    source = _Source()
    names = [f'a{i}' for i in range(len(args))]
    source.lines.append(f"    {', '.join(names)}, = args" if args else "    if args:\n        return MISS")
    arg_dims = compiled.arg_dims
    if len(arg_dims) != len(compiled.dims):
        return None     # a dynamic axis of an array inside a container or a keyword
    inputs = {}
    for i, (name, arg) in enumerate(zip(names, args)):
        checked = _argument(source, name, arg, dynamic_floats, arg_dims.get(i))
        if checked is None:
            return None
        inputs[i] = checked
    if set(compiled.array_positions) != {i for i, expr in inputs.items() if expr}:
        return None     # the compilation takes other arguments than those checked here
    _symbols(source)
    _guards(source, compiled.guards)
    implicit = [_implicit(source, f'i{k}', p, shape, dtype)
                for k, (p, (shape, dtype)) in enumerate(zip(compiled.implicit, compiled.implicit_avals))]
    arrays = [inputs[i] for i in compiled.array_positions] + implicit
    # Every check is inside one `try`, free in Python 3.11 until something raises: another
    # count of arguments (the unpacking's ValueError), a global or an attribute a guard reads
    # gone (KeyError, AttributeError) or a closure variable deleted (ValueError) is a miss, and
    # the slow path reads them as the key and the guards do. While compiling, a call is the
    # library's to trace (Transformed._call), never run here.
    checks = '\n'.join(source.lines).replace('\n', '\n    ')
    source.lines = ['    if builders():\n        return MISS', '    try:', f'    {checks}',
                    '    except (ValueError, AttributeError, KeyError):\n        return MISS']
    source.lines.append(f"    out = {source.const(compiled.fn)}({', '.join(arrays)})")
    result = _results(source, compiled.graph.outputs, 'out') if compiled.tensor_boundary else 'out'
    source.lines.append(f"    return {result}")
    text = 'def fast(args):\n' + '\n'.join(source.lines) + '\n'
    exec(compile(text, f'<autograph fast path of {compiled.fn.__name__}>', 'exec'), source.namespace)
    fast: FastCall = source.namespace.pop('fast')     # not left in its own globals: no cycle
    return fast


def _argument(source: _Source, name: str, arg: Any, dynamic_floats: bool,
              dims: Optional[dict[int, int]] = None) -> Optional[str]:
    """Write the checks for one argument: those `cache.spec(arg)` equal to the key implies.
    Returns the expression passed to the generated function ('' when the value is compiled in),
    or None for an argument of a kind not checked here. `dims`: its dynamic axes' symbols."""
    kind = type(arg)
    if isinstance(arg, Tensor):
        # A Parameter is keyed by its identity, any other Tensor by its type's being a Tensor.
        source.refuse_if([f'{name} is not {source.const(arg)}' if kind is Parameter else
                          f'type({name}) is not {source.const(kind)}'])
        source.lines.append(f'    d{name} = {name}._data')
        source.refuse_if(_aval_differs(source, f'd{name}', arg._data.shape, arg._data.dtype, dims))
        return f'd{name}'
    if kind is np.ndarray:
        source.refuse_if([f'type({name}) is not ndarray'] + _aval_differs(source, name, arg.shape, arg.dtype, dims))
        return name
    if isinstance(arg, np.generic):
        source.refuse_if([f'type({name}) is not {source.const(kind)}',
                          f'{name}.dtype != {source.const(arg.dtype)}'])
        return name
    if kind is float and dynamic_floats:
        source.refuse_if([f'type({name}) is not float'])
        return name
    if isinstance(arg, (bool, int, float, str, type(None))):
        source.refuse_if([f'type({name}) is not {source.const(kind)}', f'{name} != {source.const(arg)}'])
        return ''
    return None


def _aval_differs(source: _Source, array: str, shape: tuple[int, ...], dtype: np.dtype[Any],
                  dims: Optional[dict[int, int]] = None) -> list[str]:
    # Equal dtypes are nearly always the same object (not after unpickling): `is` first.
    known = source.const(dtype)
    dtype_differs = f'({array}.dtype is not {known} and {array}.dtype != {known})'
    if not dims:
        return [f'{array}.shape != {source.const(shape)}', dtype_differs]
    checks = [f'len({array}.shape) != {len(shape)}']
    for axis, size in enumerate(shape):
        read = f'{array}.shape[{axis}]'
        if axis in dims:
            checks.append(f'{read} < 2')
            source.sizes.setdefault(dims[axis], []).append(read)
        else:
            checks.append(f'{read} != {size}')
    return checks + [dtype_differs]


def _symbols(source: _Source) -> None:
    """The dynamic sizes as the key has them: one per symbol, the same wherever it appears."""
    firsts = [reads[0] for reads in source.sizes.values()]
    source.refuse_if([f'{read} != {reads[0]}' for reads in source.sizes.values() for read in reads[1:]] +
                     [f'{a} == {b}' for i, a in enumerate(firsts) for b in firsts[i + 1:]])


def _guards(source: _Source, guards: Any) -> None:
    """The guards' identity checks, the full check of the others, and the Cells' version. A
    read that raises is a miss (the `try` around the checks): then the slow path reads it as
    the guard does (a closure variable deleted since raises ValueError; an attribute read
    directly, AttributeError; a global by subscript, KeyError)."""
    identities, others = guards.identities()
    reads = [_differs(source, how, holder, key, expected) for how, holder, key, expected in identities]
    reads += [f'{source.const(guard)}.failure() is not None' for guard in others]
    source.refuse_if(reads)
    if guards.cells:
        # Assigning to any Cell attribute bumps the version: then the slow path checks them.
        source.refuse_if([f'cell._version != {source.const(guards)}.version'])


def _differs(source: _Source, how: str, holder: Any, key: Any, expected: Any) -> str:
    """The condition that a guard's read (`holder.get(key, MISSING)` for 'item',
    `getattr(holder, key, MISSING)` for 'attr') is not `expected`, read as cheaply as Python
    allows: a plain dict by subscript, an attribute directly."""
    if expected is MISSING:
        if how == 'item' and type(holder) is dict:
            return f'{source.const(key)} in {source.const(holder)}'
        read = (f'{source.const(holder)}.get({source.const(key)}, MISSING)' if how == 'item' else
                f'getattr({source.const(holder)}, {source.const(key)}, MISSING)')
        return f'{read} is not MISSING'
    if how == 'item':
        # A dict subclass may have __missing__: only a plain dict is read by subscript.
        read = (f'{source.const(holder)}[{source.const(key)}]' if type(holder) is dict else
                f'{source.const(holder)}.get({source.const(key)}, MISSING)')
    elif key.isidentifier() and not keyword.iskeyword(key):
        read = f'{source.const(holder)}.{key}'      # read directly: cheaper than getattr
    else:
        read = f'getattr({source.const(holder)}, {source.const(key)}, MISSING)'
    return f'{read} is not {source.const(expected)}'


def _implicit(source: _Source, name: str, obj: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> str:
    """A Tensor (or array) read at each call: its data, refused if it changed shape or dtype."""
    source.lines.append(f'    {name} = {source.const(obj)}' + ('._data' if isinstance(obj, Tensor) else ''))
    source.refuse_if(_aval_differs(source, name, shape, dtype))
    return name


def _results(source: _Source, outputs: Any, at: str) -> str:
    """Write the wrapping of the generated function's result `at` (arrays become Tensors);
    returns the expression of the wrapped result. It nests as the graph's outputs do (codegen
    returns them as written, as tuples, lists and dicts)."""
    if isinstance(outputs, (tuple, list)):
        parts = [f'o{len(source.lines)}_{i}' for i in range(len(outputs))]
        if parts:
            source.lines.append(f"    {', '.join(parts)}, = {at}")      # cheaper than indexing
        items = ''.join(f'{_results(source, item, part)}, ' for part, item in zip(parts, outputs))
        return f'({items})' if isinstance(outputs, tuple) else f'[{items}]'
    if isinstance(outputs, dict):
        keys = [source.const(key) for key in outputs]
        parts = [f'o{len(source.lines)}_{i}' for i in range(len(outputs))]
        source.lines += [f'    {part} = {at}[{key}]' for part, key in zip(parts, keys)]
        return '{' + ''.join(f'{key}: {_results(source, item, part)}, '
                             for key, part, item in zip(keys, parts, outputs.values())) + '}'
    if not isinstance(outputs, Value):
        return f'wrap({at})'
    # A computed result is nearly always an array or a NumPy scalar (a loss): its Tensor made
    # in line, without calls.
    name = f't{len(source.lines)}'
    source.lines.append(f'    if type({at}) is ndarray:\n        {name} = new(Tensor)\n        {name}._data = {at}\n'
                        f'    elif isinstance({at}, generic):\n        {name} = new(Tensor)\n'
                        f'        {name}._data = asarray({at})\n'
                        f'    else:\n        {name} = wrap({at})')
    return name


def wrap(tree: Any) -> Any:
    """Results as Tensors: arrays and NumPy scalars in a tree become Tensors."""
    kind = type(tree)
    if kind is np.ndarray or isinstance(tree, np.generic):
        return Tensor._wrap(tree)
    if kind is tuple:
        return tuple([wrap(t) for t in tree])
    if kind is list:
        return [wrap(t) for t in tree]
    if kind is dict:
        return {key: wrap(t) for key, t in tree.items()}
    return tree
