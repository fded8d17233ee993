import numpy as np
from runtime.kernels import index_add


def embedding_lookup_value_and_grad(table, ids, w):
    # rows = table[ids]   # repeated ids: the adjoint adds their gradients up
    rows = table[ids]
    # return ops.sum(ops.tanh(rows @ w))
    tanh = np.tanh(rows @ w)
    out = np.sum(tanh)
    # grad of: return ops.sum(ops.tanh(rows @ w))
    sub = 1 - tanh * tanh
    drows = sub @ np.transpose(w)
    dw = np.transpose(rows) @ sub
    # grad of: rows = table[ids]   # repeated ids: the adjoint adds their gradients up
    dtable = index_add(drows, index=np.s_[ids], shape=(4, 3))
    return (out, (dtable, dw))
