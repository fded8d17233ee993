"""Automatic differentiation as IR -> IR transformations."""
from .forward import ForwardModeError, forward
from .reverse import reverse
