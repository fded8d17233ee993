"""Kernels of the elementwise family that NumPy lacks."""


def stop_gradient(x):
    return x
