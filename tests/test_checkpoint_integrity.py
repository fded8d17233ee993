"""Checkpoints you can trust (`autograph.serialization`): a damaged or hostile file is refused
with a ValueError naming it, never loaded in part, never unpickled, never allowed to allocate
what its headers claim; any Parameter name round-trips; a killed save's leftovers are removed.

The proof: every single-byte flip of a small checkpoint either loads exactly what was saved or
is a ValueError, through `load_checkpoint` and through `load_param_into_net`."""
import hashlib
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

from autograph import Parameter, Tensor, nn
from autograph import serialization
from autograph.serialization import (METADATA, load_checkpoint, load_param_into_net,
                                     save_checkpoint)


class Small(nn.Cell):
    def __init__(self, seed=0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.weight = Parameter(Tensor(rng.standard_normal((2, 3)).astype(np.float32)),
                                name='weight')
        self.bias = Parameter(Tensor(rng.standard_normal(3).astype(np.float32)), name='bias')


def values(net):
    return {param.name: param.asnumpy().copy() for _, param in net.parameters_and_names()}


def assert_identical(actual, expected):
    """Same names in the same order, same dtypes, shapes and bytes (str entries equal)."""
    assert list(actual) == list(expected)
    for name, value in expected.items():
        got = actual[name]
        if isinstance(value, str):
            assert got == value, name
            continue
        got = got.asnumpy() if isinstance(got, Tensor) else got
        assert got.dtype == value.dtype and got.shape == value.shape, name
        assert got.tobytes() == value.tobytes(), name


def expect_refused(path, load=load_checkpoint):
    """`load(path)` raises a ValueError naming `path` (never a temporary file)."""
    with pytest.raises(ValueError) as info:
        load(path)
    assert repr(path) in str(info.value) and '.tmp' not in str(info.value)
    return info.value


def loaded_values(path):
    return {name: (value if isinstance(value, str) else value.asnumpy())
            for name, value in load_checkpoint(path).items()}


@pytest.fixture
def ckpt(tmp_path):
    return str(tmp_path / 'model.ckpt')


# ---------------------------------------------------------------- the proof: every byte flipped
def check_damaged(path, data, expected, net, before):
    """Load the damaged `data` both ways; return True if it loaded, False if refused."""
    with open(path, 'wb') as f:
        f.write(data)
    try:
        loaded = loaded_values(path)
    except ValueError as error:
        assert repr(path) in str(error)
        loaded = None
    else:
        assert_identical(loaded, expected)
    for name, value in before.items():      # reset the net to values unlike the saved ones
        getattr(net, name).set_data(Tensor(value))
    try:
        assert load_param_into_net(net, load_checkpoint(path)) == ([], ['epoch_num'])
    except ValueError as error:
        assert loaded is None and repr(path) in str(error)
        assert_identical(values(net), before)        # untouched: no partial update
    else:
        assert loaded is not None
        assert_identical(values(net), {k: v for k, v in expected.items() if k != 'epoch_num'})
    return loaded is not None


def test_every_single_byte_flip_loads_exactly_or_is_a_value_error(tmp_path, ckpt):
    saved = Small(seed=0)
    save_checkpoint(saved, ckpt, append_dict={'epoch_num': 7})
    original = open(ckpt, 'rb').read()
    expected = dict(values(saved), epoch_num=np.array(7, np.int64))
    assert_identical(loaded_values(ckpt), expected)
    net, before = Small(seed=1), values(Small(seed=1))
    damaged_path = str(tmp_path / 'damaged.ckpt')
    outcomes = []
    for position in range(len(original)):
        data = bytearray(original)
        data[position] ^= 0xFF
        outcomes.append(check_damaged(damaged_path, bytes(data), expected, net, before))
    assert len(original) > 500      # about 1.5 KB: a few seconds of loads
    # Most flips are refused; those that load hit bytes zipfile does not use (the local headers'
    # copies of fields it reads from the central directory, timestamps, attributes) and loaded
    # the saved values exactly.
    assert outcomes.count(False) > len(outcomes) // 2 and True in outcomes


def test_random_multi_byte_damage_loads_exactly_or_is_a_value_error(tmp_path, ckpt):
    saved = Small(seed=0)
    save_checkpoint(saved, ckpt, append_dict={'epoch_num': 7})
    original = open(ckpt, 'rb').read()
    expected = dict(values(saved), epoch_num=np.array(7, np.int64))
    net, before = Small(seed=1), values(Small(seed=1))
    rng = np.random.default_rng(0)
    damaged_path = str(tmp_path / 'damaged.ckpt')
    for _ in range(400):
        data = bytearray(original)
        kind = rng.integers(4)
        at = int(rng.integers(len(data)))
        if kind == 0:           # a few bytes set to random values
            for position in rng.integers(len(data), size=rng.integers(2, 8)):
                data[position] = int(rng.integers(256))
        elif kind == 1:         # a run overwritten
            data[at:at + int(rng.integers(1, 40))] = bytes(rng.integers(256, size=40).tolist())
        elif kind == 2:         # bytes inserted
            data[at:at] = bytes(rng.integers(256, size=rng.integers(1, 9)).tolist())
        else:                   # bytes removed
            del data[at:at + int(rng.integers(1, 40))]
        check_damaged(damaged_path, bytes(data), expected, net, before)


# ---------------------------------------------------------------- hostile files
def npy(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_claiming(shape, descr='<f4', payload=b'\0' * 24):
    """A `.npy` member whose header claims `shape`, followed by only `payload`."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {'descr': descr, 'fortran_order': False,
                                                  'shape': shape})
    return buffer.getvalue() + payload


def entry(name, dtype, shape, data=b''):
    return {'name': name, 'dtype': dtype, 'shape': list(shape),
            'sha256': hashlib.sha256(data).hexdigest()}


def write_archive(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, 'w', compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def metadata(*entries):
    return json.dumps({'format': 'autograph-checkpoint', 'version': 2,
                       'entries': list(entries)}).encode()


@pytest.mark.parametrize('listed_shape', [(10 ** 12,), (2, 3)], ids=['agreeing', 'disagreeing'])
def test_a_header_claiming_a_huge_shape_is_refused_before_allocating(ckpt, listed_shape):
    write_archive(ckpt, {'arr_0.npy': npy_claiming((10 ** 12,)),
                         METADATA: metadata(entry('w', 'float32', listed_shape))})
    tracemalloc.start()
    try:
        error = expect_refused(ckpt)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    assert ('1000000000000' in str(error)) and ('bytes' in str(error) or 'says' in str(error))


def test_a_member_claiming_more_bytes_than_the_file_is_refused(ckpt):
    save_checkpoint(Small(), ckpt)
    data = bytearray(open(ckpt, 'rb').read())
    central = data.index(b'PK\x01\x02')                 # arr_0.npy's central directory entry
    data[central + 20:central + 28] = struct.pack('<II', 2 ** 31, 2 ** 31)
    open(ckpt, 'wb').write(bytes(data))
    assert "claims 2147483648 bytes" in str(expect_refused(ckpt))


def test_other_values_with_a_valid_crc_fail_the_sha256(ckpt):
    """Values rewritten with a consistent zip CRC-32 (a bad copy tool, a hand edit) are caught by
    the SHA-256 in the metadata."""
    save_checkpoint(Small(), ckpt)
    with zipfile.ZipFile(ckpt) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members['arr_1.npy'] = npy(np.zeros(3, np.float32))
    write_archive(ckpt, members)
    assert "parameter 'bias' does not match its sha256" in str(expect_refused(ckpt))


def test_hidden_metadata_is_refused_and_the_net_keeps_its_values(ckpt):
    """The bug this module had: one flipped byte in the zip directory renamed the metadata, the
    loader skipped its checks, and the net silently kept its old bias."""
    save_checkpoint(Small(seed=0), ckpt)
    data = bytearray(open(ckpt, 'rb').read())
    name_at = data.rindex(METADATA.encode())              # its name in the central directory
    data[name_at + len(METADATA) - 1] ^= 0x01             # '__checkpoint__.json' -> '...jsoo'
    open(ckpt, 'wb').write(bytes(data))
    net = Small(seed=1)
    before = values(net)
    assert f"has no {METADATA}" in str(expect_refused(ckpt, lambda p: load_checkpoint(p, net=net)))
    assert_identical(values(net), before)


class Boom:
    def __reduce__(self):
        return (os.system, ('echo unpickled',))


@pytest.mark.parametrize('dtype', ['object', 'float32'])
def test_a_pickled_member_is_never_unpickled(ckpt, monkeypatch, dtype):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([Boom()], dtype=object), allow_pickle=True)
    write_archive(ckpt, {'arr_0.npy': buffer.getvalue(),
                         METADATA: metadata(entry('w', dtype, (1,)))})

    def no_unpickling(*args, **kwargs):
        raise AssertionError('unpickled')

    monkeypatch.setattr(pickle, 'load', no_unpickling)
    monkeypatch.setattr(pickle, 'loads', no_unpickling)
    monkeypatch.setattr(np, 'load', no_unpickling)
    error = expect_refused(ckpt)
    assert 'object' in str(error) or "'w' is" in str(error)


def test_an_object_dtype_in_the_header_is_refused(ckpt):
    write_archive(ckpt, {'arr_0.npy': npy_claiming((1,), descr='|O', payload=b'\0' * 8),
                         METADATA: metadata(entry('w', 'float64', (1,)))})
    expect_refused(ckpt)


@pytest.mark.parametrize('member', ['../evil.npy', '/tmp/evil.npy', 'w.npy', 'arr_0.npy/x'])
def test_an_unlisted_member_is_refused_and_nothing_is_extracted(tmp_path, ckpt, member):
    w = np.ones((2, 3), np.float32)
    write_archive(ckpt, {'arr_0.npy': npy(w), member: npy(w),
                         METADATA: metadata(entry('w', 'float32', w.shape, w.tobytes()))})
    assert f"member {member!r} is not listed" in str(expect_refused(ckpt))
    assert os.listdir(tmp_path) == ['model.ckpt']


def test_a_compressed_member_is_refused(ckpt):
    w = np.ones((2, 3), np.float32)
    write_archive(ckpt, {'arr_0.npy': npy(w),
                         METADATA: metadata(entry('w', 'float32', w.shape, w.tobytes()))},
                  compression=zipfile.ZIP_DEFLATED)
    assert 'is compressed' in str(expect_refused(ckpt))


def test_a_hand_made_archive_that_is_right_loads(ckpt):
    """The hostile-file helpers build valid checkpoints too, so the refusals above are for the
    reasons they name."""
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    write_archive(ckpt, {'arr_0.npy': npy(w),
                         METADATA: metadata(entry('w', 'float32', w.shape, w.tobytes()))})
    assert_identical(loaded_values(ckpt), {'w': w})


def patch_central(path, member, offset, value, fmt):
    """Overwrite a field of `member`'s central directory entry."""
    data = bytearray(open(path, 'rb').read())
    at = data.index(b'PK\x01\x02')
    while data[at + 46:at + 46 + len(member)] != member.encode():
        at = data.index(b'PK\x01\x02', at + 4)
    data[at + offset:at + offset + struct.calcsize(fmt)] = struct.pack(fmt, value)
    open(path, 'wb').write(bytes(data))


def raw_members(w, header=None, meta=None):
    return {'arr_0.npy': npy(w) if header is None else header,
            METADATA: metadata(entry('w', 'float32', w.shape, w.tobytes()))
            if meta is None else meta}


W = np.ones((2, 3), np.float32)
DAMAGES = {
    # name: (members, central directory patch or None, the exception zipfile/json/... raised)
    'not_a_zip': (None, None, zipfile.BadZipFile),
    'zip_version': (raw_members(W), ('arr_0.npy', 6, 0xFF, '<H'), NotImplementedError),
    'encrypted': (raw_members(W), ('arr_0.npy', 8, 0x1, '<H'), RuntimeError),
    'bad_json': (raw_members(W, meta=b'{"format": '), None, json.JSONDecodeError),
    'not_utf8': (raw_members(W, meta=b'\xff\xfe'), None, UnicodeDecodeError),
    'deep_json': (raw_members(W, meta=b'[' * 100000), None, RecursionError),
    'short_npy_length': (raw_members(W, header=b'\x93NUMPY\x01\x00\x05'), None, struct.error),
    'npy_header_syntax': (raw_members(W, header=b'\x93NUMPY\x01\x00\x03\x00{{{'), None,
                          SyntaxError),
    'npy_version_3': (raw_members(W, header=b'\x93NUMPY\x03\x00' + b'\0' * 20), None,
                      ValueError),
}


@pytest.mark.parametrize('damage', list(DAMAGES))
def test_every_kind_of_damage_is_a_value_error_naming_the_file(ckpt, damage):
    members, patch, cause = DAMAGES[damage]
    if members is None:
        open(ckpt, 'wb').write(b'PK\x03\x04' + b'\0' * 100)
    else:
        write_archive(ckpt, members)
    if patch:
        patch_central(ckpt, *patch)
    error = expect_refused(ckpt)
    assert "is truncated or corrupt" in str(error)
    assert isinstance(error.__cause__, cause), repr(error.__cause__)


def test_a_missing_file_is_still_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.ckpt'):
        load_checkpoint(str(tmp_path / 'nothing'))


# ---------------------------------------------------------------- names
NAMES = ['../x', 'a/b', '/etc/passwd', '..', '.', 'C:\\evil', 'nul\0name', 'line\nbreak\r',
         'quote"\'`', 'ünïcødé 名前 🙂', 'x' * 5000, 'arr_0', 'arr_1.npy', METADATA, ' ', '\ud800']


def test_any_parameter_name_round_trips_and_never_names_a_member(tmp_path, ckpt):
    saved = {name: Tensor(np.full((2,), i, np.float32)) for i, name in enumerate(NAMES)}
    save_checkpoint(saved, ckpt)
    loaded = load_checkpoint(ckpt)
    assert list(loaded) == NAMES
    for i, name in enumerate(NAMES):
        assert loaded[name].name == name
        np.testing.assert_array_equal(loaded[name].asnumpy(), np.full((2,), i, np.float32))
    with zipfile.ZipFile(ckpt) as archive:
        assert archive.namelist() == [f'arr_{i}.npy' for i in range(len(NAMES))] + [METADATA]
    assert os.listdir(tmp_path) == ['model.ckpt']


def test_parameter_names_round_trip_through_a_net(ckpt):
    class Odd(nn.Cell):
        def __init__(self, fill):
            super().__init__()
            self.a = Parameter(Tensor(np.full(3, fill, np.float32)), name='../a\0')
            self.b = Parameter(Tensor(np.full(2, fill, np.float32)), name='b/名前\n')

    save_checkpoint(Odd(1.0), ckpt)
    net = Odd(0.0)
    assert load_checkpoint(ckpt, net=net, strict_load=True) is not None
    np.testing.assert_array_equal(net.a.asnumpy(), np.ones(3, np.float32))
    np.testing.assert_array_equal(net.b.asnumpy(), np.ones(2, np.float32))


# ---------------------------------------------------------------- file names
def test_load_finds_the_file_save_wrote_for_a_name_without_suffix(tmp_path):
    saved = Small(seed=3)
    save_checkpoint(saved, str(tmp_path / 'model'))
    assert os.listdir(tmp_path) == ['model.ckpt']
    assert_identical(loaded_values(str(tmp_path / 'model')), values(saved))
    assert_identical(loaded_values(tmp_path / 'model'), values(saved))
    os.rename(tmp_path / 'model.ckpt', tmp_path / 'renamed.bin')     # exact name, no .ckpt
    assert_identical(loaded_values(str(tmp_path / 'renamed.bin')), values(saved))


def test_a_damaged_file_found_by_suffix_is_named_as_found(tmp_path):
    open(tmp_path / 'model.ckpt', 'wb').write(b'garbage')
    with pytest.raises(ValueError, match=repr(str(tmp_path / 'model.ckpt'))):
        load_checkpoint(str(tmp_path / 'model'))


# ---------------------------------------------------------------- temporary files
def temporary_name(pid, host=None):
    return f'.model.ckpt.{host or serialization._host_tag()}-{pid}-{"ab" * 6}.tmp'


def dead_pid():
    child = subprocess.Popen([sys.executable, '-c', 'pass'])
    child.wait()
    return child.pid


def test_a_dead_process_s_temporary_file_is_removed_by_the_next_save(tmp_path, ckpt):
    leftover = tmp_path / temporary_name(dead_pid())
    leftover.write_bytes(b'half a checkpoint')
    save_checkpoint(Small(), ckpt)
    assert os.listdir(tmp_path) == ['model.ckpt']


def test_temporary_files_of_running_saves_and_other_files_are_left_alone(tmp_path, ckpt):
    running = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        keep = [temporary_name(running.pid),            # a save in progress elsewhere
                temporary_name(os.getpid()),            # another thread's save
                temporary_name(dead_pid(), host='0' * 8),   # another host's: cannot tell
                f'.other.ckpt.{serialization._host_tag()}-{dead_pid()}-{"ab" * 6}.tmp',
                'model.ckpt.bak', '.model.ckpt.tmp']
        for name in keep:
            (tmp_path / name).write_bytes(b'x')
        save_checkpoint(Small(), ckpt)
        assert sorted(os.listdir(tmp_path)) == sorted(keep + ['model.ckpt'])
    finally:
        running.kill()
        running.wait()
