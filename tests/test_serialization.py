"""Checkpoints (`autograph.serialization`): round trips of every `save_obj` form and dtype, the
portable `.npz` layout, each bad-checkpoint error, atomic saves, and loading into nets built
differently from the one saved."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from autograph import Parameter, Tensor, nn
from autograph.serialization import (METADATA, load_checkpoint, load_param_into_net,
                                     save_checkpoint)

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8,
          np.bool_]


# ---------------------------------------------------------------- helpers
def mlp():
    return nn.SequentialCell(nn.Dense(3, 4), nn.Dense(4, 2))


def values(net):
    return {param.name: param.asnumpy().copy() for _, param in net.parameters_and_names()}


def assert_same_values(net, expected):
    actual = values(net)
    assert list(actual) == list(expected)
    for name in expected:
        assert actual[name].dtype == expected[name].dtype, name
        np.testing.assert_array_equal(actual[name], expected[name], err_msg=name)


def sample(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) > 0.5
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


class Scalars(nn.Cell):
    """Parameters named by the user, of several dtypes."""

    def __init__(self, dtype=np.float32, shape=(2, 3), seed=0):
        super().__init__()
        self.w = Parameter(Tensor(sample(dtype, shape, seed)), name='w')
        self.b = Parameter(Tensor(sample(dtype, shape[-1:], seed + 1)), name='b')


class WithLoss(nn.Cell):
    """A wrapper whose Parameters are the wrapped net's under the prefix `network.`."""

    def __init__(self, network):
        super().__init__()
        self.network = network


@pytest.fixture
def ckpt(tmp_path):
    return str(tmp_path / 'model.ckpt')


# ---------------------------------------------------------------- round trips
def test_cell_round_trip_into_a_fresh_net(ckpt):
    net, other = mlp(), mlp()
    save_checkpoint(net, ckpt)
    assert load_param_into_net(other, load_checkpoint(ckpt)) == ([], [])
    assert_same_values(other, values(net))
    x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(other(x).asnumpy(), net(x).asnumpy())


def test_load_checkpoint_returns_named_parameters_in_save_order(ckpt):
    net = mlp()
    save_checkpoint(net, ckpt)
    loaded = load_checkpoint(ckpt)
    assert list(loaded) == ['0.weight', '0.bias', '1.weight', '1.bias']
    for name, param in loaded.items():
        assert isinstance(param, Parameter) and param.name == name and param.requires_grad


def test_load_checkpoint_with_net_loads_it(ckpt):
    net, other = mlp(), mlp()
    save_checkpoint(net, ckpt)
    load_checkpoint(ckpt, net=other)
    assert_same_values(other, values(net))


@pytest.mark.parametrize('dtype', DTYPES, ids=lambda d: np.dtype(d).name)
def test_every_dtype_round_trips_exactly(ckpt, dtype):
    net, other = Scalars(dtype, seed=0), Scalars(dtype, seed=5)
    save_checkpoint(net, ckpt)
    loaded = load_checkpoint(ckpt)
    assert {name: p.asnumpy().dtype for name, p in loaded.items()} == {'w': dtype, 'b': dtype}
    load_param_into_net(other, loaded, strict_load=True)
    assert_same_values(other, values(net))


def test_list_of_parameters_round_trips(ckpt):
    net, other = mlp(), mlp()
    net[1].bias.requires_grad = False
    save_checkpoint(net.trainable_params(), ckpt)
    assert list(load_checkpoint(ckpt)) == ['0.weight', '0.bias', '1.weight']
    param_not_load, ckpt_not_load = load_param_into_net(other, load_checkpoint(ckpt))
    assert (param_not_load, ckpt_not_load) == (['1.bias'], [])
    for name in ['0.weight', '0.bias', '1.weight']:
        np.testing.assert_array_equal(values(other)[name], values(net)[name])


def test_list_of_name_data_dicts_round_trips(ckpt):
    w = np.arange(6, dtype=np.float64).reshape(2, 3)
    steps = np.array([1, 2, 3], dtype=np.int32)
    save_checkpoint([{'name': 'w', 'data': Tensor(w)}, {'name': 'steps', 'data': Tensor(steps)}], ckpt)
    loaded = load_checkpoint(ckpt)
    np.testing.assert_array_equal(loaded['w'].asnumpy(), w)
    assert loaded['w'].asnumpy().dtype == np.float64
    np.testing.assert_array_equal(loaded['steps'].asnumpy(), steps)
    assert loaded['steps'].asnumpy().dtype == np.int32


