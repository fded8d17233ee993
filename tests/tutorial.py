"""The autodiff tutorial's model, shared by the tests: the oracle test runs it against MindSpore's
numbers, the golden tests check the source generated for it. Weights are drawn as the tutorial
draws them (np.random.seed(0)), so values match seed_oracle.json."""
import numpy as np

import autograph
from autograph import Parameter, Tensor, nn, ops

np.random.seed(0)
x = ops.ones(5, autograph.float32)
y = ops.zeros(3, autograph.float32)
w = Parameter(Tensor(np.random.randn(5, 3), autograph.float32), name='w')
b = Parameter(Tensor(np.random.randn(3,), autograph.float32), name='b')


def function(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


def function_with_logits(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, z


def function_stop_gradient(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, ops.stop_gradient(z)


def function_3out(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, z, 2 * z


class Network(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = w
        self.b = b

    def construct(self, x):
        z = ops.matmul(x, self.w) + self.b
        return z


model = Network()
loss_fn = nn.BCEWithLogitsLoss()


def forward_fn(x, y):
    z = model(x)
    loss = loss_fn(z, y)
    return loss


def forward_fn_aux(x, y):
    z = model(x)
    loss = loss_fn(z, y)
    return loss, z
