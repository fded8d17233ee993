"""Sources: the leaves of a pipeline. A random-access source reads the rows its sampler picks,
on several threads when `num_parallel_workers` is above 1; an iterable source reads its rows in
the order it gives them."""
import copy

import numpy as np

from runtime.dtypes import to_numpy
from runtime.tensor import Tensor

from .pipeline import Dataset, Run, as_array, check_int, parallel_map
from .samplers import (DistributedSampler, RandomSampler, SubsetRandomSampler, SubsetSampler,
                       sampler_of)


class MappableSource(Dataset):
    """A source read by index: subclasses define `_length()` and `_read(i)` (a tuple of arrays,
    one per column). `sampler`, `shuffle`, `num_samples`, `num_shards` and `shard_id` follow
    MindSpore's rules."""

    def __init__(self, column_names, num_samples=None, num_parallel_workers=None, shuffle=None,
                 sampler=None, num_shards=None, shard_id=None):
        super().__init__((), num_parallel_workers)
        self.column_names = list(column_names)
        self.sampler = sampler_of(sampler, shuffle, num_samples, num_shards, shard_id)

    def use_sampler(self, sampler):
        """Read through `sampler` from now on, as MindSpore's `use_sampler`."""
        self.sampler = sampler_of(sampler, None, None, None, None)
        self._size = None

    def _count(self):
        return self.sampler.count(self._length())

    def _reshuffles(self):
        return isinstance(self.sampler, (RandomSampler, SubsetRandomSampler)) or \
            isinstance(self.sampler, DistributedSampler) and self.sampler.shuffle

    def _split(self, counts, randomize):
        # Cut by index: each part reads its own rows through its own sampler, so a randomized
        # part is reshuffled each epoch and never meets another part's rows.
        run = Run(self)
        indices = self.sampler.indices(self._length(), run.rng(self, (0,)))
        if randomize:
            indices = [indices[i] for i in run.rng(self, (2 ** 32 - 1,)).permutation(len(indices))]
        parts, start = [], 0
        for count in counts:
            part = copy.copy(self)
            part._epochs, part._size = 0, None
            chosen = indices[start:start + count]
            part.sampler = SubsetRandomSampler(chosen) if randomize else SubsetSampler(chosen)
            parts.append(part)
            start += count
        return parts

    def _rows(self, run, key):
        indices = self.sampler.indices(self._length(), run.rng(self, key))
        yield from parallel_map(self._read, indices, self.num_parallel_workers)


class GeneratorDataset(MappableSource):
    """Rows from Python: `source` is random-access (`__getitem__` and `__len__`: read by index,
    through a sampler, shuffled by default), or iterable, or a callable returning an iterator
    (read in its own order each epoch). A row is a tuple of arrays, one per column, or a single
    array for one column."""

    def __init__(self, source, column_names=None, column_types=None, schema=None,
                 num_samples=None, num_parallel_workers=1, shuffle=None, sampler=None,
                 num_shards=None, shard_id=None, python_multiprocessing=True, max_rowsize=None,
                 batch_sampler=None, collate_fn=None):
        if column_names is None:
            raise ValueError("For 'GeneratorDataset', `column_names` is required (autograph "
                             "reads no schema).")
        names = [column_names] if isinstance(column_names, str) else list(column_names)
        if not names or not all(isinstance(n, str) for n in names):
            raise TypeError(f"For 'GeneratorDataset', `column_names` must be a name or a list of "
                            f"names, but got {column_names!r}.")
        if len(set(names)) != len(names):
            raise ValueError(f"For 'GeneratorDataset', `column_names` repeats a name: {names}.")
        self._source = source
        self._random_access = hasattr(source, '__getitem__') and hasattr(source, '__len__')
        if not self._random_access:
            for argument, value in (('shuffle', shuffle), ('sampler', sampler),
                                    ('num_shards', num_shards)):
                if value is not None:
                    raise ValueError(f"For 'GeneratorDataset', `{argument}` is not supported if "
                                     f"`source` does not have attribute '__getitem__'.")
            if not callable(source) and not hasattr(source, '__iter__'):
                raise TypeError(f"For 'GeneratorDataset', `source` must be random-access, "
                                f"iterable or callable, but got {type(source).__name__}.")
        super().__init__(names, num_samples, num_parallel_workers, shuffle, sampler, num_shards,
                         shard_id)
        self._types = None if column_types is None else list(column_types)
        self._num_samples = num_samples

    def _length(self):
        return len(self._source)

    def _reshuffles(self):
        return self._random_access and super()._reshuffles()

    def _split(self, counts, randomize):
        if self._random_access:
            return super()._split(counts, randomize)
        return Dataset._split(self, counts, randomize)

    def _read(self, index):
        return self._row(self._source[index])

    def _count(self):
        if self._random_access:
            return super()._count()
        if hasattr(self._source, '__len__'):
            n = len(self._source)
            return min(n, self._num_samples) if self._num_samples else n
        return None

    def _rows(self, run, key):
        if self._random_access:
            yield from super()._rows(run, key)
            return
        rows = self._source() if callable(self._source) else iter(self._source)
        for count, row in enumerate(rows):
            if self._num_samples and count >= self._num_samples:
                break
            yield self._row(row)

    def _row(self, row):
        several = isinstance(row, tuple) or isinstance(row, list) and len(self.column_names) > 1
        values = row if several else (row,)
        if len(values) != len(self.column_names):
            raise RuntimeError(
                f"For 'GeneratorDataset', the source returned a row of {len(values)} columns, "
                f"but `column_names` names {len(self.column_names)}: {self.column_names}.")
        values = tuple(as_array(v) for v in values)
        if self._types is not None:
            values = tuple(v.astype(to_numpy(t), copy=False)
                           for v, t in zip(values, self._types))
        return values


