"""The nodes of a pipeline and the iterators that run it.

A dataset is a tree of nodes. Each node yields its rows (tuples of NumPy arrays, one per column)
from `_rows(run, key)`, a generator that pulls from its children lazily. `run` holds what one
epoch of the whole tree shares (the seed, a salt per node); `key` names the pass over the node:
`(epoch,)` at the top, extended by `repeat` with the repetition's number, so every pass of every
node draws its own random numbers, and the same ones again under the same seed.
"""
import itertools
import warnings

import numpy as np

from runtime.tensor import Tensor

from .. import seed as global_seed
from . import random as dataset_random
from .workers import ordered_map


class _Config:
    """`mindspore.dataset.config`: the pipeline's seed and default worker count."""

    def __init__(self):
        self._seed = None
        self._workers = 1

    def set_seed(self, seed):
        if seed is not None:
            check_int('seed', seed, 0)
        self._seed = seed

    def get_seed(self):
        """This seed if set, else `autograph.set_seed`'s, else None."""
        return self._seed if self._seed is not None else global_seed.get_seed()

    def set_num_parallel_workers(self, num):
        check_int('num_parallel_workers', num, 1)
        self._workers = num

    def get_num_parallel_workers(self):
        return self._workers


config = _Config()


class Run:
    """What one pass over a tree shares: the seed read when it starts, and a salt per node so
    that two shuffles in one tree draw different orders."""

    def __init__(self, root):
        self.seed = config.get_seed()
        self._salt = {}
        stack = [root]
        while stack:
            node = stack.pop()
            self._salt.setdefault(id(node), len(self._salt))
            stack.extend(reversed(node.children))

    def rng(self, node, key, seed=None):
        seed = self.seed if seed is None else seed
        if seed is None:
            return np.random.default_rng()
        return np.random.default_rng([seed, self._salt.get(id(node), 0), *key])


