"""Tensor's delayed initialisation, from_numpy, byte attributes, and the sparse containers
(CSRTensor, COOTensor), as MindSpore's Tensor tutorial uses them."""
import numpy as np
import pytest

import autograph
from autograph import COOTensor, CSRTensor, Tensor
from autograph.common.initializer import Normal, One


def test_tensor_with_shape_dtype_and_init():
    ones = Tensor(shape=(2, 2), dtype=autograph.float32, init=One())
    assert ones.dtype == autograph.float32 and ones.asnumpy().tolist() == [[1, 1], [1, 1]]
    normal = Tensor(shape=[3], dtype=autograph.float64, init=Normal(sigma=0.01))
    assert normal.shape == (3,) and normal.dtype == autograph.float64 and np.abs(normal.asnumpy()).max() < 0.1
    assert Tensor(shape=2, dtype=autograph.int32, init=7).asnumpy().tolist() == [7, 7]
    with pytest.raises(ValueError, match="'init' needs 'shape' and 'dtype'"):
        Tensor(shape=(2,), init=One())
    with pytest.raises(ValueError, match="can not be given together"):
        Tensor([1.0], autograph.float32, shape=(1,), init=One())


def test_from_numpy_shares_memory_and_byte_attributes():
    n = np.ones(5)
    t = Tensor.from_numpy(n)
    np.add(n, 1, out=n)
    assert t.asnumpy().tolist() == [2.0] * 5
    with pytest.raises(TypeError, match="numpy.ndarray"):
        Tensor.from_numpy([1, 2])
    x = Tensor(np.array([[1, 2], [3, 4]]), autograph.int32)
    assert (x.itemsize, x.nbytes, x.strides) == (4, 16, (8, 4))


def test_coo_tensor():
    coo = COOTensor(Tensor([[0, 1], [1, 2]], autograph.int32), Tensor([1, 2], autograph.float32), (3, 4))
    assert coo.values.asnumpy().tolist() == [1, 2] and coo.indices.asnumpy().tolist() == [[0, 1], [1, 2]]
    assert coo.shape == (3, 4) and coo.dtype == autograph.float32
    as64 = coo.astype(autograph.float64)
    assert as64.dtype == autograph.float64 and coo.dtype == autograph.float32
    dense = np.zeros((3, 4), np.float32)
    dense[0, 1], dense[1, 2] = 1, 2
    np.testing.assert_array_equal(coo.to_dense().asnumpy(), dense)
    with pytest.raises(ValueError, match="'indices' must be integers of shape"):
        COOTensor(Tensor([0, 1]), Tensor([1.0, 2.0]), (3, 4))


def test_csr_tensor():
    csr = CSRTensor(Tensor([0, 1, 2]), Tensor([0, 1]), Tensor([1, 2], dtype=autograph.float32), (2, 4))
    assert csr.astype(autograph.float64).dtype == autograph.float64
    np.testing.assert_array_equal(csr.to_dense().asnumpy(), [[1, 0, 0, 0], [0, 2, 0, 0]])
    np.testing.assert_array_equal(csr.to_coo().to_dense().asnumpy(), csr.to_dense().asnumpy())
    with pytest.raises(ValueError, match="only 2-D"):
        CSRTensor(Tensor([0, 1]), Tensor([0]), Tensor([1.0]), (1, 2, 3))
    with pytest.raises(ValueError, match="'indptr' must be 3 integers"):
        CSRTensor(Tensor([0, 2]), Tensor([0, 1]), Tensor([1.0, 2.0]), (2, 4))
