"""Pipeline operations of `autograph.dataset` beyond map/batch/shuffle (tests/test_dataset.py):
repeat, take, skip, zip, concat and +, filter, rename, project, split, per_batch_map, the
iterators' epochs, and `map`/`batch`/`filter` on several threads."""
import os
import threading
import time

import numpy as np
import pytest

from autograph import Tensor
from autograph import dataset as ds
from autograph import seed as global_seed
from autograph.dataset import vision
from autograph.dataset.workers import can_fork


@pytest.fixture(autouse=True)
def no_seed():
    ds.config.set_seed(None)
    global_seed.set_seed(None)
    yield
    ds.config.set_seed(None)
    global_seed.set_seed(None)


def ordered(*columns, names=None):
    return ds.NumpySlicesDataset(tuple(columns), column_names=names, shuffle=False)


def rows(dataset, **kwargs):
    return [[v.tolist() for v in row] for row in
            dataset.create_tuple_iterator(output_numpy=True, num_epochs=1, **kwargs)]


def first(dataset):
    return [row[0] for row in rows(dataset)]


N = np.arange(6)


def test_repeat_take_skip():
    assert first(ordered(N).repeat(2)) == list(range(6)) * 2
    assert ordered(N).repeat(3).get_dataset_size() == 18
    assert first(ordered(N).take(4)) == [0, 1, 2, 3] and ordered(N).take(4).get_dataset_size() == 4
    assert first(ordered(N).take(-1)) == list(range(6))
    assert first(ordered(N).skip(4)) == [4, 5] and ordered(N).skip(9).get_dataset_size() == 0
    forever = ordered(N).repeat()
    assert forever.get_dataset_size() == -1 and first(forever.take(14)) == (list(range(6)) * 3)[:14]
    assert forever.take(14).get_dataset_size() == 14 and forever.batch(4).get_dataset_size() == -1
    assert forever.zip(ordered(N, names=['b'])).get_dataset_size() == 6
    assert first(ordered(N).skip(1).take(3).repeat(2)) == [1, 2, 3] * 2


def test_repeat_reshuffles_each_pass_and_repeats_with_a_seed():
    ds.config.set_seed(9)
    data = ordered(N).shuffle(6).repeat(3)
    order = first(data)
    passes = [order[i:i + 6] for i in range(0, 18, 6)]
    assert all(sorted(p) == list(range(6)) for p in passes) and len({tuple(p) for p in passes}) > 1
    assert first(ordered(N).shuffle(6).repeat(3)) == order


def test_batch_size_and_repeat_count_reach_through_the_nodes_above():
    data = ordered(N).batch(4).map(lambda x: x).repeat(3).shuffle(2)
    assert data.get_batch_size() == 4 and data.get_repeat_count() == 3
    assert ordered(N).get_batch_size() == 1 and ordered(N).repeat().get_repeat_count() == -1


def test_zip_and_concat():
    zipped = ordered(N, names=['a']).zip(ordered(N[:4] * 10, names=['b']))
    assert zipped.get_col_names() == ['a', 'b'] and zipped.get_dataset_size() == 4
    assert rows(zipped) == [[0, 0], [1, 10], [2, 20], [3, 30]]
    triple = ds.zip((ordered(N, names=['a']), ordered(N, names=['b']), ordered(N, names=['c'])))
    assert rows(triple)[5] == [5, 5, 5]
    with pytest.raises(RuntimeError, match="repeat a name"):
        ordered(N).zip(ordered(N))
    both = ordered(N).concat(ordered(N[:2] + 100))
    assert first(both) == list(range(6)) + [100, 101] and both.get_dataset_size() == 8
    assert first(ordered(N[:1]) + ordered(N[1:2]) + ordered(N[2:3])) == [0, 1, 2]
    assert first(ordered(N[:1]).concat([ordered(N[3:4]), ordered(N[5:6])])) == [0, 3, 5]
    with pytest.raises(RuntimeError, match="same columns"):
        ordered(N, names=['a']) + ordered(N, names=['b'])


