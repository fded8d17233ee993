import numpy as np
from runtime.kernels import sigmoid


def residual_mlp_eval_value_and_grad(x, body_0_dense_weight, body_0_dense_bias, body_1_dense_weight, body_1_dense_bias, head_weight, head_bias):
    # return self.head(self.body(x))
    transpose = np.transpose(body_0_dense_weight)
    tanh = np.tanh(x @ transpose + body_0_dense_bias)
    add = x + tanh
    transpose_1 = np.transpose(body_1_dense_weight)
    tanh_1 = np.tanh(add @ transpose_1 + body_1_dense_bias)
    sigmoid_1 = sigmoid(add + tanh_1)
    transpose_2 = np.transpose(head_weight)
    add_1 = sigmoid_1 @ transpose_2 + head_bias
    # return ops.sum(mlp_eval(x))
    out = np.sum(add_1)
    # grad of: return ops.sum(mlp_eval(x))
    full = np.ones((1,), dtype=np.float64)
    # grad of: return self.head(self.body(x))
    dt = transpose_2 @ full
    dt_1 = dt * sigmoid_1 * (1 - sigmoid_1)
    dt_2 = dt_1 * (1 - tanh_1 * tanh_1)
    dt_3 = dt_1 + transpose_1 @ dt_2
    dt_4 = dt_3 * (1 - tanh * tanh)
    dx = dt_3 + transpose @ dt_4
    return (out, dx)
