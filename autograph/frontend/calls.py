"""Calls of what is not the user's own code: Python builtins, NumPy, `math`, SciPy, and other
callable objects, and the words the compiler uses for them in its errors.

On compile-time values most of these calls simply run while compiling (pysemantics'
PURE_BUILTINS). On Tensors some have an exact meaning in ops, and `special_call` gives them that
meaning: `np.asarray(x)` is x, `np.float32(x)` a cast, `list(x)` the rows of x, `abs(x)`,
`round(x)`, `divmod`, `np.shape(x)`. The rest are refused with a `CompileError` that says, in the
user's words, what is not supported and what to use instead. A message never names the
compiler's own classes: a symbolic value is "a Tensor" here, as it is in the user's code, and a
library function is named by its public path (`np.fft.fft`, `scipy.special.expit`), not by where
it happens to be defined.
"""
import builtins
import functools
import inspect
import math
import re
import sys
import types

import numpy as np

from runtime import ops
from runtime.ops import NUMPY_FUNCTIONS, masks
from runtime.ops.masks import Selection
from runtime.primitive import running_eagerly
from runtime.tensor import Tensor
from ..cell import Cell
from ..errors import CompileError
from ..ir import Value
from . import control
from .pysemantics import is_user_code

UNHANDLED = object()     # special_call's answer when the ordinary resolution should go on
_MAX_ROWS = 10_000       # list(x) of a Tensor unrolls its rows; beyond this it is refused

# What a Tensor's value being known only at run time means for the user, in one clause.
_RUN_TIME = "a Tensor's value is known only when the code runs"
_AS_TEXT = (f"{_RUN_TIME}, so it cannot be made into text while compiling; give the Tensor to "
            "print as an argument of its own: print('x =', x)")


# ---------------------------------------------------------------- naming things
def public_name(obj):
    """How user code names a library function: 'np.fft.fft', 'scipy.special.expit', 'math.exp',
    'len'. The public module that exports it, not the private one that defines it; None when
    there is no such name."""
    name = getattr(obj, '__name__', None)
    if not isinstance(name, str):
        return None
    try:
        if getattr(builtins, name, None) is obj:
            return name
    except TypeError:        # an unhashable or odd object: no builtin anyway
        pass
    owner = getattr(obj, '__self__', None)
    module = owner.__name__ if isinstance(owner, types.ModuleType) else getattr(obj, '__module__', None)
    module = module if isinstance(module, str) else ''
    parts = module.split('.') if module else []
    # The shortest public prefix first (scipy.special, not scipy.special._basic); ufuncs do not
    # say where they live, so NumPy and scipy.special are tried too.
    candidates = ['.'.join(parts[:i]) for i in range(1, len(parts) + 1)
                  if not any(p.startswith('_') for p in parts[:i])]
    for candidate in candidates + ['numpy', 'scipy.special']:
        namespace = sys.modules.get(candidate)
        if namespace is not None and getattr(namespace, name, None) is obj:
            return ('np' + candidate[len('numpy'):] if candidate.split('.')[0] == 'numpy'
                    else candidate) + '.' + name
    return None


def describe(obj):
    """A short phrase for `obj` in an error message: 'a Tensor of shape (3,)', 'np.fft.fft',
    'the method Generator.normal', 'module numpy', 'a list'."""
    if isinstance(obj, (Value, Tensor)):
        return f"a Tensor of shape {tuple(obj.shape)}"
    if obj is None:
        return "None"
    if isinstance(obj, types.ModuleType):
        return f"module {obj.__name__}"
    name = public_name(obj)
    if name is not None:
        return name
    owner = getattr(obj, '__self__', None)
    if isinstance(obj, (types.MethodType, types.BuiltinMethodType)) and owner is not None:
        if isinstance(owner, np.ufunc):            # np.maximum.reduce
            return f"{public_name(owner) or owner.__name__}.{obj.__name__}"
        return f"the method {type(owner).__name__}.{obj.__name__}"
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return f"{getattr(obj, '__module__', None) or ''}.{obj.__qualname__}".lstrip('.')
    if isinstance(obj, type):
        return f"the class {obj.__qualname__}"
    kind = type(obj).__name__
    if type(obj).__module__ == 'builtins':        # 'an int', 'a list'
        return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
    return f"an object of type {kind}"


