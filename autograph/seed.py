"""The global seed that `autograph.set_seed` sets, in one place that needs nothing else, so that
parameter initializers, Dropout and dataset shuffles all read the same value.

Setting it restarts two streams: the one initializers draw from (`initializer_generator`), and the
one every random draw without a seed of its own takes (Dropout's masks, eagerly and in compiled
code; `runtime.kernels.creation`). Two runs that set the same seed and then do the same things in
the same order therefore draw the same numbers."""
from typing import Optional

import numpy as np

from runtime.kernels import creation as _random_kernels

_seed = None
_initializer_stream = None


def set_seed(seed: Optional[int]) -> None:
    """Set the global seed that initializers, Dropout and dataset shuffles read (MindSpore's
    `set_seed`), or clear it with None.

    Args:
        seed: a non-negative int, or None.

    Returns:
        None.

    Example:
        >>> import autograph
        >>> autograph.set_seed(1)
        >>> autograph.get_seed()
        1
        >>> autograph.set_seed(None)
    """
    global _seed, _initializer_stream
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int) and not hasattr(seed, '__index__'):
            raise TypeError(f"The argument 'seed' must be type of int, but got {type(seed).__name__}.")
        seed = int(seed)
        if seed < 0:
            raise ValueError(f"The argument 'seed' must be non-negative, but got {seed}.")
    _seed = seed
    # Distinct streams for initializers and for run-time draws: a network built after set_seed
    # gets the same weights whatever the random ops drew before it.
    _initializer_stream = None if seed is None else np.random.default_rng([seed, 0])
    _random_kernels.reseed(None if seed is None else [seed, 1])


def get_seed() -> Optional[int]:
    """The global seed.

    Returns:
        The int given to `set_seed`, or None when none was set.

    Example:
        >>> import autograph
        >>> autograph.set_seed(7); autograph.get_seed()
        7
        >>> autograph.set_seed(None)
    """
    return _seed


def initializer_generator():
    """Where initial values come from: the stream `set_seed` started, or, with no seed set,
    NumPy's global generator (so `np.random.seed` also makes them reproducible). Either has
    `normal(loc, scale, size)` and `uniform(low, high, size)`."""
    return _initializer_stream if _initializer_stream is not None else np.random
