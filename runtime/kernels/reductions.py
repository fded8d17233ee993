"""Reduction kernels NumPy lacks in the form a primitive calls them: `kernel(x, **params)`."""
import numpy as np


def vector_norm(x, ord=2.0, axis=None, keepdims=False):
    """The vector p-norm over `axis` (all axes for None): 2, 1, inf, -inf, 0 (count of non-zeros)
    or any other p as sum(|x|**p)**(1/p)."""
    a = np.abs(x)
    if ord == 2:
        return np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims))
    if ord == 1:
        return np.sum(a, axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return np.max(a, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return np.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(np.result_type(a.dtype, np.float16))
    return np.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1 / ord)
