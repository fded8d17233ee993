import numpy as np


def piecewise_energy_value_and_grad(x):
    # r = ops.sqrt(ops.sum(x * x))
    r = np.sqrt(np.sum(x * x))
    # if r < 0.5:
    less = r < 0.5
    if less:
        # e = r * r
        e = r * r
        less_1 = None
        div = None
    else:
        # elif r < 1.5:
        less_2 = r < 1.5
        if less_2:
            # e = r - 0.25
            e = r - 0.25
            div = None
        else:
            # e = ops.log(r / 1.5) + 1.25
            div_1 = r / 1.5
            e = np.log(div_1) + 1.25
            div = div_1
        less_1 = less_2
    # return e * ops.sum(ops.sin(x))
    sum_1 = np.sum(np.sin(x))
    out = e * sum_1
    # grad of: return e * ops.sum(ops.sin(x))
    mul = e * np.cos(x)
    # grad of: if r < 0.5:
    if less:
        # grad of: e = r * r
        mul_1 = sum_1 * r
        dr = mul_1 + mul_1
    else:
        # grad of: elif r < 1.5:
        if less_1:
            dr = sum_1
        else:
            # grad of: e = ops.log(r / 1.5) + 1.25
            dt = sum_1 / div
            dr = dt / 1.5
    # grad of: r = ops.sqrt(ops.sum(x * x))
    dt_1 = dr / (2 * r)
    mul_2 = dt_1 * x
    dx = mul + mul_2 + mul_2
    return (out, dx)