def no_attribute(base, attr):
    """The message for `base.attr` when there is no such attribute."""
    if not isinstance(base, Value):
        return f"{describe(base)} has no attribute {attr!r}"
    hint = _TENSOR_ATTRIBUTE_HINTS.get(attr)
    return f"a Tensor inside compiled code has no attribute {attr!r}" + (f": {hint}" if hint else "")


_TO_PYTHON = (f"it would make a Python value, but {_RUN_TIME}; keep it a Tensor inside compiled "
              "code, and call .{name}() on the result outside")
_SHAPE_OF_RESULT = ("its result's shape depends on the values, known only when the code runs; use a "
                    "mask with ops.where or ops.masked_fill")
_SIZE = "use np.size(x) or math.prod(x.shape)"
_GRADIENTS = "gradients come from autograph.grad or autograph.value_and_grad, not from a Tensor"
_TENSOR_ATTRIBUTE_HINTS = {
    'item': _TO_PYTHON.format(name='item'), 'tolist': _TO_PYTHON.format(name='tolist'),
    'asnumpy': "inside compiled code a Tensor already is an array: use it directly, and call "
               ".asnumpy() on the result outside",
    'copy': "arrays are never changed in place in compiled code, so x itself will do",
    'clone': "arrays are never changed in place in compiled code, so x itself will do",
    'detach': "use ops.stop_gradient(x)",
    'size': _SIZE, 'numel': _SIZE,
    'grad': _GRADIENTS, 'requires_grad': _GRADIENTS, 'backward': _GRADIENTS,
    'to': "use x.astype(dtype) or ops.cast(x, dtype)",
    'sort': "autograph has no sort primitive yet", 'argsort': "autograph has no sort primitive yet",
    'topk': "autograph has no sort primitive yet",
    'nonzero': _SHAPE_OF_RESULT, 'unique': _SHAPE_OF_RESULT, 'masked_select': _SHAPE_OF_RESULT,
    'real': "complex numbers are not supported", 'imag': "complex numbers are not supported",
    'conj': "complex numbers are not supported",
    'fill': "use ops.full_like(x, value)",
    'mT': "use x.swapaxes(-2, -1)",
    'set_data': "use ops.assign(parameter, value) to update a Parameter",
    'any': "use (x != 0).sum() > 0", 'all': "use (x == 0).sum() == 0",
}
_TENSOR_ATTRIBUTE_HINTS['numpy'] = _TENSOR_ATTRIBUTE_HINTS['asnumpy']
# Methods of MindSpore's (and PyTorch's) Tensors that autograph spells differently.
_TENSOR_ATTRIBUTE_HINTS.update({
    **{name: f"use x.astype(autograph.{dtype})" for name, dtype in (
        ('float', 'float32'), ('double', 'float64'), ('half', 'float16'), ('int', 'int32'),
        ('long', 'int64'), ('bool', 'bool_'))},
    'type_as': "use x.astype(y.dtype)", 'view_as': "use x.reshape(y.shape)",
    'reshape_as': "use x.reshape(y.shape)", 'expand_as': "use x.broadcast_to(y.shape)",
    'expand': "use x.broadcast_to(shape)",
    'contiguous': "arrays are always contiguous in compiled code, so x itself will do",
    'data': "use x itself",
    'new_zeros': "use ops.zeros(shape, x.dtype)", 'new_ones': "use ops.ones(shape, x.dtype)",
    'zero_': "use ops.zeros_like(x)", 'fill_': "use ops.full_like(x, value)",
    'count_nonzero': "use (x != 0).sum()",
    'nan_to_num': "use ops.where(ops.isnan(x), 0.0, x)",
    'inv': "use x.inverse()", 'bmm': "use ops.matmul(x, y)",
    'tril': "multiply by np.tri(n, m, k, dtype=x.dtype)",
    'triu': "multiply by 1 - np.tri(n, m, k - 1, dtype=x.dtype)",
    'nelement': _SIZE,
    'isclose': "compare with ops.abs(x - y) <= atol + rtol * ops.abs(y)",
    'allclose': "compare with ops.abs(x - y) <= atol + rtol * ops.abs(y)",
    'log_softmax': "use ops.log_softmax(x, axis)", 'lerp': "use x + weight * (end - x)",
    'addmm': "use beta * x + alpha * ops.matmul(a, b)", 'inner': "use np.inner(x, y)",
    'bitwise_and': "use x & y", 'bitwise_or': "use x | y", 'bitwise_xor': "use x ^ y",
    'roll': "autograph has no roll primitive; use ops.concat of two slices",
    'is_contiguous': "arrays are always contiguous in compiled code",
})


