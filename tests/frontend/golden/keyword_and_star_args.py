import numpy as np


def keyword_and_star_args_value_and_grad(x, w):
    # return v @ weight + shift
    sub = x @ w - 0.5
    # return ops.sum(ops.exp(affine(*args, weight=w, shift=-0.5)))
    exp = np.exp(sub)
    out = np.sum(exp)
    # grad of: return v @ weight + shift
    dx = w @ exp
    dw = np.reshape(x, shape=(3, 1)) * exp
    return (out, (dx, dw))
