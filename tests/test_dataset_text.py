"""autograph.dataset.text: the tokenizer, vocabulary and lookup of MindSpore's Transforms
tutorial, in a pipeline and called directly."""
import numpy as np
import pytest

import autograph
from autograph.dataset import GeneratorDataset, text


def test_tokenize_build_a_vocabulary_and_look_up():
    data = GeneratorDataset(['Welcome to Beijing', 'to Beijing to'], 'text', shuffle=False)
    data = data.map(text.PythonTokenizer(lambda s: s.split()))
    first = next(data.create_tuple_iterator())[0]
    assert first.dtype.name == 'String' and first.asnumpy().tolist() == ['Welcome', 'to', 'Beijing']
    assert repr(first) == "Tensor(shape=[3], dtype=String, value= ['Welcome', 'to', 'Beijing'])"
    vocab = text.Vocab.from_dataset(data)
    assert vocab.vocab() == {'to': 0, 'Beijing': 1, 'Welcome': 2}    # by count, then by token
    ids = [row[0].asnumpy().tolist() for row in data.map(text.Lookup(vocab)).create_tuple_iterator()]
    assert ids == [[2, 0, 1], [0, 1, 0]]
    looked = next(data.map(text.Lookup(vocab)).create_tuple_iterator())[0]
    assert looked.dtype == autograph.int32
    assert text.Vocab.from_dataset(data, top_k=1, special_tokens=['<pad>']).vocab() == {'<pad>': 0, 'to': 1}
    assert text.Vocab.from_dataset(data, freq_range=(1, 2)).vocab() == {'Beijing': 0, 'Welcome': 1}


def test_vocab_and_lookup_details():
    vocab = text.Vocab.from_list(['a', 'b'], special_tokens=['<unk>'], special_first=False)
    assert vocab.vocab() == {'a': 0, 'b': 1, '<unk>': 2}
    assert vocab.tokens_to_ids(['b', 'z']) == [1, -1] and vocab.ids_to_tokens(2) == '<unk>'
    assert text.Vocab.from_dict({'x': 5}).tokens_to_ids('x') == 5
    lookup = text.Lookup(vocab, unknown_token='<unk>', data_type=autograph.int64)
    out = lookup(np.array([['a', 'q']]))
    assert out.tolist() == [[0, 2]] and out.dtype == np.int64
    with pytest.raises(RuntimeError, match="'q' is not in the vocabulary"):
        text.Lookup(vocab)(np.array(['q']))
    with pytest.raises(ValueError, match="not in the vocabulary"):
        text.Lookup(vocab, unknown_token='<oov>')
    with pytest.raises(ValueError, match="duplicate"):
        text.Vocab.from_list(['a', 'a'])
    assert text.PythonTokenizer(str.split)(np.array(b'x y')).tolist() == ['x', 'y']
    with pytest.raises(TypeError, match="expected strings"):
        text.PythonTokenizer(str.split)(np.array(3))
