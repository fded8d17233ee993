"""What Python means by the code the frontend lowers, in tables: which function an operator
calls, which builtins may run while compiling, whose code is inlined from source, and what the
constructs the compiler refuses are called in its messages.

The lowering (lower.py) evaluates user code over symbolic values; what it runs of Python itself
is decided here, so that a new operator or builtin is one entry, not a new branch.
"""
import operator
import sysconfig

import gast
import numpy as np

from runtime.tensor import Tensor
from ..errors import CompileError

BINARY = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
          gast.Div: operator.truediv, gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
          gast.Pow: operator.pow, gast.MatMult: operator.matmul, gast.BitAnd: operator.and_,
          gast.BitOr: operator.or_, gast.BitXor: operator.xor}
UNARY = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
         gast.Invert: operator.invert}
COMPARE = {gast.Lt: operator.lt, gast.LtE: operator.le, gast.Gt: operator.gt, gast.GtE: operator.ge,
           gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Is: operator.is_,
           gast.IsNot: operator.is_not, gast.In: lambda a, b: a in b,
           gast.NotIn: lambda a, b: a not in b}

# Builtins that are safe to run at compile time on compile-time values.
PURE_BUILTINS = {len, tuple, list, dict, int, float, bool, range, zip, enumerate, min, max, abs,
                 isinstance, str, reversed, sorted, sum, all, any, slice, hasattr, getattr, iter, next,
                 round, pow, divmod, repr, ascii, format, callable, chr, ord, bin, hex, oct, type, complex}

# NumPy calls on compile-time data that make constants (np.array([0, 2]), np.float32(0.5)).
COMPILE_TIME_NUMPY = {np.array, np.asarray, np.dtype, np.finfo, np.iinfo}

# Python containers: their methods (xs.append(v), d.items()) run at compile time.
CONTAINERS = (list, dict, tuple, set, str)


def runs_at_compile_time(fn):
    """Whether `fn`, given compile-time arguments only, is simply called while compiling."""
    return fn in PURE_BUILTINS or fn in COMPILE_TIME_NUMPY or (isinstance(fn, type) and issubclass(fn, np.generic))


def isinstance_of_value(classes):
    """isinstance(x, classes) for a Tensor in compiled code: true for Tensor and its bases."""
    classes = classes if isinstance(classes, tuple) else (classes,)
    return any(isinstance(c, type) and issubclass(Tensor, c) for c in classes)


# ---------------------------------------------------------------- whose code it is
_LIBRARY_MODULES = ('runtime', 'autograph')
_INSTALLED = tuple({sysconfig.get_paths()[k] for k in ('stdlib', 'platstdlib', 'purelib', 'platlib')})
# Where users import what a library module defines, as messages name it (MindSpore's spelling).
_PUBLIC_MODULES = {'runtime.tensor': 'autograph', 'autograph.cell': 'autograph.nn.cell'}


def is_library(fn):
    module = getattr(fn, '__module__', None) or ''
    return module.split('.')[0] in _LIBRARY_MODULES


def is_user_code(fn):
    """Functions compiled from source: not autograph's own, not the standard library's or an
    installed package's (NumPy's Python functions are not ours to inline)."""
    return not is_library(fn) and not fn.__code__.co_filename.startswith(_INSTALLED)


def qualified(fn):
    return f"{_PUBLIC_MODULES.get(fn.__module__, fn.__module__)}.{fn.__qualname__}"


# ---------------------------------------------------------------- syntax
_UNSUPPORTED = {
    'Try': "try/except", 'With': "a with block", 'Raise': "raise", 'Global': "global",
    'Nonlocal': "nonlocal", 'Delete': "del", 'ClassDef': "a class definition",
    'Import': "import", 'ImportFrom': "import", 'AsyncFunctionDef': "async def",
    'ListComp': 'a list comprehension', 'GeneratorExp': 'a generator expression',
    'DictComp': 'a dict comprehension', 'SetComp': 'a set comprehension', 'Yield': 'yield',
    'YieldFrom': 'yield from', 'Await': 'await', 'NamedExpr': 'the := operator',
    'Set': 'a set literal',
}
_HINTS = {'Import': "import at module level instead", 'ImportFrom': "import at module level instead"}


def unsupported(node):
    """The error for a statement or expression the compiler does not lower."""
    kind = type(node).__name__
    hint = _HINTS.get(kind)
    return CompileError(f"{_UNSUPPORTED.get(kind, kind)} is not supported in compiled code"
                        + (f"; {hint}" if hint else ""))


def as_load(target):
    """The expression that reads an assignment target (for `target += value`)."""
    if isinstance(target, gast.Name):
        return gast.Name(id=target.id, ctx=gast.Load(), annotation=None, type_comment=None)
    if isinstance(target, gast.Subscript):
        return gast.Subscript(value=as_load(target.value), slice=target.slice, ctx=gast.Load())
    if isinstance(target, gast.Attribute):
        return gast.Attribute(value=as_load(target.value), attr=target.attr, ctx=gast.Load())
    raise CompileError(f"cannot update {type(target).__name__} in place")
