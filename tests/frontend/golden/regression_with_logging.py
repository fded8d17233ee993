import numpy as np


def regression_with_logging_value_and_grad(w, x, y, lr):
    # for step in range(steps):
    w_1 = w
    transpose_saved = []
    err_saved = []
    w_saved = []
    for step in range(5):
        w_saved.append(w_1)
        # err = x @ w - y
        err = x @ w_1 - y
        # loss = ops.mean(err * err)
        loss = np.mean(err * err)
        # if loss > 1e6:
        if loss > 1000000.0:
            # print('diverging at step', step, 'loss', loss)
            print('diverging at step', step, 'loss', loss)
        # w = w - lr * (x.T @ err)
        transpose = np.transpose(x)
        w_1 = w_1 - lr * (transpose @ err)
        transpose_saved.append(transpose)
        err_saved.append(err)
    # return ops.mean((x @ w - y) ** 2)
    sub = x @ w_1 - y
    out = np.mean(sub ** 2)
    # grad of: return ops.mean((x @ w - y) ** 2)
    dt = 0.5 * sub
    dy = -dt
    dw = dt @ x
    dx = np.reshape(dt, shape=(4, 1)) * w_1
    # grad of: for step in range(steps):
    for transpose_1, err_1, w_2 in zip(reversed(transpose_saved), reversed(err_saved), reversed(w_saved)):
        # grad of: w = w - lr * (x.T @ err)
        dt_1 = -dw
        dt_2 = dt_1 * lr
        derr = dt_2 @ transpose_1
        dt_3 = np.reshape(dt_2, shape=(3, 1)) * err_1
        add = dx + np.transpose(dt_3)
        # grad of: err = x @ w - y
        dy = dy - derr
        dx = add + np.reshape(derr, shape=(4, 1)) * w_2
        dw = dw + derr @ x
    return (out, (dw, dx, dy))
