import numpy as np


def cell_list_loop_value_and_grad(x, layers_0_weight, layers_0_bias, layers_1_weight, layers_1_bias):
    # x = ops.tanh(self.layers[i](x))
    transpose = np.transpose(layers_0_weight)
    x_1 = np.tanh(x @ transpose + layers_0_bias)
    transpose_1 = np.transpose(layers_1_weight)
    x_2 = np.tanh(x_1 @ transpose_1 + layers_1_bias)
    # return ops.sum(stack(x))
    out = np.sum(x_2)
    # grad of: x = ops.tanh(self.layers[i](x))
    dx = transpose_1 @ (1 - x_2 * x_2)
    dt = dx * (1 - x_1 * x_1)
    dx_1 = transpose @ dt
    return (out, dx_1)
