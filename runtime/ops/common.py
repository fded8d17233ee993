"""What the ops modules share: argument normalisation (MindSpore spells the same argument several
ways: axis/dim, keepdims/keepdim/keep_dims, input/x) and the two export decorators that make an
op also a Tensor method (`tensor_method`) or the compiled meaning of a NumPy function
(`numpy_function`)."""
import numpy as np

from .. import dtypes
from ..tensor import ArrayMethods, Tensor

# id(NumPy function) -> op with NumPy's signature, used when compiled code calls that function.
NUMPY_FUNCTIONS = {}


def tensor_method(*names):
    """Attach the op as method(s) of Tensor and of the compiler's symbolic values; the Tensor
    is passed as the op's first argument."""
    def register(fn):
        for name in names or (fn.__name__,):
            setattr(ArrayMethods, name, fn)
        return fn
    return register


def numpy_function(*np_functions):
    """Make the op what compiled code runs for these NumPy functions (same signature as NumPy's)."""
    def register(fn):
        for np_fn in np_functions:
            NUMPY_FUNCTIONS[id(np_fn)] = fn
        return fn
    return register


def symbolic(value):
    """A value of compiled code, known only when the code runs (not a Tensor with data)."""
    return isinstance(value, ArrayMethods) and not isinstance(value, Tensor)


def shape_arg(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    # int() of a compiled value would fail deep inside, with a message about indexing.
    if symbolic(shape) or (isinstance(shape, (list, tuple)) and any(symbolic(n) for n in shape)):
        raise TypeError("a shape must be made of Python ints known when compiling (such as "
                        "x.shape or x.shape[0] * 2), not a Tensor, whose value is known only when "
                        "the code runs")
    return tuple(int(n) for n in shape)


def dtype_arg(dtype, default=np.float32):
    return np.dtype(default) if dtype is None else dtypes.to_numpy(dtype)


def aval_of(x):
    """(shape, numpy dtype) of a Tensor, an array, an IR value or a Python scalar."""
    if isinstance(x, (bool, int, float)):
        return (), np.asarray(x).dtype
    if not (hasattr(x, 'dtype') and hasattr(x, 'shape')):
        kind = 'None' if x is None else f"a {type(x).__name__}"
        raise TypeError(f"{kind} cannot be used as an array operand")
    dtype = x.dtype
    return tuple(x.shape), dtype.np if isinstance(dtype, dtypes.DType) else np.dtype(dtype)


def ndim_of(x):
    return len(aval_of(x)[0])


def pick(name, *values):
    """The one of several spellings of an argument that was given (None: not given)."""
    given = [v for v in values if v is not None]
    if len(given) > 1:
        raise TypeError(f"{name} was given more than once (under different names)")
    return given[0] if given else None


def keep_arg(*flags):
    return bool(pick('keepdims', *flags))
