"""Kernels of the neural-network family (convolution, pooling, normalisation, dropout)."""
