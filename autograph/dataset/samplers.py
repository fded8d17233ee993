"""Samplers: which rows of a random-access source an epoch reads, and in what order.

Each sampler turns (the source's length, this pass's generator) into a list of indices, so a
seeded pipeline draws the same orders again and every epoch draws a new one.
"""
import numpy as np

from .pipeline import check_int


class Sampler:
    """The base of the samplers; `num_samples` caps how many indices an epoch gets."""

    def __init__(self, num_samples=None):
        if num_samples is not None:
            check_int('num_samples', num_samples, 0)
        self.num_samples = num_samples or None

    def indices(self, length, rng):
        order = [int(i) for i in self._order(length, rng)]
        return order if self.num_samples is None else order[:self.num_samples]

    def count(self, length):
        n = self._length(length)
        return n if self.num_samples is None else min(n, self.num_samples)

    def get_num_samples(self):
        return self.num_samples

    def _length(self, length):
        return length

    def _order(self, length, rng):
        raise NotImplementedError


class SequentialSampler(Sampler):
    def __init__(self, start_index=None, num_samples=None):
        super().__init__(num_samples)
        if start_index is not None:
            check_int('start_index', start_index, 0)
        self.start_index = start_index or 0

    def _length(self, length):
        return max(length - self.start_index, 0)

    def _order(self, length, rng):
        return range(self.start_index, length)


class RandomSampler(Sampler):
    """A new permutation each epoch; with `replacement`, `num_samples` independent draws."""

    def __init__(self, replacement=False, num_samples=None):
        super().__init__(num_samples)
        if not isinstance(replacement, bool):
            raise TypeError(f"`replacement` must be a bool, but got {type(replacement).__name__}.")
        self.replacement = replacement

    def _order(self, length, rng):
        if self.replacement:
            return rng.integers(length, size=self.num_samples or length)
        return rng.permutation(length)


class SubsetSampler(Sampler):
    """Exactly `indices`, in their order."""

    def __init__(self, indices, num_samples=None):
        super().__init__(num_samples)
        self._indices = _index_list(indices)

    def _length(self, length):
        return len(self._indices)

    def _order(self, length, rng):
        _check_range(self._indices, length)
        return self._indices


class SubsetRandomSampler(SubsetSampler):
    """`indices` in a new random order each epoch."""

    def _order(self, length, rng):
        _check_range(self._indices, length)
        return [self._indices[i] for i in rng.permutation(len(self._indices))]


class DistributedSampler(Sampler):
    """Shard `shard_id` of `num_shards`: rows shard_id, shard_id + num_shards, ... of the
    (shuffled) order, wrapping around so that every shard gets ceil(n / num_shards) rows. Shards
    of one seed share the permutation, so together they cover every row once per epoch."""

    def __init__(self, num_shards, shard_id, shuffle=True, num_samples=None, offset=-1):
        super().__init__(num_samples)
        check_int('num_shards', num_shards, 1)
        check_int('shard_id', shard_id, 0)
        if shard_id >= num_shards:
            raise ValueError(f"`shard_id` must be below `num_shards` ({num_shards}), "
                             f"but got {shard_id}.")
        if not isinstance(shuffle, bool):
            raise TypeError(f"`shuffle` must be a bool, but got {type(shuffle).__name__}.")
        self.num_shards, self.shard_id, self.shuffle = num_shards, shard_id, shuffle

    def _length(self, length):
        return -(-length // self.num_shards)

    def _order(self, length, rng):
        base = rng.permutation(length) if self.shuffle else np.arange(length)
        if length == 0:
            return []
        return [base[(k * self.num_shards + self.shard_id) % length]
                for k in range(self._length(length))]


class _IndexList(Sampler):
    """A plain iterable of indices passed as `sampler`, read in order each epoch."""

    def __init__(self, indices):
        super().__init__()
        self._indices = _index_list(indices)

    def _length(self, length):
        return len(self._indices)

    def _order(self, length, rng):
        _check_range(self._indices, length)
        return self._indices


def sampler_of(sampler, shuffle, num_samples, num_shards, shard_id):
    """The sampler a source's arguments describe, with MindSpore's rules on combining them."""
    if shuffle is not None and not isinstance(shuffle, bool):
        raise TypeError(f"`shuffle` must be a bool or None, but got {type(shuffle).__name__}.")
    if num_samples is not None:
        check_int('num_samples', num_samples, 0)
    if (num_shards is None) != (shard_id is None):
        raise RuntimeError("`num_shards` and `shard_id` must be given together.")
    if sampler is not None:
        if shuffle is not None:
            raise RuntimeError("sampler and shuffle cannot be specified at the same time.")
        if num_shards is not None:
            raise RuntimeError("sampler and sharding cannot be specified at the same time.")
        if not isinstance(sampler, Sampler):
            sampler = _IndexList(sampler)
        if num_samples:
            return _Capped(sampler, num_samples)
        return sampler
    shuffle = shuffle is None or shuffle
    if num_shards is not None:
        return DistributedSampler(num_shards, shard_id, shuffle=shuffle, num_samples=num_samples)
    return RandomSampler(num_samples=num_samples) if shuffle else SequentialSampler(
        num_samples=num_samples)


class _Capped(Sampler):
    def __init__(self, inner, num_samples):
        super().__init__(num_samples)
        self._inner = inner

    def _length(self, length):
        return self._inner.count(length)

    def _order(self, length, rng):
        return self._inner.indices(length, rng)


def _index_list(indices):
    try:
        out = [int(i) for i in indices]
    except TypeError:
        raise TypeError(f"`indices` must be an iterable of ints, "
                        f"but got {type(indices).__name__}.") from None
    return out


def _check_range(indices, length):
    for i in indices:
        if not -length <= i < length:
            raise RuntimeError(f"Sampler index {i} is out of range for a dataset of {length} rows.")
