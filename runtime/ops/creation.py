"""Ops that make arrays: fills (full, ones, zeros and their `_like` forms), ranges (arange,
linspace), eye, and random draws (randn, rand, their `_like` forms, normal, uniform, bernoulli).

Random draws take an explicit `seed`. Inside compiled code, as eagerly, the same seed gives the
same numbers on every call: pass a different seed for fresh numbers. seed=None draws fresh numbers
from the operating system at every call (MindSpore's stateful generators have no counterpart
here)."""
import numpy as np

from ..primitives import creation as P
from ..tensor import ArrayMethods, Tensor
from .common import aval_of, dtype_arg, numpy_function, shape_arg, tensor_method
from .shapes import broadcast_to
from .elementwise import add, cast, mul, sub


def full(size, fill_value, dtype=None):
    """An array of shape `size` filled with fill_value (float32 unless dtype says otherwise). A
    fill value known only when the code runs (a 0-d Tensor inside compiled code) is broadcast."""
    shape, dtype = shape_arg(size), dtype_arg(dtype)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if _symbolic(fill_value):
        return broadcast_to(cast(fill_value, dtype), shape)
    return P.full.bind(shape=shape, fill_value=fill_value, dtype=dtype)


def ones(shape, dtype=None):
    return full(shape, 1, dtype)


def zeros(shape, dtype=None):
    return full(shape, 0, dtype)


@numpy_function(np.full_like)
def full_like(input, fill_value, dtype=None):
    shape, own = aval_of(input)
    return full(shape, fill_value, own if dtype is None else dtype)


@numpy_function(np.ones_like)
def ones_like(input, dtype=None):
    return full_like(input, 1, dtype)


@numpy_function(np.zeros_like)
def zeros_like(input, dtype=None):
    return full_like(input, 0, dtype)


@numpy_function(np.ones)
def _numpy_ones(shape, dtype=None):
    return full(shape, 1, np.float64 if dtype is None else dtype)


@numpy_function(np.zeros)
def _numpy_zeros(shape, dtype=None):
    return full(shape, 0, np.float64 if dtype is None else dtype)


@numpy_function(np.full)
def _numpy_full(shape, fill_value, dtype=None):
    if dtype is None:
        dtype = aval_of(fill_value)[1] if _symbolic(fill_value) else np.asarray(fill_value).dtype
    return full(shape, fill_value, dtype)


# ---------------------------------------------------------------- ranges
def _number(value, what):
    """A Python number from a number or a concrete 0-d Tensor; compiled values are refused."""
    if isinstance(value, Tensor):
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        got = ("a Tensor, whose value is known only when the code runs" if _symbolic(value)
               else type(value).__name__)
        raise TypeError(f"{what} must be a number known at compile time, got {got}")
    return value


def arange(start=0, end=None, step=1, *, dtype=None):
    """[start, end) by step; arange(n) counts from 0. The dtype defaults to int64 when start, end
    and step are ints and to float32 otherwise (MindSpore's rule)."""
    start, step = _number(start, 'arange: start'), _number(step, 'arange: step')
    if end is None:
        start, end = 0, start
    end = _number(end, 'arange: end')
    if dtype is None:
        dtype = np.int64 if all(isinstance(v, int) for v in (start, end, step)) else np.float32
    return P.arange.bind(start=start, stop=end, step=step, dtype=dtype_arg(dtype))


def linspace(start, end, steps):
    """`steps` evenly spaced float32 numbers from start to end, both included. start and end may
    be values known only when the code runs (0-d Tensors inside compiled code): then the result is
    computed as start + (end - start) * i / (steps - 1)."""
    steps = _number(steps, 'linspace: steps')
    if not isinstance(steps, int) or steps < 0:
        raise TypeError(f"linspace: steps must be a non-negative int, got {steps!r}")
    if _symbolic(start) or _symbolic(end):
        fraction = arange(steps, dtype=np.float32) / max(steps - 1, 1)
        return add(start, mul(sub(end, start), fraction))
    return P.linspace.bind(start=float(_number(start, 'linspace: start')),
                           stop=float(_number(end, 'linspace: end')), num=steps,
                           dtype=np.dtype(np.float32))


def _int(value, what):
    """A size known when compiling; int() of a compiled value would fail with a message about
    indexing."""
    if _symbolic(value):
        raise TypeError(f"{what} must be a Python int known when compiling, not a Tensor, whose "
                        "value is known only when the code runs")
    return int(value)


def _symbolic(value):
    """A value of compiled code (known only when it runs)."""
    return isinstance(value, ArrayMethods) and not isinstance(value, Tensor)


def eye(n, m=None, dtype=None, *, k=0):
    """An n x m matrix (m defaults to n) of zeros with ones on the diagonal; float32 by default.
    k (an addition to MindSpore's signature, as np.eye has it) shifts the diagonal."""
    return P.eye.bind(N=_int(n, 'n'), M=None if m is None else _int(m, 'm'), k=_int(k, 'k'),
                      dtype=dtype_arg(dtype))


