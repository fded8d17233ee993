"""A data pipeline with MindSpore's `mindspore.dataset` API, small enough to read.

    from autograph import dataset as ds
    from autograph.dataset import transforms, vision
    ds.config.set_seed(0)                                   # reproducible shuffles
    data = ds.NumpySlicesDataset((x, y), column_names=['x', 'y'], shuffle=False)
    data = data.map(vision.Rescale(1 / 255, 0), input_columns='x', num_parallel_workers=4)
    data = data.shuffle(100).batch(32, drop_remainder=True)
    for epoch in range(3):
        for x, y in data:                                   # a new order each epoch
            ...

A dataset is a tree of nodes: sources (GeneratorDataset, NumpySlicesDataset, MnistDataset,
Cifar10Dataset, ImageFolderDataset) under pipeline operations (map, batch, shuffle, repeat, take,
skip, zip, concat, filter, rename, project, split). Iterating it starts an epoch, and rows (one
NumPy array per column) flow through the tree lazily. A tuple iterator gives each row as a list
with one Tensor per column (NumPy arrays with `output_numpy=True`), a dict iterator as a dict.

Parallelism: `num_parallel_workers` above 1 runs a random-access source's reads, `map`, `batch`
and `filter` on that many threads, keeping the rows' order. NumPy and file reads release the GIL,
so array transforms and loaders do run concurrently; for pure-Python work, give `map`
`python_multiprocessing=True` to run it on forked processes.

Randomness: shuffles, samplers and random transforms draw from generators seeded with
(seed, node, epoch and repetition, row), so with a seed the whole sequence of epochs repeats
exactly, whatever the number of threads, while each epoch differs from the last. The seed is
`shuffle(..., seed=)` if given, else `dataset.config.set_seed`'s, else `autograph.set_seed`'s,
read when an epoch starts; with none, each epoch draws from fresh entropy. Epochs are counted per
dataset object that is iterated: iterating `data` again reshuffles.

Differences from MindSpore:
- workers are threads, except in `map(..., python_multiprocessing=True)`, which forks
  processes (threads where the platform cannot fork); forked workers inherit the operations, so
  lambdas work and only rows are pickled. `GeneratorDataset` and `batch` accept
  `python_multiprocessing` and use threads, on which the GIL bounds pure-Python speed-ups.
  Without `num_parallel_workers`, `config.get_num_parallel_workers()` applies: 1 here, 8 in
  MindSpore;
- `shuffle` also takes `seed=`; `autograph.set_seed` seeds the pipeline when
  `dataset.config.set_seed` was not called (MindSpore keeps the two apart); random transforms
  called outside a pipeline read the seed when they are made and share one generator per seed;
- a missing column raises MindSpore's RuntimeError when the node is made, not when the pipeline
  starts; exceptions from user functions in `map`/`filter`/`batch` propagate unchanged (MindSpore
  wraps them in RuntimeError); `map` puts its output columns where the first input column was;
- `split` of anything but a random-access source cuts by position (skip/take), and warns when
  the rows beneath are reshuffled each epoch; `get_dataset_size` of `filter` or of an iterable
  source without `__len__` reads one pass; of an infinite `repeat` it is -1;
- `column_types` casts rather than checks; `DistributedSampler`'s `offset` is ignored; there is
  no `schema`, `cache`, `batch_sampler`/`collate_fn`, callable `batch_size`, padding, bucketing,
  sync-wait, device queue or `save`; `do_copy` is accepted and values are always copied;
- `ImageFolderDataset(decode=True)` and `vision.Decode` need Pillow; `vision.Resize` knows
  NEAREST and LINEAR interpolation only.
"""
from . import text, transforms, vision
from .loaders import Cifar10Dataset, ImageFolderDataset, MnistDataset
from .pipeline import BatchInfo, Dataset, config, zip_datasets as zip  # noqa: A001
from .samplers import (DistributedSampler, RandomSampler, Sampler, SequentialSampler,
                       SubsetRandomSampler, SubsetSampler)
from .sources import GeneratorDataset, NumpySlicesDataset

__all__ = ['Dataset', 'GeneratorDataset', 'NumpySlicesDataset', 'MnistDataset', 'Cifar10Dataset',
           'ImageFolderDataset', 'Sampler', 'SequentialSampler', 'RandomSampler',
           'SubsetRandomSampler', 'SubsetSampler', 'DistributedSampler', 'BatchInfo', 'config',
           'zip', 'text', 'transforms', 'vision']