class Dataset:
    """What every node offers. Subclasses set `column_names` and define `_rows(run, key)` and,
    when they know it without reading the data, `_count()`."""

    def __init__(self, children=(), num_parallel_workers=None):
        self.children = list(children)
        self._epochs = 0
        self._size = None
        if num_parallel_workers is not None:
            check_int('num_parallel_workers', num_parallel_workers, 1)
        self.num_parallel_workers = num_parallel_workers

    # ---- pipeline operations: each returns a new node over this one
    def map(self, operations, input_columns=None, output_columns=None, num_parallel_workers=None,
            python_multiprocessing=False, cache=None, callbacks=None, max_rowsize=16, offload=None):
        """Apply `operations` (a callable or a list, chained) to `input_columns` of each row
        (default: all columns). The results become `output_columns` (default: the inputs).
        With `num_parallel_workers` above 1, rows are mapped on that many threads, in order, or
        on forked processes with `python_multiprocessing=True` (where fork exists)."""
        return MapDataset(self, operations, input_columns, output_columns, num_parallel_workers,
                          python_multiprocessing)

    def batch(self, batch_size, drop_remainder=False, num_parallel_workers=None,
              per_batch_map=None, input_columns=None, output_columns=None,
              python_multiprocessing=False, max_rowsize=16):
        """Stack `batch_size` consecutive rows per column. The last, smaller batch is kept unless
        `drop_remainder`. `per_batch_map(*column_lists, batch_info)` may rewrite a batch's rows of
        `input_columns` first; it returns one list per output column."""
        return BatchDataset(self, batch_size, drop_remainder, per_batch_map, input_columns,
                            output_columns, num_parallel_workers)

    def shuffle(self, buffer_size, seed=None):
        """Shuffle through a buffer of `buffer_size` rows: fill it, emit a random row, refill.
        A buffer at least the dataset's size gives a uniform shuffle."""
        return ShuffleDataset(self, buffer_size, seed)

    def repeat(self, count=None):
        """The rows `count` times (None or -1: forever), reshuffled each time."""
        return RepeatDataset(self, count)

    def take(self, count=-1):
        return TakeDataset(self, count)

    def skip(self, count):
        return SkipDataset(self, count)

    def zip(self, datasets):
        """Rows side by side with those of `datasets` (one or a tuple), until one runs out."""
        datasets = datasets if isinstance(datasets, tuple) else (datasets,)
        return ZipDataset((self,) + datasets)

    def concat(self, datasets):
        """This dataset's rows, then those of `datasets` (one or a list)."""
        datasets = list(datasets) if isinstance(datasets, (list, tuple)) else [datasets]
        return ConcatDataset([self] + datasets)

    def __add__(self, other):
        return self.concat(other)

    def filter(self, predicate, input_columns=None, num_parallel_workers=None):
        """Keep the rows for which `predicate(*input_columns)` (default: all columns) is true."""
        return FilterDataset(self, predicate, input_columns, num_parallel_workers)

    def rename(self, input_columns, output_columns):
        return RenameDataset(self, input_columns, output_columns)

    def project(self, columns):
        """Only `columns`, in that order."""
        return ProjectDataset(self, columns)

    def split(self, sizes, randomize=True):
        """Disjoint datasets of the given `sizes` (row counts, or fractions summing to 1). A
        random-access source is cut by index (shuffled first when `randomize`); other datasets
        only in order, with `randomize=False`."""
        if not isinstance(sizes, (list, tuple)) or not sizes:
            raise TypeError(f"For 'split', `sizes` must be a non-empty list, but got {sizes!r}.")
        if not isinstance(randomize, bool):
            raise TypeError(f"For 'split', `randomize` must be a bool, "
                            f"but got {type(randomize).__name__}.")
        return self._split(split_counts(sizes, self.get_dataset_size()), randomize)

    def _split(self, counts, randomize):
        if randomize:
            raise RuntimeError("For 'split', a dataset that is not a random-access source can "
                               "only be split with randomize=False.")
        if self._reshuffles():
            warnings.warn("split by position of a dataset that is reshuffled each epoch: the "
                          "parts may share rows across epochs; split the source instead.",
                          stacklevel=3)
        parts, start = [], 0
        for count in counts:
            parts.append((self.skip(start) if start else self).take(count))
            start += count
        return parts

    # ---- iteration and facts
    def create_tuple_iterator(self, columns=None, num_epochs=-1, output_numpy=False, do_copy=True):
        """An iterator of lists, one value per column (Tensors, or NumPy arrays with
        `output_numpy`). Iterating it again starts the next epoch, up to `num_epochs`."""
        return TupleIterator(self, columns, num_epochs, output_numpy)

    def create_dict_iterator(self, num_epochs=-1, output_numpy=False, do_copy=True):
        """Like `create_tuple_iterator`, yielding dicts column name -> value."""
        return DictIterator(self, None, num_epochs, output_numpy)

    def __iter__(self):
        return iter(self.create_tuple_iterator())

    def get_col_names(self):
        return list(self.column_names)

    def get_dataset_size(self):
        """The number of rows of one epoch; read from the data (one pass) when a node such as
        `filter` or an iterable source cannot tell otherwise."""
        if self._size is None:
            size = self._count()
            if size is None:
                size = sum(1 for _ in self._rows(Run(self), (0,)))
            self._size = size
        return self._size

    def output_shapes(self):
        return [list(v.shape) for v in self._first_row()]

    def output_types(self):
        return [v.dtype for v in self._first_row()]

    def get_batch_size(self):
        """The batch size of the nearest `batch` below (1 without one), as Model reads it."""
        return self.children[0].get_batch_size() if self.children else 1

    def get_repeat_count(self):
        return self.children[0].get_repeat_count() if self.children else 1

    def _first_row(self):
        rows = self._rows(Run(self), (0,))
        try:
            return next(rows)
        finally:
            rows.close()

    def _count(self):
        return None

    def _reshuffles(self):
        return any(child._reshuffles() for child in self.children)

    def _next_epoch(self):
        epoch = self._epochs
        self._epochs += 1
        return epoch

    def _child_size(self):
        return self.children[0].get_dataset_size()


