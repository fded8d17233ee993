import numpy as np


def user_object_methods_value_and_grad(x, w, mean):
    # return (x - self.mean) / self.scale
    div = (x - mean) / 1.5
    # return ops.sum(ops.tanh(self.transform(x) @ w) ** 2)
    tanh = np.tanh(div @ w)
    sum_1 = np.sum(tanh ** 2)
    # return standardizer.loss(x, w) + ops.sum(standardizer.transform(x))
    out = sum_1 + np.sum(div)
    # grad of: return ops.sum(ops.tanh(self.transform(x) @ w) ** 2)
    dt = 2.0 * tanh
    dt_1 = dt * (1 - tanh * tanh)
    dt_2 = w @ dt_1
    dw = np.reshape(div, shape=(3, 1)) * dt_1
    # grad of: return (x - self.mean) / self.scale
    dt_3 = dt_2 / 1.5
    dx = 0.6666666666666666 + dt_3
    return (out, (dx, dw))