def python_error(error):
    """'TypeError: ...' for a Python exception raised while lowering user code, in the user's
    words: NumPy and Python name the type of the operand they got ('Value'), which here is a
    Tensor."""
    text = re.sub(r"\bValue\b", "Tensor", str(error))
    text = re.sub(r"\bLocalFunction\b", "function", text)
    return f"{type(error).__name__}: {text}"


# ---------------------------------------------------------------- the calls
def special_call(lowering, fn, args, kwargs):
    """The result of a call that needs more than running `fn`: Tensor arguments to builtins and
    NumPy conversions, callables taking user functions (map, sorted(key=...)), print. Returns
    UNHANDLED for every other call."""
    if isinstance(fn, (Value, Tensor)):
        raise CompileError("a Tensor is not callable")
    if fn is None or isinstance(fn, (bool, int, float, complex, str, bytes, list, tuple, dict, set)):
        raise refusal(fn)       # calling a Python value: a typo, or a shadowed name
    handler = _HANDLERS.get(id(fn))
    if handler is not None:
        return handler(lowering, fn, args, kwargs)
    if isinstance(fn, type) and issubclass(fn, np.generic) and _holds_value(args, kwargs):
        return _numpy_scalar(fn, args, kwargs)
    if _is_math(fn):
        if _holds_value(args, kwargs):
            raise CompileError(f"{public_name(fn)}() works on Python numbers, but this is a Tensor; "
                               f"use {_tensor_spelling(fn.__name__)}")
        return fn(*args, **kwargs)           # a compile-time number: math.log(2.0)
    if isinstance(fn, types.BuiltinMethodType) and isinstance(getattr(fn, '__self__', None), str) \
            and fn.__name__ in ('format', 'format_map') and _holds_value(args, kwargs):
        raise CompileError(f"str.format() of a Tensor: {_AS_TEXT}")
    if isinstance(fn, functools.partial):
        return lowering.call(fn.func, list(fn.args) + list(args), {**fn.keywords, **kwargs})
    if isinstance(fn, type) and issubclass(fn, Cell):
        return _cell_built_while_compiling(fn, args, kwargs)
    call = getattr(type(fn), '__call__', None)
    if isinstance(call, types.FunctionType) and not isinstance(fn, type):
        if is_user_code(call):                # an object of the user's own class with __call__
            return lowering.call(types.MethodType(call, fn), args, kwargs)
    return UNHANDLED


def _cell_built_while_compiling(cls, args, kwargs):
    """`model = Network()` inside compiled code: the Cell is built once, while compiling, as
    MindSpore's graph mode builds it, and its Parameters become inputs of the compiled function
    like those of any Cell it reaches. So its weights are drawn once, not at every call."""
    if _holds_value(args, kwargs):
        raise CompileError(f"creating a {cls.__name__} from Tensor values inside compiled code: its "
                           "arguments must be known when compiling; create it outside (in __init__, or "
                           "before calling grad/jit) and call the instance here")
    with running_eagerly():
        return cls(*args, **kwargs)