class MapDataset(Dataset):
    def __init__(self, child, operations, input_columns, output_columns, workers, processes):
        super().__init__([child], workers)
        self._processes = bool(processes)
        operations = list(operations) if isinstance(operations, (list, tuple)) else [operations]
        for op in operations:
            if not callable(op):
                raise TypeError(f"For 'map', `operations` must be callables, "
                                f"but got {type(op).__name__}.")
        inputs = names_of('input_columns', input_columns, child.column_names)
        check_columns('map', inputs, child.column_names)
        outputs = names_of('output_columns', output_columns, inputs)
        self._operations, self._outputs = operations, outputs
        self._positions = [child.column_names.index(name) for name in inputs]
        self.column_names = splice(child.column_names, self._positions, outputs)
        check_unique('map', self.column_names)

    def _count(self):
        return self._child_size()

    def _rows(self, run, key):
        numbered = enumerate(self.children[0]._rows(run, key))
        seeded = run.seed is not None
        salt_rng = run.rng(self, key)
        base = int(salt_rng.integers(2 ** 62)) if seeded else None

        def apply(item):
            index, row = item
            values = tuple(row[i] for i in self._positions)
            # Random transforms draw from a generator of their row's own, so that a seeded
            # pipeline gives the same values whichever thread maps the row.
            with dataset_random.row_generator(None if base is None else [base, index]):
                for op in self._operations:
                    values = as_arrays(op(*values))
            if len(values) != len(self._outputs):
                raise RuntimeError(
                    f"For 'map', the operations returned {len(values)} columns but "
                    f"`output_columns` names {len(self._outputs)}: {self._outputs}.")
            return tuple(splice(row, self._positions, values))

        yield from parallel_map(apply, numbered, self.num_parallel_workers, self._processes)


class BatchInfo:
    """What `per_batch_map` learns about the batch it rewrites, as MindSpore's BatchInfo."""

    def __init__(self, batch_num, epoch_num):
        self._batch_num, self._epoch_num = batch_num, epoch_num

    def get_batch_num(self):
        return self._batch_num

    def get_epoch_num(self):
        return self._epoch_num


class BatchDataset(Dataset):
    def __init__(self, child, batch_size, drop_remainder, per_batch_map, input_columns,
                 output_columns, workers):
        super().__init__([child], workers)
        check_int('batch_size', batch_size, 1)
        if not isinstance(drop_remainder, bool):
            raise TypeError(f"For 'batch', `drop_remainder` must be a bool, "
                            f"but got {type(drop_remainder).__name__}.")
        self._batch_size, self._drop_remainder = batch_size, drop_remainder
        self._per_batch_map = per_batch_map
        self.column_names = list(child.column_names)
        if per_batch_map is not None:
            if not callable(per_batch_map):
                raise TypeError("For 'batch', `per_batch_map` must be callable.")
            inputs = names_of('input_columns', input_columns, child.column_names)
            check_columns('batch', inputs, child.column_names)
            self._positions = [child.column_names.index(name) for name in inputs]
            self._outputs = names_of('output_columns', output_columns, inputs)
            self.column_names = splice(child.column_names, self._positions, self._outputs)
            check_unique('batch', self.column_names)

    def get_batch_size(self):
        return self._batch_size

    def _count(self):
        n, size = self._child_size(), self._batch_size
        if n == -1:
            return -1
        return n // size if self._drop_remainder else -(-n // size)

    def _rows(self, run, key):
        def groups():
            pending = []
            for row in self.children[0]._rows(run, key):
                pending.append(row)
                if len(pending) == self._batch_size:
                    yield pending
                    pending = []
            if pending and not self._drop_remainder:
                yield pending

        epoch = key[0]
        work = lambda item: self._stack(item[1], BatchInfo(item[0], epoch))
        yield from parallel_map(work, enumerate(groups()), self.num_parallel_workers)

    def _stack(self, rows, info):
        columns = [list(values) for values in zip(*rows)]
        if self._per_batch_map is not None:
            result = self._per_batch_map(*[columns[i] for i in self._positions], info)
            result = result if isinstance(result, tuple) else (result,)
            if len(result) != len(self._outputs):
                raise RuntimeError(
                    f"For 'batch', `per_batch_map` returned {len(result)} columns but "
                    f"`output_columns` names {len(self._outputs)}: {self._outputs}.")
            columns = splice(columns, self._positions, [list(c) for c in result])
        batch = []
        for name, values in zip(self.column_names, columns):
            values = [as_array(v) for v in values]
            shapes = {value.shape for value in values}
            if len(shapes) > 1:
                raise RuntimeError(f"For 'batch', column {name!r} has rows of different shapes "
                                   f"{sorted(shapes)}; a batch needs one shape per column.")
            batch.append(np.stack(values))
        return tuple(batch)


