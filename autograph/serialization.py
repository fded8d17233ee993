"""Checkpoints: MindSpore's `save_checkpoint`, `load_checkpoint` and `load_param_into_net`.

The file is a NumPy `.npz` archive, chosen because any NumPy can read it without autograph and
without pickle (`np.load(path)['fc.weight']` works):

- one member `<name>.npy` per parameter, in NumPy's `.npy` format, written and read with
  `allow_pickle=False`;
- one member `__checkpoint__.json`, UTF-8 JSON: `{"format": "autograph-checkpoint", "version": 1,
  "entries": [{"name", "dtype", "shape"[, "kind": "str"]}, ...]}` listing the members in order,
  with their NumPy dtype names. Loading checks every array against it. A plain `.npz` written by
  `np.savez` (no metadata) loads too: each `.npy` member is a parameter.

Saving is atomic: the archive goes to a temporary file in the target's directory, is flushed and
fsynced, then `os.replace`d over the target, so a failed or interrupted save leaves any previous
checkpoint intact and no temporary file behind. The file gets the usual permissions (0o666 less
the umask), where MindSpore makes its checkpoints read-only.

Differences from MindSpore, by design:
- `load_param_into_net(..., strict_load=True)` raises `RuntimeError` naming the missing and the
  unexpected parameters (MindSpore only reports them); every check runs before any value is
  written, so a failed load leaves the net unchanged.
- A dtype cast under `strict_load=False` (float to float, int to int, as MindSpore allows) is
  refused when it would change values: integers out of range, finite floats becoming infinite.
- Parameters matched by prefix (`strict_load=False`, a checkpoint of a wrapped net such as
  `network.fc.weight` loaded into the bare net's `fc.weight`) count as loaded in `ckpt_not_load`.
- Names that end neither in `.ckpt` nor `.npz` get `.ckpt` appended, as MindSpore does.
"""
import contextlib
import io
import json
import os
import secrets
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from runtime import dtypes
from runtime.tensor import Parameter, Tensor
from .nn.cell import Cell

FORMAT = 'autograph-checkpoint'
VERSION = 1
METADATA = '__checkpoint__.json'

