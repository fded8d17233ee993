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
    mul = mean * matmul
    cast = np.asarray(matmul == np.reshape(amax, shape=(1,)), dtype=np.float64)
    dt_1 = mul + mul + np.reshape(mean, shape=(1,)) * (cast / np.sum(cast, keepdims=True)) + dt / 3
    # grad of: s = stats(x @ w)
    dx = w @ dt_1
    dw = np.reshape(x, shape=(3, 1)) * dt_1
    return (out, (dx, dw))