def test_dict_from_load_checkpoint_saves_again(tmp_path):
    net = mlp()
    save_checkpoint(net, str(tmp_path / 'a.ckpt'))
    save_checkpoint(load_checkpoint(str(tmp_path / 'a.ckpt')), str(tmp_path / 'b.ckpt'))
    other = mlp()
    load_checkpoint(str(tmp_path / 'b.ckpt'), net=other, strict_load=True)
    assert_same_values(other, values(net))


def test_append_dict_entries(ckpt):
    save_checkpoint(Scalars(), ckpt, append_dict={'epoch_num': 7, 'lr': 0.5, 'note': 'best'})
    loaded = load_checkpoint(ckpt)
    assert loaded['epoch_num'].asnumpy().dtype == np.int64 and int(loaded['epoch_num']) == 7
    assert loaded['lr'].asnumpy().dtype == np.float32 and float(loaded['lr']) == 0.5
    assert loaded['note'] == 'best'
    param_not_load, ckpt_not_load = load_param_into_net(Scalars(), loaded)
    assert param_not_load == [] and ckpt_not_load == ['epoch_num', 'lr', 'note']


def test_choice_func_filters_saving_and_loading(ckpt):
    net = mlp()
    save_checkpoint(net, ckpt, choice_func=lambda name: name.startswith('0.'))
    assert list(load_checkpoint(ckpt)) == ['0.weight', '0.bias']
    assert list(load_checkpoint(ckpt, choice_func=lambda name: 'bias' in name)) == ['0.bias']


def test_file_name_gets_ckpt_suffix_unless_ckpt_or_npz(tmp_path):
    save_checkpoint(Scalars(), str(tmp_path / 'model'))
    save_checkpoint(Scalars(), str(tmp_path / 'weights.npz'))
    save_checkpoint(Scalars(), tmp_path / 'pathlike.ckpt')
    assert sorted(os.listdir(tmp_path)) == ['model.ckpt', 'pathlike.ckpt', 'weights.npz']


def test_file_is_a_portable_npz_with_json_metadata(ckpt):
    net = Scalars(np.float64)
    save_checkpoint(net, ckpt)
    with np.load(ckpt, allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive['arr_0'], net.w.asnumpy())
        np.testing.assert_array_equal(archive['arr_1'], net.b.asnumpy())
        names = [entry['name'] for entry in json.loads(archive[METADATA])['entries']]
    assert names == ['w', 'b']
    with zipfile.ZipFile(ckpt) as archive:
        assert archive.namelist() == ['arr_0.npy', 'arr_1.npy', METADATA]
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        metadata = json.loads(archive.read(METADATA))
    assert metadata == {'format': 'autograph-checkpoint', 'version': 2, 'entries': [
        {'name': 'w', 'dtype': 'float64', 'shape': [2, 3],
         'sha256': hashlib.sha256(net.w.asnumpy().tobytes()).hexdigest()},
        {'name': 'b', 'dtype': 'float64', 'shape': [3],
         'sha256': hashlib.sha256(net.b.asnumpy().tobytes()).hexdigest()}]}


def test_plain_npz_from_numpy_is_refused_and_converts(tmp_path):
    """A plain .npz has no metadata to check it against, so it is refused (a damaged checkpoint
    whose metadata is lost must not load as one); the message says how to convert it."""
    path = str(tmp_path / 'plain.npz')
    w, b = sample(np.float32, (2, 3)), sample(np.float32, (3,))
    np.savez(path, w=w, b=b)
    with pytest.raises(ValueError, match=f"'{path}' is truncated or corrupt: it has no "
                                         f"{METADATA}.*save_checkpoint"):
        load_checkpoint(path)
    save_checkpoint(dict(np.load(path)), str(tmp_path / 'converted.ckpt'))
    net = Scalars()
    load_checkpoint(str(tmp_path / 'converted.ckpt'), net=net, strict_load=True)
    np.testing.assert_array_equal(net.w.asnumpy(), w)
    np.testing.assert_array_equal(net.b.asnumpy(), b)


