"""Activations over an axis."""
from ..primitives import activations as P
from ..primitives.core import normalize_axis
from .common import ndim_of


def log_softmax(logits, axis=-1):
    normalize_axis(axis, ndim_of(logits))
    return P.log_softmax.bind(logits, axis=axis)
