"""Functions whose generated source is checked in (tests/codegen/golden/): each entry is a name,
the transformed function and example arguments."""
import numpy as np

import autograph
from autograph import Tensor, nn, ops

from tests.tutorial import b, forward_fn, function, function_with_logits, model, w, x, y  # noqa: F401

rng = np.random.default_rng(0)


def mlp_loss(x, labels, w1, b1, w2, b2):
    h = ops.relu(x @ w1 + b1)
    logits = h @ w2 + b2
    return -ops.mean(ops.sum(labels * ops.log_softmax(logits, axis=-1), axis=-1))


def batch_affine(x, w, b):
    y = ops.tanh(x @ w + b)
    return ops.sum(y * y)


def numpy_function(x, w):
    h = np.exp(x) * w
    return np.sum(h / (1.0 + h))


batch = rng.standard_normal((4, 6)).astype(np.float32)
labels = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
w1 = rng.standard_normal((6, 5)).astype(np.float32)
b1 = rng.standard_normal(5).astype(np.float32)
w2 = rng.standard_normal((5, 3)).astype(np.float32)
b2 = rng.standard_normal(3).astype(np.float32)

def subscripts(x, idx):
    a = x[1:, None]
    b = x[idx, ::2]
    return ops.sum(a * 2) + ops.sum(b ** 2) + ops.sum(x[-1] * x[0])


def layer_loss(x, w):
    return ops.sum(ops.tanh(x @ w) ** 2)


layer_grad = autograph.grad(layer_loss, 1)


def layer_grad_norm(x, w):
    """A second-order objective: the squared norm of a gradient (gradient penalty)."""
    g = layer_grad(x, w)
    return ops.sum(g * g)


@autograph.custom_vjp
def clipped_tanh(x):
    return ops.tanh(x)


def _clipped_tanh_fwd(x):
    y = ops.tanh(x)
    return y, y


def _clipped_tanh_bwd(y, dy):
    return (ops.clip((1 - y * y) * dy, -0.5, 0.5),)


clipped_tanh.defvjp(_clipped_tanh_fwd, _clipped_tanh_bwd)


def custom_vjp_loss(x, w):
    return ops.sum(clipped_tanh(x @ w) * 3)


def regression_loss(w, x, y):
    return ops.mean((ops.tanh(x @ w) - y) ** 2)


def tanh_layer(x, w):
    return ops.tanh(x @ w)


np.random.seed(0)
net = nn.SequentialCell(nn.Dense(6, 5, activation='relu'), nn.Dense(5, 3))

CASES = {
    'subscripts_value_and_grad': (autograph.value_and_grad(subscripts),
                                  (np.arange(12.).reshape(3, 4) / 5, np.array([0, 2, 2]))),
    'sequential_cell_grad': (autograph.grad(net, 0, weights=net.trainable_params()), (Tensor(batch),)),
    'function_jit': (autograph.jit(function), (x, y, w, b)),
    'function_grad': (autograph.grad(function, (2, 3)), (x, y, w, b)),
    'function_with_logits_grad_has_aux': (autograph.grad(function_with_logits, (2, 3), has_aux=True), (x, y, w, b)),
    'forward_fn_value_and_grad': (autograph.value_and_grad(forward_fn, None, weights=model.trainable_params()), (x, y)),
    'mlp_loss_grad': (autograph.grad(mlp_loss, (2, 3, 4, 5)), tuple(map(Tensor, (batch, labels, w1, b1, w2, b2)))),
    'batch_affine_value_and_grad': (autograph.value_and_grad(batch_affine, (0, 1, 2)),
                                    (batch.astype(np.float64), w1.astype(np.float64), b1[:1].astype(np.float64))),
    'layer_loss_grad': (layer_grad, (batch.astype(np.float64), w1.astype(np.float64))),
    'layer_grad_norm_grad': (autograph.grad(layer_grad_norm, 1), (batch.astype(np.float64), w1.astype(np.float64))),
    'custom_vjp_loss_grad': (autograph.grad(custom_vjp_loss, 1), (batch.astype(np.float64), w1.astype(np.float64))),
    'numpy_function_grad': (autograph.grad(numpy_function, (0, 1)),
                            (np.linspace(-1, 1, 6), np.linspace(0.5, 2, 6))),
    # per-example gradients: one batched adjoint, no loop over the examples
    'regression_loss_grad_vmap': (autograph.vmap(autograph.grad(regression_loss), in_axes=(None, 0, 0)),
                                  (w1.astype(np.float64)[:, :2], batch.astype(np.float64),
                                   labels.astype(np.float64)[:, :2])),
    # the Jacobian: the adjoint batched over the rows of an identity
    'tanh_layer_jacrev': (autograph.jacrev(tanh_layer), (batch.astype(np.float64)[0], w1.astype(np.float64))),
}
