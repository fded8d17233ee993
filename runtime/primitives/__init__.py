"""Every primitive, each defined once (kernel, shape/dtype rule, adjoint rule, samples) in the module
of its family; `core` says what a definition holds. Importing this package registers them all."""
from . import (activations, creation, elementwise, indexing, linalg, nn, reductions, shapes,  # noqa: F401
               state, subscript)
from .core import SAMPLES, normalize_axis, unbroadcast  # noqa: F401
