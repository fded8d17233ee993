"""The compile cache's keys, its statistics, and the compile log.

A compiled function is specialised to its call signature: the shape and dtype of each array
argument, and the value of each Python argument that decides control flow or shapes. Python
floats are not part of it: they become run-time inputs (weakly typed, as NumPy 2 treats them),
so a learning rate that changes every step does not recompile. If the code needs a float's value
at compile time, the function falls back to specialising on float values too.

`CompileCache` holds one function's compilations: at most `size` signatures (64 by default,
`autograph.set_cache_size`), the least recently used dropped first, each signature compiled once
even when several threads call at once (the others wait for it). A signature keeps up to
`VARIANTS` compilations that differ in what their guards saw (a Cell in training and in eval
mode), most recently used first, so switching back and forth compiles each variant once.

`autograph.set_log_level('compiles')` (or the environment variable AUTOGRAPH_LOG=compiles) logs
each compilation with its reason: "first call", "x.shape changed from (5,) to (6,)",
"argument n changed from 3 to 4", or the guard that failed ("global SCALE changed from 2.0 to
3.0"). Reasons are worked out only when that log is on.
"""
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Optional

import numpy as np

from runtime.tensor import Parameter, Tensor
from . import engines
from .ir import Value

logger = logging.getLogger('autograph')


class CacheInfo(NamedTuple):
    entries: int
    hits: int
    misses: int
    signatures: list[str]   # one readable signature per entry, e.g. ['x: f32[5], n=3']
    size: int = 64      # the most entries kept
    evictions: int = 0  # entries dropped to keep within `size`


_DEFAULT_SIZE = [64]


Key = tuple[Any, ...]       # a call signature: one `spec` per argument


def set_cache_size(size: int) -> None:
    """The number of call signatures a compiled function keeps (64 by default); functions created
    afterwards use it. `f.cache_size = n` sets it for one function.

    Args:
        size: a positive int.

    Returns:
        None.

    Example:
        >>> import autograph
        >>> autograph.set_cache_size(128)
        >>> autograph.set_cache_size(64)
    """
    _DEFAULT_SIZE[0] = _check_size(size)


def _check_size(size: object) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"the cache size must be a positive int, got {size!r}")
    return size


VARIANTS = 8


class CompileCache:
    """One function's compilations by call signature, least recently used first; per signature
    a list of variants, most recently used first."""

    def __init__(self) -> None:
        self.entries: OrderedDict[Key, list[Any]] = OrderedDict()
        self.size = _DEFAULT_SIZE[0]
        self.hits = self.misses = self.evictions = 0
        self._lock = threading.Lock()
        self._compiling: dict[Key, _InFlight] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: Key) -> Optional[list[Any]]:
        """The variants for `key` (a list, most recent first), or None; marks it as recently
        used."""
        variants = self.entries.get(key)
        if variants is not None:
            try:
                self.entries.move_to_end(key)
            except KeyError:        # dropped by another thread meanwhile
                pass
        return variants

    def prefer(self, key: Key, variants: list[Any], entry: Any) -> None:
        """`entry`, one of `variants`, was used: try it first from now on."""
        if variants[0] is not entry:
            with self._lock:
                if entry in variants:
                    variants.remove(entry)
                    variants.insert(0, entry)

    def compile_once(self, key: Key, compile: Callable[[], tuple[Key, Any]]) -> Any:
        """`compile()` -> (key, entry), run by one thread per key at a time; threads that ask
        for a key being compiled wait for that compilation and share its entry. The entry is
        stored under the key `compile` returns (it may differ: see compiler.Transformed's float arguments)."""
        with self._lock:
            flight = self._compiling.get(key)
            mine = flight is None
            if flight is None:
                flight = self._compiling[key] = _InFlight()
        if not mine:
            if flight.owner != threading.get_ident():   # the same thread asks again: no waiting
                flight.done.wait()
                if flight.entry is not None:
                    self.hits += 1          # compiled once, by the other thread
                    return flight.entry
            return compile()[1]     # it failed there: fail here with this thread's own error
        try:
            stored_key, flight.entry = compile()
            self.put(stored_key, flight.entry)
            return flight.entry
        finally:
            with self._lock:
                del self._compiling[key]
            flight.done.set()

    def put(self, key: Key, entry: Any) -> None:
        with self._lock:
            variants = self.entries.setdefault(key, [])
            variants.insert(0, entry)
            del variants[VARIANTS:]
            self.entries.move_to_end(key)
            self._evict()

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def resize(self, size: int) -> None:
        with self._lock:
            self.size = _check_size(size)
            self._evict()

    def _evict(self) -> None:
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
            self.evictions += 1

    def last_key(self) -> Optional[Key]:
        """The most recently used signature (what a log's reason compares with), or None."""
        try:
            return next(reversed(self.entries))
        except (StopIteration, RuntimeError):
            return None