# ---------------------------------------------------------------- loading into other nets
def test_checkpoint_of_a_wrapped_net_loads_into_the_bare_net_by_prefix(ckpt):
    net = mlp()
    expected = values(net)
    save_checkpoint(WithLoss(net), ckpt)     # wrapping renames net's Parameters
    assert list(load_checkpoint(ckpt))[0] == 'network.0.weight'
    other = mlp()
    assert load_param_into_net(other, load_checkpoint(ckpt)) == ([], [])
    assert_same_values(other, expected)
    with pytest.raises(RuntimeError, match=r"missing from the checkpoint: 0\.weight"):
        load_param_into_net(mlp(), load_checkpoint(ckpt), strict_load=True)


def test_prefix_match_needs_a_dot_boundary(ckpt):
    save_checkpoint([{'name': 'xw', 'data': Tensor(np.zeros((2, 3), np.float32))}], ckpt)
    net = Scalars()
    assert load_param_into_net(net, load_checkpoint(ckpt)) == (['w', 'b'], ['xw'])


def test_differently_named_net_reports_both_lists(ckpt):
    save_checkpoint(mlp(), ckpt)
    net = Scalars()
    before = values(net)
    param_not_load, ckpt_not_load = load_param_into_net(net, load_checkpoint(ckpt))
    assert param_not_load == ['w', 'b']
    assert ckpt_not_load == ['0.weight', '0.bias', '1.weight', '1.bias']
    assert_same_values(net, before)


def test_partially_matching_net_loads_what_matches(ckpt):
    source = mlp()
    save_checkpoint(source, ckpt)

    class Bigger(nn.Cell):
        def __init__(self):
            super().__init__()
            self.body = mlp()
            self.head = nn.Dense(2, 1)

    target = Bigger()
    checkpoint = load_checkpoint(ckpt)
    renamed = {'body.' + name: p for name, p in checkpoint.items()}
    param_not_load, ckpt_not_load = load_param_into_net(target, renamed)
    assert param_not_load == ['head.weight', 'head.bias'] and ckpt_not_load == []
    np.testing.assert_array_equal(target.body[0].weight.asnumpy(), source[0].weight.asnumpy())


# ---------------------------------------------------------------- bad checkpoints
def test_missing_parameter_is_an_error_only_when_strict(ckpt):
    save_checkpoint([Parameter(Tensor(sample(np.float32, (2, 3))), name='w')], ckpt)
    net = Scalars()
    before = values(net)
    with pytest.raises(RuntimeError, match="missing from the checkpoint: b"):
        load_param_into_net(net, load_checkpoint(ckpt), strict_load=True)
    assert_same_values(net, before)
    assert load_param_into_net(net, load_checkpoint(ckpt)) == (['b'], [])
    np.testing.assert_array_equal(net.w.asnumpy(), load_checkpoint(ckpt)['w'].asnumpy())


def test_unexpected_parameter_is_an_error_only_when_strict(ckpt):
    net = Scalars()
    save_checkpoint(net, ckpt, append_dict={'extra': Tensor(np.ones(2, np.float32))})
    with pytest.raises(RuntimeError, match="unexpected in the checkpoint: extra"):
        load_param_into_net(Scalars(seed=3), load_checkpoint(ckpt), strict_load=True)
    assert load_param_into_net(Scalars(seed=3), load_checkpoint(ckpt)) == ([], ['extra'])


@pytest.mark.parametrize('strict', [False, True])
def test_wrong_shape_is_always_an_error_and_nothing_is_written(ckpt, strict):
    save_checkpoint(Scalars(shape=(3, 2)), ckpt)     # w (3, 2), b (2,)
    net = Scalars(shape=(2, 3), seed=9)
    before = values(net)
    with pytest.raises(RuntimeError, match=r"'w' has shape \(2, 3\) in the net but \(3, 2\)"):
        load_param_into_net(net, load_checkpoint(ckpt), strict_load=strict)
    assert_same_values(net, before)


def test_same_size_other_shape_is_not_reshaped(ckpt):
    save_checkpoint([{'name': 'w', 'data': Tensor(np.zeros(6, np.float32))},
                     {'name': 'b', 'data': Tensor(np.zeros(3, np.float32))}], ckpt)
    with pytest.raises(RuntimeError, match="never reshaped"):
        load_param_into_net(Scalars(), load_checkpoint(ckpt))


