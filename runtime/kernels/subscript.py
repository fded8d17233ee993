"""Kernels for `x[index]` and its adjoint."""
