import numpy as np
from runtime.kernels import log_softmax, relu


def mlp_loss_grad(x, labels, w1, b1, w2, b2):
    # h = ops.relu(x @ w1 + b1)
    add = x @ w1 + b1
    h = relu(add)
    # logits = h @ w2 + b2
    logits = h @ w2 + b2
    # return -ops.mean(ops.sum(labels * ops.log_softmax(logits, axis=-1), axis=-1))
    log_softmax_1 = log_softmax(logits)
    # grad of: return -ops.mean(ops.sum(labels * ops.log_softmax(logits, axis=-1), axis=-1))
    dt = -0.25 * labels
    dlogits = dt - np.exp(log_softmax_1) * np.sum(dt, axis=1, keepdims=True)
    # grad of: logits = h @ w2 + b2
    db2 = np.sum(dlogits, axis=0)
    dh = dlogits @ np.transpose(w2)
    dw2 = np.transpose(h) @ dlogits
    # grad of: h = ops.relu(x @ w1 + b1)
    dt_1 = dh * (add > 0)
    db1 = np.sum(dt_1, axis=0)
    dw1 = np.transpose(x) @ dt_1
    return (dw1, db1, dw2, db2)