def numpy_function(op, fn, args, kwargs):
    """Call `op`, the ops-level meaning of the NumPy function `fn`, after checking the arguments
    against its signature, so that a wrong call names np.dot rather than the op behind it."""
    if op not in _SIGNATURES:
        try:
            _SIGNATURES[op] = inspect.signature(op)
        except (TypeError, ValueError):      # no signature to check against
            _SIGNATURES[op] = None
    try:
        if _SIGNATURES[op] is not None:
            _SIGNATURES[op].bind(*args, **kwargs)
    except TypeError as e:
        raise CompileError(f"TypeError: {describe(fn)}(): {e}") from None
    return op(*args, **kwargs)


_SIGNATURES = {}


def refusal(fn, args=(), kwargs=None):
    """The CompileError for calling `fn`, which compiled code cannot call: what it is, and what
    to use instead."""
    name = describe(fn)
    if not callable(fn):
        return CompileError(f"{name} is not callable")
    if name.startswith('np.') or name.startswith('scipy.') or _random_method(fn):
        return CompileError(f"calling {name} is not supported in compiled code: {_library_hint(fn, name)}")
    if isinstance(fn, type) and fn.__module__ != 'builtins':
        return CompileError(f"creating a {fn.__name__} inside compiled code is not supported; "
                            "create it outside (in __init__, or before calling grad/jit) and call "
                            "the instance here")
    if public_name(fn) == name and getattr(builtins, name, None) is fn:
        if _holds_value(args, kwargs):
            return CompileError(f"the built-in {name}() cannot take a Tensor in compiled code: {_RUN_TIME}")
        name = f"the built-in {name}()"
    return CompileError(f"calling {name} is not supported in compiled code; use autograph.ops, "
                        "Tensor methods, or a function of your own")


def _library_hint(fn, name):
    if _random_method(fn) or name.startswith('np.random.'):
        return ("it would draw its numbers once, while compiling; use ops.normal, ops.uniform, "
                "ops.randn, ops.rand or ops.bernoulli, which draw each time the code runs")
    if name in _NUMPY_HINTS:
        return _NUMPY_HINTS[name]
    if name.startswith('np.fft.'):
        return "autograph has no FFT primitive (and no complex dtypes)"
    if name.startswith('np.linalg.'):
        return ("autograph has no primitive for it; the np.linalg functions compiled code supports "
                f"are {', '.join(_supported_linalg())}")
    if isinstance(getattr(fn, '__self__', None), np.ufunc):
        return _UFUNC_METHOD_HINTS.get(fn.__name__, "use autograph.ops")
    if name.startswith('scipy.'):
        short = name.rsplit('.', 1)[1]
        if short in _SCIPY_SPELLINGS:
            return f"use {_SCIPY_SPELLINGS[short]}"
        return "SciPy functions run only outside compiled code; use autograph.ops"
    return "it has no autograph primitive yet; use autograph.ops or the NumPy functions listed in the README"


def _supported_linalg():
    return [f"np.linalg.{n}" for n in sorted(dir(np.linalg))
            if not n.startswith('_') and id(getattr(np.linalg, n)) in NUMPY_FUNCTIONS]


def _random_method(fn):
    """A method of a NumPy random generator (rng.normal, np.random.normal)."""
    owner = getattr(fn, '__self__', None)
    return isinstance(owner, (np.random.Generator, np.random.RandomState))


