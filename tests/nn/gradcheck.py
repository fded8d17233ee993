"""Gradients of a Cell, compiled, against central differences in float64: with respect to its
inputs and to each of its trainable Parameters, of the scalar sum(out * r) for a fixed random r
(for every output, when the Cell returns several)."""
import numpy as np

import autograph
from autograph import Tensor
from tests.numerics import central_difference_at


def _weights(outs, rng):
    return [rng.standard_normal(np.shape(o.asnumpy())) for o in outs]


def _all(out):
    return (out,)


def check_cell_grads(net, *inputs, outputs=_all, rtol=1e-5, atol=1e-7):
    """`outputs` picks the output Tensors from what the Cell returns, as a tuple."""
    net.to_float(autograph.float64)
    inputs = [np.asarray(x, np.float64) for x in inputs]
    rng = np.random.default_rng(0)
    r = [Tensor(w) for w in _weights(outputs(net(*[Tensor(x) for x in inputs])), rng)]

    def scalar(*xs):
        outs = outputs(net(*xs))
        total = 0.0
        for o, w in zip(outs, r):
            total = total + (o * w).sum()
        return total

    params = net.trainable_params()
    grad_fn = autograph.grad(scalar, tuple(range(len(inputs))), params)
    input_grads, param_grads = grad_fn(*[Tensor(x) for x in inputs])
    input_grads = input_grads if isinstance(input_grads, tuple) else (input_grads,)

    def numeric(*xs):
        return float(scalar(*[Tensor(x) for x in xs]).asnumpy())

    expected = central_difference_at(numeric, inputs, range(len(inputs)))
    for got, want in zip(input_grads, expected):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=rtol, atol=atol)
    for param, got in zip(params, param_grads):
        original = param._data.copy()

        def of_param(p, param=param):
            param._data = p
            try:
                return numeric(*inputs)
            finally:
                param._data = original
        want, = central_difference_at(of_param, [original], [0])
        np.testing.assert_allclose(got.asnumpy(), want, rtol=rtol, atol=atol, err_msg=param.name)
    return net
