import numpy as np


def helper_calls_value_and_grad(a, b, w):
    # return cosine_similarity(a @ w, b) + l2_norm(a - b)
    matmul = a @ w
    # return ops.sqrt(ops.sum(v * v) + 1e-12)
    sqrt = np.sqrt(np.sum(matmul * matmul) + 1e-12)
    # return v / l2_norm(v)
    div = matmul / sqrt
    # return ops.sqrt(ops.sum(v * v) + 1e-12)
    sqrt_1 = np.sqrt(np.sum(b * b) + 1e-12)
    # return v / l2_norm(v)
    div_1 = b / sqrt_1
    # return ops.sum(normalize(a) * normalize(b))
    sum_1 = np.sum(div * div_1)
    # return cosine_similarity(a @ w, b) + l2_norm(a - b)
    sub = a - b
    # return ops.sqrt(ops.sum(v * v) + 1e-12)
    sqrt_2 = np.sqrt(np.sum(sub * sub) + 1e-12)
    # return cosine_similarity(a @ w, b) + l2_norm(a - b)
    out = sum_1 + sqrt_2
    # grad of: return ops.sqrt(ops.sum(v * v) + 1e-12)
    dt = 1.0 / (2 * sqrt_2)
    dt_1 = np.broadcast_to(np.reshape(dt, shape=(1,)), shape=(3,))
    mul = dt_1 * sub
    dt_2 = mul + mul
    # grad of: return cosine_similarity(a @ w, b) + l2_norm(a - b)
    neg = -dt_2
    # grad of: return v / l2_norm(v)
    add = neg + div / sqrt_1
    dt_3 = np.sum(-div * div_1 / sqrt_1, axis=0)
    # grad of: return ops.sqrt(ops.sum(v * v) + 1e-12)
    dt_4 = dt_3 / (2 * sqrt_1)
    dt_5 = np.broadcast_to(np.reshape(dt_4, shape=(1,)), shape=(3,))
    mul_1 = dt_5 * b
    db = add + mul_1 + mul_1
    # grad of: return v / l2_norm(v)
    div_2 = div_1 / sqrt
    dt_6 = np.sum(-div_1 * div / sqrt, axis=0)
    # grad of: return ops.sqrt(ops.sum(v * v) + 1e-12)
    dt_7 = dt_6 / (2 * sqrt)
    dt_8 = np.broadcast_to(np.reshape(dt_7, shape=(1,)), shape=(3,))
    mul_2 = dt_8 * matmul
    dt_9 = div_2 + mul_2 + mul_2
    # grad of: return cosine_similarity(a @ w, b) + l2_norm(a - b)
    dw = np.reshape(a, shape=(3, 1)) * dt_9
    da = dt_2 + w @ dt_9
    return (out, (da, db, dw))