_SORT = "autograph has no sort primitive yet"
_NUMPY_HINTS = {
    'np.vectorize': "write the function with array operations: they already apply to every element",
    'np.frompyfunc': "write the function with array operations: they already apply to every element",
    'np.apply_along_axis': "use operations that take an axis (ops.sum(x, axis), ...)",
    'np.sort': _SORT, 'np.argsort': _SORT, 'np.partition': _SORT, 'np.argpartition': _SORT,
    'np.unique': _SHAPE_OF_RESULT, 'np.nonzero': _SHAPE_OF_RESULT, 'np.argwhere': _SHAPE_OF_RESULT,
    'np.flatnonzero': _SHAPE_OF_RESULT, 'np.extract': _SHAPE_OF_RESULT, 'np.compress': _SHAPE_OF_RESULT,
    'np.isclose': "compare with ops.abs(a - b) <= atol + rtol * ops.abs(b)",
    'np.allclose': "compare with ops.abs(a - b) <= atol + rtol * ops.abs(b)",
    'np.seterr': "set it outside the compiled function: it applies when the generated code runs",
    'np.errstate': "set it outside the compiled function: it applies when the generated code runs",
    'np.dtype': "use x.dtype",
}
_UFUNC_METHOD_HINTS = {
    'reduce': "use a reduction with an axis: np.sum, np.max, ops.sum, ops.amax, ...",
    'accumulate': "use np.cumsum or np.cumprod",
    'outer': "use np.outer, or broadcasting: a[:, None] * b",
    'at': "use ops.index_add or ops.tensor_scatter_add",
}
_SCIPY_SPELLINGS = {
    'expit': 'ops.sigmoid(x)', 'logit': 'ops.log(p / (1 - p))', 'erf': 'ops.erf(x)',
    'erfc': '1 - ops.erf(x)', 'logsumexp': 'ops.logsumexp(x, axis)', 'softmax': 'ops.softmax(x, axis)',
    'log_softmax': 'ops.log_softmax(x, axis)', 'xlogy': 'x * ops.log(y)', 'log1p': 'ops.log1p(x)',
    'expm1': 'ops.expm1(x)', 'softplus': 'ops.softplus(x)',
}


def _is_math(fn):
    return isinstance(fn, types.BuiltinFunctionType) and getattr(fn, '__self__', None) is math


def _tensor_spelling(name):
    """What to call on a Tensor instead of math.<name>."""
    for candidate in (name, {'fabs': 'abs', 'pow': 'pow', 'atan2': 'atan2'}.get(name)):
        if candidate and callable(getattr(ops, candidate, None)):
            return f"ops.{candidate}(x)"
    if isinstance(getattr(np, name, None), np.ufunc):
        return f"np.{name}(x)"
    return "autograph.ops"


# ---------------------------------------------------------------- Tensors given to builtins
def _holds_value(args, kwargs=None, depth=3):
    """Whether a Tensor of the compiled code is among the arguments (also inside lists, tuples
    and dicts, a few levels deep)."""
    items = list(args) + list((kwargs or {}).values())
    for item in items:
        if isinstance(item, Value):
            return True
        if depth and isinstance(item, (list, tuple)) and _holds_value(item, None, depth - 1):
            return True
        if depth and isinstance(item, dict) and _holds_value(list(item.values()), None, depth - 1):
            return True
    return False


holds_value = _holds_value


def check_text(value, what="formatting a Tensor into a string"):
    """Refuse to make text of a Tensor while compiling ('%s' % x, an assert's message): Python
    would format the compiler's placeholder for it, not its value."""
    if _holds_value([value]):
        raise CompileError(f"{what}: {_AS_TEXT}")


def formatted(value, conversion, spec):
    """One `{value!conversion:spec}` of an f-string, on compile-time values."""
    if _holds_value([value]):
        raise CompileError(f"an f-string with a Tensor in it: {_AS_TEXT}")
    convert = {-1: None, ord('s'): str, ord('r'): repr, ord('a'): ascii}[conversion]
    return format(value if convert is None else convert(value), spec)


def rows(value):
    """The rows of a Tensor along its first axis, as Python iterates over an array."""
    if not value.shape:
        raise CompileError("cannot iterate over a 0-d Tensor: it has no first axis")
    if value.shape[0] > _MAX_ROWS:
        raise CompileError(f"a Tensor of {value.shape[0]} rows is too long to unroll into a Python "
                           "sequence; loop over it with `for row in x:` (a run-time loop) instead")
    return [ops.getitem(value, i) for i in range(value.shape[0])]


