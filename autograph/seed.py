"""The global seed that `autograph.set_seed` sets, in one place that needs nothing else, so that
parameter initializers, Dropout and dataset shuffles all read the same value."""

_seed = None


def set_seed(seed):
    """Sets the global seed (a non-negative int), or clears it with None."""
    global _seed
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int) and not hasattr(seed, '__index__'):
            raise TypeError(f"The argument 'seed' must be type of int, but got {type(seed).__name__}.")
        seed = int(seed)
        if seed < 0:
            raise ValueError(f"The argument 'seed' must be non-negative, but got {seed}.")
    _seed = seed


def get_seed():
    """The global seed, or None when none was set."""
    return _seed
