import numpy as np


def gaussian_log_likelihood_value_and_grad(x, mu):
    # var = ops.mean((x - mu) ** 2)
    sub = x - mu
    pow_1 = sub ** 2
    var = np.mean(pow_1)
    # assert var > 0, 'the variance must be positive'
    if not np.all(var > 0):
        raise AssertionError('the variance must be positive')
    # return -0.5 * ops.sum((x - mu) ** 2) / var - 0.5 * x.shape[0] * ops.log(var)
    div = -0.5 * np.sum(pow_1) / var
    out = div - 1.5 * np.log(var)
    # grad of: return -0.5 * ops.sum((x - mu) ** 2) / var - 0.5 * x.shape[0] * ops.log(var)
    dt = 1.0 / var
    dvar = -1.5 / var + -div / var
    dt_1 = dt * -0.5
    dt_2 = np.broadcast_to(dt_1, shape=(3,))
    dt_3 = dt_2 * 2 * sub
    neg = -dt_3
    # grad of: var = ops.mean((x - mu) ** 2)
    dt_4 = np.broadcast_to(dvar / 3, shape=(3,))
    dt_5 = dt_4 * 2 * sub
    dx = dt_3 + dt_5
    dmu = neg - dt_5
    return (out, (dx, dmu))
