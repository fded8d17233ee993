"""Linear algebra ops."""
from ..primitives import linalg as P


def matmul(input, other):
    return P.matmul.bind(input, other)
