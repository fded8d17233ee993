"""Ops that make arrays: full, ones, zeros and their `_like` forms."""
import numpy as np

from ..primitives import creation as P
from .common import aval_of, dtype_arg, numpy_function, shape_arg


def full(size, fill_value, dtype=None):
    return P.full.bind(shape=shape_arg(size), fill_value=fill_value, dtype=dtype_arg(dtype))


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
