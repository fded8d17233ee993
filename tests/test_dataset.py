"""The in-memory pipeline (`autograph.dataset`): columns, sizes, batching, `map`, buffered
shuffles (permutations, the buffer's reach, reproducibility with a seed, a new order each epoch),
the iterators, and argument errors."""
import itertools

import numpy as np
import pytest

import autograph
from autograph import Tensor
from autograph.dataset import NumpySlicesDataset, config


@pytest.fixture(autouse=True)
def no_global_seed():
    config.set_seed(None)
    yield
    config.set_seed(None)


def ordered(*columns, names=None):
    return NumpySlicesDataset(tuple(columns), column_names=names, shuffle=False)


def numpy_rows(dataset, **kwargs):
    return [list(row) for row in dataset.create_tuple_iterator(output_numpy=True, num_epochs=1,
                                                               **kwargs)]


def first_column(dataset):
    return [row[0].tolist() for row in numpy_rows(dataset)]


def epochs(dataset, count):
    return [first_column(dataset) for _ in range(count)]


X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10, dtype=np.int32)


# ---------------------------------------------------------------- sources and columns
def test_tuple_columns_are_sliced_along_the_first_axis():
    data = ordered(X, Y)
    assert data.get_col_names() == ['column_0', 'column_1']
    assert data.get_dataset_size() == 10
    rows = numpy_rows(data)
    assert len(rows) == 10
    for i, (x, y) in enumerate(rows):
        np.testing.assert_array_equal(x, X[i])
        assert x.dtype == np.float32 and y.dtype == np.int32 and y.shape == () and y == i


def test_list_is_one_column_and_dict_names_columns():
    assert ordered([1.5, 2.5]).get_col_names() == ['column_0']
    single = NumpySlicesDataset([[1, 2], [3, 4]], shuffle=False)
    assert single.get_col_names() == ['column_0']
    assert [r[0].tolist() for r in numpy_rows(single)] == [[1, 2], [3, 4]]
    named = NumpySlicesDataset({'image': X, 'label': Y}, shuffle=False)
    assert named.get_col_names() == ['image', 'label']
    assert numpy_rows(named)[3][1] == 3


def test_column_names_and_tensor_input():
    data = NumpySlicesDataset((Tensor(X), Y), column_names=['x', 'y'], shuffle=False)
    assert data.get_col_names() == ['x', 'y']
    np.testing.assert_array_equal(numpy_rows(data)[9][0], X[9])


def test_num_samples_keeps_that_many_rows():
    data = NumpySlicesDataset((X, Y), num_samples=4, shuffle=False)
    assert data.get_dataset_size() == 4
    assert first_column(data.map(lambda x, y: y, output_columns='y')) == [0, 1, 2, 3]
    assert NumpySlicesDataset((X, Y), num_samples=50).get_dataset_size() == 10


def test_iteration_yields_lists_of_tensors():
    row = next(iter(ordered(X, Y)))
    assert isinstance(row, list) and len(row) == 2
    assert all(isinstance(v, Tensor) for v in row)
    assert row[0].dtype == autograph.float32 and row[1].dtype == autograph.int32
    np.testing.assert_array_equal(row[0].asnumpy(), X[0])


def test_dict_iterator_and_column_selection():
    data = ordered(X, Y, names=['x', 'y'])
    first = next(data.create_dict_iterator(output_numpy=True))
    assert list(first) == ['x', 'y'] and first['y'] == 0
    assert isinstance(next(data.create_dict_iterator())['x'], Tensor)
    assert [r[0].tolist() for r in numpy_rows(data, columns=['y'])] == list(range(10))
    rows = numpy_rows(data, columns=['y', 'x'])
    assert rows[2][0] == 2 and rows[2][1].tolist() == [4.0, 5.0]


# ---------------------------------------------------------------- batch
@pytest.mark.parametrize('size, drop, expected', [
    (3, False, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]),
    (3, True, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]),
    (5, True, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]),
    (10, False, [list(range(10))]),
    (11, False, [list(range(10))]),
    (11, True, []),
    (1, False, [[i] for i in range(10)]),
])
def test_batch_sizes_and_drop_remainder(size, drop, expected):
    data = ordered(Y, X).batch(size, drop_remainder=drop)
    assert data.get_dataset_size() == len(expected)
    assert first_column(data) == expected


