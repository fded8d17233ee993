import numpy as np


def arithmetic_operators_value_and_grad(x, y):
    # a = (x + y) * (x - y) / (1.5 + y * y)
    add = x + y
    sub = x - y
    add_1 = 1.5 + y * y
    a = add * sub / add_1
    # b = -a ** 2 + x @ y
    b = -a ** 2 + x @ y
    # c = x % 1.0 + y // 0.25   # floor division is piecewise constant: no gradient through it
    c = np.remainder(x, 1.0) + np.floor_divide(y, 0.25)
    # return ops.sum(b + c * a)
    out = np.sum(b + c * a)
    # grad of: b = -a ** 2 + x @ y
    mul = 3.0 * x
    add_2 = a + 3.0 * y
    da = c + -2.0 * a
    # grad of: a = (x + y) * (x - y) / (1.5 + y * y)
    dt = da / add_1
    dt_1 = -da * a / add_1
    mul_1 = dt_1 * y
    dt_2 = dt * sub
    dt_3 = dt * add
    dx = add_2 + dt_3 + dt_2
    dy = mul + mul_1 + mul_1 - dt_3 + dt_2
    return (out, (dx, dy))
