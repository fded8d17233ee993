"""Kernels of the array families (reductions, shapes, indexing) that NumPy lacks."""
