"""Linear-algebra kernels that NumPy lacks in the calling convention of primitives
(`kernel(*arrays, **params)`)."""
import numpy as np


def einsum(*operands, equation):
    """np.einsum with the equation as a keyword; contractions of two or more operands take the
    BLAS path (optimize=True), a single operand does not need it."""
    return np.einsum(equation, *operands, optimize=len(operands) > 1)
