"""Every NumPy integer and float dtype has MindSpore's name, in `.dtype` and in `repr`; a dtype
MindSpore has no name for still shows instead of raising."""
import numpy as np
import pytest

import autograph
from autograph import Tensor


@pytest.mark.parametrize('np_dtype, name', [
    (np.uint8, 'UInt8'), (np.uint16, 'UInt16'), (np.uint32, 'UInt32'), (np.uint64, 'UInt64'),
    (np.int8, 'Int8'), (np.int64, 'Int64'), (np.float16, 'Float16'), (np.float64, 'Float64'),
    (np.complex64, 'Complex64'), (np.bool_, 'Bool')])
def test_dtype_names_and_repr(np_dtype, name):
    t = Tensor(np.array([1, 0], np_dtype))
    assert repr(t.dtype) == name
    assert repr(t).startswith(f'Tensor(shape=[2], dtype={name}, value=')
    assert t.dtype == getattr(autograph, name.lower() if name != 'Bool' else 'bool_')


def test_mnist_labels_in_uint32_work_in_compiled_code():
    labels = Tensor(np.array([3, 1, 4], np.uint32))
    onehot = autograph.jit(lambda_free_one_hot)(labels)
    np.testing.assert_array_equal(onehot.asnumpy().argmax(1), [3, 1, 4])


def lambda_free_one_hot(labels):
    return autograph.ops.one_hot(labels.astype(autograph.int32), 5)


def test_a_dtype_without_a_mindspore_name_still_shows():
    assert repr(Tensor(np.array(['2020-01-01'], 'datetime64[D]')).dtype) == 'Datetime64[d]'


def test_strings_are_mindspores_string():
    assert repr(Tensor(np.array(['a'])).dtype) == 'String'
    assert repr(Tensor(np.array([b'ab'])).dtype) == 'String'