_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))
_INTS = frozenset(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
_SUPPORTED = frozenset(d.np for d in dtypes.ALL)
_CORRUPT = (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, KeyError, zlib.error,
            TypeError, AttributeError)


# ------------------------------------------------------------------------------------ saving
def save_checkpoint(save_obj, ckpt_file_name, append_dict=None, choice_func=None):
    """Write the parameters of `save_obj` to `ckpt_file_name`, atomically.

    `save_obj` is a Cell (its `parameters_and_names()`, under each Parameter's name), a list of
    Parameters (`net.trainable_params()`), a list of `{'name': str, 'data': Tensor}` dicts, or a
    dict name -> Tensor (what `load_checkpoint` returns). `append_dict` adds entries whose values
    are int, float, bool, str or Tensor. `choice_func(name)` returning False leaves a parameter out.
    """
    path = _checkpoint_path(ckpt_file_name)
    entries = _entries(save_obj)
    entries += _appended(append_dict)
    if choice_func is not None:
        entries = [(name, array) for name, array in entries if choice_func(name)]
    _check_names(entries)
    metadata = _metadata(entries)
    _atomic_write(path, lambda f: _write_archive(f, entries, metadata))


def _checkpoint_path(ckpt_file_name):
    if not isinstance(ckpt_file_name, (str, os.PathLike)):
        raise TypeError(f"For 'save_checkpoint', `ckpt_file_name` must be a str, "
                        f"but got {type(ckpt_file_name).__name__}.")
    path = os.path.realpath(os.fspath(ckpt_file_name))
    if os.path.isdir(path):
        raise IsADirectoryError(f"For 'save_checkpoint', `ckpt_file_name` {path!r} is a directory, "
                                "it must be a file name.")
    return path if path.endswith(('.ckpt', '.npz')) else path + '.ckpt'


def _entries(save_obj):
    """[(name, ndarray)] in save order."""
    if isinstance(save_obj, Cell):
        return [(param.name or path, param.asnumpy())
                for path, param in save_obj.parameters_and_names()]
    if isinstance(save_obj, dict):
        return [(name, np.array(value) if isinstance(value, str) else _array_of(value, name))
                for name, value in save_obj.items()]
    if isinstance(save_obj, (list, tuple)):
        return [_list_entry(item, i) for i, item in enumerate(save_obj)]
    raise TypeError("For 'save_checkpoint', `save_obj` must be a Cell, a list or a dict, "
                    f"but got {type(save_obj).__name__}.")


def _list_entry(item, index):
    if isinstance(item, Parameter):
        if not item.name:
            raise ValueError(f"For 'save_checkpoint', the Parameter at index {index} of `save_obj` "
                             "has no name.")
        return item.name, item.asnumpy()
    if isinstance(item, dict) and set(item) >= {'name', 'data'}:
        return item['name'], _array_of(item['data'], item['name'])
    raise TypeError(f"For 'save_checkpoint', element {index} of `save_obj` must be a Parameter or a "
                    f"dict with keys 'name' and 'data', but got {type(item).__name__}.")


def _array_of(value, name):
    if isinstance(value, Tensor):
        return value.asnumpy()
    if isinstance(value, np.ndarray):
        return value
    raise TypeError(f"For 'save_checkpoint', the data of parameter {name!r} must be a Tensor or a "
                    f"Parameter, but got {type(value).__name__}.")


def _appended(append_dict):
    if append_dict is None:
        return []
    if not isinstance(append_dict, dict):
        raise TypeError(f"For 'save_checkpoint', `append_dict` must be a dict, "
                        f"but got {type(append_dict).__name__}.")
    entries = []
    for name, value in append_dict.items():
        if isinstance(value, str):
            entries.append((name, np.array(value)))
        elif isinstance(value, (bool, int, float, Tensor)):
            entries.append((name, Tensor(value).asnumpy()))
        else:
            raise TypeError(f"For 'save_checkpoint', the value of {name!r} in `append_dict` must "
                            f"be an int, float, bool, str or Tensor, but got {type(value).__name__}.")
    return entries


def _check_names(entries):
    seen = set()
    for name, array in entries:
        if not isinstance(name, str) or not name:
            raise ValueError(f"For 'save_checkpoint', a parameter name must be a non-empty str, "
                             f"but got {name!r}.")
        if name in seen:
            raise ValueError(f"For 'save_checkpoint', the parameter name {name!r} appears twice.")
        if name == METADATA:
            raise ValueError(f"For 'save_checkpoint', {name!r} is reserved for the metadata.")
        if array.dtype not in _SUPPORTED and array.dtype.kind != 'U':
            raise TypeError(f"For 'save_checkpoint', parameter {name!r} has unsupported dtype "
                            f"{array.dtype}.")
        seen.add(name)


def _metadata(entries):
    listed = []
    for name, array in entries:
        is_str = array.dtype.kind == 'U'
        entry = {'name': name, 'dtype': array.dtype.str if is_str else array.dtype.name,
                 'shape': list(array.shape)}
        if is_str:
            entry['kind'] = 'str'
        listed.append(entry)
    return {'format': FORMAT, 'version': VERSION, 'entries': listed}


def _write_archive(f, entries, metadata):
    with zipfile.ZipFile(f, 'w', compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in entries:
            with archive.open(name + '.npy', 'w', force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
        archive.writestr(METADATA, json.dumps(metadata, indent=1))


def _atomic_write(path, write):
    """Write through `write(file)` into a temporary sibling of `path`, fsync it, then rename it
    over `path`. On any failure the temporary file is removed and `path` is untouched."""
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, 'wb') as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(os.path.dirname(path))


def _create_temporary(path):
    """A new file `.<name>.<random>.tmp` beside `path`, created as `open` would (mode 0o666 less
    the umask), which `tempfile.mkstemp`'s 0o600 would not."""
    directory, base = os.path.split(path)
    while True:
        tmp = os.path.join(directory, f'.{base}.{secrets.token_hex(6)}.tmp')
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0),
                           0o666), tmp
        except FileExistsError:
            continue