def _unrolled(values):
    return [rows(v) if isinstance(v, Value) else v for v in values]


def _python_number(kind, cast):
    def refuse(lowering, fn, args, kwargs):
        if not _holds_value(args, kwargs):
            return UNHANDLED
        raise CompileError(f"{kind}() of a Tensor: {_RUN_TIME}, so it cannot become a Python "
                           f"{kind} while compiling; keep it a Tensor ({cast})")
    return refuse


def _as_text(lowering, fn, args, kwargs):
    if not _holds_value(args, kwargs):
        return UNHANDLED
    raise CompileError(f"{fn.__name__}() of a Tensor: {_AS_TEXT}")


def _iterating(*positions):
    """A builtin that iterates over the arguments at `positions` (all positional ones: None):
    a Tensor there is replaced by its rows, as Python would iterate it."""
    def call(lowering, fn, args, kwargs):
        chosen = range(len(args)) if positions == (None,) else positions
        if not any(i < len(args) and isinstance(args[i], Value) for i in chosen):
            return UNHANDLED
        args = [rows(a) if i in chosen and isinstance(a, Value) else a for i, a in enumerate(args)]
        return fn(*args, **kwargs)
    return call


def _callable_for_python(lowering, f):
    """`f` as a Python callable that builtins may call: each call is resolved as compiled code
    resolves it (user functions, lambdas and Cells are lowered, builtins see Tensors as above),
    not run as plain Python."""
    if f is None:
        return None
    return lambda *a, **k: lowering.call(f, list(a), k)


def _map(lowering, fn, args, kwargs):
    if kwargs or len(args) < 2:
        return UNHANDLED
    f = _callable_for_python(lowering, args[0])
    return iter([f(*items) for items in zip(*_unrolled(args[1:]))])


def _filter(lowering, fn, args, kwargs):
    if kwargs or len(args) != 2:
        return UNHANDLED
    f = _callable_for_python(lowering, args[0]) or (lambda v: v)
    return iter([item for item in _unrolled(args[1:])[0] if f(item)])


def _ordering(lowering, fn, args, kwargs):
    """sorted, min, max: Python compares the items, which Tensors cannot do while compiling."""
    items = [i for a in args for i in (a if isinstance(a, (list, tuple)) else (a,))]
    if kwargs.get('key') is None and any(isinstance(i, Value) for i in items):   # (a dict: its keys)
        hint = {'sorted': "autograph has no sort primitive yet",
                'min': "use ops.minimum(a, b) for two Tensors, or x.min() for the smallest element",
                'max': "use ops.maximum(a, b) for two Tensors, or x.max() for the largest element"}
        raise CompileError(f"{fn.__name__}() compares Tensors in Python, but {_RUN_TIME}; "
                           f"{hint[fn.__name__]}")
    if kwargs.get('key') is not None:
        kwargs = {**kwargs, 'key': _callable_for_python(lowering, kwargs['key'])}
        return fn(*args, **kwargs)
    return UNHANDLED


def _reduction(hint):
    def call(lowering, fn, args, kwargs):
        if args and isinstance(args[0], Value):
            raise CompileError(f"{fn.__name__}() of a Tensor would loop over its rows in Python; {hint}")
        return UNHANDLED
    return call


def _abs(lowering, fn, args, kwargs):
    return abs(*args) if _holds_value(args, kwargs) else UNHANDLED


def _round(lowering, fn, args, kwargs):
    if not (args and isinstance(args[0], Value)):
        return UNHANDLED
    ndigits = args[1] if len(args) > 1 else kwargs.get('ndigits')
    return ops.round(args[0], decimals=ndigits or 0)