def test_batch_stacks_each_column():
    (x, y), = numpy_rows(ordered(X[:4], Y[:4]).batch(4))
    assert x.shape == (4, 2) and x.dtype == np.float32 and y.shape == (4,) and y.dtype == np.int32
    np.testing.assert_array_equal(x, X[:4])


def test_batch_of_batches():
    data = ordered(Y).batch(2).batch(2, drop_remainder=True)
    assert data.get_dataset_size() == 2
    assert first_column(data) == [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]


def test_batch_needs_one_shape_per_column():
    data = ordered(Y).map(lambda y: np.zeros(int(y) % 2 + 1)).batch(2)
    with pytest.raises(RuntimeError, match="column 'column_0' has rows of different shapes"):
        numpy_rows(data)


# ---------------------------------------------------------------- map
def test_map_on_one_column_keeps_the_others():
    data = ordered(X, Y, names=['x', 'y']).map(lambda x: x * 2, input_columns='x')
    assert data.get_col_names() == ['x', 'y'] and data.get_dataset_size() == 10
    for i, (x, y) in enumerate(numpy_rows(data)):
        np.testing.assert_array_equal(x, X[i] * 2)
        assert y == i


def test_map_chains_a_list_of_operations_in_order():
    data = ordered(Y).map([lambda y: y + 1, lambda y: y * 10])
    assert first_column(data) == [(i + 1) * 10 for i in range(10)]


def test_map_with_several_outputs_places_them_at_the_first_input():
    data = ordered(X, Y, names=['x', 'y']).map(
        lambda x: (x.sum(), x.max()), input_columns='x', output_columns=['total', 'peak'])
    assert data.get_col_names() == ['total', 'peak', 'y']
    total, peak, y = numpy_rows(data)[3]
    assert total == X[3].sum() and peak == X[3].max() and y == 3
    merged = ordered(X, Y, names=['x', 'y']).map(lambda x, y: x[0] + y, input_columns=['y', 'x'],
                                                 output_columns='sum')
    assert merged.get_col_names() == ['sum']


def test_map_after_batch_sees_whole_batches():
    data = ordered(Y).batch(4).map(lambda y: y - y.mean())
    assert first_column(data)[0] == [-1.5, -0.5, 0.5, 1.5]


def test_map_accepts_tensors_and_autograph_ops():
    data = ordered(X).map(lambda x: autograph.ops.exp(Tensor(x)))
    np.testing.assert_allclose(numpy_rows(data)[1][0], np.exp(X[1]), rtol=1e-6)


def test_map_errors():
    data = ordered(X, Y, names=['x', 'y'])
    with pytest.raises(RuntimeError, match="invalid column name 'z'"):
        data.map(lambda z: z, input_columns='z')
    with pytest.raises(TypeError, match="`operations` must be callables"):
        data.map([lambda x: x, 3], input_columns='x')
    with pytest.raises(RuntimeError, match="repeat a name"):
        data.map(lambda x: x, input_columns='x', output_columns='y')
    wrong = data.map(lambda x: (x, x), input_columns='x')
    with pytest.raises(RuntimeError, match="returned 2 columns but `output_columns` names 1"):
        numpy_rows(wrong)


# ---------------------------------------------------------------- shuffle
def test_shuffle_is_a_permutation_each_epoch():
    data = ordered(Y).shuffle(4, seed=3)
    assert data.get_dataset_size() == 10
    for order in epochs(data, 5):
        assert sorted(order) == list(range(10))


def test_shuffle_with_a_seed_is_reproducible_and_reshuffles_each_epoch():
    first = epochs(ordered(Y).shuffle(10, seed=7), 4)
    again = epochs(ordered(Y).shuffle(10, seed=7), 4)
    other = epochs(ordered(Y).shuffle(10, seed=8), 4)
    assert first == again
    assert first != other
    assert len({tuple(order) for order in first}) == 4


def test_config_seed_makes_default_shuffles_reproducible():
    config.set_seed(123)
    assert config.get_seed() == 123
    first = epochs(NumpySlicesDataset(Y).shuffle(3), 3)
    second = epochs(NumpySlicesDataset(Y).shuffle(3), 3)
    assert first == second
    assert any(order != list(range(10)) for order in first)


def test_without_a_seed_orders_differ():
    data = ordered(Y).shuffle(10)
    assert len({tuple(order) for order in epochs(data, 5)}) > 1


