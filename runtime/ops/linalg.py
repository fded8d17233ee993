"""Linear-algebra ops: products, matrix functions and diagonals, with MindSpore's names, the
Tensor methods MindSpore has, and the NumPy functions (`np.dot`, `np.einsum`, `np.linalg.inv`, ...)."""
import numpy as np

from ..primitives import linalg as P
from .shapes import reshape, swapaxes, transpose
from .common import aval_of, ndim_of, numpy_function, tensor_method
from .elementwise import mul


# ---------------------------------------------------------------- products
@tensor_method()
def matmul(input, other):
    """NumPy's matmul rules: batch axes broadcast; a 1-D operand is a row (left) or column
    (right) vector."""
    return P.matmul.bind(input, other)


@tensor_method()
def dot(input, other):
    """MindSpore's ops.dot (np.dot's rule): contracts the last axis of `input` with the
    second-to-last axis of `other` (its only axis when 1-D); other axes are kept in order,
    input's then other's. MindSpore asks for rank >= 2; lower ranks follow np.dot here."""
    nx, ny = ndim_of(input), ndim_of(other)
    if nx == 0 or ny == 0:
        return mul(input, other)
    if nx <= 2 and ny <= 2:
        return matmul(input, other)
    return tensor_dot(input, other, ((nx - 1,), (max(ny - 2, 0),)))


@tensor_method()
def outer(input, vec2):
    """(n,) x (m,) -> (n, m); like np.outer, other shapes are flattened first."""
    return P.outer.bind(input, vec2)


def tensor_dot(x1, x2, axes):
    """Sum over `axes`: an int k (the last k axes of x1 with the first k of x2) or a pair
    (axes of x1, axes of x2), each an int or a sequence."""
    n1, n2 = ndim_of(x1), ndim_of(x2)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(n1, n2):
            raise ValueError(f"tensor_dot: axes={axes} is not between 0 and the dimensions of "
                             f"{aval_of(x1)[0]} and {aval_of(x2)[0]}")
        pair = (tuple(range(n1 - axes, n1)), tuple(range(axes)))
    else:
        first, second = axes
        pair = (_axes(first, n1, aval_of(x1)[0]), _axes(second, n2, aval_of(x2)[0]))
    return P.tensordot.bind(x1, x2, axes=pair)


def _axes(axes, ndim, shape):
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"tensor_dot: axis {a} is out of bounds for shape {shape}")
    return tuple(int(a) % ndim for a in axes)


def einsum(equation, *operands):
    """Einstein summation, e.g. einsum('bij,bjk->bik', x, y); `...` broadcasts. An index
    repeated within one operand (a trace or diagonal) is refused: use ops.trace/ops.diagonal.
    The sublist form is not supported."""
    if not isinstance(equation, str):
        raise TypeError("ops.einsum takes the equation string first: einsum('ij,jk->ik', x, y) "
                        "(the sublist form is not supported)")
    shapes = [aval_of(x)[0] for x in operands]
    return P.einsum.bind(*operands, equation=P.canonical_einsum(equation, shapes))


# ---------------------------------------------------------------- matrix functions
@tensor_method()
def inverse(input):
    """Inverse of each square matrix in the last two axes."""
    return P.inverse.bind(input)


@tensor_method()
def det(input):
    """Determinant of each square matrix in the last two axes."""
    return P.det.bind(input)


matrix_determinant = det


def matrix_solve(matrix, rhs, adjoint=False):
    """x with matrix @ x = rhs for matrices (..., M, M) and rhs (..., M, K); adjoint=True solves
    with the transposed matrices. MindSpore asks for equal ranks; here batch axes broadcast and a
    1-D rhs (M,) is one vector, as in np.linalg.solve."""
    if adjoint:
        matrix = swapaxes(matrix, -1, -2)
    return P.solve.bind(matrix, rhs)


