import numpy as np


def learning_rate_schedule_value_and_grad(w, x, target):
    # err = x @ w - target
    err = x @ w - target
    # loss = ops.sum(err * err)
    loss = np.sum(err * err)
    # if loss > 1.0:
    if loss > 1.0:
        lr = 0.1
    else:
        lr = 0.01
    # momentum = 0.9 if loss > 2.0 else 0.5
    if loss > 2.0:
        momentum = 0.9
    else:
        momentum = 0.5
    # w = w - lr * momentum * (x.T @ err)
    mul = lr * momentum
    transpose = np.transpose(x)
    w_1 = w - mul * (transpose @ err)
    # return ops.sum((x @ w - target) ** 2)
    sub = x @ w_1 - target
    out = np.sum(sub ** 2)
    # grad of: return ops.sum((x @ w - target) ** 2)
    dt = 2.0 * sub
    neg = -dt
    dw = dt @ x
    mul_1 = np.reshape(dt, shape=(3, 1)) * w_1
    # grad of: w = w - lr * momentum * (x.T @ err)
    dt_1 = -dw
    dt_2 = dt_1 * mul
    derr = dt_2 @ transpose
    dt_3 = np.reshape(dt_2, shape=(3, 1)) * err
    add = mul_1 + np.transpose(dt_3)
    # grad of: err = x @ w - target
    dtarget = neg - derr
    dx = add + np.reshape(derr, shape=(3, 1)) * w
    dw_1 = dw + derr @ x
    return (out, (dw_1, dx, dtarget))