class _InFlight:
    def __init__(self) -> None:
        self.owner = threading.get_ident()
        self.done = threading.Event()
        self.entry: Any = None


def log(message: str, *args: object) -> None:
    """Log a compile event as one line whatever names it shows: a function, class or key name
    holding a newline (or another line break) cannot start a forged line of its own."""
    if logger.isEnabledFor(logging.INFO):
        text = message % args
        logger.info('%s', ''.join(c if c.isprintable() else repr(c)[1:-1] for c in text))


def set_log_level(level: str) -> None:
    """How much the compiler logs (logger 'autograph').

    Args:
        level: 'compiles' logs every compilation and its reason (a new signature, a changed global,
            a Parameter that changed shape...); 'warning' (the default) is quiet.

    Returns:
        None.

    Example:
        >>> import autograph
        >>> autograph.set_log_level('compiles')
        >>> autograph.set_log_level('warning')
    """
    levels = {'compiles': logging.INFO, 'info': logging.INFO, 'debug': logging.DEBUG,
              'warning': logging.WARNING, 'quiet': logging.WARNING}
    if level not in levels:
        raise ValueError(f"log level must be one of {sorted(levels)}, got {level!r}")
    logger.setLevel(levels[level])
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter('autograph: %(message)s'))
        logger.addHandler(handler)


if os.environ.get('AUTOGRAPH_LOG'):
    try:
        set_log_level(os.environ['AUTOGRAPH_LOG'])
    except ValueError as e:     # a typo in the environment must not stop `import autograph`
        import warnings
        warnings.warn(f"AUTOGRAPH_LOG: {e}; logging stays off", RuntimeWarning, stacklevel=2)


def spec(arg: Any, dynamic_floats: bool) -> Any:
    """The part of an argument that a compilation depends on."""
    kind = type(arg)
    if kind is Tensor:
        data = arg._data
        return data.shape, data.dtype
    if kind is np.ndarray:
        return 'A', arg.shape, arg.dtype
    if kind is float and dynamic_floats:
        return 'F'
    if kind is Parameter:
        return 'P', id(arg), arg._data.shape, arg._data.dtype
    if isinstance(arg, np.generic):
        return 'A', (), arg.dtype
    if isinstance(arg, Value):
        return ('P', id(arg.param)) if arg.param is not None else ('V',), arg.shape, arg.dtype
    if isinstance(arg, (bool, int, float, str, type(None))):
        return 'S', type(arg), arg
    if isinstance(arg, Tensor):  # a subclass
        return spec(Tensor._wrap(arg._data), dynamic_floats)
    if isinstance(arg, (tuple, list)):
        return type(arg).__name__, tuple(spec(item, dynamic_floats) for item in arg)
    if isinstance(arg, dict):
        return type(arg).__name__, tuple((key, spec(item, dynamic_floats)) for key, item in arg.items())
    if engines.is_foreign(arg):     # another library's array (engines.py)
        return engines.spec(arg)
    raise TypeError(f"cannot pass a {type(arg).__name__} to a compiled function; pass Tensors, "
                    "numpy arrays or Python numbers")


def describe(key: Key, names: Sequence[str]) -> str:
    return ', '.join(_describe_one(name, item) for name, item in zip(names, key))


def _describe_one(name: str, item: Any) -> str:
    if item[0] in ('tuple', 'list', 'dict', 'Keywords'):
        return f'{name}: {item[0]}'
    if item == 'F':
        return f'{name}: float'
    if item[0] == 'S':
        return f'{name}={item[2]!r}'
    shape, dtype = item[-2], item[-1]
    engine = f'{item[1]} ' if item[0] == 'E' else ''
    return f'{name}: {engine}{np.dtype(dtype).name}{list(shape)}'


def reason(previous: Optional[Key], key: Key, names: Sequence[str]) -> str:
    """Why `key` needed a compilation, compared with `previous`, the signature used last (one
    comparison, whatever the size of the cache)."""
    if previous is None:
        return 'first call'
    closest = previous
    changes = []
    for name, old, new in zip(names, closest, key):
        if old == new:
            continue
        if new != 'F' and old != 'F' and new[0] == 'S' and old[0] == 'S':
            changes.append(f'argument {name} changed from {old[2]!r} to {new[2]!r}')
        elif new != 'F' and old != 'F' and new[0] != 'S' and old[0] != 'S' and new[-2] != old[-2]:
            changes.append(f'{name}.shape changed from {tuple(old[-2])} to {tuple(new[-2])}')
        elif new != 'F' and old != 'F' and new[0] != 'S' and old[0] != 'S' and new[-1] != old[-1]:
            changes.append(f'{name}.dtype changed from {old[-1]} to {new[-1]}')
        else:
            changes.append(f'argument {name} changed kind')
    if len(key) != len(closest):
        changes.append(f'{len(key)} arguments instead of {len(closest)}')
    return '; '.join(changes) or 'a signature seen before, dropped from the cache since'
