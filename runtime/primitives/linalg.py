"""Linear algebra."""
import numpy as np

from .. import ops
from .core import Aval, defprim, unbroadcast

# ---------------------------------------------------------------- linear algebra
def _matmul_rule(x, y):
    xs, ys = x.shape, y.shape
    if not xs or not ys:
        raise ValueError("matmul does not take scalars; use mul")
    inner_x, inner_y = xs[-1], ys[-2] if len(ys) > 1 else ys[0]
    if inner_x != inner_y:
        raise ValueError(f"matmul: shapes {xs} and {ys} do not align ({inner_x} != {inner_y})")
    if len(xs) == 1 and len(ys) == 1:
        shape = ()
    elif len(ys) == 1:
        shape = xs[:-1]
    elif len(xs) == 1:
        shape = ys[:-2] + ys[-1:]
    else:
        shape = np.broadcast_shapes(xs[:-2], ys[:-2]) + (xs[-2], ys[-1])
    return Aval(shape, np.result_type(x.dtype, y.dtype))


def _matmul_vjp(g, x, y, out):
    """NumPy's matmul rules: a 1-D operand acts as a row (left) or column (right) vector."""
    if len(x.shape) == 1 and len(y.shape) == 1:
        return g * y, g * x
    if len(x.shape) == 1:                                   # (n) @ (..., n, m) -> (..., m)
        if len(y.shape) == 2:
            return ops.matmul(y, g), ops.expand_dims(x, -1) * g
        dx = ops.matmul(y, ops.expand_dims(g, -1))          # (..., n, 1)
        dx = unbroadcast(ops.reshape(dx, dx.shape[:-1]), x.shape)
        return dx, ops.expand_dims(x, -1) * ops.expand_dims(g, -2)
    if len(y.shape) == 1:                                   # (..., b, n) @ (n) -> (..., b)
        g_col = ops.expand_dims(g, -1)
        dy = ops.matmul(g, x) if len(x.shape) == 2 else unbroadcast(g_col * x, y.shape)
        return g_col * y, dy
    return ops.matmul(g, ops.swapaxes(y, -1, -2)), ops.matmul(ops.swapaxes(x, -1, -2), g)


matmul = defprim('matmul', np.matmul, _matmul_rule, _matmul_vjp,
                 [((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([[0.5, -1.2, 2.0], [1.0, 0.3, -0.4]]), np.array([0.2, -0.7, 1.1])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.array([0.2, -0.7, 1.1])), {}),
                  ((np.arange(12.).reshape(2, 2, 3) / 7, np.array([[1.5, 0.2], [-0.7, 1.1], [0.4, 0.9]])), {}),
                  ((np.array([0.5, -1.2, 2.0]), np.arange(12.).reshape(2, 3, 2) / 5), {}),
                  ((np.arange(12.).reshape(2, 2, 3) / 7, np.array([0.2, -0.7, 1.1])), {})],
                 infix='@')