def _fsync_directory(directory):
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------ loading
def load_checkpoint(ckpt_file_name, net=None, strict_load=False, choice_func=None):
    """Read a checkpoint into an OrderedDict name -> Parameter (str entries of `append_dict` stay
    str). With `net`, also load the values into it (see `load_param_into_net`).
    `choice_func(name)` returning False leaves an entry out."""
    if not isinstance(ckpt_file_name, (str, os.PathLike)):
        raise TypeError(f"For 'load_checkpoint', `ckpt_file_name` must be a str, "
                        f"but got {type(ckpt_file_name).__name__}.")
    path = os.fspath(ckpt_file_name)
    try:
        entries = _read_archive(path)
    except _CORRUPT as error:
        raise ValueError(f"For 'load_checkpoint', the checkpoint file {path!r} is truncated or "
                         f"corrupt: {error}") from error
    result = OrderedDict()
    for name, value in entries:
        if choice_func is not None and not choice_func(name):
            continue
        result[name] = value if isinstance(value, str) else Parameter(Tensor(value), name=name)
    if net is not None:
        load_param_into_net(net, result, strict_load)
    return result


def _read_archive(path):
    """[(name, ndarray or str)] in file order, checked against the metadata."""
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
        if METADATA not in members:
            return [(m[:-4], _supported(m[:-4], _read_member(archive, m)))
                    for m in members if m.endswith('.npy')]
        metadata = json.loads(archive.read(METADATA).decode('utf-8'))
        listed = _check_metadata(metadata, members)
        return [(entry['name'], _read_entry(archive, entry)) for entry in listed]


def _check_metadata(metadata, members):
    if not isinstance(metadata, dict) or metadata.get('format') != FORMAT:
        raise ValueError(f"{METADATA} does not describe an {FORMAT}")
    version = metadata.get('version')
    if not isinstance(version, int) or version > VERSION:
        raise ValueError(f"format version {version!r} is newer than this autograph reads "
                         f"({VERSION})")
    listed = metadata['entries']
    expected = {entry['name'] + '.npy' for entry in listed} | {METADATA}
    for member in members:
        if member not in expected:
            raise ValueError(f"member {member!r} is not listed in {METADATA}")
    return listed


def _read_member(archive, member):
    # archive.read checks the member's CRC-32, so flipped bytes are caught here.
    return np.lib.format.read_array(io.BytesIO(archive.read(member)), allow_pickle=False)


def _read_entry(archive, entry):
    name = entry['name']
    array = _read_member(archive, name + '.npy')
    if array.dtype != np.dtype(entry['dtype']) or list(array.shape) != list(entry['shape']):
        raise ValueError(f"parameter {name!r} is {array.dtype}{list(array.shape)} but "
                         f"{METADATA} says {entry['dtype']}{entry['shape']}")
    return str(array) if entry.get('kind') == 'str' else _supported(name, array)


def _supported(name, array):
    if array.dtype not in _SUPPORTED:
        raise ValueError(f"parameter {name!r} has unsupported dtype {array.dtype}")
    return array


# ------------------------------------------------------------------------ loading into a net
def load_param_into_net(net, parameter_dict, strict_load=False):
    """Copy values from `parameter_dict` (name -> Parameter) into the Parameters of `net`, matched
    by name. Returns MindSpore's `(param_not_load, ckpt_not_load)`: the names in `net` that got no
    value and the names in `parameter_dict` that were not used.

    A shape mismatch is always a RuntimeError (never a reshape). A dtype mismatch is cast when
    `strict_load` is False and both are floats or both ints (and no value changes), otherwise a
    RuntimeError. With `strict_load=False`, a name missing from the dict is also looked up under
    a common prefix (a checkpoint of `WithLoss(net)` holds `network.fc.weight` for `fc.weight`).
    With `strict_load=True`, missing and unexpected parameters are a RuntimeError.
    Nothing is written unless every check passes."""
    _check_load_arguments(net, parameter_dict, strict_load)
    params = OrderedDict((param.name or path, param) for path, param in net.parameters_and_names())
    tensors = OrderedDict((k, v) for k, v in parameter_dict.items() if not isinstance(v, str))
    source = {name: name for name in params if name in tensors}
    if not strict_load:
        source.update(_match_by_prefix([n for n in params if n not in source], tensors))
    param_not_load = [name for name in params if name not in source]
    used = set(source.values())
    ckpt_not_load = [name for name in parameter_dict if name not in used]
    if strict_load:
        _check_strict(param_not_load, [n for n in ckpt_not_load if n in tensors])
    values = {name: _converted(params[name], name, tensors[key], key, strict_load)
              for name, key in source.items()}
    for name, value in values.items():
        params[name].set_data(value)
    return param_not_load, ckpt_not_load


