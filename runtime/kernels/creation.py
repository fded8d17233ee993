"""Kernels of the creation family that NumPy lacks: random draws (behind dropout and the random
creation ops). A draw with a seed makes its generator from that seed, so it gives the same numbers
on every call. A draw with seed=None takes the next numbers of one stream shared by eager and
compiled code: `reseed` (which `autograph.set_seed` calls) restarts it, so two runs that make the
same draws in the same order get the same numbers; unseeded, the stream starts from the operating
system's entropy."""
import threading

import numpy as np

_stream = np.random.default_rng()
_lock = threading.Lock()


def reseed(seed=None):
    """Restart the shared stream from `seed` (anything `np.random.default_rng` takes), or from fresh
    entropy (None)."""
    global _stream
    with _lock:
        _stream = np.random.default_rng(seed)


def _draw(seed, how):
    if seed is not None:
        return how(np.random.default_rng(seed))
    with _lock:
        return how(_stream)


def randn(shape, seed=None, dtype=np.float32):
    """Standard normal samples."""
    return _draw(seed, lambda g: g.standard_normal(shape, dtype=dtype))


def rand(shape, seed=None, dtype=np.float32):
    """Uniform samples in [0, 1)."""
    return _draw(seed, lambda g: g.random(shape, dtype=dtype))


def bernoulli(shape, p=0.5, seed=None, dtype=np.float32):
    """1 with probability p, else 0."""
    return _draw(seed, lambda g: (g.random(shape) < p).astype(dtype))
