import numpy as np


def dict_returning_helper_value_and_grad(x, w):
    # s = stats(x @ w)
    matmul = x @ w
    # return {'mean': ops.mean(v), 'max': ops.amax(v), 'energy': ops.sum(v * v)}
    mean = np.mean(matmul)
    amax = np.max(matmul)
    sum_1 = np.sum(matmul * matmul)
    # score = score + s[key]
    score = sum_1 + amax
    score_1 = score + mean
    # return score * s.get('mean', 1.0)
    out = score_1 * mean
    # grad of: score = score + s[key]
    dt = score_1 + mean
    # grad of: return {'mean': ops.mean(v), 'max': ops.amax(v), 'energy': ops.sum(v * v)}
    reshape = np.reshape(mean, shape=(1,))
    dt_1 = np.broadcast_to(reshape, shape=(3,))
    mul = dt_1 * matmul
    cast = np.asarray(matmul == np.reshape(amax, shape=(1,)), dtype=np.float64)
    dt_2 = mul + mul + reshape * (cast / np.sum(cast, keepdims=True)) + np.broadcast_to(np.reshape(dt / 3, shape=(1,)), shape=(3,))
    # grad of: s = stats(x @ w)
    dx = w @ dt_2
    dw = np.reshape(x, shape=(3, 1)) * dt_2
    return (out, (dx, dw))
