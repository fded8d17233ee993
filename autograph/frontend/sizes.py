"""The sizes that `dynamic_dims` leaves open, as user code sees them while the function is probed.

autograph/dynamic.py compiles a function at several probe sizes near 1000 and fits each number
that differs between them as a function of the size. A number that user code only *decides*
with leaves no number in the code to fit: `if x.shape[0] > 5000` takes the same side at every
probe, `a if x.shape[0] > 10 else b` too, and `min(x.shape[0], 64)` is 64 at all of them, so the
code would be compiled as at the probes for every size. As JAX's symbolic dimensions do, such a
use raises DynamicShapeError instead; arithmetic on a size (`n * 3`, `/ n`, a reshape, a slice,
`range(n)` as a loop's bound) goes on, its results reaching the code as numbers to fit.

Which ints are sizes: the probes' code must be the same, so they read the same shapes in the same
order (`x.shape`, `x.size`, `len(x)`, `np.shape(x)`, `np.size(x)`, of Tensors and of constant
arrays). The k-th read of a probe is compared with the k-th read of each probe before it, and an
entry that differs is a dynamic size. From the second probe on it reaches user code as a `Size`
(an int), which remembers its values at the earlier probes; arithmetic with Python numbers gives
another `Size` (or a `SizeFloat`, from `/` or `float()`), computed at every probe too. What
decides with one raises: a comparison, a truth test, `min`/`max`/`sorted`, a hash (a dict key, a
set), `//`, `%`, `divmod`, `round`, `int()` of a float, `math.floor`, bit operations, indexing
or slicing a Python list, tuple or constant array with it. A comparison whose two sides differ
by the same amount at every probe (`n - 1 < n`, `x.shape[0] == y.shape[0]` of one symbol) has
one answer for every size and is allowed.

Only user code's decisions raise: a Size's methods look at which module called them, and only a
call from the lowering of user code (lower.py, or this module on its behalf) is the user's; the
compiler's own machinery (merging a branch's Python numbers, shape rules) gets plain answers.
What user code gives to ops, NumPy, library Cells and other compiled functions is made plain
first (`plain`), and so is what the compiled function returns.
"""
import contextlib
import math
import operator
import sys
import threading
import types

from ..errors import DynamicShapeError
from .pysemantics import PURE_BUILTINS

_state = threading.local()      # .probes: the Probes of the probe compiling in this thread
_USERS = frozenset({'autograph.frontend.lower', __name__})


class Probes:
    """The shape reads of one dynamic_dims compilation's probes, in order, one list per probe."""

    def __init__(self, fn_name, described, plans):
        self.fn_name = fn_name          # for messages: 'loss_grad'
        self.described = described      # "x's axis 0"
        self.plans = plans              # per probe: {symbol: its size}
        self.done = []                  # per finished probe: [(key, values)]
        self.reads = []
        self.aligned = True

    @contextlib.contextmanager
    def probe(self):
        """Within the block, this thread compiles the next probe."""
        outer = getattr(_state, 'probes', None)
        self.reads, self.aligned = [], True
        _state.probes = self
        try:
            yield
        finally:
            _state.probes = outer
        self.done.append(self.reads)

    def read(self, value, loc):
        items = value if isinstance(value, tuple) else (value,)
        k = len(self.reads)
        key = (loc, len(items))
        self.reads.append((key, items))
        if not (self.aligned and self.done):
            return value
        earlier = [reads[k] if k < len(reads) else None for reads in self.done]
        if any(e is None or e[0] != key for e in earlier):
            # The probes went different ways before this read (a decision on a size that lost
            # its mark): what follows is not matched up; the code's comparison will differ.
            self.aligned = False
            return value
        out = []
        for i, v in enumerate(items):
            history = tuple(int(e[1][i]) for e in earlier)
            if all(h == v for h in history):
                out.append(v)
                continue
            series = history + (int(v),)
            symbol = next((s for s in self.plans[0]
                           if tuple(plan[s] for plan in self.plans[:len(series)]) == series), None)
            out.append(Size(v, history, symbol))
        return tuple(out) if isinstance(value, tuple) else out[0]


