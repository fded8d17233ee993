import numpy as np
from runtime.kernels import index_add, index_add_to


def unpacking_and_augmented_value_and_grad(x, w):
    # mean, (var, top) = moments(x @ w)
    matmul = x @ w
    # mean = ops.mean(v)
    mean = np.mean(matmul)
    # centered = v - mean
    centered = matmul - mean
    # return mean, (ops.mean(centered * centered), ops.amax(centered))
    var = np.mean(centered * centered)
    top = np.max(centered)
    # y = (x - mean) / ops.sqrt(var + 1e-3)
    sqrt = np.sqrt(var + 0.001)
    y = (x - mean) / sqrt
    # y += top * scale
    y_1 = y + top * 0.5
    # y *= y
    y_2 = y_1 * y_1
    # first, rest = y[0], y[1:]
    first = y_2[0]
    rest = y_2[1:]
    # return first + ops.sum(rest)
    out = first + np.sum(rest)
    # grad of: return first + ops.sum(rest)
    dout = np.ones((), dtype=np.float64)
    drest = np.ones((2,), dtype=np.float64)
    # grad of: first, rest = y[0], y[1:]
    dy = index_add_to(index_add(drest, index=np.s_[1:], shape=(3,)), dout, index=np.s_[0])
    # grad of: y *= y
    mul = dy * y_1
    dy_1 = mul + mul
    # grad of: y += top * scale
    dt = np.sum(dy_1, axis=0)
    dtop = dt * 0.5
    # grad of: y = (x - mean) / ops.sqrt(var + 1e-3)
    dt_1 = dy_1 / sqrt
    dt_2 = np.sum(-dy_1 * y / sqrt, axis=0)
    dt_3 = dt_2 / (2 * sqrt)
    sum_1 = np.sum(-dt_1, axis=0)
    # grad of: return mean, (ops.mean(centered * centered), ops.amax(centered))
    cast = np.asarray(centered == np.reshape(top, shape=(1,)), dtype=np.float64)
    mul_1 = dt_3 / 3 * centered
    dcentered = np.reshape(dtop, shape=(1,)) * (cast / np.sum(cast, keepdims=True)) + mul_1 + mul_1
    # grad of: centered = v - mean
    dmean = sum_1 + np.sum(-dcentered, axis=0)
    # grad of: mean = ops.mean(v)
    dt_4 = dcentered + dmean / 3
    # grad of: mean, (var, top) = moments(x @ w)
    dw = np.reshape(x, shape=(3, 1)) * dt_4
    dx = dt_1 + w @ dt_4
    return (out, (dx, dw))
