"""Automatic differentiation as IR -> IR transformations."""
from .reverse import reverse
