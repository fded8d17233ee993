"""Checkpoints: MindSpore's `save_checkpoint`, `load_checkpoint` and `load_param_into_net`.

In: a Cell, a list of Parameters or a dict of Tensors. Out: a NumPy `.npz` file (a zip archive,
members stored uncompressed) that any NumPy reads without autograph and without pickle:
- `arr_0.npy`, `arr_1.npy`, ...: one `.npy` member per parameter (C order), in save order. Member
  names never come from parameter names, so any name (`../x`, NUL, newlines, unicode) is safe;
- `__checkpoint__.json`, ASCII JSON: `{"format": "autograph-checkpoint", "version": 2,
  "entries": [{"name", "dtype", "shape", "sha256"[, "kind": "str"]}, ...]}`; entry i describes
  `arr_i.npy`, with the SHA-256 of its raw bytes. `np.load(path)['arr_0']` is the first array,
  `json.loads(np.load(path)['__checkpoint__.json'])` gives the names.

Loading trusts nothing in the file: sizes are checked before reading (nothing larger than the file
is allocated, whatever a header claims), then the zip's CRC-32 and each array's SHA-256; nothing is
unpickled. A damaged or hostile file, or one that is no autograph checkpoint (a plain `.npz`, a
version-1 file), is a `ValueError` naming it, raised before any value reaches a net; a missing file
stays `FileNotFoundError`.

Saving is atomic: the archive goes to a hidden temporary file beside the target, is fsynced, then
`os.replace`d over it, so a failed or interrupted save leaves the previous checkpoint intact and no
temporary file; what a save killed outright (SIGKILL) leaves, the next save to the target removes.
The file gets the usual permissions (0o666 less the umask); MindSpore makes checkpoints read-only.

Differences from MindSpore, by design:
- `load_param_into_net(..., strict_load=True)` raises `RuntimeError` naming the missing and the
  unexpected parameters (MindSpore only reports them); every check runs before any value is
  written, so a failed load leaves the net unchanged.
- A dtype cast under `strict_load=False` (float to float, int to int, as MindSpore allows) is
  refused when it would change values: integers out of range, finite floats becoming infinite.
- Parameters matched by prefix (`strict_load=False`, a checkpoint of a wrapped net such as
  `network.fc.weight` loaded into the bare net's `fc.weight`) count as loaded in `ckpt_not_load`.
- Names that end neither in `.ckpt` nor `.npz` get `.ckpt` appended, as MindSpore does, on saving
  and loading alike; `load_checkpoint` also reads a file of exactly the name given if no `.ckpt`
  one exists.
"""
import ast
import contextlib
import hashlib
import json
import math
import os
import re
import secrets
import socket
import struct
import zipfile
import zlib
from collections import OrderedDict, namedtuple
from collections.abc import Callable
from typing import Any, Optional

import numpy as np

from runtime import dtypes
from runtime.tensor import Parameter, Tensor
from .cell import Cell

FORMAT = 'autograph-checkpoint'
VERSION = 2
METADATA = '__checkpoint__.json'