def test_filter_rename_project():
    data = ordered(N, N * 10, names=['a', 'b'])
    even = data.filter(lambda a: a % 2 == 0, input_columns='a')
    assert rows(even) == [[0, 0], [2, 20], [4, 40]] and even.get_dataset_size() == 3
    assert first(data.filter(lambda a, b: a + b > 40)) == [4, 5]
    renamed = data.rename(['a', 'b'], ['x', 'y'])
    assert renamed.get_col_names() == ['x', 'y'] and rows(renamed)[1] == [1, 10]
    assert data.rename('b', 'c').get_col_names() == ['a', 'c']
    projected = data.project(['b', 'a'])
    assert projected.get_col_names() == ['b', 'a'] and rows(projected)[2] == [20, 2]
    assert rows(data.project('b'))[3] == [30]
    for make in (lambda: data.project(['a', 'z']), lambda: data.rename('z', 'w'),
                 lambda: data.filter(lambda z: True, input_columns='z'),
                 lambda: data.map(lambda z: z, input_columns=['z'])):
        with pytest.raises(RuntimeError, match="invalid column name 'z'"):
            make()
    with pytest.raises(ValueError, match="same length"):
        data.rename(['a', 'b'], ['x'])


def test_split_of_a_source_is_disjoint_and_covers_it():
    ds.config.set_seed(4)
    data = ds.NumpySlicesDataset(np.arange(10), shuffle=False)
    train, test = data.split([0.8, 0.2])
    a, b = first(train), first(test)
    assert len(a) == 8 and len(b) == 2 and sorted(a + b) == list(range(10))
    assert train.get_dataset_size() == 8 and sorted(first(train)) == sorted(a)
    one, two, three = data.split([5, 3, 2], randomize=False)
    assert (first(one), first(two), first(three)) == ([0, 1, 2, 3, 4], [5, 6, 7], [8, 9])
    mapped = data.map(lambda x: x * 2)
    low, high = mapped.split([4, 6], randomize=False)
    assert first(low) == [0, 2, 4, 6] and first(high) == [8, 10, 12, 14, 16, 18]
    with pytest.raises(RuntimeError, match="randomize=False"):
        mapped.split([4, 6])
    with pytest.raises(RuntimeError, match="add up to 9"):
        data.split([4, 5])


def test_split_parts_stay_disjoint_across_epochs():
    ds.config.set_seed(2)
    data = ds.NumpySlicesDataset(np.arange(12))           # shuffled each epoch
    left, right = data.split([0.5, 0.5])
    epochs = [(first(left), first(right)) for _ in range(3)]
    assert all(set(a).isdisjoint(b) and len(a + b) == 12 for a, b in epochs)
    assert len({tuple(a) for a, _ in epochs}) > 1        # each part reshuffles
    assert len({frozenset(a) for a, _ in epochs}) == 1   # over the same rows
    with pytest.warns(UserWarning, match="reshuffled each epoch"):
        data.map(lambda x: x).split([6, 6], randomize=False)
    stream = ds.GeneratorDataset(lambda: iter(np.arange(5)), ['x'])
    head, tail = stream.split([2, 3], randomize=False)
    assert first(head) == [0, 1] and first(tail) == [2, 3, 4]


def test_per_batch_map_rewrites_whole_batches():
    def pad(values, info):
        width = max(len(v) for v in values)
        return ([np.pad(v, (0, width - len(v))) for v in values],)

    ragged = ds.GeneratorDataset(lambda: (np.arange(n) + 1 for n in (1, 3, 2, 2)), ['v'])
    batches = rows(ragged.batch(2, per_batch_map=pad, input_columns=['v']))
    assert batches == [[[[1, 0, 0], [1, 2, 3]]], [[[1, 2], [1, 2]]]]
    seen = []

    def note(values, info):
        seen.append((info.get_batch_num(), info.get_epoch_num()))
        return (values,)

    rows(ordered(N).batch(4, per_batch_map=note, input_columns='column_0'))
    assert seen == [(0, 0), (1, 0)]


