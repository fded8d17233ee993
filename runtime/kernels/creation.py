"""Kernels of the creation family that NumPy lacks: random draws (behind dropout and the random
creation ops). Each draw makes its generator from `seed`: the same seed gives the same numbers on
every call; seed=None draws fresh numbers from the operating system's entropy at every call."""
import numpy as np


def randn(shape, seed=None, dtype=np.float32):
    """Standard normal samples."""
    return np.random.default_rng(seed).standard_normal(shape, dtype=dtype)


def rand(shape, seed=None, dtype=np.float32):
    """Uniform samples in [0, 1)."""
    return np.random.default_rng(seed).random(shape, dtype=dtype)


def bernoulli(shape, p=0.5, seed=None, dtype=np.float32):
    """1 with probability p, else 0."""
    return (np.random.default_rng(seed).random(shape) < p).astype(dtype)