_SUFFIXES = ('.ckpt', '.npz')
_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))
_INTS = frozenset(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
_SUPPORTED = frozenset(d.np for d in dtypes.ALL)
_NPY_MAGIC = b'\x93NUMPY'
_MAX_NPY_HEADER = 10000     # numpy's own limit; the headers we write are under 128 bytes
# What reading a damaged or hostile file can raise, from zipfile, json, struct, ast, numpy or our
# checks. All of it becomes one ValueError naming the file.
_CORRUPT = (ValueError, SyntaxError, EOFError, KeyError, IndexError, TypeError, AttributeError,
            OverflowError, NotImplementedError, RuntimeError, OSError, struct.error, zlib.error,
            zipfile.BadZipFile, zipfile.LargeZipFile)

_Entry = namedtuple('_Entry', 'name dtype shape sha256 is_str')


# ------------------------------------------------------------------------------------ saving
def save_checkpoint(save_obj: Any, ckpt_file_name: str, append_dict: Optional[dict[str, Any]] = None,
                    choice_func: Optional[Callable[[str], bool]] = None) -> None:
    """Write the parameters of `save_obj` to `ckpt_file_name`, atomically (MindSpore's
    `save_checkpoint`).

    Args:
        save_obj: a Cell (its `parameters_and_names()`, under each Parameter's name), a list of
            Parameters (`net.trainable_params()`), a list of `{'name': str, 'data': Tensor}` dicts,
            or a dict name -> Tensor (what `load_checkpoint` returns).
        ckpt_file_name: the file to write.
        append_dict: more entries, with int, float, bool, str or Tensor values.
        choice_func: `choice_func(name)` returning False leaves a parameter out.

    Returns:
        None.

    Example:
        >>> import os, tempfile
        >>> import autograph
        >>> from autograph import nn
        >>> path = os.path.join(tempfile.mkdtemp(), 'net.ckpt')
        >>> autograph.save_checkpoint(nn.Dense(3, 2), path)
        >>> sorted(autograph.load_checkpoint(path))
        ['bias', 'weight']
    """
    path = _checkpoint_path(ckpt_file_name)
    entries = _entries(save_obj)
    entries += _appended(append_dict)
    if choice_func is not None:
        entries = [(name, array) for name, array in entries if choice_func(name)]
    _check_names(entries)
    # C order, so that the bytes hashed are the bytes written and no header says fortran_order.
    entries = [(name, array if array.flags.c_contiguous else array.copy(order='C'))
               for name, array in entries]
    metadata = _metadata(entries)
    _atomic_write(path, lambda f: _write_archive(f, entries, metadata))


def _checkpoint_path(ckpt_file_name):
    if not isinstance(ckpt_file_name, (str, os.PathLike)):
        raise TypeError(f"For 'save_checkpoint', `ckpt_file_name` must be a str, "
                        f"but got {type(ckpt_file_name).__name__}.")
    path = os.path.realpath(os.fsdecode(ckpt_file_name))
    if os.path.isdir(path):
        raise IsADirectoryError(f"For 'save_checkpoint', `ckpt_file_name` {path!r} is a directory, "
                                "it must be a file name.")
    return path if path.endswith(_SUFFIXES) else path + '.ckpt'


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
        if array.dtype not in _SUPPORTED and array.dtype.kind != 'U':
            raise TypeError(f"For 'save_checkpoint', parameter {name!r} has unsupported dtype "
                            f"{array.dtype}.")
        seen.add(name)


def _metadata(entries):
    listed = []
    for name, array in entries:
        is_str = array.dtype.kind == 'U'
        entry = {'name': name, 'dtype': array.dtype.str if is_str else array.dtype.name,
                 'shape': list(array.shape), 'sha256': _sha256(array)}
        if is_str:
            entry['kind'] = 'str'
        listed.append(entry)
    return {'format': FORMAT, 'version': VERSION, 'entries': listed}


def _sha256(array):
    """Of the raw bytes of a C-contiguous array: what its `.npy` member holds after the header."""
    return hashlib.sha256(array.reshape(-1).view(np.uint8)).hexdigest()


def _member(index):
    return f'arr_{index}.npy'


def _write_archive(f, entries, metadata):
    with zipfile.ZipFile(f, 'w', compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for index, (_, array) in enumerate(entries):
            with archive.open(_member(index), 'w', force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
        # ensure_ascii: any name, even with NUL or lone surrogates, is plain ASCII in the file.
        archive.writestr(METADATA, json.dumps(metadata, indent=1, ensure_ascii=True))


def _atomic_write(path, write):
    """Write through `write(file)` into a temporary sibling of `path`, fsync it, then rename it
    over `path`. On any failure the temporary file is removed and `path` is untouched."""
    _remove_abandoned_temporaries(path)
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


def _host_tag():
    return hashlib.sha256(socket.gethostname().encode('utf-8', 'surrogateescape')).hexdigest()[:8]


def _create_temporary(path):
    """A new file `.<name>.<host>-<pid>-<random>.tmp` beside `path`, created as `open` would
    (mode 0o666 less the umask), which `tempfile.mkstemp`'s 0o600 would not. The host and process
    in the name tell a later save whether the file's writer can still be running."""
    directory, base = os.path.split(path)
    while True:
        tmp = os.path.join(directory, f'.{base}.{_host_tag()}-{os.getpid()}-'
                                      f'{secrets.token_hex(6)}.tmp')
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0),
                           0o666), tmp
        except FileExistsError:
            continue


def _remove_abandoned_temporaries(path):
    """Remove the temporary files that killed saves to `path` left: those made on this host by a
    process that no longer runs. Before writing, so that they do not fill the disk. A running
    process's file is a save in progress and stays, as do files from other hosts sharing the
    directory, whose processes cannot be checked from here. Best effort: errors are ignored."""
    directory, base = os.path.split(path)
    pattern = re.compile(rf'\.{re.escape(base)}\.{_host_tag()}-([0-9]{{1,10}})-[0-9a-f]{{12}}\.tmp')
    with contextlib.suppress(OSError):
        for name in os.listdir(directory):
            match = pattern.fullmatch(name)
            if match and not _process_may_run(int(match[1])):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(directory, name))


