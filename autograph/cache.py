"""The compile cache's keys, its statistics, and the compile log.

A compiled function is specialised to its call signature: the shape and dtype of each array
argument, and the value of each Python argument that decides control flow or shapes. Python
floats are not part of it: they become run-time inputs (weakly typed, as NumPy 2 treats them),
so a learning rate that changes every step does not recompile. If the code needs a float's value
at compile time, the function falls back to specialising on float values too.

`autograph.set_log_level('compiles')` (or the environment variable AUTOGRAPH_LOG=compiles) logs
each compilation with its reason: "first call", "x.shape changed from (5,) to (6,)",
"argument n changed from 3 to 4".
"""
import logging
import os
from typing import NamedTuple

import numpy as np

from runtime.tensor import Parameter, Tensor
from .ir import Value

logger = logging.getLogger('autograph')


class CacheInfo(NamedTuple):
    entries: int
    hits: int
    misses: int
    signatures: list    # one readable signature per entry, e.g. ['x: f32[5], n=3']


def set_log_level(level):
    """'compiles' logs every compilation and its reason; 'warning' (the default) is quiet."""
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
    set_log_level(os.environ['AUTOGRAPH_LOG'])


def spec(arg, dynamic_floats):
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
    raise TypeError(f"cannot pass a {type(arg).__name__} to a compiled function; pass Tensors, "
                    "numpy arrays or Python numbers")


def describe(key, names):
    return ', '.join(_describe_one(name, item) for name, item in zip(names, key))


def _describe_one(name, item):
    if item[0] in ('tuple', 'list', 'dict', 'Keywords'):
        return f'{name}: {item[0]}'
    if item == 'F':
        return f'{name}: float'
    if item[0] == 'S':
        return f'{name}={item[2]!r}'
    shape, dtype = item[-2], item[-1]
    return f'{name}: {np.dtype(dtype).name}{list(shape)}'


def reason(previous, key, names):
    """Why `key` needed a compilation, compared with the closest earlier signature."""
    if not previous:
        return 'first call'
    closest = min(previous, key=lambda old: sum(a != b for a, b in zip(old, key)) + abs(len(old) - len(key)))
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
    return '; '.join(changes) or 'a Parameter changed shape'