def test_dict_iterator_epochs_and_tensors():
    data = ordered(N[:3], N[:3] * 1.5, names=['i', 'f'])
    iterator = data.create_dict_iterator(num_epochs=2)
    epochs = [[{k: v.asnumpy().tolist() for k, v in row.items()} for row in iterator]
              for _ in range(3)]
    assert epochs[0] == epochs[1] == [{'i': 0, 'f': 0.0}, {'i': 1, 'f': 1.5}, {'i': 2, 'f': 3.0}]
    assert epochs[2] == []
    row = next(data.create_dict_iterator())
    assert isinstance(row['i'], Tensor)
    numpy_row = next(data.create_dict_iterator(output_numpy=True))
    assert isinstance(numpy_row['f'], np.ndarray)
    assert data.output_shapes() == [[], []] and data.output_types() == [N.dtype, np.float64]


# ---------------------------------------------------------------- parallel map
def test_parallel_map_equals_serial_and_runs_on_several_threads():
    images = np.random.default_rng(0).random((40, 8, 8)).astype(np.float32)
    threads, active, peak, lock = set(), [0], [0], threading.Lock()

    def heavy(image):
        with lock:
            threads.add(threading.get_ident())
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01)   # long enough that the workers overlap
        out = np.tanh(image @ image.T)
        with lock:
            active[0] -= 1
        return out

    serial = rows(ordered(images).map(heavy))
    threads.clear()
    peak[0] = 0
    parallel = rows(ordered(images).map(heavy, num_parallel_workers=4))
    assert parallel == serial
    assert len(threads) >= 2 and peak[0] >= 2 and threading.get_ident() not in threads


def test_parallel_filter_and_batch_keep_the_order():
    data = ordered(np.arange(50))
    kept = first(data.filter(lambda x: x % 3 == 0, num_parallel_workers=3))
    assert kept == list(range(0, 50, 3))
    batches = first(data.batch(8, num_parallel_workers=3))
    assert batches == [list(range(i, min(i + 8, 50))) for i in range(0, 50, 8)]


def test_config_workers_apply_when_none_are_given():
    threads = set()

    def note(x):
        threads.add(threading.get_ident())
        time.sleep(0.002)
        return x

    ds.config.set_num_parallel_workers(3)
    try:
        assert first(ordered(np.arange(30)).map(note)) == list(range(30))
    finally:
        ds.config.set_num_parallel_workers(1)
    assert len(threads) >= 2


def test_take_stops_a_parallel_map_early():
    calls = []
    data = ordered(np.arange(1000)).map(lambda x: calls.append(1) or x, num_parallel_workers=2)
    assert first(data.take(3)) == [0, 1, 2]
    assert len(calls) < 20   # only a bounded window ran ahead


@pytest.mark.skipif(not can_fork(), reason='processes are forked')
def test_map_on_processes_with_python_multiprocessing():
    def tagged(x):
        return x * x + 1, np.array(os.getpid())   # a lambda-like closure: inherited, not pickled

    data = ordered(np.arange(16)).map(tagged, output_columns=['y', 'pid'],
                                      num_parallel_workers=2, python_multiprocessing=True)
    got = rows(data)
    assert [y for y, _ in got] == [x * x + 1 for x in range(16)]
    pids = {pid for _, pid in got}
    assert os.getpid() not in pids and len(pids) >= 1
    ds.config.set_seed(3)
    crops = ordered(np.arange(64).reshape(4, 4, 4)).map(vision.RandomCrop(2), num_parallel_workers=2,
                                                        python_multiprocessing=True)
    threaded = ordered(np.arange(64).reshape(4, 4, 4)).map(vision.RandomCrop(2),
                                                           num_parallel_workers=2)
    assert rows(crops) == rows(threaded)   # the rows' own generators, in any worker


def test_a_failing_operation_raises_from_any_worker():
    def fails(x):
        if x == 5:
            raise ValueError('row five')
        return x

    for kwargs in ({}, {'num_parallel_workers': 3},
                   {'num_parallel_workers': 2, 'python_multiprocessing': True}):
        with pytest.raises(ValueError, match='row five'):
            rows(ordered(np.arange(10)).map(fails, **kwargs))
