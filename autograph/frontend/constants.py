"""Constants made inside compiled code: NumPy on compile-time data, and `Tensor(...)`.

MindSpore's graph mode evaluates these while compiling, and so does autograph. A NumPy function,
ufunc method or ndarray method whose arguments are all compile-time values (literals, shapes,
arrays made from them) runs now; its result is a plain array, which enters the IR as a constant
where an op first uses it (codegen writes a small one as a literal and holds a larger one in the
generated module's namespace). `Tensor(data, dtype)` builds the eager Tensor now, so that
compiled and eager code agree on its dtype (Python floats give Float32, ints Int64), and is that
constant; `Tensor(x)` of a Tensor of the compiled code is x, cast when a dtype is given.

What is not folded, and why:
- fills (np.zeros, np.ones_like, ...) stay IR ops, which the simplifier turns into Python numbers
  where that is all they are;
- np.random draws stay refused (calls.refusal says so): a draw made while compiling would be the
  same at every call;
- NumPy calls that act (np.save, np.seterr, np.copyto, ...) or call back into Python
  (np.vectorize, np.apply_along_axis) run only where they are written, outside compiled code;
- ndarray methods that change the array in place (`a.sort()`, `a.fill(0)`): the array may be
  the user's own, and compiled code never mutates it.
"""
import inspect
import types

import numpy as np

from runtime import ops
from runtime.dtypes import DType
from runtime.ops.masks import Selection
from runtime.tensor import Tensor
from ..errors import CompileError
from ..ir import Value, constant
from .calls import UNHANDLED, describe, public_name

_NOT_FOLDED = {
    # fills: simplified as ops
    'np.zeros', 'np.ones', 'np.full', 'np.empty', 'np.zeros_like', 'np.ones_like', 'np.full_like',
    'np.empty_like',
    # calls back into Python
    'np.vectorize', 'np.frompyfunc', 'np.apply_along_axis', 'np.apply_over_axes', 'np.piecewise',
    'np.fromfunction',
    # act on something other than their result
    'np.errstate', 'np.copyto', 'np.put', 'np.place', 'np.putmask', 'np.fill_diagonal',
    'np.put_along_axis', 'np.fromfile', 'np.genfromtxt', 'np.memmap', 'np.printoptions',
}
_ACTING_PREFIXES = ('np.random.', 'np.set', 'np.save', 'np.load', 'np.testing.')
_IN_PLACE_METHODS = {'fill', 'sort', 'partition', 'put', 'resize', 'itemset', 'setfield',
                     'setflags', 'byteswap', 'dump', 'tofile'}


def make(lowering, fn, args, kwargs):
    """The constant (or Tensor) that this call makes while compiling; UNHANDLED for any other
    call."""
    if fn is Tensor:
        return tensor(args, kwargs)
    if _is_array_method(fn):
        return _array_method(fn, args, kwargs)
    if not _foldable(fn) or not _constant([args, kwargs]):
        return UNHANDLED
    try:
        result = fn(*_numpy_dtypes(args), **_numpy_dtypes(kwargs))
    except Exception as e:
        if id(fn) in ops.NUMPY_FUNCTIONS:
            return UNHANDLED       # its op reports the mistake in its words, or accepts the call
        raise CompileError(f"{type(e).__name__}: {describe(fn)}(): {e}") from None
    if isinstance(result, np.generic) and not _holds_array([args, kwargs]):
        return result.item()       # Python numbers in, a (weakly typed) Python number out
    return result


# ---------------------------------------------------------------- Tensor(data, dtype)
def _tensor_signature(input_data=None, dtype=None):
    """The arguments of Tensor that compiled code takes."""


def tensor(args, kwargs):
    try:
        bound = _TENSOR.bind(*args, **kwargs)
    except TypeError as e:
        raise CompileError(f"TypeError: Tensor(): {e}; inside compiled code Tensor takes "
                           "input_data and dtype") from None
    data, dtype = bound.arguments.get('input_data'), bound.arguments.get('dtype')
    if isinstance(dtype, Value):
        raise CompileError("Tensor(data, dtype): the dtype must be known when compiling, not a Tensor")
    if data is None:
        raise CompileError("Tensor() without data inside compiled code: give it input_data, "
                           "such as Tensor(np.zeros((2, 3)), autograph.float32)")
    if _constant([data]):
        return constant(Tensor(_numpy_dtypes(data), dtype).asnumpy())
    value = data if isinstance(data, Value) else _stacked(data)
    if dtype is None and not isinstance(data, Value):
        # as the eager constructor decides for a list: floats Float32, ints Int64
        dtype = {'f': np.float32, 'i': np.int64, 'u': np.int64, 'b': np.bool_}.get(value.dtype.kind)
    return value if dtype is None else ops.cast(value, dtype)