def test_float_dtypes_cast_unless_strict(ckpt):
    source = Scalars(np.float64)
    save_checkpoint(source, ckpt)
    net = Scalars(np.float32, seed=4)
    assert load_param_into_net(net, load_checkpoint(ckpt)) == ([], [])
    assert net.w.asnumpy().dtype == np.float32
    np.testing.assert_array_equal(net.w.asnumpy(), source.w.asnumpy().astype(np.float32))
    with pytest.raises(RuntimeError, match="'w' is Float32 in the net but Float64 in the "
                                           "checkpoint.*strict_load=True does not cast"):
        load_param_into_net(Scalars(np.float32), load_checkpoint(ckpt), strict_load=True)


def test_int_dtypes_cast_when_values_fit(ckpt):
    save_checkpoint(Scalars(np.int64), ckpt)
    net = Scalars(np.int8, seed=2)
    load_param_into_net(net, load_checkpoint(ckpt))
    np.testing.assert_array_equal(net.w.asnumpy(), load_checkpoint(ckpt)['w'].asnumpy())


@pytest.mark.parametrize('saved, target', [(np.float32, np.int32), (np.int64, np.float64),
                                           (np.bool_, np.float32), (np.uint8, np.int32)],
                         ids=['float_to_int', 'int_to_float', 'bool_to_float', 'uint8_to_int'])
def test_incompatible_dtype_is_an_error(ckpt, saved, target):
    save_checkpoint(Scalars(saved), ckpt)
    net = Scalars(target)
    before = values(net)
    with pytest.raises(RuntimeError, match="parameter 'w' .*cannot be cast"):
        load_param_into_net(net, load_checkpoint(ckpt))
    assert_same_values(net, before)


@pytest.mark.parametrize('saved, target, value', [(np.int64, np.int8, 300),
                                                  (np.float64, np.float16, 1e6)])
def test_cast_that_changes_values_is_an_error(ckpt, saved, target, value):
    save_checkpoint([{'name': 'w', 'data': Tensor(np.full((2, 3), value, saved))},
                     {'name': 'b', 'data': Tensor(np.zeros(3, saved))}], ckpt)
    with pytest.raises(RuntimeError, match="'w' cannot be cast .* out of range"):
        load_param_into_net(Scalars(target), load_checkpoint(ckpt))


