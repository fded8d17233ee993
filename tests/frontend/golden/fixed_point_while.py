import numpy as np


def fixed_point_while_value_and_grad(x, w):
    # z = ops.zeros_like(x)
    z = np.zeros((3,), dtype=np.float64)
    # delta = ops.sum(x * x) + 1.0
    delta = np.sum(x * x) + 1.0
    # while delta > 1e-4:
    sub_saved = []
    z_new_saved = []
    z_saved = []
    while delta > 0.0001:
        z_saved.append(z)
        # z_new = ops.tanh(z @ w + x)
        z_new = np.tanh(z @ w + x)
        # delta = ops.sum(ops.abs(z_new - z))
        sub = z_new - z
        delta = np.sum(np.absolute(sub))
        sub_saved.append(sub)
        z_new_saved.append(z_new)
        z = z_new
    # return ops.sum(z)
    out = np.sum(z)
    # grad of: return ops.sum(z)
    dz = np.ones((3,), dtype=np.float64)
    # grad of: while delta > 1e-4:
    full = np.zeros((), dtype=np.float64)
    dw = np.zeros((3, 3), dtype=np.float64)
    dx = np.zeros((3,), dtype=np.float64)
    ddelta = full
    for sub_1, z_new_1, z_1 in zip(reversed(sub_saved), reversed(z_new_saved), reversed(z_saved)):
        # grad of: delta = ops.sum(ops.abs(z_new - z))
        dt = ddelta * np.sign(sub_1)
        neg = -dt
        dz_new = dz + dt
        # grad of: z_new = ops.tanh(z @ w + x)
        dt_1 = dz_new * (1 - z_new_1 * z_new_1)
        dx = dx + dt_1
        dz = neg + w @ dt_1
        dw = dw + np.reshape(z_1, shape=(3, 1)) * dt_1
        ddelta = full
    # grad of: delta = ops.sum(x * x) + 1.0
    mul = ddelta * x
    dx_1 = dx + mul + mul
    return (out, (dx_1, dw))
