"""MindSpore's automatic-differentiation tutorial, on autograph.

A one-layer linear model z = x @ w + b with a binary cross-entropy loss, differentiated four ways
(plain, with several outputs, with stop_gradient, with auxiliary outputs), then the same model
as an nn.Cell differentiated with respect to its Parameters. With np.random.seed(0) the printed
numbers are the ones MindSpore 2.10 prints for the same program.

Run:  python examples/autodiff_tutorial.py
"""
import numpy as np

import autograph
from autograph import nn, ops, Tensor, Parameter

np.random.seed(0)

x = ops.ones(5, autograph.float32)   # input
y = ops.zeros(3, autograph.float32)  # target
w = Parameter(Tensor(np.random.randn(5, 3), autograph.float32), name='w')
b = Parameter(Tensor(np.random.randn(3,), autograph.float32), name='b')


def function(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss


print('loss:', repr(function(x, y, w, b)))

# Gradients with respect to inputs 2 and 3 (w and b).
grad_fn = autograph.grad(function, (2, 3))
print('\ngrad of loss w.r.t. (w, b):', grad_fn(x, y, w, b))


def function_with_logits(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, z


# Several outputs: the gradient is that of their sum.
grad_fn = autograph.grad(function_with_logits, (2, 3))
print('\ngrad of loss + sum(z):', grad_fn(x, y, w, b))


def function_stop_gradient(x, y, w, b):
    z = ops.matmul(x, w) + b
    loss = ops.binary_cross_entropy_with_logits(z, y, ops.ones_like(z), ops.ones_like(z))
    return loss, ops.stop_gradient(z)


# stop_gradient cuts z out of the gradient again.
grad_fn = autograph.grad(function_stop_gradient, (2, 3))
print('\ngrad with stop_gradient(z):', grad_fn(x, y, w, b))

# has_aux: only the first output is differentiated; the rest comes back beside the gradients.
grad_fn = autograph.grad(function_with_logits, (2, 3), has_aux=True)
grads, (z,) = grad_fn(x, y, w, b)
print('\ngrad with has_aux:', grads, '\naux z:', z)


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


# The Cell's Parameters are the weights; no input position is differentiated.
grad_fn = autograph.value_and_grad(forward_fn, None, weights=model.trainable_params())
loss, grads = grad_fn(x, y)
print('\nCell: loss', loss, 'grads', grads)

# The adjoint is ordinary Python source.
print('\n' + autograph.get_source(grad_fn))
