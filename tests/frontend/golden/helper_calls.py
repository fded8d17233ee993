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
    mul = dt * sub
    dt_1 = mul + mul
    # grad of: return cosine_similarity(a @ w, b) + l2_norm(a - b)
    neg = -dt_1
    # grad of: return v / l2_norm(v)
    add = neg + div / sqrt_1
    dt_2 = np.sum(-div * div_1 / sqrt_1, axis=0)
    # grad of: return ops.sqrt(ops.sum(v * v) + 1e-12)
    dt_3 = dt_2 / (2 * sqrt_1)
    mul_1 = dt_3 * b
    db = add + mul_1 + mul_1
    # grad of: return v / l2_norm(v)
    div_2 = div_1 / sqrt
    dt_4 = np.sum(-div_1 * div / sqrt, axis=0)
    # grad of: return ops.sqrt(ops.sum(v * v) + 1e-12)
    dt_5 = dt_4 / (2 * sqrt)
    mul_2 = dt_5 * matmul
    dt_6 = div_2 + mul_2 + mul_2
    # grad of: return cosine_similarity(a @ w, b) + l2_norm(a - b)
    dw = np.reshape(a, shape=(3, 1)) * dt_6
    da = dt_1 + w @ dt_6
    return (out, (da, db, dw))
