import numpy as np


def containers_value_and_grad(x, w):
    # outs.append(ops.sin(x * (k + 1)))
    value = np.sin(x)
    mul = x * 3
    value_1 = np.sin(mul)
    # total = named.get('a') + named['b'] @ w
    total = value + value_1 @ w
    # total = total + value
    total_1 = total + value
    total_2 = total_1 + value_1
    # return ops.sum(total)
    out = np.sum(total_2)
    # grad of: return ops.sum(total)
    dtotal = np.ones((3,), dtype=np.float64)
    # grad of: total = named.get('a') + named['b'] @ w
    dw = np.reshape(value_1, shape=(3, 1)) * dtotal
    dvalue = 1.0 + w @ dtotal
    # grad of: outs.append(ops.sin(x * (k + 1)))
    dt = dvalue * np.cos(mul)
    dt_1 = 2.0 * np.cos(x)
    dx = dt * 3 + dt_1
    return (out, (dx, dw))