def _process_may_run(pid):
    if pid == os.getpid() or os.name != 'posix':
        return True     # our own pid: another thread's save; elsewhere os.kill is no probe
    try:
        os.kill(pid, 0)     # signal 0 sends nothing, it only checks that the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        pass            # exists but is another user's, or cannot be a pid: leave it alone
    return True


def _fsync_directory(directory):
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ------------------------------------------------------------------------------------ loading
def load_checkpoint(ckpt_file_name: str, net: Any = None, strict_load: bool = False,
                    choice_func: Optional[Callable[[str], bool]] = None) -> 'OrderedDict[str, Any]':
    """Read a checkpoint (MindSpore's `load_checkpoint`).

    Args:
        ckpt_file_name: the file `save_checkpoint` wrote.
        net: if given, the values are also loaded into it (see `load_param_into_net`).
        strict_load: as for `load_param_into_net`.
        choice_func: `choice_func(name)` returning False leaves an entry out.

    Returns:
        An OrderedDict name -> Parameter (str entries of `append_dict` stay str).

    Example:
        >>> import os, tempfile
        >>> import autograph
        >>> from autograph import nn
        >>> path = os.path.join(tempfile.mkdtemp(), 'net.ckpt')
        >>> autograph.save_checkpoint(nn.Dense(3, 2), path)
        >>> params = autograph.load_checkpoint(path, net=nn.Dense(3, 2))
        >>> params['weight'].shape
        (2, 3)
    """
    if not isinstance(ckpt_file_name, (str, os.PathLike)):
        raise TypeError(f"For 'load_checkpoint', `ckpt_file_name` must be a str, "
                        f"but got {type(ckpt_file_name).__name__}.")
    path = _saved_path(os.fsdecode(ckpt_file_name))
    with open(path, 'rb') as f:     # outside the try: a missing file stays FileNotFoundError
        try:
            entries = _read_archive(f, os.fstat(f.fileno()).st_size)
        except _CORRUPT as error:
            detail = str(error) if len(str(error)) < 1000 else str(error)[:1000] + '...'
            raise ValueError(f"For 'load_checkpoint', the checkpoint file {path!r} is truncated "
                             f"or corrupt: {detail}") from error
    result = OrderedDict()
    for name, value in entries:
        if choice_func is not None and not choice_func(name):
            continue
        result[name] = value if isinstance(value, str) else Parameter(Tensor(value), name=name)
    if net is not None:
        load_param_into_net(net, result, strict_load)
    return result


