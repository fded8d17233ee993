import numpy as np
from runtime.kernels import index_add, index_add_to


def slicing_forms_value_and_grad(x):
    # evens = x[..., ::2]
    evens = x[..., ::2]
    # shifted = x[1:, None]
    shifted = x[1:, None]
    # return ops.sum(evens * evens) + ops.sum(shifted * x[:-1, None])
    getitem = x[:-1, None]
    out = np.sum(evens * evens) + np.sum(shifted * getitem)
    # grad of: return ops.sum(evens * evens) + ops.sum(shifted * x[:-1, None])
    index_add_1 = index_add(shifted, index=np.s_[:-1, None], shape=(4, 3))
    devens = evens + evens
    # grad of: shifted = x[1:, None]
    index_add_to_1 = index_add_to(index_add_1, getitem, index=np.s_[1:, None])
    # grad of: evens = x[..., ::2]
    dx = index_add_to(index_add_to_1, devens, index=np.s_[..., ::2])
    return (out, dx)
