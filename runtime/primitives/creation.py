"""Primitives that make arrays from parameters alone: fills, ranges, identity-like matrices and
random draws. None is differentiable.

Random primitives take their seed as a param: the same seed gives the same numbers on every call,
eagerly and in compiled code; seed=None draws fresh numbers at every call. They are declared
`random`: two draws with seed=None are different draws even when their params agree, so
common-subexpression elimination must not merge them. Having no operands, none has a batching rule."""
import math

import numpy as np

from .. import kernels
from ..kernels import array_api as standard
from .batching import NO_OPERANDS
from .core import Aval, defprim


def _full_rule(shape, fill_value, dtype):
    return Aval(tuple(shape), np.dtype(dtype))


def _arange_rule(start, stop, step=1, dtype=None):
    if step == 0:
        raise ValueError("arange: step must not be zero")
    n = max(0, math.ceil((stop - start) / step))        # NumPy's length rule
    if dtype is None:
        dtype = np.int64 if all(isinstance(v, int) for v in (start, stop, step)) else np.float64
    return Aval((n,), np.dtype(dtype))


def _linspace_rule(start, stop, num=50, endpoint=True, dtype=None):
    if num < 0:
        raise ValueError(f"linspace: the number of steps must be non-negative, got {num}")
    return Aval((int(num),), np.dtype(np.float64 if dtype is None else dtype))


def _eye_rule(N, M=None, k=0, dtype=float):
    if N < 0 or (M is not None and M < 0):
        raise ValueError(f"eye: negative dimensions {N}, {M}")
    return Aval((N, N if M is None else M), np.dtype(dtype))


def _random_rule(shape, seed=None, dtype=np.float32, **p):
    if seed is not None and seed < 0:
        raise ValueError(f"the seed must be a non-negative int, got {seed}")
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"random draws are float32 or float64, not {np.dtype(dtype)}")
    return Aval(tuple(shape), np.dtype(dtype))


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_NONE = {'vjp': None, 'jvp': None, 'batch': NO_OPERANDS}      # no operands, no derivatives
full = defprim('full', np.full, _full_rule, **_NONE, fresh=True,
               samples=[((), {'shape': (2, 3), 'fill_value': 1.5, 'dtype': _F32})],
               array_api='full(shape, fill_value)')
arange = defprim('arange', np.arange, _arange_rule, **_NONE,
                 samples=[((), {'start': 0, 'stop': 5, 'step': 1, 'dtype': np.dtype(np.int64)}),
                          ((), {'start': 1.0, 'stop': 2.0, 'step': 0.25, 'dtype': _F32}),
                          ((), {'start': 5, 'stop': -1, 'step': -2, 'dtype': _F64})],
                 array_api='arange(start, stop, step)')
linspace = defprim('linspace', np.linspace, _linspace_rule, **_NONE,
                   samples=[((), {'start': 0.0, 'stop': 1.0, 'num': 5, 'dtype': _F32}),
                            ((), {'start': -1.0, 'stop': 1.0, 'num': 4, 'endpoint': False, 'dtype': _F64})],
                   array_api='linspace(start, stop, num)')
eye = defprim('eye', np.eye, _eye_rule, **_NONE,
              samples=[((), {'N': 3, 'dtype': _F32}), ((), {'N': 2, 'M': 4, 'k': 1, 'dtype': _F64})],
              array_api='eye(N, M)')
tri = defprim('tri', np.tri, _eye_rule, **_NONE,
              samples=[((), {'N': 3, 'dtype': _F32}), ((), {'N': 2, 'M': 4, 'k': -1, 'dtype': _F64})],
              array_api=standard.tri)
randn = defprim('randn', kernels.randn, _random_rule, **_NONE, random=True,
                samples=[((), {'shape': (2, 3), 'seed': 0, 'dtype': _F32}),
                         ((), {'shape': (4,), 'seed': 7, 'dtype': _F64})], array_api=standard.randn)
rand = defprim('rand', kernels.rand, _random_rule, **_NONE, random=True,
               samples=[((), {'shape': (2, 3), 'seed': 0, 'dtype': _F32}),
                        ((), {'shape': (), 'seed': 3, 'dtype': _F64})], array_api=standard.rand)
bernoulli = defprim('bernoulli', kernels.bernoulli, _random_rule, **_NONE, random=True,
                    samples=[((), {'shape': (3, 4), 'p': 0.3, 'seed': 1, 'dtype': _F32})],
                    array_api=standard.bernoulli)
