"""An in-memory data pipeline with MindSpore's `mindspore.dataset` API, small enough to read.

    from autograph import dataset as ds
    ds.config.set_seed(0)                                   # reproducible shuffles
    data = ds.NumpySlicesDataset((x, y), column_names=['x', 'y'], shuffle=False)
    data = data.map(lambda x: x / 255, input_columns='x').shuffle(100).batch(32)
    for epoch in range(3):
        for x, y in data:                                   # a new order each epoch
            ...

A dataset is a chain of nodes (source, map, shuffle, batch). Iterating it starts an epoch, and
rows (one NumPy array per column) flow through the chain lazily. Each row comes out as a list
with one Tensor per column (NumPy arrays with `output_numpy=True`), as MindSpore's iterators give
lists. Everything lives in memory and runs in the calling thread.

Randomness: each shuffle draws from `numpy.random.default_rng` seeded with (seed, epoch, node),
so with a seed the whole sequence of epochs repeats exactly, while each epoch differs from the
last. The seed is `shuffle(..., seed=)` if given, else `config.set_seed`'s value when the node is
built; with neither, each epoch is drawn from fresh entropy. Epochs are counted per dataset
object that is iterated: iterating `data` again reshuffles.

Differences from MindSpore: `shuffle` also takes `seed=`; the seed is read when a node is built
(MindSpore reads it when the pipeline starts); there are no workers, samplers or shards
(`num_parallel_workers`, `sampler`, `num_shards` are not accepted); `do_copy` is accepted and
values are always copied; `map` puts its output columns where the first input column was.
"""
import numpy as np

from runtime.tensor import Tensor

__all__ = ['Dataset', 'NumpySlicesDataset', 'config']


class _Config:
    """`config.set_seed(seed)` / `config.get_seed()`, as `mindspore.dataset.config`."""

    def __init__(self):
        self._seed = None

    def set_seed(self, seed):
        if seed is not None:
            _check_int('seed', seed, 0)
        self._seed = seed

    def get_seed(self):
        return self._seed


config = _Config()


class Dataset:
    """The methods shared by every node. Subclasses define `_rows(epoch)`, a generator of tuples
    of NumPy arrays, `get_dataset_size()` and `column_names`."""

    def __init__(self, children=()):
        self.children = list(children)
        self._epochs = 0
        self._depth = 1 + max((c._depth for c in self.children), default=-1)

    # ---- pipeline operations: each returns a new Dataset wrapping this one
    def shuffle(self, buffer_size, seed=None):
        """Shuffle through a buffer of `buffer_size` rows: fill it, emit a random row, refill,
        as MindSpore does. A buffer at least the dataset's size gives a uniform shuffle."""
        return ShuffleDataset(self, buffer_size, seed)

    def batch(self, batch_size, drop_remainder=False):
        """Stack `batch_size` consecutive rows per column (all rows of a column must share one
        shape). The last, smaller batch is kept unless `drop_remainder`."""
        return BatchDataset(self, batch_size, drop_remainder)

    def map(self, operations, input_columns=None, output_columns=None):
        """Apply `operations` (a callable or a list, chained) to the `input_columns` of each row
        (default: all columns). The results become `output_columns` (default: the input names)."""
        return MapDataset(self, operations, input_columns, output_columns)

    # ---- iteration
    def create_tuple_iterator(self, columns=None, num_epochs=-1, output_numpy=False, do_copy=True):
        """An iterator of lists, one value per column (Tensors, or NumPy arrays with
        `output_numpy`). Iterating it again starts the next epoch, up to `num_epochs`."""
        return _Iterator(self, columns, num_epochs, output_numpy, as_dict=False)

    def create_dict_iterator(self, num_epochs=-1, output_numpy=False, do_copy=True):
        """Like `create_tuple_iterator`, yielding dicts column name -> value."""
        return _Iterator(self, None, num_epochs, output_numpy, as_dict=True)

    def __iter__(self):
        return iter(self.create_tuple_iterator(num_epochs=1))

    def get_col_names(self):
        return list(self.column_names)

    def _next_epoch(self):
        epoch = self._epochs
        self._epochs += 1
        return epoch


