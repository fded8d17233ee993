"""Boolean masks outside compiled code, as MindSpore's PyNative mode has them: `x[mask]` gives the
selected elements (a shape that depends on the data) and `x[mask] = v` writes them in place, with
Tensor, NumPy and list masks, alone, over leading axes, or among other indices. Against NumPy's
boolean indexing."""
import numpy as np
import pytest

from autograph import Tensor, ops

RNG = np.random.default_rng(11)
X = RNG.uniform(-2, 2, (3, 4, 2))


@pytest.mark.parametrize('index', [
    lambda x: x > 0,                                     # a full mask
    lambda x: x.sum((1, 2)) > 0,                         # over the leading axis
    lambda x: x[:, :, 0] > 0,                            # over the two leading axes
    lambda x: (slice(None), np.array([True, False, True, True])),
    lambda x: (Ellipsis, np.array([False, True])),
    lambda x: (1, np.array([True, False, False, True])),
    lambda x: [True, False, True],                      # a list of bools is a mask too
], ids=['full', 'rows', 'two axes', 'after a slice', 'after ...', 'after an int', 'list'])
def test_getitem_with_a_mask_matches_numpy(index):
    x = Tensor(X)
    tensor_index = index(x)
    numpy_index = index(X)
    got = x[tensor_index]
    assert isinstance(got, Tensor)
    np.testing.assert_array_equal(got.asnumpy(), X[numpy_index])


def test_tensor_mask_numpy_mask_and_masked_selection_agree():
    x = Tensor(X)
    mask = x > 0.5
    np.testing.assert_array_equal(x[mask].asnumpy(), X[X > 0.5])
    np.testing.assert_array_equal(x[mask.asnumpy()].asnumpy(), X[X > 0.5])
    assert x[mask].shape == (int(np.sum(X > 0.5)),)             # the shape depends on the data
    assert float(ops.sum(x[mask])) == pytest.approx(X[X > 0.5].sum())
    assert float(x[mask].mean()) == pytest.approx(X[X > 0.5].mean())
    assert x[x > 100].shape == (0,)


def test_setitem_with_a_mask_writes_in_place():
    x = Tensor(X.copy())
    x[x < 0] = 0.0
    want = X.copy()
    want[want < 0] = 0.0
    np.testing.assert_array_equal(x.asnumpy(), want)
    rows = x.sum((1, 2)) > 2
    x[rows] = Tensor(np.full((4, 2), 7.0))
    want[want.sum((1, 2)) > 2] = 7.0
    np.testing.assert_array_equal(x.asnumpy(), want)


def test_a_mask_of_the_wrong_shape_is_an_index_error():
    with pytest.raises(IndexError, match='boolean mask of shape'):
        Tensor(X)[np.array([True, False])]
