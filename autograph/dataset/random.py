"""Where random transforms draw from. `map` hands each row a generator of its own (seeded from the
pipeline's seed, the pass and the row's number) through a thread-local, so a seeded pipeline
gives the same values however many threads map it. A transform called outside a pipeline draws
from a generator seeded once from the global seed."""
import contextlib
import threading

import numpy as np

_local = threading.local()
_lock = threading.Lock()
_fallback = {}


@contextlib.contextmanager
def row_generator(seed):
    """Within this block, `generator()` on this thread is default_rng(seed) (seed None: none)."""
    previous = getattr(_local, 'rng', None)
    _local.rng = None if seed is None else np.random.default_rng(seed)
    try:
        yield
    finally:
        _local.rng = previous


def generator(seed):
    """The row's generator inside a seeded pipeline, else a shared one for `seed` (None: fresh
    entropy), guarded by a lock since NumPy's generators are not thread-safe."""
    rng = getattr(_local, 'rng', None)
    if rng is not None:
        return rng
    with _lock:
        if seed not in _fallback:
            _fallback[seed] = _Locked(np.random.default_rng(seed))
        return _fallback[seed]


class _Locked:
    def __init__(self, rng):
        self._rng = rng

    def random(self, *args, **kwargs):
        with _lock:
            return self._rng.random(*args, **kwargs)

    def integers(self, *args, **kwargs):
        with _lock:
            return self._rng.integers(*args, **kwargs)
