import numpy as np


def gradient_descent_value_and_grad(x0, a, b, lr):
    # for _ in range(steps):
    x = x0
    x_saved = []
    for _ in range(8):
        x_saved.append(x)
        # grad = a @ x - b
        grad = a @ x - b
        # x = x - lr * grad
        x = x - lr * grad
    # return ops.sum(x * x)
    out = np.sum(x * x)
    # grad of: return ops.sum(x * x)
    dx = x + x
    # grad of: for _ in range(steps):
    da = np.zeros((3, 3), dtype=np.float64)
    db = np.zeros((3,), dtype=np.float64)
    for x_1 in reversed(x_saved):
        # grad of: x = x - lr * grad
        dt = -dx
        dgrad = dt * lr
        # grad of: grad = a @ x - b
        db = db - dgrad
        da = da + np.reshape(dgrad, shape=(3, 1)) * x_1
        dx = dx + dgrad @ a
    return (out, (dx, da, db))
