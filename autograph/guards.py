"""Guards: the Python values a compilation read as compile-time constants, and the check, before
a cached compilation is reused, that they still hold (in the spirit of torch.compile's guards).

The frontend records a guard wherever user code reads a Python object that could change later:
a global, a closure variable, an attribute of an object, a class or a user module (`self.training`,
`Net.scale`, `config.SIZES`), and what built-in Cells read in plain Python. Each guard keeps a
snapshot of what was read:
- numbers, strings, bytes and None: the value (and its type);
- tuples, lists, dicts and sets: their contents, item by item, so that changing a list in place
  is seen as well as rebinding it;
- functions and methods: the function object, its code object and its defaults, so that a
  redefined helper recompiles;
- anything else (a Cell, a module, a Tensor the code reads at each call): the object itself.

`Guards.check()` runs before every call of a cached compilation, so it must be cheap. Reads from
Cells and Cell classes (the bulk of them in a model) are checked only after some Cell attribute or
Cell class attribute was assigned since the last check: `nn.Cell` counts those assignments
(`cell_version`). Library modules and classes (NumPy, autograph, the standard library, installed
packages) are taken as constants and not guarded. What Python code of a library reads on its
own (a list iterated by NumPy) is read once, at compile time.
"""
import math
import sys
import types

from .cell import Cell, cell_version

MISSING = object()
_SCALARS = (bool, int, float, complex, str, bytes, type(None))
_MAX_DEPTH = 6          # deeper than this, containers are compared by identity


# ---------------------------------------------------------------- snapshots
def snapshot(value, depth=0):
    """What `holds` compares a later value against."""
    kind = type(value)
    if kind in _SCALARS:
        return ('=', value)
    if value is MISSING:
        return ('missing',)
    if depth < _MAX_DEPTH:
        if kind in (tuple, list):
            return ('seq', kind, tuple(snapshot(v, depth + 1) for v in value))
        if kind is dict:
            return ('dict', tuple(value), tuple(snapshot(v, depth + 1) for v in value.values()))
        if kind in (set, frozenset):
            return ('set', kind, frozenset(value))
    if isinstance(value, types.FunctionType):
        # Defaults are a tuple (rebinding makes a new one); only mutable ones need their contents.
        defaults, keywords = value.__defaults__, value.__kwdefaults__
        deep = None if _immutable(defaults) and keywords is None else \
            (snapshot(defaults, depth + 1), snapshot(keywords, depth + 1))
        return ('fn', value, value.__code__, defaults, keywords, deep)
    if isinstance(value, types.MethodType):
        return ('method', value.__func__, value.__self__, value.__func__.__code__)
    return ('is', value)


def holds(snap, value):
    """Whether `value` is what `snap` saw."""
    tag = snap[0]
    if tag == 'is':
        return value is snap[1]
    if tag == '=':
        seen = snap[1]
        return type(value) is type(seen) and (value == seen or _both_nan(value, seen))
    if tag == 'seq':
        return type(value) is snap[1] and len(value) == len(snap[2]) and \
            all(holds(s, v) for s, v in zip(snap[2], value))
    if tag == 'dict':
        return type(value) is dict and len(value) == len(snap[1]) and \
            all(a == b for a, b in zip(value, snap[1])) and \
            all(holds(s, v) for s, v in zip(snap[2], value.values()))
    if tag == 'set':
        return type(value) is snap[1] and value == snap[2]
    if tag == 'fn':
        return value is snap[1] and value.__code__ is snap[2] and value.__defaults__ is snap[3] and \
            value.__kwdefaults__ is snap[4] and (snap[5] is None or (
                holds(snap[5][0], value.__defaults__) and holds(snap[5][1], value.__kwdefaults__)))
    if tag == 'method':
        return type(value) is types.MethodType and value.__func__ is snap[1] and \
            value.__self__ is snap[2] and snap[1].__code__ is snap[3]
    return value is MISSING     # 'missing'


def _immutable(value):
    """Numbers, strings, None and tuples of them."""
    return type(value) in _SCALARS or (type(value) is tuple and all(map(_immutable, value)))


def _both_nan(a, b):
    return isinstance(a, float) and math.isnan(a) and math.isnan(b)


def _show(snap):
    """A short description of what a snapshot saw, for the log."""
    text = _text(snap)
    return text if len(text) <= 60 else text[:57] + '...'


def _text(snap):
    tag = snap[0]
    if tag == '=':
        return repr(snap[1])
    if tag == 'missing':
        return 'nothing'
    if tag in ('fn', 'method'):
        return f'function {snap[1].__qualname__}'
    if tag == 'seq':
        items = ', '.join(_text(item) for item in snap[2][:8]) + (', ...' if len(snap[2]) > 8 else '')
        return f'({items},)' if snap[1] is tuple and len(snap[2]) == 1 else \
            f'({items})' if snap[1] is tuple else f'[{items}]'
    if tag == 'set':
        return f'a {snap[1].__name__} of {len(snap[2])}'
    if tag == 'dict':
        return f'a dict of {len(snap[1])}'
    return f'a {type(snap[1]).__name__}'