_TENSOR = inspect.signature(_tensor_signature)


def _stacked(data):
    """A nested list or tuple of Tensors and numbers -> their stack."""
    if isinstance(data, Value):
        return data
    if isinstance(data, (list, tuple)) and data:
        items = [_stacked(item) for item in data]
        shapes = {tuple(i.shape) for i in items}
        if len(shapes) > 1:
            raise CompileError(f"Tensor() of a list whose items have different shapes {sorted(shapes)}")
        return ops.stack(items, 0)
    if isinstance(data, (bool, int, float, np.generic, np.ndarray)):
        return constant(np.asarray(data))
    raise CompileError(f"Tensor() of {describe(data)} inside compiled code; give it an array, a "
                       "list of numbers or a list of Tensors")


# ---------------------------------------------------------------- NumPy
def _foldable(fn):
    if isinstance(fn, type):
        return False          # np.float32(...) and the like already run (pysemantics)
    owner = getattr(fn, '__self__', None)
    if isinstance(owner, np.ufunc):               # np.add.reduce, np.multiply.outer
        return fn.__name__ != 'at'                # (at: in place)
    name = public_name(fn)
    return bool(name) and name.startswith('np.') and name not in _NOT_FOLDED and \
        not name.startswith(_ACTING_PREFIXES)


def _is_array_method(fn):
    return isinstance(fn, types.BuiltinMethodType) and \
        isinstance(getattr(fn, '__self__', None), (np.ndarray, np.generic))


def _array_method(fn, args, kwargs):
    array, name = fn.__self__, fn.__name__
    if name in _IN_PLACE_METHODS or kwargs.get('out') is not None:
        raise CompileError(f"ndarray.{name}() changes the array in place, which compiled code "
                           f"does not do; make a new array (np.{name}(a, ...) where NumPy has it, "
                           "or compute it outside the compiled function)")
    if _constant([args, kwargs]):
        return fn(*_numpy_dtypes(args), **_numpy_dtypes(kwargs))
    # A Tensor among the arguments (table.dot(x)): the array becomes a constant of the IR, and
    # the call is the Tensor method of that name.
    method = getattr(constant(array), name, None)
    if method is None:
        raise CompileError(f"ndarray.{name}() with a Tensor argument is not supported in compiled "
                           f"code; make the array a Tensor first: Tensor(a).{name}(...) or ops")
    return method(*args, **kwargs)


def _constant(tree, depth=6):
    """Whether `tree` holds only compile-time data: no Tensor and nothing callable that the
    compiler would have to lower (types, dtypes and ufuncs are data here)."""
    if isinstance(tree, (Value, Tensor, Selection)):
        return False
    if isinstance(tree, (list, tuple)):
        return depth > 0 and all(_constant(t, depth - 1) for t in tree)
    if isinstance(tree, dict):
        return depth > 0 and all(_constant(t, depth - 1) for t in tree.values())
    if isinstance(tree, slice):
        return _constant([tree.start, tree.stop, tree.step], depth)
    if callable(tree) and not isinstance(tree, (type, np.dtype, np.ufunc, DType, np.generic)):
        return False
    return True


def _holds_array(tree):
    if isinstance(tree, (np.ndarray, np.generic)):
        return True
    if isinstance(tree, (list, tuple)):
        return any(_holds_array(t) for t in tree)
    if isinstance(tree, dict):
        return any(_holds_array(t) for t in tree.values())
    return False


def _numpy_dtypes(tree):
    """autograph.float32 -> np.float32 (NumPy does not know MindSpore's dtype objects)."""
    if isinstance(tree, DType):
        return tree.np
    if isinstance(tree, (list, tuple)) and any(_has_dtype(t) for t in tree):
        return type(tree)(_numpy_dtypes(t) for t in tree)
    if isinstance(tree, dict) and any(_has_dtype(t) for t in tree.values()):
        return {k: _numpy_dtypes(v) for k, v in tree.items()}
    return tree


def _has_dtype(tree):
    if isinstance(tree, DType):
        return True
    if isinstance(tree, (list, tuple)):
        return any(_has_dtype(t) for t in tree)
    if isinstance(tree, dict):
        return any(_has_dtype(t) for t in tree.values())
    return False