def test_truncated_file_is_an_error_naming_it(ckpt):
    save_checkpoint(mlp(), ckpt)
    data = open(ckpt, 'rb').read()
    for size in (0, 10, len(data) // 2, len(data) - 10):
        with open(ckpt, 'wb') as f:
            f.write(data[:size])
        with pytest.raises(ValueError, match=f"'{ckpt}' is truncated or corrupt"):
            load_checkpoint(ckpt)


def test_flipped_bytes_are_an_error_naming_the_file(ckpt):
    save_checkpoint(Scalars(np.float64), ckpt)
    data = bytearray(open(ckpt, 'rb').read())
    with zipfile.ZipFile(ckpt) as archive:
        info = archive.getinfo('arr_0.npy')
    data[info.header_offset + 30 + len('arr_0.npy') + info.file_size - 3] ^= 0xFF   # in w's values
    with open(ckpt, 'wb') as f:
        f.write(data)
    with pytest.raises(ValueError, match=f"'{ckpt}' is truncated or corrupt.*CRC"):
        load_checkpoint(ckpt)


def test_not_a_checkpoint_is_an_error(ckpt):
    with open(ckpt, 'w') as f:
        f.write('not a checkpoint at all\n' * 10)
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_checkpoint(ckpt)


def rewrite_metadata(path, change):
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    metadata = json.loads(members[METADATA])
    change(metadata)
    members[METADATA] = json.dumps(metadata).encode()
    with zipfile.ZipFile(path, 'w') as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize('change, message', [
    (lambda m: m['entries'][0].update(shape=[3, 2]), r"'w' is float32\[2, 3\] but"),
    (lambda m: m['entries'][0].update(dtype='float64'), "'w' is float32"),
    (lambda m: m.update(version=3), "version 3 is newer"),
    (lambda m: m.update(version=1), "version 1 is not what this autograph reads"),
    (lambda m: m.update(format='something else'), "does not describe"),
    (lambda m: m['entries'].pop(), "member 'arr_1.npy' is not listed"),
    (lambda m: m['entries'].append({'name': 'gone', 'dtype': 'float32', 'shape': [],
                                    'sha256': '0' * 64}),
     "lists member 'arr_2.npy', which is missing"),
    (lambda m: m['entries'][1].update(sha256='0' * 64), "'b' does not match its sha256"),
    (lambda m: m['entries'][1].pop('sha256'), r"entry 1 .*\('b'\) has no valid sha256"),
    (lambda m: m['entries'][1].update(name='w'), "lists a parameter name twice"),
    (lambda m: m['entries'][0].update(name=''), "entry 0 .* has no name"),
    (lambda m: m['entries'][0].update(shape=[-2, -3]), r"\('w'\) has no valid shape"),
    (lambda m: m['entries'][0].update(shape='[2, 3]'), r"\('w'\) has no valid shape"),
    (lambda m: m['entries'][0].update(dtype='object'), "'w' has unsupported dtype object"),
    (lambda m: m['entries'][0].update(dtype='<U5'), "'w' has unsupported dtype"),
    (lambda m: m['entries'][0].update(kind='pickle'), "no valid dtype or kind"),
    (lambda m: m.update(entries={}), "has no list of entries"),
    (lambda m: m['entries'].__setitem__(0, 'w'), "entry 0 .* is not an object"),
], ids=['shape', 'dtype', 'version_newer', 'version_older', 'format', 'unlisted',
        'missing_member', 'sha256', 'no_sha256', 'duplicate_name', 'empty_name',
        'negative_shape', 'str_shape', 'object_dtype', 'str_dtype', 'kind', 'entries_type',
        'entry_type'])
def test_metadata_disagreeing_with_the_arrays_is_an_error(ckpt, change, message):
    save_checkpoint(Scalars(), ckpt)
    rewrite_metadata(ckpt, change)
    with pytest.raises(ValueError, match=f"'{ckpt}' is truncated or corrupt: .*{message}"):
        load_checkpoint(ckpt)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_checkpoint(str(tmp_path / 'nothing.ckpt'))


def test_bad_save_arguments(tmp_path, ckpt):
    with pytest.raises(TypeError, match="`save_obj` must be a Cell, a list or a dict"):
        save_checkpoint(Tensor(np.ones(2)), ckpt)
    with pytest.raises(TypeError, match="`ckpt_file_name` must be a str"):
        save_checkpoint(mlp(), 3)
    with pytest.raises(IsADirectoryError):
        save_checkpoint(mlp(), str(tmp_path))
    with pytest.raises(ValueError, match="Parameter at index 0 of `save_obj` has no name"):
        save_checkpoint([Parameter(Tensor(np.ones(2)))], ckpt)
    with pytest.raises(ValueError, match="'w' appears twice"):
        save_checkpoint([{'name': 'w', 'data': Tensor(np.ones(2))}] * 2, ckpt)
    with pytest.raises(TypeError, match="element 0 of `save_obj` must be a Parameter"):
        save_checkpoint([np.ones(2)], ckpt)
    with pytest.raises(TypeError, match="data of parameter 'w' must be a Tensor"):
        save_checkpoint([{'name': 'w', 'data': [1.0, 2.0]}], ckpt)
    with pytest.raises(TypeError, match="value of 'x' in `append_dict`"):
        save_checkpoint(mlp(), ckpt, append_dict={'x': [1]})
    assert os.listdir(tmp_path) == []


def test_bad_load_arguments(ckpt):
    save_checkpoint(Scalars(), ckpt)
    with pytest.raises(TypeError, match="`net` must be a Cell"):
        load_param_into_net({}, load_checkpoint(ckpt))
    with pytest.raises(TypeError, match="`parameter_dict` must be a dict"):
        load_param_into_net(Scalars(), [1])
    with pytest.raises(TypeError, match="'w' maps to ndarray"):
        load_param_into_net(Scalars(), {'w': np.ones((2, 3))})
    with pytest.raises(TypeError, match="`strict_load` must be a bool"):
        load_param_into_net(Scalars(), load_checkpoint(ckpt), strict_load=1)


# ---------------------------------------------------------------- atomic saves
def failing_after(calls, monkeypatch, exception=OSError('disk full')):
    """Make np.lib.format.write_array write `calls` arrays, then half of the next, then raise."""
    real = np.lib.format.write_array
    count = [0]

    def write_array(f, array, *args, **kwargs):
        count[0] += 1
        if count[0] > calls:
            f.write(b'\x93NUMPY partial')
            raise exception
        return real(f, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, 'write_array', write_array)


@pytest.mark.parametrize('exception', [OSError('disk full'), KeyboardInterrupt()],
                         ids=['error', 'interrupt'])
def test_failed_save_leaves_the_previous_checkpoint_and_no_temporary_file(
        tmp_path, ckpt, monkeypatch, exception):
    good = mlp()
    save_checkpoint(good, ckpt)
    original = open(ckpt, 'rb').read()
    failing_after(2, monkeypatch, exception)
    with pytest.raises(type(exception)):
        save_checkpoint(mlp(), ckpt)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ['model.ckpt']
    assert open(ckpt, 'rb').read() == original
    other = mlp()
    load_checkpoint(ckpt, net=other, strict_load=True)
    assert_same_values(other, values(good))


def test_failed_first_save_leaves_nothing(tmp_path, ckpt, monkeypatch):
    failing_after(0, monkeypatch)
    with pytest.raises(OSError, match='disk full'):
        save_checkpoint(mlp(), ckpt)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize('step', ['fsync', 'replace'])
def test_failure_at_fsync_or_rename_keeps_the_previous_checkpoint(tmp_path, ckpt, monkeypatch, step):
    save_checkpoint(Scalars(), ckpt)
    original = open(ckpt, 'rb').read()

    def fail(*args):
        raise OSError(f'{step} failed')

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(OSError, match=f'{step} failed'):
        save_checkpoint(Scalars(seed=7), ckpt)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ['model.ckpt']
    assert open(ckpt, 'rb').read() == original


def test_saving_again_replaces_the_checkpoint(tmp_path, ckpt):
    save_checkpoint(Scalars(seed=0), ckpt)
    newer = Scalars(seed=1)
    save_checkpoint(newer, ckpt)
    assert os.listdir(tmp_path) == ['model.ckpt']
    net = Scalars(seed=2)
    load_checkpoint(ckpt, net=net)
    assert_same_values(net, values(newer))


def test_saved_file_has_umask_permissions(ckpt):
    umask = os.umask(0o022)
    try:
        save_checkpoint(Scalars(), ckpt)
    finally:
        os.umask(umask)
    assert os.stat(ckpt).st_mode & 0o777 == 0o644


def test_killed_save_leaves_a_temporary_file_that_the_next_save_removes(tmp_path, ckpt):
    """A save killed outright (SIGKILL: no except clause runs) leaves its temporary file; the next
    save to the same target removes it, and the previous checkpoint was never touched."""
    save_checkpoint(Scalars(seed=0), ckpt)
    original = open(ckpt, 'rb').read()
    child = (
        "import os, signal, sys\n"
        "import numpy as np\n"
        "from autograph import Tensor\n"
        "from autograph.serialization import save_checkpoint\n"
        "real = np.lib.format.write_array\n"
        "def write_array(f, array, **kwargs):\n"
        "    real(f, array, **kwargs)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "np.lib.format.write_array = write_array\n"
        "save_checkpoint({'w': Tensor(np.ones((2, 3), np.float32))}, sys.argv[1])\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    killed = subprocess.run([sys.executable, '-c', child, ckpt], cwd=root)
    assert killed.returncode == -signal.SIGKILL
    left = [name for name in os.listdir(tmp_path) if name != 'model.ckpt']
    assert len(left) == 1 and left[0].startswith('.model.ckpt.') and left[0].endswith('.tmp')
    assert open(ckpt, 'rb').read() == original
    newer = Scalars(seed=1)
    save_checkpoint(newer, ckpt)
    assert os.listdir(tmp_path) == ['model.ckpt']
    net = Scalars(seed=2)
    load_checkpoint(ckpt, net=net, strict_load=True)
    assert_same_values(net, values(newer))
