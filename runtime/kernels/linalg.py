"""Linear-algebra kernels that NumPy lacks."""