class ShuffleDataset(Dataset):
    def __init__(self, child, buffer_size, seed=None):
        super().__init__([child])
        check_int('buffer_size', buffer_size, 2)
        if seed is not None:
            check_int('seed', seed, 0)
        self.column_names = list(child.column_names)
        self._buffer_size, self._seed = buffer_size, seed

    def _count(self):
        return self._child_size()

    def _reshuffles(self):
        return True

    def _rows(self, run, key):
        rng = run.rng(self, key, self._seed)
        buffer = []
        for row in self.children[0]._rows(run, key):
            buffer.append(row)
            if len(buffer) == self._buffer_size:
                yield pop_random(buffer, rng)
        while buffer:
            yield pop_random(buffer, rng)


class RepeatDataset(Dataset):
    def __init__(self, child, count):
        super().__init__([child])
        if count is not None and count != -1:
            check_int('count', count, 1)
        self.column_names = list(child.column_names)
        self._count_ = None if count in (None, -1) else count

    def get_repeat_count(self):
        return -1 if self._count_ is None else self._count_

    def _count(self):
        size = self._child_size()
        return -1 if self._count_ is None or size == -1 else size * self._count_

    def _rows(self, run, key):
        passes = itertools.count() if self._count_ is None else range(self._count_)
        for i in passes:
            yield from self.children[0]._rows(run, key + (i,))


class TakeDataset(Dataset):
    def __init__(self, child, count):
        super().__init__([child])
        if count != -1:
            check_int('count', count, 1)
        self.column_names = list(child.column_names)
        self._n = count

    def _count(self):
        size = self._child_size()
        if self._n == -1:
            return size
        return self._n if size == -1 else min(size, self._n)

    def _rows(self, run, key):
        rows = self.children[0]._rows(run, key)
        try:
            yield from rows if self._n == -1 else itertools.islice(rows, self._n)
        finally:
            rows.close()


class SkipDataset(Dataset):
    def __init__(self, child, count):
        super().__init__([child])
        check_int('count', count, 0)
        self.column_names = list(child.column_names)
        self._n = count

    def _count(self):
        size = self._child_size()
        return size if size == -1 else max(size - self._n, 0)

    def _rows(self, run, key):
        yield from itertools.islice(self.children[0]._rows(run, key), self._n, None)


class ZipDataset(Dataset):
    def __init__(self, datasets):
        for d in datasets:
            if not isinstance(d, Dataset):
                raise TypeError(f"For 'zip', every item must be a Dataset, "
                                f"but got {type(d).__name__}.")
        super().__init__(datasets)
        self.column_names = [name for d in datasets for name in d.column_names]
        check_unique('zip', self.column_names)

    def _count(self):
        sizes = [d.get_dataset_size() for d in self.children if d.get_dataset_size() != -1]
        return min(sizes) if sizes else -1

    def _rows(self, run, key):
        streams = [d._rows(run, key) for d in self.children]
        try:
            for rows in zip(*streams):
                yield tuple(value for row in rows for value in row)
        finally:
            # The longer inputs stop mid-pass; closing them now stops their worker threads.
            for stream in streams:
                stream.close()


