import numpy as np


def feature_dict_value_and_grad(x, w):
    # features[name] = fn(x @ w)
    matmul = x @ w
    value = np.sin(matmul)
    value_1 = np.cos(matmul)
    value_2 = np.tanh(matmul)
    # total = features['sin'] * features['cos']
    total = value * value_1
    # total = total + value
    total_1 = total + value_1
    total_2 = total_1 + value_2
    # return ops.sum(total) + len(features)
    out = np.sum(total_2) + 3
    # grad of: total = features['sin'] * features['cos']
    dvalue = 1.0 + value
    # grad of: features[name] = fn(x @ w)
    sub = 1 - value_2 * value_2
    reshape = np.reshape(x, shape=(3, 1))
    dt = -dvalue * value
    dt_1 = value_1 * value_1
    dx = w @ sub + w @ dt + w @ dt_1
    dw = reshape * sub + reshape * dt + reshape * dt_1
    return (out, (dx, dw))