class NumpySlicesDataset(GeneratorDataset):
    """Rows sliced along the first axis of `data`: a list or a single array (one column), a tuple
    of arrays (one column each, named `column_0`, ...), or a dict (columns named by its keys).
    Shuffled each epoch unless `shuffle=False`, as in MindSpore."""

    def __init__(self, data, column_names=None, num_samples=None, num_parallel_workers=1,
                 shuffle=None, sampler=None, num_shards=None, shard_id=None):
        names, columns = _columns_of(data)
        if column_names is not None:
            column_names = [column_names] if isinstance(column_names, str) else list(column_names)
            if len(column_names) != len(columns):
                raise ValueError(f"For 'NumpySlicesDataset', `column_names` has "
                                 f"{len(column_names)} names but `data` has {len(columns)} columns.")
            names = column_names
        _check_lengths(names, columns)
        if shuffle is not None and not isinstance(shuffle, bool):
            raise TypeError(f"For 'NumpySlicesDataset', `shuffle` must be a bool or None, "
                            f"but got {type(shuffle).__name__}.")
        if num_samples is not None:
            check_int('num_samples', num_samples, 1)
        super().__init__(_Slices(columns), names, num_samples=num_samples,
                         num_parallel_workers=num_parallel_workers, shuffle=shuffle,
                         sampler=sampler, num_shards=num_shards, shard_id=shard_id)


class _Slices:
    def __init__(self, columns):
        self._columns = columns

    def __len__(self):
        return len(self._columns[0])

    def __getitem__(self, i):
        return tuple(np.array(column[i]) for column in self._columns)


def _columns_of(data):
    """(default names, list of arrays) for NumpySlicesDataset's `data`."""
    if isinstance(data, dict):
        return [str(k) for k in data], [_to_array(v, k) for k, v in data.items()]
    if isinstance(data, tuple):
        return [f'column_{i}' for i in range(len(data))], [_to_array(v, i) for i, v in enumerate(data)]
    if isinstance(data, (list, np.ndarray, Tensor)):
        return ['column_0'], [_to_array(data, 0)]
    raise TypeError(f"For 'NumpySlicesDataset', `data` must be a list, tuple, dict or array, "
                    f"but got {type(data).__name__}.")


def _to_array(value, name):
    ragged = ValueError(f"For 'NumpySlicesDataset', column {name!r} is ragged or not numeric.")
    try:
        array = np.asarray(value.asnumpy() if isinstance(value, Tensor) else value)
    except ValueError:
        raise ragged from None
    if array.dtype == object:
        raise ragged
    if array.ndim == 0:
        raise ValueError(f"For 'NumpySlicesDataset', column {name!r} is a scalar; rows are "
                         "sliced along the first axis.")
    return array


def _check_lengths(names, columns):
    if not columns:
        raise ValueError("For 'NumpySlicesDataset', `data` has no columns.")
    lengths = {name: len(column) for name, column in zip(names, columns)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"For 'NumpySlicesDataset', the columns have different lengths: {lengths}.")