@numpy_function(np.arange)
def _numpy_arange(start, stop=None, step=None, dtype=None):
    if stop is None:
        start, stop = 0, start
    start, stop = _number(start, 'np.arange: start'), _number(stop, 'np.arange: stop')
    step = 1 if step is None else _number(step, 'np.arange: step')
    if dtype is None:
        dtype = np.int64 if all(isinstance(v, int) for v in (start, stop, step)) else np.float64
    return P.arange.bind(start=start, stop=stop, step=step, dtype=dtype_arg(dtype))


@numpy_function(np.linspace)
def _numpy_linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if retstep or axis != 0:
        raise TypeError("np.linspace(retstep=True) and axis= are not supported in compiled code")
    params = {} if endpoint else {'endpoint': False}
    return P.linspace.bind(start=float(_number(start, 'np.linspace: start')),
                           stop=float(_number(stop, 'np.linspace: stop')), num=int(num),
                           dtype=dtype_arg(dtype, np.float64), **params)


@numpy_function(np.eye)
def _numpy_eye(N, M=None, k=0, dtype=float, order='C'):
    return P.eye.bind(N=_int(N, 'N'), M=None if M is None else _int(M, 'M'), k=_int(k, 'k'),
                      dtype=_numpy_dtype(dtype))


@numpy_function(np.identity)
def _numpy_identity(n, dtype=None):
    return P.eye.bind(N=_int(n, 'n'), M=None, k=0, dtype=_numpy_dtype(dtype))


@numpy_function(np.tri)
def _numpy_tri(N, M=None, k=0, dtype=float):
    """Ones on and below the k-th diagonal (NumPy's np.tri)."""
    return P.tri.bind(N=_int(N, 'N'), M=None if M is None else _int(M, 'M'), k=_int(k, 'k'),
                      dtype=_numpy_dtype(dtype))


def _numpy_dtype(dtype):
    """NumPy's dtype rules (float is float64), not MindSpore's (float is float32)."""
    return np.dtype(np.float64) if dtype is None or dtype is float else dtype_arg(dtype)


# ---------------------------------------------------------------- random draws
def _seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be None or a non-negative int, got {seed!r}")
    return int(seed)


def _size(size):
    return shape_arg(size[0] if len(size) == 1 and not isinstance(size[0], (int, np.integer)) else size)


def _random_dtype(dtype):
    dtype = dtype_arg(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"random draws are float32 or float64, not {dtype}")
    return dtype


def randn(*size, seed=None, dtype=None):
    """Standard normal samples of shape `size` (randn(2, 3) or randn((2, 3))); float32 unless
    dtype says otherwise."""
    return P.randn.bind(shape=_size(size), seed=_seed(seed), dtype=_random_dtype(dtype))


def rand(*size, seed=None, dtype=None):
    """Uniform samples in [0, 1) of shape `size`."""
    return P.rand.bind(shape=_size(size), seed=_seed(seed), dtype=_random_dtype(dtype))


def randn_like(input, seed=None, dtype=None):
    """Standard normal samples in the shape (and, by default, the float dtype) of `input`."""
    shape, own = aval_of(input)
    return P.randn.bind(shape=shape, seed=_seed(seed), dtype=_random_dtype(own if dtype is None else dtype))


def rand_like(input, seed=None, dtype=None):
    """Uniform samples in [0, 1) in the shape (and, by default, the float dtype) of `input`."""
    shape, own = aval_of(input)
    return P.rand.bind(shape=shape, seed=_seed(seed), dtype=_random_dtype(own if dtype is None else dtype))


def _broadcast_draw(shape, params):
    shapes = [shape_arg(shape)] + [aval_of(p)[0] for p in params]
    dtypes = [aval_of(p)[1] for p in params if not isinstance(p, (int, float))]
    dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.float32)
    return np.broadcast_shapes(*shapes), (dtype if dtype.kind == 'f' else np.dtype(np.float32))


def normal(shape, mean, stddev, seed=None):
    """mean + stddev * z, z standard normal, in the shape of `shape` broadcast with mean and
    stddev; differentiable in mean and stddev (the reparameterisation)."""
    out_shape, dtype = _broadcast_draw(shape, (mean, stddev))
    z = P.randn.bind(shape=out_shape, seed=_seed(seed), dtype=dtype)
    return add(mean, mul(stddev, z))


def uniform(shape, minval, maxval, seed=None, dtype=None):
    """minval + (maxval - minval) * u, u uniform in [0, 1); float results only."""
    out_shape, own = _broadcast_draw(shape, (minval, maxval))
    u = P.rand.bind(shape=out_shape, seed=_seed(seed), dtype=own if dtype is None else _random_dtype(dtype))
    return add(minval, mul(sub(maxval, minval), u))


@tensor_method()
def bernoulli(input, p=0.5, seed=None):
    """1 with probability p, else 0, in the shape and dtype of `input`."""
    shape, dtype = aval_of(input)
    if not 0 <= p <= 1:
        raise ValueError(f"bernoulli: p must be in [0, 1], got {p}")
    return P.bernoulli.bind(shape=shape, p=float(p), seed=_seed(seed), dtype=dtype)