def _check_load_arguments(net, parameter_dict, strict_load):
    if not isinstance(net, Cell):
        raise TypeError(f"For 'load_param_into_net', `net` must be a Cell, "
                        f"but got {type(net).__name__}.")
    if not isinstance(parameter_dict, dict):
        raise TypeError(f"For 'load_param_into_net', `parameter_dict` must be a dict, "
                        f"but got {type(parameter_dict).__name__}.")
    for key, value in parameter_dict.items():
        if not isinstance(key, str) or not isinstance(value, (Tensor, str)):
            raise TypeError(f"For 'load_param_into_net', `parameter_dict` must map str to "
                            f"Parameter, but {key!r} maps to {type(value).__name__}.")
    if not isinstance(strict_load, bool):
        raise TypeError(f"For 'load_param_into_net', `strict_load` must be a bool, "
                        f"but got {type(strict_load).__name__}.")


def _match_by_prefix(missing, tensors):
    """{net name: dict name} for net names found as `prefix + name` in the dict, where `prefix`
    ends in '.' and is discovered from one missing name at a time, as MindSpore does."""
    matches, remaining, taken = {}, list(missing), set()
    while remaining:
        prefix = _find_prefix(remaining, tensors)
        if prefix is None:
            break
        for name in remaining:
            if prefix + name in tensors and prefix + name not in taken:
                matches[name] = prefix + name
                taken.add(prefix + name)
        remaining = [name for name in remaining if name not in matches]
    return matches


def _find_prefix(names, tensors):
    for name in names:
        for key in tensors:
            if key.endswith('.' + name):
                return key[:-len(name)]
    return None


def _check_strict(param_not_load, unexpected):
    problems = []
    if param_not_load:
        problems.append(f"missing from the checkpoint: {', '.join(param_not_load)}")
    if unexpected:
        problems.append(f"unexpected in the checkpoint: {', '.join(unexpected)}")
    if problems:
        raise RuntimeError("For 'load_param_into_net' with strict_load=True, parameters "
                           + '; '.join(problems) + '.')


def _converted(param, name, value, key, strict_load):
    """The checkpoint's array for `param` (called `name` in the net), cast to its dtype where
    allowed."""
    array = np.asarray(value.asnumpy())
    if array.shape != param.shape:
        raise RuntimeError(f"For 'load_param_into_net', parameter {name!r} has shape "
                           f"{param.shape} in the net but {array.shape} in the checkpoint "
                           f"({key!r}); a checkpoint is never reshaped.")
    target = param.asnumpy().dtype
    if array.dtype == target:
        return array
    pair = {array.dtype, target}
    if strict_load or not (pair <= _FLOATS or pair <= _INTS):
        raise RuntimeError(f"For 'load_param_into_net', parameter {name!r} is "
                           f"{dtypes.from_numpy(target)} in the net but "
                           f"{_dtype_name(array.dtype)} in the checkpoint ({key!r}), which "
                           f"{'strict_load=True does not cast' if strict_load else 'cannot be cast'}.")
    cast = array.astype(target)
    if not _same_values(array, cast):
        raise RuntimeError(f"For 'load_param_into_net', parameter {name!r} cannot be cast from "
                           f"{_dtype_name(array.dtype)} to {dtypes.from_numpy(target)}: values "
                           "are out of range.")
    return cast


def _same_values(array, cast):
    if array.dtype.kind == 'f':
        return not np.any(np.isinf(cast) & np.isfinite(array))
    return np.array_equal(array, cast)


def _dtype_name(np_dtype):
    try:
        return str(dtypes.from_numpy(np_dtype))
    except TypeError:
        return str(np_dtype)
