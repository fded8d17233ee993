import numpy as np


def huber_loss_value_and_grad(pred, target):
    # err = pred - target
    err = pred - target
    # small = ops.abs(err) < delta
    abs_1 = np.absolute(err)
    small = abs_1 < 0.5
    # return ops.mean(ops.where(small, 0.5 * err * err, delta * (ops.abs(err) - 0.5 * delta)))
    mul = 0.5 * err
    out = np.mean(np.where(small, mul * err, 0.5 * (abs_1 - 0.25)))
    # grad of: return ops.mean(ops.where(small, 0.5 * err * err, delta * (ops.abs(err) - 0.5 * delta)))
    dt = np.full(shape=(4,), fill_value=0.25, dtype=np.float64)
    dt_1 = np.where(small, dt, 0)
    dt_2 = np.where(small, 0, dt)
    dt_3 = dt_2 * 0.5
    dt_4 = dt_1 * err
    derr = dt_3 * np.sign(err) + dt_1 * mul + dt_4 * 0.5
    # grad of: err = pred - target
    dtarget = -derr
    return (out, (derr, dtarget))
