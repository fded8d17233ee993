"""Elementwise kernels that NumPy lacks."""


def stop_gradient(x):
    return x
