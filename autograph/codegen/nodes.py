"""Every gast node the code generator builds is built here (gast's node signatures change
between versions, so they are spelled out once)."""
import gast
import numpy as np

from ..ir.printer import is_identifier


def _checked(identifier):
    # Names come from the Namer (user data) or the primitive registry: a last check that
    # nothing else reaches the source.
    if not is_identifier(identifier):
        raise ValueError(f'{identifier!r} is not a plain identifier')
    return identifier


def name(identifier):
    return gast.Name(id=_checked(identifier), ctx=gast.Load(), annotation=None, type_comment=None)


def store(identifier):
    return gast.Name(id=_checked(identifier), ctx=gast.Store(), annotation=None, type_comment=None)


def dotted(path):
    """'np.exp' -> Attribute(Name('np'), 'exp')."""
    head, *rest = path.split('.')
    node = name(head)
    for attr in rest:
        node = gast.Attribute(value=node, attr=_checked(attr), ctx=gast.Load())
    return node


def attribute(value, attr):
    """`value.attr`, of any expression `value`."""
    return gast.Attribute(value=value, attr=_checked(attr), ctx=gast.Load())


def literal(value):
    """A Python value a param or constant may hold, as source that `ast.literal_eval` reads back:
    numbers, None, strings and bytes of their exact built-in types, tuples of these, NumPy
    scalars (as the equal Python number); and two spellings through `np`: dtypes (`np.float32`)
    and indices with slices (`np.s_[1:, None]`). Anything else raises TypeError: it has no safe
    spelling (its repr is the object's to choose), so the caller holds it in the namespace."""
    if isinstance(value, slice) or value is Ellipsis or (
            isinstance(value, tuple) and any(isinstance(v, slice) or v is Ellipsis for v in value)):
        items = value if isinstance(value, tuple) else (value,)
        return subscript(dotted('np.s_'), [index_item(v) for v in items])
    if isinstance(value, tuple):
        return gast.Tuple(elts=[literal(v) for v in value], ctx=gast.Load())
    if isinstance(value, (np.dtype, type)):
        return dotted('np.' + dtype_name(value))
    if isinstance(value, np.generic):
        value = value.item()
    if not is_plain(value):
        raise TypeError(f'no literal for a {type(value).__name__}')
    return gast.Constant(value=value, kind=None)


_PLAIN = frozenset({bool, int, float, complex, str, bytes, type(None)})


def is_plain(value):
    """Whether `value` is a number, string, bytes or None of an exact built-in type (a subclass
    could override its repr), with a repr Python can print (ints of thousands of digits cannot)."""
    return type(value) in _PLAIN and not (type(value) is int and value.bit_length() > 4096)


def dtype_name(value):
    """'float32' for a dtype or scalar type that NumPy names as an attribute; TypeError else."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f'no literal for a {type(value).__name__}') from None
    if dtype.kind not in 'biufc' or not isinstance(getattr(np, dtype.name, None), type) or \
            np.dtype(getattr(np, dtype.name)) != dtype or (isinstance(value, type) and not (
                issubclass(value, np.generic) or value in (bool, int, float, complex))):
        raise TypeError(f'no literal for the dtype {dtype}')
    return dtype.name


BINARY = {'+': gast.Add, '-': gast.Sub, '*': gast.Mult, '/': gast.Div, '**': gast.Pow,
          '@': gast.MatMult, '//': gast.FloorDiv, '%': gast.Mod}
COMPARE = {'<': gast.Lt, '<=': gast.LtE, '>': gast.Gt, '>=': gast.GtE, '==': gast.Eq, '!=': gast.NotEq}
UNARY = {'-': gast.USub}


def infix(symbol, left, right):
    if symbol in COMPARE:
        return gast.Compare(left=left, ops=[COMPARE[symbol]()], comparators=[right])
    return gast.BinOp(left=left, op=BINARY[symbol](), right=right)


def prefix(symbol, operand):
    return gast.UnaryOp(op=UNARY[symbol](), operand=operand)


def call(func_path, args, keywords):
    return gast.Call(func=dotted(func_path), args=list(args),
                     keywords=[gast.keyword(arg=_checked(k), value=v) for k, v in keywords])


def tuple_(elts):
    return gast.Tuple(elts=list(elts), ctx=gast.Load())


def list_(elts):
    return gast.List(elts=list(elts), ctx=gast.Load())


def dict_(items):
    items = list(items)
    return gast.Dict(keys=[k for k, _ in items], values=[v for _, v in items])


def assign(target, value):
    return gast.Assign(targets=[store(target)], value=value, type_comment=None)


def aug_assign(target, symbol, value):
    """`target += value` for symbol '+=' (any operator of BINARY)."""
    return gast.AugAssign(target=store(target), op=BINARY[symbol[:-1]](), value=value)


def assign_many(targets, values):
    """`a, b = x, y`: every value is read before any name is written."""
    return gast.Assign(targets=[gast.Tuple(elts=[store(t) for t in targets], ctx=gast.Store())],
                       value=tuple_(values), type_comment=None)


def raise_(exception, args):
    """raise AssertionError('message')"""
    return gast.Raise(exc=call(exception, args, []) if args else name(exception), cause=None)


def expression(value):
    return gast.Expr(value=value)


def return_(value):
    return gast.Return(value=value)


def to_ast(node):
    return gast.gast_to_ast(node)


def array_literal(array):
    """np.array([[0, 2], [1, 1]], dtype=np.int64): a small constant array of numbers or bools,
    written out (TypeError for any other dtype)."""
    dtype = dtype_name(array.dtype)

    def items(a):
        if a.ndim == 0:
            return literal(a.item())
        return gast.List(elts=[items(row) for row in a], ctx=gast.Load())
    return call('np.array', [items(array)], [('dtype', dotted('np.' + dtype))])


def index_item(value):
    """One static entry of an index: a slice, None, Ellipsis, an int or a tuple of ints (as a list)."""
    if isinstance(value, slice):
        part = lambda v: None if v is None else literal(v)
        return gast.Slice(lower=part(value.start), upper=part(value.stop), step=part(value.step))
    if isinstance(value, tuple):
        return gast.List(elts=[index_item(v) for v in value], ctx=gast.Load())
    if value is Ellipsis:
        return gast.Constant(value=Ellipsis, kind=None)
    return literal(value)


def subscript(base, items):
    index = items[0] if len(items) == 1 else gast.Tuple(elts=list(items), ctx=gast.Load())
    return gast.Subscript(value=base, slice=index, ctx=gast.Load())
