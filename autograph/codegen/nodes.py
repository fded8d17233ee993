"""Every AST node the code generator builds is built here, as the standard library's `ast` nodes,
which `unparse` prints as they are (the frontend reads user code as gast; generated code never
needs gast's version-independent nodes, and converting them cost a third of code generation)."""
import ast

import numpy as np

from ..ir.printer import is_identifier


def _checked(identifier):
    # Names come from the Namer (user data) or the primitive registry: a last check that
    # nothing else reaches the source.
    if not is_identifier(identifier):
        raise ValueError(f'{identifier!r} is not a plain identifier')
    return identifier


def name(identifier):
    return ast.Name(id=_checked(identifier), ctx=ast.Load())


def store(identifier):
    return ast.Name(id=_checked(identifier), ctx=ast.Store())


def dotted(path):
    """'np.exp' -> Attribute(Name('np'), 'exp')."""
    head, *rest = path.split('.')
    node = name(head)
    for attr in rest:
        node = ast.Attribute(value=node, attr=_checked(attr), ctx=ast.Load())
    return node


def attribute(value, attr):
    """`value.attr`, of any expression `value`."""
    return ast.Attribute(value=value, attr=_checked(attr), ctx=ast.Load())


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
        return ast.Tuple(elts=[literal(v) for v in value], ctx=ast.Load())
    if isinstance(value, (np.dtype, type)):
        return dotted('np.' + dtype_name(value))
    if isinstance(value, np.generic):
        value = value.item()
    if not is_plain(value):
        raise TypeError(f'no literal for a {type(value).__name__}')
    return ast.Constant(value=value)


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


BINARY = {'+': ast.Add, '-': ast.Sub, '*': ast.Mult, '/': ast.Div, '**': ast.Pow,
          '@': ast.MatMult, '//': ast.FloorDiv, '%': ast.Mod}
COMPARE = {'<': ast.Lt, '<=': ast.LtE, '>': ast.Gt, '>=': ast.GtE, '==': ast.Eq, '!=': ast.NotEq}
UNARY = {'-': ast.USub}


def infix(symbol, left, right):
    if symbol in COMPARE:
        return ast.Compare(left=left, ops=[COMPARE[symbol]()], comparators=[right])
    return ast.BinOp(left=left, op=BINARY[symbol](), right=right)


def prefix(symbol, operand):
    return ast.UnaryOp(op=UNARY[symbol](), operand=operand)


def call(func, args, keywords):
    """`func(*args, **keywords)`: `func` a dotted path ('np.exp') or an expression node."""
    return ast.Call(func=dotted(func) if isinstance(func, str) else func, args=list(args),
                    keywords=[ast.keyword(arg=_checked(k), value=v) for k, v in keywords])


def tuple_(elts):
    return ast.Tuple(elts=list(elts), ctx=ast.Load())


def list_(elts):
    return ast.List(elts=list(elts), ctx=ast.Load())


def dict_(items):
    items = list(items)
    return ast.Dict(keys=[k for k, _ in items], values=[v for _, v in items])


def assign(target, value):
    return ast.Assign(targets=[store(target)], value=value)


def aug_assign(target, symbol, value):
    """`target += value` for symbol '+=' (any operator of BINARY)."""
    return ast.AugAssign(target=store(target), op=BINARY[symbol[:-1]](), value=value)


def assign_many(targets, values):
    """`a, b = x, y`: every value is read before any name is written."""
    return ast.Assign(targets=[ast.Tuple(elts=[store(t) for t in targets], ctx=ast.Store())],
                      value=tuple_(values))


def raise_(exception, args):
    """raise AssertionError('message')"""
    return ast.Raise(exc=call(exception, args, []) if args else name(exception), cause=None)


def expression(value):
    return ast.Expr(value=value)


def return_(value):
    return ast.Return(value=value)


def array_literal(array):
    """np.array([[0, 2], [1, 1]], dtype=np.int64): a small constant array of numbers or bools,
    written out (TypeError for any other dtype)."""
    dtype = dtype_name(array.dtype)

    def items(a):
        if a.ndim == 0:
            return literal(a.item())
        return ast.List(elts=[items(row) for row in a], ctx=ast.Load())
    return call('np.array', [items(array)], [('dtype', dotted('np.' + dtype))])


def index_item(value):
    """One static entry of an index: a slice, None, Ellipsis, an int or a tuple of ints (as a list)."""
    if isinstance(value, slice):
        part = lambda v: None if v is None else literal(v)
        return ast.Slice(lower=part(value.start), upper=part(value.stop), step=part(value.step))
    if isinstance(value, tuple):
        return ast.List(elts=[index_item(v) for v in value], ctx=ast.Load())
    if value is Ellipsis:
        return ast.Constant(value=Ellipsis)
    return literal(value)


def subscript(base, items):
    index = items[0] if len(items) == 1 else ast.Tuple(elts=list(items), ctx=ast.Load())
    return ast.Subscript(value=base, slice=index, ctx=ast.Load())
