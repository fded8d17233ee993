"""Every primitive, each declared once (kernel, shape/dtype rule, adjoint, tangent and batching
rules, samples, traits) in the module of its family; `core` says what a declaration holds.
Importing this package registers them all."""
from . import (activations, creation, elementwise, indexing, linalg, nn, reductions, shapes,  # noqa: F401
               state, subscript)
from .core import normalize_axis, unbroadcast  # noqa: F401