# ---------------------------------------------------------------- guards
class _Guard:
    __slots__ = ('read', 'holder', 'key', 'snap', 'what')

    def __init__(self, read, holder, key, value, what):
        self.read, self.holder, self.key, self.what = read, holder, key, what
        self.snap = snapshot(value)

    def failure(self):
        """None while the guard holds, else why it does not."""
        now = self.read(self.holder, self.key)
        if holds(self.snap, now):
            return None
        if self.snap[0] in ('seq', 'dict', 'set') and type(now) in (list, dict, set):
            return f'{self.what} changed its contents'
        if self.snap[0] == 'fn' and now is self.snap[1]:
            return f'{self.what} ({self.snap[1].__qualname__}) has new code or defaults'
        return f'{self.what} changed from {_show(self.snap)} to {_show(snapshot(now))}'

    def identities(self):
        """Reads whose results being the very objects seen implies the guard holds, as
        (how, holder, key, expected), `how` 'item' for `holder.get(key, MISSING)` and 'attr' for
        `getattr(holder, key, MISSING)`; None when only `failure` can tell (a container's
        contents, a bound method made anew at each read, a function's mutable defaults)."""
        snap = self.snap
        tag = snap[0]
        if tag not in ('=', 'is', 'fn', 'missing'):
            return None
        expected = MISSING if tag == 'missing' else snap[1]
        if self.read is _read_global:
            reads = [('item', self.holder, self.key, expected)]
        elif self.read is _read_attribute:
            reads = [('attr', self.holder, self.key, expected)]
        elif self.read is _read_cell and tag != 'missing':
            reads = [('attr', self.holder, 'cell_contents', expected)]
        elif self.read is _itself:
            reads = []
        else:
            return None
        if tag == 'fn':
            if snap[5] is not None:
                return None
            fn = snap[1]
            reads += [('attr', fn, '__code__', snap[2]), ('attr', fn, '__defaults__', snap[3]),
                      ('attr', fn, '__kwdefaults__', snap[4])]
        return reads


def _read_global(namespace, name):
    return namespace.get(name, MISSING)


def _read_cell(cell, _):
    try:
        return cell.cell_contents
    except ValueError:
        return MISSING


def _itself(fn, _):
    return fn


def _read_attribute(obj, name):
    return getattr(obj, name, MISSING)


class Guards:
    """The guards of one compilation; the frontend adds to it while lowering."""

    def __init__(self):
        self.always = []          # checked at every call
        self.cells = []           # checked only when a Cell (or Cell class) was assigned to
        self.seen = set()
        self.version = cell_version()   # taken before lowering: later changes are caught

    def global_(self, namespace, name, value):
        self._add(_read_global, namespace, name, value, f'global {name}', self.always)

    def function(self, fn):
        """A user function the compiler inlines: its code and defaults (the object itself is
        guarded where it was read)."""
        self._add(_itself, fn, None, fn, f'function {fn.__qualname__}', self.always)

    def closure(self, cell, name, value):
        self._add(_read_cell, cell, name, value, f'closure variable {name}', self.always)

    def attribute(self, obj, name, value):
        """`obj.name` read while compiling. Library modules and classes are constants."""
        if isinstance(obj, (types.ModuleType, type)) and is_library_object(obj):
            return
        if isinstance(obj, types.ModuleType):
            what = f'{obj.__name__}.{name}'
        elif isinstance(obj, type):
            what = f'{obj.__qualname__}.{name}'
        else:
            what = f'{type(obj).__name__}.{name}'
        owned_by_cells = isinstance(obj, Cell) or (isinstance(obj, type) and issubclass(obj, Cell))
        guard = self._add(_read_attribute, obj, name, value, what, None)
        if guard is not None:
            # Assignments to Cells bump the version; in-place changes of a container do not. (A
            # function's new code or defaults are seen by the `function` guard of its inlining.)
            cheap = owned_by_cells and guard.snap[0] not in ('seq', 'dict', 'set')
            (self.cells if cheap else self.always).append(guard)

    def cell_state(self, cell):
        """A built-in Cell's construct runs as plain Python while compiling: any of its (and its
        sub-Cells') attributes may decide what is compiled."""
        for _, sub in cell.cells_and_names():
            for name, value in vars(sub).items():
                if not name.startswith('_'):
                    self.attribute(sub, name, value)
            self.attribute(type(sub), 'construct', type(sub).construct)

    def _add(self, read, holder, key, value, what, group):
        ident = (id(holder), key)
        if ident in self.seen:
            return None
        self.seen.add(ident)
        guard = _Guard(read, holder, key, value, what)
        if group is not None:
            group.append(guard)
        return guard

    def __len__(self):
        return len(self.always) + len(self.cells)

    def identities(self):
        """(identity reads, other guards) for the guards checked at every call: all of them hold
        when each read gives the object expected (`_Guard.identities`) and the others' `failure()`
        is None. The Cell guards are left to `failure` once `cell_version()` moved from `version`."""
        reads, others = [], []
        for guard in self.always:
            found = guard.identities()
            if found is None:
                others.append(guard)
            else:
                reads += found
        return reads, others

    def failure(self):
        """None when every guard holds, else the first reason one does not."""
        for guard in self.always:
            why = guard.failure()
            if why is not None:
                return why
        if self.cells:
            version = cell_version()
            if version != self.version:
                for guard in self.cells:
                    why = guard.failure()
                    if why is not None:
                        return why
                self.version = version
        return None


_LIBRARY_ROOTS = {'numpy', 'autograph', 'runtime', 'builtins', 'gast', 'scipy'}


def is_library_object(obj):
    """Whether a module or class belongs to a library (never changed by user code)."""
    module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, '__module__', None)
    if not isinstance(module, str):
        return False
    root = module.split('.')[0]
    if root in _LIBRARY_ROOTS or root in sys.stdlib_module_names:
        return True
    source = getattr(sys.modules.get(module), '__file__', None) or ''
    return 'site-packages' in source or 'dist-packages' in source