def _saved_path(name):
    """The file `save_checkpoint(..., name)` writes, or `name` itself if only that exists."""
    if name.endswith(_SUFFIXES) or (os.path.isfile(name) and not os.path.exists(name + '.ckpt')):
        return name
    return name + '.ckpt'


def _read_archive(f, file_size):
    """[(name, ndarray or str)] in save order, every member checked against the metadata."""
    with zipfile.ZipFile(f) as archive:
        members = archive.namelist()
        if METADATA not in members:
            raise ValueError(f"it has no {METADATA}, so it is not an autograph checkpoint (a "
                             "plain .npz converts with save_checkpoint(dict(numpy.load(path)), "
                             "new_path))")
        if len(set(members)) != len(members):
            raise ValueError("a member name appears twice")
        _stored_size(archive, METADATA, file_size)
        listed = _check_metadata(json.loads(archive.read(METADATA).decode('utf-8')))
        expected = [_member(index) for index in range(len(listed))]
        for member in members:
            if member != METADATA and member not in expected:
                raise ValueError(f"member {member!r} is not listed in {METADATA}")
        for member in expected:
            if member not in members:
                raise ValueError(f"{METADATA} lists member {member!r}, which is missing")
        return [(entry.name, _read_entry(archive, member, entry, file_size))
                for member, entry in zip(expected, listed)]


def _check_metadata(metadata):
    """The metadata's entries as `_Entry`s, every field checked for type and range."""
    if not isinstance(metadata, dict) or metadata.get('format') != FORMAT:
        raise ValueError(f"{METADATA} does not describe an {FORMAT}")
    version = metadata.get('version')
    if type(version) is not int or version != VERSION:
        newer = type(version) is int and version > VERSION
        raise ValueError(f"format version {version!r} is {'newer than' if newer else 'not'} "
                         f"what this autograph reads ({VERSION})")
    listed = metadata.get('entries')
    if not isinstance(listed, list):
        raise ValueError(f"{METADATA} has no list of entries")
    entries = [_check_entry(index, entry) for index, entry in enumerate(listed)]
    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"{METADATA} lists a parameter name twice")
    return entries


def _check_entry(index, entry):
    where = f"entry {index} of {METADATA}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where} is not an object")
    name, dtype, shape, sha256, kind = (entry.get(key) for key in
                                        ('name', 'dtype', 'shape', 'sha256', 'kind'))
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where} has no name")
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise ValueError(f"{where} ({name!r}) has no valid shape")
    if not isinstance(sha256, str) or not re.fullmatch('[0-9a-f]{64}', sha256):
        raise ValueError(f"{where} ({name!r}) has no valid sha256")
    if not isinstance(dtype, str) or kind not in (None, 'str'):
        raise ValueError(f"{where} ({name!r}) has no valid dtype or kind")
    dtype = np.dtype(dtype)     # object dtypes (pickles) are never among those accepted here
    if not ((dtype.kind == 'U' and not shape) if kind == 'str' else dtype in _SUPPORTED):
        raise ValueError(f"parameter {name!r} has unsupported dtype {dtype}")
    return _Entry(name, dtype, tuple(shape), sha256, kind == 'str')


def _stored_size(archive, member, file_size):
    """The size of `member`, checked to be stored uncompressed and to fit in the file, so that no
    size the file claims can make the loader read or allocate more than the file holds."""
    info = archive.getinfo(member)
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"member {member!r} is compressed, which autograph never writes")
    if info.compress_size != info.file_size or info.file_size > file_size:
        raise ValueError(f"member {member!r} claims {info.file_size} bytes ({info.compress_size} "
                         f"stored), which the file does not hold")
    return info.file_size


