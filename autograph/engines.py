"""Array engines: the library that runs a compiled function, picked by the arrays passed in.

- NumPy arrays and Tensors run on NumPy, the generated code `codegen.emit` writes, exactly as
  before: nothing here is on their path (`cache.spec` and `compiler.is_array` ask this module
  only about arguments of types they do not know).
- An array of another library with the Python array API standard's namespace (a `dask.array`
  array, a CuPy array, an `array_api_strict` array, found by `array_api_compat`, imported the
  first time such an array arrives) runs on that library: the function is compiled to the array
  API dialect (`codegen.array_api`) and loaded with `xp` bound to the library's namespace.
  Results are that library's arrays; a dask computation stays lazy, for the user's scheduler.
  NumPy arrays and Tensors passed beside them (weights beside a dask batch), and the Parameters
  the code reads, are made the engine's arrays at each call (`xp.asarray`).

With `dynamic_dims` (dynamic.py), an engine's arrays have one compilation for every size of
the dynamic axes, as NumPy arrays do: the array API module is written for every size, its sizes
read from the arguments (`n = x.shape[0]`). A dask array with unknown chunk sizes has no size to
read, so it is refused (a TypeError: call its compute_chunk_sizes() first), as it is without.

The engine is part of the cache key (`spec`: its name, the shape and the dtype, which maps to
NumPy's of the same name), so a function has one compilation per engine, shape and dtype, and
`autograph.get_source(f, *args)` shows the code that engine runs.
"""
from collections.abc import Iterable
from typing import Any, NamedTuple, Optional

import numpy as np

from runtime.kernels.array_api import namespace_of, numpy_dtype
from runtime.tensor import Tensor
from .ir import Value

NUMPY = 'numpy'


class Engine(NamedTuple):
    name: str           # 'dask.array', 'cupy', 'array_api_strict'
    namespace: Any      # its array API namespace: what generated code calls `xp`


ANY = Engine('any array API namespace', None)
"""No library in particular: what `Transformed.compile(args, ANY)` compiles for an export (the
array API module, whose function binds `xp` itself from its arguments)."""

_PLAIN = frozenset({bool, int, float, complex, str, bytes, type(None), tuple, list, dict})
_FOREIGN: dict[type, bool] = {}         # type -> whether its objects are arrays of another library


def is_foreign(x: Any) -> bool:
    """Whether `x` is an array of an array API library other than NumPy (not a Tensor)."""
    kind = type(x)
    known = _FOREIGN.get(kind)
    if known is None:
        known = _FOREIGN[kind] = _is_array_api(x)
    return known


def _is_array_api(x: Any) -> bool:
    if type(x) in _PLAIN or isinstance(x, (np.ndarray, np.generic, Tensor, Value)) or \
            not (hasattr(x, 'shape') and hasattr(x, 'dtype')):
        return False
    try:
        import array_api_compat
    except ImportError:     # the standard's own protocol, without the compatibility layer
        return hasattr(x, '__array_namespace__')
    return bool(array_api_compat.is_array_api_obj(x))


def engine(x: Any) -> Engine:
    """The engine of an array of another library."""
    xp = namespace_of(x)
    name = getattr(xp, '__name__', type(x).__module__)
    return Engine(name.removeprefix('array_api_compat.'), xp)


def engine_of(leaves: Iterable[Any]) -> Optional[Engine]:
    """The engine of the arrays of other libraries among `leaves`, or None (NumPy). A TypeError
    when they come from two libraries."""
    found: Optional[Engine] = None
    for leaf in leaves:
        if is_foreign(leaf):
            this = engine(leaf)
            if found is not None and this.namespace is not found.namespace:
                raise TypeError(f"arrays of two libraries in one call ({found.name} and {this.name}); "
                                "pass arrays of one (NumPy arrays may go beside either)")
            found = this
    return found


def shape_of(x: Any) -> tuple[int, ...]:
    shape = tuple(x.shape)
    if not all(isinstance(n, (int, np.integer)) for n in shape):
        raise TypeError(f"a {type(x).__name__} of unknown shape {shape} (a dask array with unknown chunk "
                        "sizes: call its compute_chunk_sizes() first)")
    return tuple(int(n) for n in shape)


def dtype_of(x: Any) -> np.dtype[Any]:
    """NumPy's dtype of the same name as the array's."""
    dtype: np.dtype[Any] = numpy_dtype(x.dtype)
    return dtype


def spec(x: Any) -> tuple[Any, ...]:
    """The cache key of an array of another library: its engine, shape and dtype."""
    return 'E', engine(x).name, shape_of(x), dtype_of(x)


def to_engine(engine: Engine, x: Any) -> Any:
    """An argument as the generated code for `engine` takes it: NumPy arrays and Tensors (and
    NumPy scalars) become the engine's arrays; the engine's arrays and Python numbers stay."""
    if isinstance(x, Tensor):
        x = x._data
    if isinstance(x, (np.ndarray, np.generic)):
        return engine.namespace.asarray(x)
    return x
