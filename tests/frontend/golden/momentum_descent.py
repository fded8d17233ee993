import numpy as np


def momentum_descent_value_and_grad(x0, target, lr):
    # velocity = ops.zeros_like(x0)
    velocity = np.zeros((3,), dtype=np.float64)
    # for _ in range(steps):
    x = x0
    grad_saved = []
    for _ in range(6):
        # grad = ops.tanh(x - target)
        grad = np.tanh(x - target)
        # velocity = beta * velocity + grad
        velocity_1 = 0.9 * velocity + grad
        # x = x - lr * velocity
        x = x - lr * velocity_1
        grad_saved.append(grad)
        velocity = velocity_1
    # return ops.sum((x - target) ** 2)
    sub = x - target
    out = np.sum(sub ** 2)
    # grad of: return ops.sum((x - target) ** 2)
    dt = 2.0 * sub
    dtarget = -dt
    # grad of: for _ in range(steps):
    dvelocity = np.zeros((3,), dtype=np.float64)
    dx = dt
    for grad_1 in reversed(grad_saved):
        # grad of: x = x - lr * velocity
        dt_1 = -dx
        dvelocity_1 = dvelocity + dt_1 * lr
        # grad of: velocity = beta * velocity + grad
        dvelocity = dvelocity_1 * 0.9
        # grad of: grad = ops.tanh(x - target)
        dt_2 = dvelocity_1 * (1 - grad_1 * grad_1)
        dx = dx + dt_2
        dtarget = dtarget - dt_2
    return (out, (dx, dtarget))
