"""Loaders of standard datasets from local files: MNIST's IDX files, CIFAR-10's binary batches,
and a folder of images per class. Nothing is downloaded. Files are memory-mapped, so a row is
read from disk when the sampler asks for it."""
import os

import numpy as np

from .sources import MappableSource
from .vision import Decode

_MNIST = {'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
          'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')}
_CIFAR10 = {'train': [f'data_batch_{i}.bin' for i in range(1, 6)], 'test': ['test_batch.bin']}
_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: '>i2', 0x0C: '>i4', 0x0D: '>f4', 0x0E: '>f8'}


class _ArraySource(MappableSource):
    """Rows from equally long arrays (memory maps), one per column."""

    def __init__(self, names, columns, **options):
        super().__init__(names, **options)
        self._columns = columns

    def _length(self):
        return len(self._columns[0])

    def _read(self, i):
        return tuple(np.array(column[i]) for column in self._columns)


class MnistDataset(_ArraySource):
    """MNIST from `dataset_dir`, which holds the IDX files `train-images-idx3-ubyte`,
    `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (the
    `.idx3-ubyte` spelling also works). Columns 'image' (28, 28, 1) uint8 and 'label' uint32.
    `usage` is 'train', 'test' or 'all' (None: all), train rows first; 'all' reads the parts
    whose files the folder holds (MNIST_Data/train holds only the train files)."""

    def __init__(self, dataset_dir, usage=None, num_samples=None, num_parallel_workers=None,
                 shuffle=None, sampler=None, num_shards=None, shard_id=None, cache=None):
        _check_dir(dataset_dir)
        images, labels = [], []
        parts = _usages(usage, ('train', 'test'), 'MnistDataset')
        if len(parts) > 1:          # 'all': the parts whose files are there, as in MindSpore
            present = [part for part in parts if _present(dataset_dir, _MNIST[part][0])]
            parts = present or parts[:1]
        for part in parts:
            image_name, label_name = _MNIST[part]
            image = read_idx(_find(dataset_dir, image_name, 'MnistDataset'))
            label = read_idx(_find(dataset_dir, label_name, 'MnistDataset'))
            if image.ndim != 3 or label.ndim != 1 or len(image) != len(label):
                raise RuntimeError(f"MnistDataset: {image_name} holds {image.shape} and "
                                   f"{label_name} {label.shape}; expected (n, rows, cols) and (n,).")
            images.append(image[..., None])
            labels.append(label.astype(np.uint32))
        super().__init__(['image', 'label'], [_joined(images), _joined(labels)],
                         num_samples=num_samples, num_parallel_workers=num_parallel_workers,
                         shuffle=shuffle, sampler=sampler, num_shards=num_shards,
                         shard_id=shard_id)


class Cifar10Dataset(_ArraySource):
    """CIFAR-10 from `dataset_dir` holding the binary version's `data_batch_1.bin` ..
    `data_batch_5.bin` and `test_batch.bin` (records of one label byte and 3072 pixel bytes,
    channel-major). Columns 'image' (32, 32, 3) uint8 and 'label' uint32. `usage` is 'train',
    'test' or 'all' (None: all); the batches present for it are read in order."""

    def __init__(self, dataset_dir, usage=None, num_samples=None, num_parallel_workers=None,
                 shuffle=None, sampler=None, num_shards=None, shard_id=None, cache=None):
        _check_dir(dataset_dir)
        records = []
        for part in _usages(usage, ('train', 'test'), 'Cifar10Dataset'):
            for name in _CIFAR10[part]:
                path = os.path.join(dataset_dir, name)
                if os.path.isfile(path):
                    records.append(_cifar_records(path))
        if not records:
            raise RuntimeError(f"Cifar10Dataset: no CIFAR-10 binary batches (data_batch_*.bin, "
                               f"test_batch.bin) for usage {usage!r} in {dataset_dir!r}.")
        table = _joined(records)
        super().__init__(['image', 'label'], [_CifarImages(table), _CifarLabels(table)],
                         num_samples=num_samples, num_parallel_workers=num_parallel_workers,
                         shuffle=shuffle, sampler=sampler, num_shards=num_shards,
                         shard_id=shard_id)


