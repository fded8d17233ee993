import numpy as np


def tower_of_layers_value_and_grad(x, layers_0_weight, layers_0_bias, layers_1_weight, layers_1_bias, layers_2_weight, layers_2_bias):
    # x = ops.tanh(layer(x) * gain)
    transpose = np.transpose(layers_0_weight)
    x_1 = np.tanh((x @ transpose + layers_0_bias) * 0.5)
    transpose_1 = np.transpose(layers_1_weight)
    x_2 = np.tanh(x_1 @ transpose_1 + layers_1_bias)
    transpose_2 = np.transpose(layers_2_weight)
    x_3 = np.tanh((x_2 @ transpose_2 + layers_2_bias) * 2.0)
    # return ops.sum(tower(x) ** 2)
    out = np.sum(x_3 ** 2)
    # grad of: return ops.sum(tower(x) ** 2)
    dx = 2.0 * x_3
    # grad of: x = ops.tanh(layer(x) * gain)
    dt = dx * (1 - x_3 * x_3)
    dt_1 = dt * 2.0
    dx_1 = transpose_2 @ dt_1
    dt_2 = dx_1 * (1 - x_2 * x_2)
    dx_2 = transpose_1 @ dt_2
    dt_3 = dx_2 * (1 - x_1 * x_1)
    dt_4 = dt_3 * 0.5
    dx_3 = transpose @ dt_4
    return (out, dx_3)