def zip_datasets(datasets):
    """The rows of `datasets` (a tuple) side by side."""
    if not isinstance(datasets, tuple) or not datasets:
        raise TypeError("For 'zip', `datasets` must be a non-empty tuple of Datasets.")
    return ZipDataset(datasets)


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        for d in datasets:
            if not isinstance(d, Dataset):
                raise TypeError(f"For 'concat', every item must be a Dataset, "
                                f"but got {type(d).__name__}.")
            if d.column_names != datasets[0].column_names:
                raise RuntimeError(f"For 'concat', every dataset needs the same columns, but got "
                                   f"{datasets[0].column_names} and {d.column_names}.")
        super().__init__(datasets)
        self.column_names = list(datasets[0].column_names)

    def _count(self):
        sizes = [d.get_dataset_size() for d in self.children]
        return -1 if -1 in sizes else sum(sizes)

    def _rows(self, run, key):
        for d in self.children:
            yield from d._rows(run, key)


class FilterDataset(Dataset):
    def __init__(self, child, predicate, input_columns, workers):
        super().__init__([child], workers)
        if not callable(predicate):
            raise TypeError(f"For 'filter', `predicate` must be callable, "
                            f"but got {type(predicate).__name__}.")
        inputs = names_of('input_columns', input_columns, child.column_names)
        check_columns('filter', inputs, child.column_names)
        self.column_names = list(child.column_names)
        self._predicate = predicate
        self._positions = [child.column_names.index(name) for name in inputs]

    def _rows(self, run, key):
        def judge(row):
            return bool(np.all(as_arrays(self._predicate(*(row[i] for i in self._positions))))), row

        for keep, row in parallel_map(judge, self.children[0]._rows(run, key),
                                      self.num_parallel_workers):
            if keep:
                yield row


class RenameDataset(Dataset):
    def __init__(self, child, input_columns, output_columns):
        super().__init__([child])
        inputs = names_of('input_columns', input_columns, None)
        outputs = names_of('output_columns', output_columns, None)
        if len(inputs) != len(outputs):
            raise ValueError(f"For 'rename', `input_columns` ({len(inputs)} names) and "
                             f"`output_columns` ({len(outputs)}) must have the same length.")
        check_columns('rename', inputs, child.column_names)
        renamed = dict(zip(inputs, outputs))
        self.column_names = [renamed.get(name, name) for name in child.column_names]
        check_unique('rename', self.column_names)

    def _count(self):
        return self._child_size()

    def _rows(self, run, key):
        return self.children[0]._rows(run, key)


class ProjectDataset(Dataset):
    def __init__(self, child, columns):
        super().__init__([child])
        columns = names_of('columns', columns, None)
        check_columns('project', columns, child.column_names)
        check_unique('project', columns)
        self.column_names = columns
        self._positions = [child.column_names.index(name) for name in columns]

    def _count(self):
        return self._child_size()

    def _rows(self, run, key):
        for row in self.children[0]._rows(run, key):
            yield tuple(row[i] for i in self._positions)


# -------------------------------------------------------------------------------- iterators
class TupleIterator:
    """Epochs of rows from a dataset, the next epoch each time the iterator is iterated again."""

    def __init__(self, dataset, columns, num_epochs, output_numpy):
        if num_epochs != -1:
            check_int('num_epochs', num_epochs, 1)
        self._dataset, self._num_epochs, self._output_numpy = dataset, num_epochs, output_numpy
        names = dataset.column_names
        self._columns = names_of('columns', columns, names)
        check_columns('create_tuple_iterator', self._columns, names)
        self._positions = [names.index(name) for name in self._columns]
        self._epochs_done, self._rows = 0, None

    def __iter__(self):
        return self

    def __next__(self):
        if self._rows is None:
            if self._num_epochs != -1 and self._epochs_done >= self._num_epochs:
                raise StopIteration
            dataset = self._dataset
            self._rows = dataset._rows(Run(dataset), (dataset._next_epoch(),))
        try:
            row = next(self._rows)
        except StopIteration:
            self._rows, self._epochs_done = None, self._epochs_done + 1
            raise
        return self._shape([row[i] if self._output_numpy else Tensor(row[i])
                            for i in self._positions])

    def _shape(self, values):
        return values

    def stop(self):
        if self._rows is not None:
            self._rows.close()
        self._rows, self._num_epochs, self._epochs_done = None, 1, 1

    def __del__(self):
        if getattr(self, '_rows', None) is not None:
            self._rows.close()