def tracking():
    """Whether this thread is compiling a probe of dynamic_dims."""
    return getattr(_state, 'probes', None) is not None


def read(value, loc):
    """A shape, size or length user code reads (an int or a tuple of ints) at `loc`: with each
    dynamic size in it a Size when a probe compiles."""
    probes = getattr(_state, 'probes', None)
    return value if probes is None else probes.read(value, loc)


def refusal(what):
    """The DynamicShapeError for a use of a size that one compilation cannot follow."""
    probes = getattr(_state, 'probes', None)
    name = probes.fn_name if probes is not None else 'the function'
    described = probes.described if probes is not None else 'a dynamic axis'
    return DynamicShapeError(
        f"{name}'s code depends on the size of {described}: {what}, and code compiled once for "
        "every size would keep the answer it gets here; drop that axis from dynamic_dims to "
        "compile once per size, or compute this with array ops")


def _users(depth=2):
    """Whether the code that called the Size method calling this (`depth` frames up) is the
    lowering of user code."""
    if getattr(_state, 'probes', None) is None:
        return False
    try:
        caller = sys._getframe(depth)
    except ValueError:
        return False
    return caller.f_globals.get('__name__') in _USERS


# ---------------------------------------------------------------- the numbers
def _value(x):
    """A Size or SizeFloat as the plain number it is; anything else as it is."""
    if isinstance(x, Size):
        return int.__int__(x)
    if isinstance(x, SizeFloat):
        return float.__float__(x)
    return x


def _number(x):
    return type(x) in (int, float, bool) or isinstance(x, (Size, SizeFloat))


def _history(op, *operands):
    """`op` applied at each earlier probe; None when an operand's earlier values are unknown."""
    lengths = set()
    for x in operands:
        if isinstance(x, (Size, SizeFloat)):
            if x.history is None:
                return None
            lengths.add(len(x.history))
    if len(lengths) != 1:
        return None
    count = lengths.pop()
    columns = [x.history if isinstance(x, (Size, SizeFloat)) else (x,) * count for x in operands]
    try:
        return tuple(op(*row) for row in zip(*columns))
    except (ArithmeticError, ValueError, TypeError):
        return None


def _made(op, *operands):
    result = op(*[_value(x) for x in operands])
    history = _history(op, *operands)
    if type(result) is int:
        return Size(result, history)
    if type(result) is float:
        return SizeFloat(result, history)
    return result


def _series(x):
    """x's values at every probe so far, the current one last; None for a plain number, False
    when unknown."""
    if not isinstance(x, (Size, SizeFloat)):
        return None
    if x.history is None:
        return False
    return x.history + (_value(x),)


def _agree(a, b):
    """Whether a - b is the same at every probe so far: then a comparison of them has one
    answer for every size (`n - 1 < n`; `n == n` read from two arrays)."""
    sa, sb = _series(a), _series(b)
    if sa is False or sb is False:
        return False
    if sa is None and sb is None:
        return True
    count = len(sa if sa is not None else sb)
    sa = sa if sa is not None else (a,) * count
    sb = sb if sb is not None else (b,) * count
    try:
        return len({x - y for x, y in zip(sa, sb)}) == 1
    except TypeError:
        return False


def _distinct(a, b):
    """Whether a and b are two symbols' sizes, never equal: a call with them equal has another
    cache key, with one symbol (dynamic.py)."""
    return getattr(a, 'symbol', None) is not None and getattr(b, 'symbol', None) is not None and \
        a.symbol != b.symbol


def _shown(x):
    return repr(_value(x))


_SYMBOLS = {'lt': '<', 'le': '<=', 'gt': '>', 'ge': '>=', 'eq': '==', 'ne': '!='}


def _comparison(name):
    op, symbol = getattr(operator, name), _SYMBOLS[name]

    def compare(self, other):
        if not _number(other):
            return NotImplemented
        if _users() and not _agree(self, other) and not (name in ('eq', 'ne') and _distinct(self, other)):
            raise refusal(f"this line compares it in Python ({_shown(self)} {symbol} {_shown(other)} "
                          "while compiling)")
        return op(_value(self), _value(other))
    compare.__name__ = f'__{name}__'
    return compare