class NumpySlicesDataset(Dataset):
    """Rows sliced along the first axis of `data`: a list or a single array (one column), a tuple
    of arrays (one column each, named `column_0`, ...), or a dict (columns named by its keys).
    `shuffle=None` or True shuffles each epoch (MindSpore's default); `num_samples` keeps that
    many rows."""

    def __init__(self, data, column_names=None, num_samples=None, shuffle=None):
        super().__init__()
        names, columns = _columns_of(data)
        if column_names is not None:
            column_names = [column_names] if isinstance(column_names, str) else list(column_names)
            if len(column_names) != len(columns):
                raise ValueError(f"For 'NumpySlicesDataset', `column_names` has "
                                 f"{len(column_names)} names but `data` has {len(columns)} columns.")
            names = column_names
        _check_lengths(names, columns)
        if num_samples is not None:
            _check_int('num_samples', num_samples, 1)
        if shuffle is not None and not isinstance(shuffle, bool):
            raise TypeError(f"For 'NumpySlicesDataset', `shuffle` must be a bool or None, "
                            f"but got {type(shuffle).__name__}.")
        self.column_names = names
        self._columns = columns
        self._num_samples = num_samples
        self._shuffle = shuffle is None or shuffle
        self._seed = config.get_seed()

    def get_dataset_size(self):
        n = len(self._columns[0])
        return n if self._num_samples is None else min(n, self._num_samples)

    def _rows(self, epoch):
        n = len(self._columns[0])
        order = _rng(self._seed, epoch, self._depth).permutation(n) if self._shuffle else range(n)
        for i in list(order)[:self.get_dataset_size()]:
            yield tuple(np.asarray(column[i]) for column in self._columns)


class ShuffleDataset(Dataset):
    def __init__(self, child, buffer_size, seed=None):
        super().__init__([child])
        _check_int('buffer_size', buffer_size, 2)
        if seed is not None:
            _check_int('seed', seed, 0)
        self.column_names = child.column_names
        self._buffer_size = buffer_size
        self._seed = config.get_seed() if seed is None else seed

    def get_dataset_size(self):
        return self.children[0].get_dataset_size()

    def _rows(self, epoch):
        rng = _rng(self._seed, epoch, self._depth)
        buffer = []
        for row in self.children[0]._rows(epoch):
            buffer.append(row)
            if len(buffer) == self._buffer_size:
                yield _pop_random(buffer, rng)
        while buffer:
            yield _pop_random(buffer, rng)


class BatchDataset(Dataset):
    def __init__(self, child, batch_size, drop_remainder=False):
        super().__init__([child])
        _check_int('batch_size', batch_size, 1)
        if not isinstance(drop_remainder, bool):
            raise TypeError(f"For 'batch', `drop_remainder` must be a bool, "
                            f"but got {type(drop_remainder).__name__}.")
        self.column_names = child.column_names
        self._batch_size = batch_size
        self._drop_remainder = drop_remainder

    def get_dataset_size(self):
        n, size = self.children[0].get_dataset_size(), self._batch_size
        return n // size if self._drop_remainder else -(-n // size)

    def _rows(self, epoch):
        pending = []
        for row in self.children[0]._rows(epoch):
            pending.append(row)
            if len(pending) == self._batch_size:
                yield self._stack(pending)
                pending = []
        if pending and not self._drop_remainder:
            yield self._stack(pending)

    def _stack(self, rows):
        batch = []
        for name, values in zip(self.column_names, zip(*rows)):
            shapes = {value.shape for value in values}
            if len(shapes) > 1:
                raise ValueError(f"For 'batch', column {name!r} has rows of different shapes "
                                 f"{sorted(shapes)}; a batch needs one shape per column.")
            batch.append(np.stack(values))
        return tuple(batch)