class DictIterator(TupleIterator):
    def _shape(self, values):
        return dict(zip(self._columns, values))


# -------------------------------------------------------------------------------- helpers

def parallel_map(func, items, workers, processes=False):
    """`map(func, items)` in order, on `workers` threads (or forked processes) when above 1;
    None reads `config.get_num_parallel_workers()`."""
    workers = config.get_num_parallel_workers() if workers is None else workers
    return ordered_map(func, items, workers, processes)


def split_counts(sizes, total):
    """Row counts for `split`: the ints as given, or fractions of `total` rounded."""
    if all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes):
        for s in sizes:
            check_int('sizes', s, 1)
        if sum(sizes) != total:
            raise RuntimeError(f"For 'split', the sizes {list(sizes)} add up to {sum(sizes)}, but "
                               f"the dataset has {total} rows.")
        return [int(s) for s in sizes]
    if all(isinstance(s, float) for s in sizes):
        if any(not 0 < s <= 1 for s in sizes) or abs(sum(sizes) - 1) > 1e-6:
            raise ValueError(f"For 'split', fractions must lie in (0, 1] and sum to 1, "
                             f"but got {list(sizes)}.")
        counts = [round(s * total) for s in sizes]
        # Rounding may miss the total by a row or two; the first part absorbs the difference.
        counts[0] += total - sum(counts)
        if any(c < 1 for c in counts):
            raise RuntimeError(f"For 'split', the fractions {list(sizes)} of {total} rows leave a "
                               f"part empty: {counts}.")
        return counts
    raise TypeError(f"For 'split', `sizes` must be all ints or all floats, but got {list(sizes)}.")


def check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be an int, but got {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}, but got {value}.")


def names_of(argument, value, default):
    if value is None:
        if default is None:
            raise TypeError(f"`{argument}` is required.")
        return list(default)
    names = [value] if isinstance(value, str) else list(value)
    if not names or not all(isinstance(n, str) for n in names):
        raise TypeError(f"`{argument}` must be a column name or a non-empty list of them, "
                        f"but got {value!r}.")
    return names


def check_columns(operation, names, available):
    """MindSpore finds a missing column when it builds the pipeline and raises RuntimeError;
    this raises the same when the node is made."""
    for name in names:
        if name not in available:
            raise RuntimeError(f"For '{operation}', invalid column name {name!r}: it does not "
                               f"exist in the dataset's columns {list(available)}.")


def check_unique(operation, names):
    if len(set(names)) != len(names):
        raise RuntimeError(f"For '{operation}', the resulting columns {names} repeat a name.")


def splice(items, positions, new):
    """`items` without those at `positions`, with `new` inserted where the first of them was."""
    first, out = min(positions), []
    for i, item in enumerate(items):
        if i == first:
            out.extend(new)
        if i not in positions:
            out.append(item)
    return out


def as_arrays(result):
    result = result if isinstance(result, tuple) else (result,)
    return tuple(as_array(v) for v in result)


def as_array(value):
    return value.asnumpy() if isinstance(value, Tensor) else np.asarray(value)


def pop_random(buffer, rng):
    i = int(rng.integers(len(buffer)))
    buffer[i], buffer[-1] = buffer[-1], buffer[i]
    return buffer.pop()