class ImageFolderDataset(MappableSource):
    """Images in one sub-folder per class under `dataset_dir`: columns 'image' (the file's bytes
    as a 1-D uint8 array, or with `decode=True` the decoded (H, W, 3) RGB image, which needs
    Pillow) and 'label' (int32: the class's index among the sorted folder names, or
    `class_indexing[folder]`). `extensions` (e.g. ['.png']) keeps only those files."""

    def __init__(self, dataset_dir, num_samples=None, num_parallel_workers=None, shuffle=None,
                 sampler=None, extensions=None, class_indexing=None, decode=False,
                 num_shards=None, shard_id=None, cache=None, decrypt=None):
        _check_dir(dataset_dir)
        folders = sorted(d for d in os.listdir(dataset_dir)
                         if os.path.isdir(os.path.join(dataset_dir, d)))
        if class_indexing is None:
            class_indexing = {name: i for i, name in enumerate(folders)}
        elif not isinstance(class_indexing, dict):
            raise TypeError("`class_indexing` must be a dict from folder name to label.")
        suffixes = None if extensions is None else tuple(e.lower() for e in extensions)
        self._files = []
        for folder in folders:
            if folder not in class_indexing:
                continue
            for name in sorted(os.listdir(os.path.join(dataset_dir, folder))):
                path = os.path.join(dataset_dir, folder, name)
                if os.path.isfile(path) and (suffixes is None or name.lower().endswith(suffixes)):
                    self._files.append((path, class_indexing[folder]))
        self._decode = decode
        self.class_indexing = dict(class_indexing)
        super().__init__(['image', 'label'], num_samples=num_samples,
                         num_parallel_workers=num_parallel_workers, shuffle=shuffle,
                         sampler=sampler, num_shards=num_shards, shard_id=shard_id)

    def get_class_indexing(self):
        return dict(self.class_indexing)

    def _length(self):
        return len(self._files)

    def _read(self, i):
        path, label = self._files[i]
        data = np.fromfile(path, dtype=np.uint8)
        if self._decode:
            data = Decode()(data)
        return data, np.array(label, np.int32)


def read_idx(path):
    """An IDX file (big-endian: two zero bytes, a type byte, the number of dimensions, one
    4-byte size per dimension, then the values) as a read-only memory map."""
    with open(path, 'rb') as f:
        header = f.read(4)
        if len(header) != 4 or header[:2] != b'\0\0' or header[2] not in _IDX_TYPES:
            raise RuntimeError(f"{path} is not an IDX file (its magic number is {header!r}).")
        ndim = header[3]
        shape = tuple(int(n) for n in np.frombuffer(f.read(4 * ndim), '>u4'))
    dtype = np.dtype(_IDX_TYPES[header[2]])
    expected = 4 + 4 * ndim + int(np.prod(shape)) * dtype.itemsize
    if os.path.getsize(path) < expected:
        raise RuntimeError(f"{path} is truncated: its header promises {shape} values.")
    return np.memmap(path, dtype=dtype, mode='r', offset=4 + 4 * ndim, shape=shape)


class _CifarImages:
    def __init__(self, table):
        self._table = table

    def __len__(self):
        return len(self._table)

    def __getitem__(self, i):
        return self._table[i][1:].reshape(3, 32, 32).transpose(1, 2, 0)


class _CifarLabels(_CifarImages):
    def __getitem__(self, i):
        return np.uint32(self._table[i][0])


def _cifar_records(path):
    size = os.path.getsize(path)
    if size % 3073:
        raise RuntimeError(f"{path} is not a CIFAR-10 binary batch: its {size} bytes are not a "
                           f"whole number of 3073-byte records.")
    return np.memmap(path, dtype=np.uint8, mode='r', shape=(size // 3073, 3073))


def _joined(arrays):
    return arrays[0] if len(arrays) == 1 else _Chained(arrays)


class _Chained:
    """Several memory maps indexed as one, without reading them into memory."""

    def __init__(self, parts):
        self._parts = parts
        self._ends = np.cumsum([len(p) for p in parts])

    def __len__(self):
        return int(self._ends[-1])

    def __getitem__(self, i):
        part = int(np.searchsorted(self._ends, i, side='right'))
        start = 0 if part == 0 else int(self._ends[part - 1])
        return self._parts[part][i - start]


def _usages(usage, parts, name):
    if usage in (None, 'all'):
        return parts
    if usage not in parts:
        raise ValueError(f"For '{name}', `usage` must be one of {list(parts) + ['all']}, "
                         f"but got {usage!r}.")
    return (usage,)


def _present(directory, name):
    return any(os.path.isfile(os.path.join(directory, candidate))
               for candidate in (name, name.replace('-idx', '.idx')))


def _find(directory, name, loader):
    for candidate in (name, name.replace('-idx', '.idx')):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    raise RuntimeError(f"{loader}: {name} is missing from {directory!r}.")


def _check_dir(directory):
    if not isinstance(directory, (str, os.PathLike)) or not os.path.isdir(directory):
        raise ValueError(f"The folder {directory} does not exist or is not a directory.")