def _pow(lowering, fn, args, kwargs):
    if not _holds_value(args, kwargs):
        return UNHANDLED
    if len(args) != 2 or kwargs:
        raise CompileError("pow() of a Tensor takes two arguments (no modulus); write base ** exp")
    return args[0] ** args[1]


def _divmod(lowering, fn, args, kwargs):
    if not _holds_value(args, kwargs):
        return UNHANDLED
    a, b = args
    return a // b, a % b


def _len(lowering, fn, args, kwargs):
    if len(args) == 1 and isinstance(args[0], Value) and not args[0].shape:
        raise CompileError("len() of a 0-d Tensor: it has no first axis; use x.shape or x.ndim")
    return UNHANDLED


def _range(lowering, fn, args, kwargs):
    if not _holds_value(args, kwargs):
        return UNHANDLED
    raise CompileError("range() with a Tensor bound is supported only as the header of a for loop "
                       "(for i in range(n): ...), which becomes a run-time loop")


def _type(lowering, fn, args, kwargs):
    if len(args) == 1 and isinstance(args[0], Value):
        return Tensor            # as isinstance(x, Tensor) holds for a Tensor in compiled code
    return UNHANDLED


def _getattr(lowering, fn, args, kwargs):
    if not (args and isinstance(args[0], Value)) or len(args) < 2:
        return UNHANDLED
    if fn is hasattr:
        return hasattr(*args)
    try:
        return getattr(*args)
    except AttributeError:
        raise CompileError(no_attribute(args[0], args[1])) from None


def _callable(lowering, fn, args, kwargs):
    return False if len(args) == 1 and isinstance(args[0], Value) else UNHANDLED


def _setattr(lowering, fn, args, kwargs):
    raise CompileError(f"{fn.__name__}() is not supported in compiled code: it changes an object; "
                       "return the new value instead")


def _print(lowering, fn, args, kwargs):
    """print(...) prints when the code runs. It writes to standard output; flush is accepted."""
    kwargs = dict(kwargs)
    kwargs.pop('flush', None)
    if kwargs.get('file') is not None and kwargs['file'] is not sys.stdout:
        raise CompileError("print(file=...) is not supported in compiled code: it prints to "
                           "standard output when the code runs")
    kwargs.pop('file', None)
    if any(isinstance(a, Selection) for a in args):
        raise masks.refusal("print() of x[mask]")
    if any(not isinstance(a, Value) and _holds_value([a]) for a in args):
        raise CompileError("print() of a list, tuple or dict holding Tensors: give each Tensor to "
                           "print as an argument of its own: print('x =', x, 'y =', y)")
    unknown = sorted(set(kwargs) - {'sep', 'end'})
    if unknown:
        raise CompileError(f"TypeError: print() got unexpected keyword arguments {unknown}")
    for key in ('sep', 'end'):
        if kwargs.get(key) is None:
            kwargs.pop(key, None)
        elif not isinstance(kwargs[key], str):
            raise CompileError(f"TypeError: print({key}=...) must be a str, not {describe(kwargs[key])}")
    return control.runtime_print(lowering.builder, args, **kwargs)


# ---------------------------------------------------------------- NumPy conversions of Tensors
def _array(lowering, fn, args, kwargs):
    """np.asarray(x), np.array(x), np.copy(x) of a Tensor: the Tensor itself (arrays are values
    in compiled code, so a copy is never observable), cast when a dtype is given; of a list of
    Tensors, their stack."""
    if not _holds_value(args, kwargs):
        return UNHANDLED       # compile-time data: a constant (or, with a dtype, the cast kernel)
    if fn is np.asarray and len(args) == 1 and set(kwargs) == {'dtype'} and kwargs['dtype'] is not None:
        return UNHANDLED       # np.asarray(x, dtype=t) is the cast kernel, as generated code calls it
    parameters = _CONVERSIONS[fn]
    try:
        bound = parameters.bind(*args, **kwargs)
    except TypeError as e:
        raise CompileError(f"TypeError: {describe(fn)}(): {e}") from None
    bound.apply_defaults()
    a, dtype, ndmin = bound.arguments['a'], bound.arguments.get('dtype'), bound.arguments.get('ndmin', 0)
    value = _stacked(a, fn)
    if ndmin > value.ndim:
        value = ops.reshape(value, (1,) * (ndmin - value.ndim) + tuple(value.shape))
    return value if dtype is None else ops.cast(value, dtype)