@tensor_method()
def cholesky(input_x, upper=False):
    """L (lower, input = L L^T) or U (upper=True, input = U^T U) for symmetric positive-definite
    matrices. As NumPy does, only the lower triangle is read (the upper one when upper=True), and
    the gradient says so: it is zero on the other triangle."""
    return P.cholesky.bind(input_x, upper=bool(upper))


# ---------------------------------------------------------------- diagonals
@tensor_method()
def trace(input):
    """Sum of the main diagonal of a matrix (MindSpore's ops.trace takes 2-D input only)."""
    if ndim_of(input) != 2:
        raise ValueError(f"trace takes a 2-D matrix, got shape {aval_of(input)[0]}; np.trace "
                         "takes axis1/axis2 for more dimensions")
    return P.trace.bind(input, offset=0, axis1=0, axis2=1)


@tensor_method()
def diag(input):
    """MindSpore's ops.diag: a 1-D input becomes the diagonal of a matrix; an input of shape
    (D1, ..., Dk) gives shape (D1, ..., Dk, D1, ..., Dk) with output[i..., i...] = input[i...].
    (To read the diagonal of a matrix use ops.diagonal or np.diag.)"""
    shape = aval_of(input)[0]
    if not shape:
        raise ValueError("diag takes an array of at least 1 dimension, got a scalar")
    if len(shape) == 1:
        return P.diag.bind(input, k=0)
    size = int(np.prod(shape))
    return reshape(P.diag.bind(reshape(input, (size,)), k=0), shape + shape)


@tensor_method()
def diagonal(input, offset=0, dim1=0, dim2=1):
    """The `offset`-th diagonal of a matrix, as a 1-D array (2-D input only here)."""
    shape = aval_of(input)[0]
    if len(shape) != 2:
        raise ValueError(f"diagonal supports 2-D input only, got shape {shape}")
    d1, d2 = dim1 % 2, dim2 % 2
    if d1 == d2:
        raise ValueError(f"diagonal: dim1={dim1} and dim2={dim2} name the same axis")
    if (d1, d2) == (1, 0):
        input = transpose(input)
    return P.diag.bind(input, k=int(offset))


# ---------------------------------------------------------------- NumPy's spellings
numpy_function(np.matmul)(matmul)
numpy_function(np.outer)(lambda a, b, out=None: outer(a, b))


@numpy_function(np.dot)
def _numpy_dot(a, b, out=None):
    return dot(a, b)


@numpy_function(np.inner)
def _numpy_inner(a, b):
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return mul(a, b)
    return tensor_dot(a, b, ((na - 1,), (nb - 1,)))


@numpy_function(np.tensordot)
def _numpy_tensordot(a, b, axes=2):
    return tensor_dot(a, b, axes)


@numpy_function(np.einsum)
def _numpy_einsum(subscripts, *operands, out=None, dtype=None, optimize=False, **unused):
    if dtype is not None:
        raise TypeError("np.einsum(dtype=...) is not supported in compiled code; cast the operands")
    return einsum(subscripts, *operands)


numpy_function(np.linalg.inv)(lambda a: inverse(a))
numpy_function(np.linalg.det)(lambda a: det(a))


@numpy_function(np.linalg.solve)
def _numpy_solve(a, b):
    return P.solve.bind(a, b)


@numpy_function(np.linalg.cholesky)
def _numpy_cholesky(a, upper=False):
    return cholesky(a, upper)


@numpy_function(np.trace)
def _numpy_trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    ndim = ndim_of(a)
    if ndim < 2 or not (-ndim <= axis1 < ndim and -ndim <= axis2 < ndim):
        raise ValueError(f"np.trace: axes {axis1} and {axis2} do not fit shape {aval_of(a)[0]}")
    return P.trace.bind(a, offset=int(offset), axis1=axis1 % ndim, axis2=axis2 % ndim)


@numpy_function(np.diag)
def _numpy_diag(v, k=0):
    return P.diag.bind(v, k=int(k))


@numpy_function(np.diagonal)
def _numpy_diagonal(a, offset=0, axis1=0, axis2=1):
    return diagonal(a, offset, axis1, axis2)