def _read_entry(archive, member, entry, file_size):
    """The value in `member`: its header is checked against `entry` and the member's size before
    the data is read (a header claiming shape (10**12,) allocates nothing), then its SHA-256."""
    size = _stored_size(archive, member, file_size)
    with archive.open(member) as f:
        dtype, shape, header_size = _read_npy_header(f, member)
        if dtype != entry.dtype or shape != entry.shape:
            raise ValueError(f"parameter {entry.name!r} is {dtype}{list(shape)} but {METADATA} "
                             f"says {entry.dtype}{list(entry.shape)}")
        nbytes = math.prod(shape) * dtype.itemsize
        if header_size + nbytes != size:
            raise ValueError(f"member {member!r} holds {size - header_size} bytes of data, but "
                             f"{dtype}{list(shape)} is {nbytes} bytes")
        data = f.read(nbytes)
        # Reading to the end makes zipfile compare the member's CRC-32 (BadZipFile if it differs).
        if len(data) != nbytes or f.read():
            raise ValueError(f"member {member!r} is shorter or longer than its header says")
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise ValueError(f"parameter {entry.name!r} does not match its sha256 in {METADATA}")
    array = np.frombuffer(data, dtype).reshape(shape).copy()
    return str(array) if entry.is_str else array


def _read_npy_header(f, member):
    """(dtype, shape, header size) of the `.npy` member open as `f`. The header is bounded before
    it is read and parsed as a literal (never evaluated, never unpickled); only the plain dtypes
    and C order that `save_checkpoint` writes are accepted."""
    magic = f.read(8)
    if magic[:6] != _NPY_MAGIC or magic[6:] not in (b'\x01\x00', b'\x02\x00'):
        raise ValueError(f"member {member!r} is not a .npy array of format version 1.0 or 2.0")
    length_format = '<H' if magic[6] == 1 else '<I'
    length_size = struct.calcsize(length_format)
    (length,) = struct.unpack(length_format, f.read(length_size))
    if length > _MAX_NPY_HEADER:
        raise ValueError(f"member {member!r} has a .npy header of {length} bytes")
    header = ast.literal_eval(f.read(length).decode('latin1'))
    if (not isinstance(header, dict) or set(header) != {'descr', 'fortran_order', 'shape'}
            or not isinstance(header['descr'], str) or header['fortran_order'] is not False
            or type(header['shape']) is not tuple
            or not all(type(n) is int and n >= 0 for n in header['shape'])):
        raise ValueError(f"member {member!r} has a .npy header autograph does not write: "
                         f"{header!r}")
    return np.dtype(header['descr']), header['shape'], len(magic) + length_size + length


# ------------------------------------------------------------------------ loading into a net
def load_param_into_net(net: Any, parameter_dict: dict[str, Any],
                        strict_load: bool = False) -> tuple[list[str], list[str]]:
    """Copy values from `parameter_dict` into the Parameters of `net`, matched by name.

    A shape mismatch is always a RuntimeError (never a reshape). A dtype mismatch is cast when
    `strict_load` is False and both are floats or both ints (and no value changes), otherwise a
    RuntimeError. With `strict_load=False`, a name missing from the dict is also looked up under
    a common prefix (a checkpoint of `WithLoss(net)` holds `network.fc.weight` for `fc.weight`).
    With `strict_load=True`, missing and unexpected parameters are a RuntimeError.
    Nothing is written unless every check passes.

    Args:
        net: the Cell to load into.
        parameter_dict: name -> Parameter (or Tensor), as `load_checkpoint` returns.
        strict_load: refuse missing or unexpected names and dtype changes.

    Returns:
        MindSpore's `(param_not_load, ckpt_not_load)`: the names in `net` that got no value and the
        names in `parameter_dict` that were not used.

    Example:
        >>> import autograph
        >>> from autograph import nn
        >>> source, target = nn.Dense(3, 2), nn.Dense(3, 2)
        >>> autograph.load_param_into_net(target, source.parameters_dict())
        ([], [])
    """
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