def _stacked(a, fn):
    if isinstance(a, Value):
        return a
    if isinstance(a, (list, tuple)) and a:
        items = [_stacked(item, fn) for item in a]
        return ops.stack(items, 0)
    raise CompileError(f"{describe(fn)}() of a list that mixes Tensors and Python numbers is not "
                       "supported in compiled code; make each item a Tensor, or use ops.stack")


def _conversion_signature(a, dtype=None, order=None, *, copy=None, subok=False, ndmin=0, like=None,
                          device=None):
    """The arguments of np.array and np.asarray (only dtype and ndmin matter for a Tensor here)."""


def _copy_signature(a, order='K', subok=False):
    """np.copy's arguments."""


_CONVERSIONS = {fn: inspect.signature(_conversion_signature)
                for fn in (np.asarray, np.array, np.asanyarray, np.ascontiguousarray)}
_CONVERSIONS[np.copy] = inspect.signature(_copy_signature)


def _numpy_scalar(fn, args, kwargs):
    """np.float32(x) of a Tensor is x cast to float32 (NumPy gives an array for an array)."""
    if len(args) != 1 or kwargs or not isinstance(args[0], Value):
        raise CompileError(f"{describe(fn)}() of a Tensor takes the Tensor alone")
    try:
        np.dtype(fn)
    except TypeError:
        raise CompileError(f"{describe(fn)} is an abstract NumPy type; cast to a concrete one such "
                           "as np.float32") from None
    return ops.cast(args[0], fn)


def _static_property(get):
    """np.shape(x), np.ndim(x), np.size(x): known when compiling."""
    def call(lowering, fn, args, kwargs):
        if not (args and isinstance(args[0], Value)):
            return UNHANDLED
        return get(*args, **kwargs)
    return call


def _size(a, axis=None):
    return math.prod(a.shape) if axis is None else a.shape[axis]


_HANDLERS = {id(fn): handler for fn, handler in [
    (int, _python_number('int', "ops.cast(x, autograph.int64) for the dtype; x.shape for sizes")),
    (float, _python_number('float', "ops.cast(x, autograph.float64) for the dtype")),
    (complex, _python_number('complex', "complex numbers are not supported")),
    (bool, _python_number('bool', "use it in an if or while statement, or in ops.where")),
    (str, _as_text), (repr, _as_text), (ascii, _as_text), (format, _as_text),
    (list, _iterating(0)), (tuple, _iterating(0)), (iter, _iterating(0)),
    (enumerate, _iterating(0)), (reversed, _iterating(0)), (zip, _iterating(None)),
    (map, _map), (filter, _filter),
    (sorted, _ordering), (min, _ordering), (max, _ordering),
    (sum, _reduction("use x.sum(0) or ops.sum(x, 0)")),
    (any, _reduction("use (x != 0).sum() > 0, a 0-d Tensor an if statement can test")),
    (all, _reduction("use (x == 0).sum() == 0, a 0-d Tensor an if statement can test")),
    (abs, _abs), (round, _round), (pow, _pow), (divmod, _divmod), (len, _len), (range, _range),
    (type, _type), (getattr, _getattr), (hasattr, _getattr), (setattr, _setattr), (delattr, _setattr), (callable, _callable),
    (print, _print),
    (np.asarray, _array), (np.array, _array), (np.asanyarray, _array),
    (np.ascontiguousarray, _array), (np.copy, _array),
    (np.shape, _static_property(lambda a: tuple(a.shape))),
    (np.ndim, _static_property(lambda a: a.ndim)),
    (np.size, _static_property(_size)),
]}