class MapDataset(Dataset):
    def __init__(self, child, operations, input_columns=None, output_columns=None):
        super().__init__([child])
        operations = list(operations) if isinstance(operations, (list, tuple)) else [operations]
        for op in operations:
            if not callable(op):
                raise TypeError(f"For 'map', `operations` must be callables, "
                                f"but got {type(op).__name__}.")
        inputs = _names('input_columns', input_columns, child.column_names)
        for name in inputs:
            if name not in child.column_names:
                raise ValueError(f"For 'map', input column {name!r} is not one of "
                                 f"{child.column_names}.")
        outputs = _names('output_columns', output_columns, inputs)
        self._operations, self._outputs = operations, outputs
        self._positions = [child.column_names.index(name) for name in inputs]
        self.column_names = _splice(child.column_names, self._positions, outputs)
        if len(set(self.column_names)) != len(self.column_names):
            raise ValueError(f"For 'map', the resulting columns {self.column_names} repeat a name.")

    def get_dataset_size(self):
        return self.children[0].get_dataset_size()

    def _rows(self, epoch):
        for row in self.children[0]._rows(epoch):
            values = tuple(row[i] for i in self._positions)
            for op in self._operations:
                values = _as_tuple(op(*values))
            if len(values) != len(self._outputs):
                raise ValueError(f"For 'map', the operations returned {len(values)} columns but "
                                 f"`output_columns` names {len(self._outputs)}: {self._outputs}.")
            yield tuple(_splice(row, self._positions, values))


class _Iterator:
    """Epochs of rows from `dataset`, restarted each time the iterator is iterated again."""

    def __init__(self, dataset, columns, num_epochs, output_numpy, as_dict):
        if num_epochs != -1:
            _check_int('num_epochs', num_epochs, 1)
        self._dataset, self._num_epochs = dataset, num_epochs
        self._output_numpy, self._as_dict = output_numpy, as_dict
        names = dataset.column_names
        self._columns = _names('columns', columns, names)
        for name in self._columns:
            if name not in names:
                raise ValueError(f"For 'create_tuple_iterator', column {name!r} is not one of {names}.")
        self._positions = [names.index(name) for name in self._columns]
        self._epochs_done, self._rows = 0, None

    def __iter__(self):
        return self

    def __next__(self):
        if self._rows is None:
            if self._num_epochs != -1 and self._epochs_done >= self._num_epochs:
                raise StopIteration
            self._rows = self._dataset._rows(self._dataset._next_epoch())
        try:
            row = next(self._rows)
        except StopIteration:
            self._rows, self._epochs_done = None, self._epochs_done + 1
            raise
        values = [row[i] if self._output_numpy else Tensor(row[i]) for i in self._positions]
        return dict(zip(self._columns, values)) if self._as_dict else values


# -------------------------------------------------------------------------------- helpers
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


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be an int, but got {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}, but got {value}.")


def _names(argument, value, default):
    if value is None:
        return list(default)
    names = [value] if isinstance(value, str) else list(value)
    if not names or not all(isinstance(n, str) for n in names):
        raise TypeError(f"`{argument}` must be a column name or a non-empty list of them, "
                        f"but got {value!r}.")
    return names


def _splice(items, positions, new):
    """`items` without those at `positions`, with `new` inserted where the first of them was."""
    first, out = min(positions), []
    for i, item in enumerate(items):
        if i == first:
            out.extend(new)
        if i not in positions:
            out.append(item)
    return out


def _as_tuple(result):
    result = result if isinstance(result, tuple) else (result,)
    return tuple(np.asarray(v.asnumpy() if isinstance(v, Tensor) else v) for v in result)


def _pop_random(buffer, rng):
    i = int(rng.integers(len(buffer)))
    buffer[i], buffer[-1] = buffer[-1], buffer[i]
    return buffer.pop()


def _rng(seed, epoch, salt):
    return np.random.default_rng(None if seed is None else [seed, epoch, salt])
