"""Every gast node the code generator builds is built here (gast's node signatures change
between versions, so they are spelled out once)."""
import gast
import numpy as np


def name(identifier):
    return gast.Name(id=identifier, ctx=gast.Load(), annotation=None, type_comment=None)


def store(identifier):
    return gast.Name(id=identifier, ctx=gast.Store(), annotation=None, type_comment=None)


def dotted(path):
    """'np.exp' -> Attribute(Name('np'), 'exp')."""
    head, *rest = path.split('.')
    node = name(head)
    for attr in rest:
        node = gast.Attribute(value=node, attr=attr, ctx=gast.Load())
    return node


def literal(value):
    """A Python value a param or constant may hold: numbers, None, strings, tuples, dtypes, and
    indices with slices, written as `np.s_[1:, None]`."""
    if isinstance(value, slice) or value is Ellipsis or (
            isinstance(value, tuple) and any(isinstance(v, slice) or v is Ellipsis for v in value)):
        items = value if isinstance(value, tuple) else (value,)
        return subscript(dotted('np.s_'), [index_item(v) for v in items])
    if isinstance(value, tuple):
        return gast.Tuple(elts=[literal(v) for v in value], ctx=gast.Load())
    if isinstance(value, (np.dtype, type)):
        return dotted('np.' + np.dtype(value).name)
    if isinstance(value, np.generic):
        value = value.item()
    return gast.Constant(value=value, kind=None)


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
                     keywords=[gast.keyword(arg=k, value=v) for k, v in keywords])


def tuple_(elts):
    return gast.Tuple(elts=list(elts), ctx=gast.Load())


def list_(elts):
    return gast.List(elts=list(elts), ctx=gast.Load())


def dict_(items):
    items = list(items)
    return gast.Dict(keys=[k for k, _ in items], values=[v for _, v in items])


def assign(target, value):
    return gast.Assign(targets=[store(target)], value=value, type_comment=None)


def expression(value):
    return gast.Expr(value=value)


def return_(value):
    return gast.Return(value=value)


def to_ast(node):
    return gast.gast_to_ast(node)


def array_literal(array):
    """np.array([[0, 2], [1, 1]], dtype=np.int64): a small constant array, written out."""
    def items(a):
        if a.ndim == 0:
            return literal(a.item())
        return gast.List(elts=[items(row) for row in a], ctx=gast.Load())
    return call('np.array', [items(array)], [('dtype', literal(array.dtype))])


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