def test_each_iterator_advances_the_epoch():
    data = ordered(Y).shuffle(10, seed=1)
    by_for = [[int(y) for y, in data] for _ in range(2)]
    iterator = ordered(Y).shuffle(10, seed=1).create_tuple_iterator(num_epochs=2, output_numpy=True)
    by_iterator = [[int(y) for y, in iterator] for _ in range(3)]
    assert by_iterator[:2] == by_for and by_iterator[2] == []
    assert by_for[0] != by_for[1]


def test_shuffle_buffer_reach():
    """Row i cannot come out before position i - (buffer_size - 1): the buffer holds only the
    next buffer_size rows. The first row out is one of the first buffer_size rows."""
    for seed in range(30):
        order = first_column(ordered(Y).shuffle(3, seed=seed))
        for position, row in enumerate(order):
            assert row <= position + 2
    firsts = {first_column(ordered(Y).shuffle(3, seed=s))[0] for s in range(60)}
    assert firsts == {0, 1, 2}


def test_full_buffer_reaches_every_permutation():
    seen = {tuple(first_column(ordered(np.arange(3)).shuffle(3, seed=s))) for s in range(200)}
    assert seen == set(itertools.permutations(range(3)))


def test_numpy_slices_shuffles_by_default_but_not_when_asked():
    config.set_seed(0)
    assert epochs(NumpySlicesDataset(Y, shuffle=False), 2) == [list(range(10))] * 2
    default = epochs(NumpySlicesDataset(Y), 3)
    assert all(sorted(order) == list(range(10)) for order in default)
    assert len({tuple(order) for order in default}) == 3
    assert epochs(NumpySlicesDataset(Y, shuffle=True), 3) == default


def test_shuffled_rows_stay_aligned_across_columns():
    data = ordered(X, Y).shuffle(10, seed=2).batch(5)
    for x, y in numpy_rows(data):
        np.testing.assert_array_equal(x, X[y])


# ---------------------------------------------------------------- a training loop
def test_batches_feed_a_compiled_gradient():
    w = np.array([0.5, -1.0], np.float32)

    def loss(x, y, w):
        return ((x @ w - y) ** 2).mean()

    grad = autograph.grad(loss, 2)
    data = ordered(X, Y.astype(np.float32)).shuffle(10, seed=0).batch(4, drop_remainder=True)
    for x, y in data:
        expected = 2 * x.asnumpy().T @ (x.asnumpy() @ w - y.asnumpy()) / len(y)
        np.testing.assert_allclose(grad(x, y, Tensor(w)).asnumpy(), expected, rtol=1e-5)


# ---------------------------------------------------------------- argument errors
def test_argument_errors():
    data = ordered(X, Y)
    with pytest.raises(ValueError, match="`batch_size` must be at least 1, but got 0"):
        data.batch(0)
    with pytest.raises(TypeError, match="`batch_size` must be an int, but got float"):
        data.batch(2.0)
    with pytest.raises(TypeError, match="`batch_size` must be an int, but got bool"):
        data.batch(True)
    with pytest.raises(TypeError, match="`drop_remainder` must be a bool"):
        data.batch(2, drop_remainder='yes')
    with pytest.raises(ValueError, match="`buffer_size` must be at least 2, but got 1"):
        data.shuffle(1)
    with pytest.raises(ValueError, match="`seed` must be at least 0"):
        data.shuffle(4, seed=-1)
    with pytest.raises(ValueError, match="`num_epochs` must be at least 1"):
        data.create_tuple_iterator(num_epochs=0)
    with pytest.raises(RuntimeError, match="invalid column name 'z'"):
        data.create_tuple_iterator(columns=['z'])


def test_source_errors():
    with pytest.raises(ValueError, match="different lengths"):
        NumpySlicesDataset((X, Y[:5]))
    with pytest.raises(ValueError, match="`column_names` has 1 names but `data` has 2 columns"):
        NumpySlicesDataset((X, Y), column_names=['x'])
    with pytest.raises(ValueError, match="column 0 is a scalar"):
        NumpySlicesDataset((np.float32(1.0),))
    with pytest.raises(ValueError, match="ragged or not numeric"):
        NumpySlicesDataset([np.zeros(2), np.zeros(3)])
    with pytest.raises(TypeError, match="`data` must be a list, tuple, dict or array"):
        NumpySlicesDataset(5)
    with pytest.raises(TypeError, match="`shuffle` must be a bool or None"):
        NumpySlicesDataset(Y, shuffle=1)
    with pytest.raises(ValueError, match="`num_samples` must be at least 1"):
        NumpySlicesDataset(Y, num_samples=0)
