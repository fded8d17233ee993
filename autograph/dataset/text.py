"""`mindspore.dataset.text`, the part the beginner tutorials use: `PythonTokenizer`, `Vocab`
(`from_dataset`, `from_list`, `from_dict`) and `Lookup`, on NumPy string arrays."""
import collections

import numpy as np

from runtime.dtypes import int32, to_numpy
from .transforms import TensorOperation


def _strings(array):
    """A NumPy array of str (bytes decoded as UTF-8)."""
    array = np.asarray(array)
    if array.dtype.kind == 'S':
        return np.char.decode(array, 'utf-8')
    if array.dtype.kind != 'U':
        raise TypeError(f"expected strings, got an array of {array.dtype}")
    return array


class PythonTokenizer(TensorOperation):
    """Splits a string with `tokenizer(str) -> list of str`: a 1-D string array.

    Example:
        >>> from autograph.dataset import text
        >>> text.PythonTokenizer(str.split)('Welcome to Beijing').tolist()
        ['Welcome', 'to', 'Beijing']
    """

    def __init__(self, tokenizer):
        if not callable(tokenizer):
            raise TypeError(f"For 'PythonTokenizer', 'tokenizer' must be callable, got {tokenizer!r}")
        self.tokenizer = tokenizer

    def _apply(self, array):
        array = _strings(array)
        if array.ndim != 0:
            raise ValueError(f"For 'PythonTokenizer', the input must be one string, got shape {array.shape}")
        return np.array(list(self.tokenizer(str(array))), dtype=str)


class Vocab:
    """A mapping of tokens to ids, as MindSpore's `text.Vocab`. Build one with `from_dataset`,
    `from_list` or `from_dict`.

    Example:
        >>> from autograph.dataset import text
        >>> vocab = text.Vocab.from_list(['a', 'b'], special_tokens=['<unk>'])
        >>> vocab.vocab(), vocab.tokens_to_ids(['b', 'a'])
        ({'<unk>': 0, 'a': 1, 'b': 2}, [2, 1])
    """

    def __init__(self, mapping=None):
        self._ids = dict(mapping or {})

    @classmethod
    def from_dataset(cls, dataset, columns=None, freq_range=None, top_k=None, special_tokens=None,
                     special_first=True):
        """Counts the tokens of `columns` (all, by default) over one pass of `dataset`. Ids go by
        falling frequency, ties by the tokens' order (as MindSpore's); `freq_range=(min, max)`
        keeps the tokens counted that often, `top_k` the most frequent k; `special_tokens` come
        first (or last, `special_first=False`)."""
        counts = collections.Counter()
        columns = [columns] if isinstance(columns, str) else columns
        for row in dataset.create_tuple_iterator(columns=columns, num_epochs=1, output_numpy=True):
            for value in row:
                counts.update(_strings(value).ravel().tolist())
        low, high = freq_range if freq_range is not None else (0, None)
        words = [w for w, n in counts.items() if n >= (low or 0) and (high is None or n <= high)]
        words.sort(key=lambda w: (-counts[w], w))
        if top_k is not None:
            words = words[:top_k]
        return cls.from_list(words, special_tokens, special_first)

    @classmethod
    def from_list(cls, word_list, special_tokens=None, special_first=True):
        """Ids in the order of `word_list`, with `special_tokens` before or after."""
        special = list(special_tokens or [])
        words = [w for w in word_list if w not in special]
        order = special + words if special_first else words + special
        if len(set(order)) != len(order):
            raise ValueError("For 'Vocab.from_list', 'word_list' contains duplicate words")
        return cls({w: i for i, w in enumerate(order)})

    @classmethod
    def from_dict(cls, word_dict):
        """The mapping itself: {token: id}."""
        return cls({str(w): int(i) for w, i in word_dict.items()})

    def vocab(self):
        """The mapping {token: id}."""
        return dict(self._ids)

    def tokens_to_ids(self, tokens):
        """The id of a token, or a list of ids (-1 for a token not in the vocabulary)."""
        if isinstance(tokens, str):
            return self._ids.get(tokens, -1)
        return [self._ids.get(str(t), -1) for t in tokens]

    def ids_to_tokens(self, ids):
        """The token of an id, or a list of tokens ('' for an unknown id)."""
        tokens = {i: w for w, i in self._ids.items()}
        if isinstance(ids, (int, np.integer)):
            return tokens.get(int(ids), '')
        return [tokens.get(int(i), '') for i in ids]


class Lookup(TensorOperation):
    """Tokens to their ids in `vocab`, as `data_type` (int32). A token not in it becomes the id
    of `unknown_token`; without one it is a RuntimeError.

    Example:
        >>> from autograph.dataset import text
        >>> vocab = text.Vocab.from_list(['to', 'Beijing'])
        >>> text.Lookup(vocab)(['Beijing', 'to']).tolist()
        [1, 0]
    """

    def __init__(self, vocab, unknown_token=None, data_type=int32):
        if not isinstance(vocab, Vocab):
            raise TypeError(f"For 'Lookup', 'vocab' must be a text.Vocab, got {type(vocab).__name__}")
        self.vocab = vocab
        self.unknown_token = unknown_token
        self.data_type = to_numpy(data_type)
        mapping = vocab.vocab()
        if unknown_token is not None and unknown_token not in mapping:
            raise ValueError(f"For 'Lookup', 'unknown_token' {unknown_token!r} is not in the vocabulary")
        self._unknown = None if unknown_token is None else mapping[unknown_token]

    def _apply(self, array):
        array = _strings(array)
        mapping = self.vocab.vocab()
        ids = []
        for token in array.ravel().tolist():
            index = mapping.get(token, self._unknown)
            if index is None:
                raise RuntimeError(f"Lookup: the token {token!r} is not in the vocabulary and no "
                                   "'unknown_token' is given")
            ids.append(index)
        return np.array(ids, dtype=self.data_type).reshape(array.shape)
