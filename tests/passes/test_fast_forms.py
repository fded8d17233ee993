"""The generated code takes NumPy's fast forms where the shapes allow: each rule on its own, its
values against eager code and its gradients against central differences in float64 (no timing:
the forms themselves are what is checked)."""
import numpy as np

import autograph
from autograph import ops
from tests.numerics import central_difference_at

RNG = np.random.default_rng(0)


def source_of(fn, *args):
    fn(*args)
    return autograph.get_source(fn, *args)


def check_grad(f, args, positions):
    """The compiled gradient of the scalar f equals central differences, in float64."""
    got = autograph.grad(f, positions)(*args)
    got = got if isinstance(got, tuple) else (got,)
    for g, want in zip(got, central_difference_at(f, args, positions)):
        np.testing.assert_allclose(np.asarray(g), want, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- matmul over an inner axis of 1
def outer(x, y):
    return ops.matmul(x, y)


def test_a_product_over_one_inner_element_is_a_broadcast_product():
    x, y = RNG.normal(size=(4, 1)), RNG.normal(size=(1, 3))
    source = source_of(autograph.jit(outer), x, y)
    assert 'x * y' in source and '@' not in source
    np.testing.assert_allclose(autograph.jit(outer)(x, y), x @ y, rtol=1e-12)


def test_a_stacked_product_over_one_inner_element_broadcasts_its_stacks():
    x, y = RNG.normal(size=(2, 4, 1)), RNG.normal(size=(5, 1, 1, 3))
    assert '@' not in source_of(autograph.jit(outer), x, y)
    np.testing.assert_allclose(autograph.jit(outer)(x, y), x @ y, rtol=1e-12)


def batch_one_layer(w, x):
    return ops.sum(ops.tanh(ops.matmul(x, w)))


def test_the_weight_gradient_of_a_batch_of_one_is_an_outer_product():
    w, x = RNG.normal(size=(5, 3)), RNG.normal(size=(1, 5))
    source = source_of(autograph.grad(batch_one_layer), w, x)
    assert 'x.T * ' in source
    check_grad(batch_one_layer, (w, x), (0, 1))


def vector_times_row(v, y):
    return ops.sum(ops.matmul(v, y) ** 2)


def test_vectors_keep_the_matrix_product():
    """A 1-D operand of length 1 gives a result of another shape than the broadcast product."""
    v, y = RNG.normal(size=(1,)), RNG.normal(size=(1, 3))
    assert 'v @ y' in source_of(autograph.jit(vector_times_row), v, y)
    check_grad(vector_times_row, (v, y), (0, 1))


# ---------------------------------------------------------------- transposes
def transposes(a):
    return ops.transpose(ops.exp(a)), ops.transpose(a[None], (1, 0, 2)), ops.transpose(a[:, None], (2, 1, 0))


def test_a_reversing_transpose_is_written_as_the_attribute():
    a = RNG.normal(size=(3, 2))
    source = source_of(autograph.jit(transposes), a)
    assert 'np.exp(a).T' in source and 'a[:, None].T' in source
    assert 'np.transpose(a[None], axes=(1, 0, 2))' in source
    for got, want in zip(autograph.jit(transposes)(a), (np.exp(a).T, a[None].transpose(1, 0, 2), a[:, None].T)):
        np.testing.assert_array_equal(got, want)