def _arithmetic(op):
    def forward(self, other):
        return _made(op, self, other) if _number(other) else NotImplemented

    def reflected(self, other):
        return _made(op, other, self) if _number(other) else NotImplemented
    return forward, reflected


def _rounding(op, words):
    """An operation that rounds or picks bits: no formula of the size the fit writes follows it
    (n // 64 is 15 at every size near 1000)."""
    def forward(self, other):
        if not _number(other):
            return NotImplemented
        if _users() and not (_agree(self, 0) and _agree(other, 0)):
            raise refusal(f"this line {words} in Python")
        return _made(op, self, other)

    def reflected(self, other):
        if not _number(other):
            return NotImplemented
        if _users() and not (_agree(self, 0) and _agree(other, 0)):
            raise refusal(f"this line {words} in Python")
        return _made(op, other, self)
    return forward, reflected


class _Sized:
    """What Size and SizeFloat share: arithmetic keeps the mark, deciding raises."""

    def __new__(cls, value, history, symbol=None):
        self = cls._base.__new__(cls, value)
        self.history = history
        self.symbol = symbol        # the dynamic_dims symbol it is, when it was read as one
        return self

    def __bool__(self):
        if _users() and not _agree(self, 0):
            raise refusal(f"this line tests its truth in Python ({_shown(self)} while compiling)")
        return _value(self) != 0

    def __hash__(self):
        if _users() and not _agree(self, 0):
            raise refusal("this line uses it as a dict key or set member (it hashes it)")
        return hash(_value(self))

    def __reduce__(self):
        return self._base, (_value(self),)

    def __neg__(self):
        return _made(lambda a: -a, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _made(abs, self)

    def __pow__(self, other, modulo=None):
        if modulo is not None:
            if _users():
                raise refusal("this line takes it modulo a number in Python (pow with a modulus)")
            return pow(_value(self), _value(other), _value(modulo))
        return _made(pow, self, other) if _number(other) else NotImplemented

    def __rpow__(self, other):
        return _made(pow, other, self) if _number(other) else NotImplemented


def _define(cls, rounding):
    for name in _SYMBOLS:
        setattr(cls, f'__{name}__', _comparison(name))
    for name in ('add', 'sub', 'mul', 'truediv'):
        forward, reflected = _arithmetic(getattr(operator, name))
        setattr(cls, f'__{name}__', forward)
        setattr(cls, f'__r{name}__', reflected)
    for name, (op, words) in rounding.items():
        forward, reflected = _rounding(op, words)
        setattr(cls, f'__{name}__', forward)
        setattr(cls, f'__r{name}__', reflected)


_ROUNDING = {'floordiv': (operator.floordiv, 'divides it rounding down (//)'),
             'mod': (operator.mod, 'takes a remainder of it (%)'),
             'divmod': (divmod, 'divides it rounding down (divmod)')}
_BITS = {'and': (operator.and_, 'takes bits of it (&)'), 'or': (operator.or_, 'takes bits of it (|)'),
         'xor': (operator.xor, 'takes bits of it (^)'), 'lshift': (operator.lshift, 'shifts its bits (<<)'),
         'rshift': (operator.rshift, 'shifts its bits (>>)')}


class Size(_Sized, int):
    """A dynamic size, or an int made from one by arithmetic, while a probe compiles. `history`:
    its values at the probes before (None when not known); `symbol`: the symbol's index when it
    is a symbol's size as read."""
    _base = int

    def __round__(self, ndigits=None):
        if ndigits is None or ndigits >= 0:
            return self
        if _users():
            raise refusal("this line rounds it in Python (round)")
        return round(_value(self), ndigits)

    def __floor__(self):
        return self

    def __ceil__(self):
        return self

    def __trunc__(self):
        return self

    def __invert__(self):
        if _users():
            raise refusal("this line takes bits of it (~)")
        return ~_value(self)


class SizeFloat(_Sized, float):
    """A float made from a dynamic size (`n / 2`, `float(n)`, `math.sqrt(n)`) while a probe
    compiles."""
    _base = float

    def _rounded(self, how, *args):
        if _users(3):
            raise refusal(f"this line rounds it in Python ({how})")
        return getattr(float, f'__{how}__')(_value(self), *args)

    def __round__(self, ndigits=None):
        return self._rounded('round', *(() if ndigits is None else (ndigits,)))

    def __floor__(self):
        return self._rounded('floor')

    def __ceil__(self):
        return self._rounded('ceil')

    def __trunc__(self):
        return self._rounded('trunc')


_define(Size, {**_ROUNDING, **_BITS})
_define(SizeFloat, _ROUNDING)


# ---------------------------------------------------------------- at the boundaries
def holds(tree, depth=4):
    """Whether a size is in `tree` (also inside tuples, lists, dicts and slices)."""
    if isinstance(tree, (Size, SizeFloat)):
        return True
    if not depth:
        return False
    if isinstance(tree, (tuple, list)):
        return any(holds(item, depth - 1) for item in tree)
    if isinstance(tree, dict):
        return any(holds(item, depth - 1) for item in tree.values())
    if isinstance(tree, slice):
        return holds((tree.start, tree.stop, tree.step), depth - 1)
    return False


def plain(tree, depth=4):
    """`tree` with each size a plain number (the same object when it holds none)."""
    if isinstance(tree, (Size, SizeFloat)):
        return _value(tree)
    if not depth or not holds(tree, depth):
        return tree
    if isinstance(tree, slice):
        return slice(*plain((tree.start, tree.stop, tree.step), depth - 1))
    if isinstance(tree, dict):
        return type(tree)({key: plain(item, depth - 1) for key, item in tree.items()})
    items = [plain(item, depth - 1) for item in tree]
    if hasattr(tree, '_fields'):          # a namedtuple
        return type(tree)._make(items)
    return type(tree)(items)


def _is_math(fn):
    return isinstance(fn, types.BuiltinFunctionType) and getattr(fn, '__self__', None) is math


_PURE = {id(fn) for fn in PURE_BUILTINS}


def runs_on_sizes(fn):
    """Whether `fn` is a builtin or `math` function that `compile_time_call` runs on sizes."""
    return id(fn) in _PURE or _is_math(fn)


def compile_time_call(fn, args, kwargs):
    """A builtin or math function of compile-time values, some of them sizes, called by user code."""
    name = getattr(fn, '__name__', 'it')
    if fn is min or fn is max or fn is sorted:
        try:
            return fn(*args, **kwargs)
        except DynamicShapeError:
            shown = ', '.join(repr(plain(a)) for a in args)
            raise refusal(f"{name}() compares it in Python ({name}({shown}) while compiling)") from None
    if fn is int and len(args) == 1 and not kwargs and isinstance(args[0], (Size, SizeFloat)):
        if isinstance(args[0], SizeFloat):
            raise refusal("this line rounds it in Python (int() of a float)")
        return args[0]
    if fn is float and len(args) == 1 and not kwargs and isinstance(args[0], (Size, SizeFloat)):
        return _made(float, args[0])
    if fn is type and len(args) == 1 and isinstance(args[0], (Size, SizeFloat)):
        return args[0]._base
    if fn is divmod and holds(args):
        raise refusal("this line divides it rounding down (divmod)")
    if fn is round and args and isinstance(args[0], SizeFloat):
        raise refusal("this line rounds it in Python (round)")
    result = fn(*args, **kwargs)        # the sizes' own methods decide (bool, hash, abs, sum)
    if not _is_math(fn) or isinstance(result, (Size, SizeFloat)):
        return result
    if type(result) is float:           # math.sqrt(n), math.log(n): followed no further
        return SizeFloat(result, None)
    raise refusal(f"this line computes {'a truth value' if isinstance(result, bool) else 'a rounded number'} "
                  f"from it in Python (math.{name})")
