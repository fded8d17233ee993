"""Python AST -> source text. All unparsing lives here.

Builds on astunparse, which wraps every operator in parentheses; here a child
is parenthesised only where Python's precedence or associativity requires it.
"""

import ast
import cmath
import io
import math

import astunparse
from astunparse.unparser import interleave

__all__ = ["unparse", "unparser"]

# Binding strength, weakest first. A child is parenthesised exactly when its
# own level is below the level its position in the parent demands.
(_TEST, _LAMBDA, _IFEXP, _OR, _AND, _NOT, _CMP, _BOR, _BXOR, _BAND, _SHIFT,
 _ARITH, _TERM, _FACTOR, _POWER, _AWAIT, _ATOM) = range(17)

_OP_LEVEL = {
    ast.Or: _OR, ast.And: _AND, ast.Not: _NOT, ast.BitOr: _BOR,
    ast.BitXor: _BXOR, ast.BitAnd: _BAND, ast.LShift: _SHIFT,
    ast.RShift: _SHIFT, ast.Add: _ARITH, ast.Sub: _ARITH, ast.Mult: _TERM,
    ast.MatMult: _TERM, ast.Div: _TERM, ast.FloorDiv: _TERM, ast.Mod: _TERM,
    ast.UAdd: _FACTOR, ast.USub: _FACTOR, ast.Invert: _FACTOR,
    ast.Pow: _POWER,
}
_NODE_LEVEL = {ast.Compare: _CMP, ast.IfExp: _IFEXP, ast.Lambda: _LAMBDA,
               ast.Await: _AWAIT}


def _constant_text(value):
    # numpy 2 scalars subclass float/complex but repr as `np.float64(1.5)`,
    # which would need `np` in scope; the builtin value is equal.
    if isinstance(value, (float, complex)):
        value = complex(value) if isinstance(value, complex) else float(value)
    # Non-finite values have no literal form (astunparse's `1e309` trick
    # cannot spell nan).
    if isinstance(value, float) and not math.isfinite(value):
        if math.isnan(value):
            return "float('nan')"
        return "float('inf')" if value > 0 else "-float('inf')"
    if isinstance(value, complex) and not cmath.isfinite(value):
        return "complex(%r)" % repr(value)
    return repr(value)


def _level(node):
    if isinstance(node, (ast.BoolOp, ast.UnaryOp, ast.BinOp)):
        return _OP_LEVEL[type(node.op)]
    # A negative number prints with a leading minus, so it binds like a
    # unary minus: `(-1) ** 2`, `(-1).real`.
    if (isinstance(node, ast.Constant)
            and isinstance(node.value, (int, float, complex))
            and _constant_text(node.value).startswith("-")):
        return _FACTOR
    # Anything else is an atom, or is parenthesised by astunparse itself
    # (tuples, yield, walrus).
    return _NODE_LEVEL.get(type(node), _ATOM)


class _Unparser(astunparse.Unparser):

    def dispatch(self, tree, level=_TEST):
        # Inherited methods call dispatch(child) only where any expression is
        # allowed (call arguments, displays, statement parts), so the default
        # level never adds parentheses (and is not compared: code generation
        # unparses every line it writes, so this is its innermost loop).
        wrap = level > _TEST and isinstance(tree, ast.expr) and _level(tree) < level
        if wrap:
            self.write("(")
        if isinstance(tree, list):
            for t in tree:
                self.dispatch(t)
        else:       # astunparse's dispatch, without a second call per node
            getattr(self, "_" + tree.__class__.__name__)(tree)
        if wrap:
            self.write(")")

    def _write_constant(self, value):
        self.write(_constant_text(value))

    def _BinOp(self, t):
        level = _level(t)
        # ** is right-associative, and binds tighter than a unary minus on its
        # left but not on its right: -x ** 2, (-x) ** 2, 2 ** -1.
        if level == _POWER:
            left, right = _AWAIT, _FACTOR
        else:
            left, right = level, level + 1
        self.dispatch(t.left, left)
        self.write(" %s " % self.binop[type(t.op).__name__])
        self.dispatch(t.right, right)

    def _UnaryOp(self, t):
        # Unary operators nest without parentheses: `not not a`, `-~a`.
        symbol = self.unop[type(t.op).__name__]
        self.write(symbol + " " if symbol == "not" else symbol)
        self.dispatch(t.operand, _level(t))

    def _BoolOp(self, t):
        # The parser flattens `a and b and c`, so a nested BoolOp of the same
        # kind is an explicit grouping that must survive.
        level = _level(t) + 1
        interleave(lambda: self.write(" %s " % self.boolops[type(t.op)]),
                   lambda value: self.dispatch(value, level), t.values)

    def _Compare(self, t):
        # Comparisons chain instead of nesting: `(a < b) < c` differs from
        # `a < b < c`, so a nested comparison always keeps its parentheses.
        self.dispatch(t.left, _CMP + 1)
        for op, right in zip(t.ops, t.comparators):
            self.write(" %s " % self.cmpops[type(op).__name__])
            self.dispatch(right, _CMP + 1)

    def _IfExp(self, t):
        self.dispatch(t.body, _OR)
        self.write(" if ")
        self.dispatch(t.test, _OR)
        self.write(" else ")
        self.dispatch(t.orelse, _LAMBDA)

    def _Lambda(self, t):
        args = t.args
        self.write("lambda")
        if any([args.posonlyargs, args.args, args.vararg, args.kwonlyargs,
                args.kwarg]):
            self.write(" ")
            self.dispatch(args)
        self.write(": ")
        self.dispatch(t.body)

    def _Await(self, t):
        self.write("await ")
        self.dispatch(t.value, _ATOM)

    def _Starred(self, t):
        # In displays and assignment targets `*` takes a bitwise-or operand.
        self.write("*")
        self.dispatch(t.value, _BOR)

    def _comprehension(self, t):
        self.write(" async for " if t.is_async else " for ")
        self.dispatch(t.target)
        self.write(" in ")
        self.dispatch(t.iter, _OR)
        for condition in t.ifs:
            self.write(" if ")
            self.dispatch(condition, _OR)

    def _Attribute(self, t):
        # `1.real` lexes as the float `1.` followed by a name, so an int
        # literal needs parentheses even though it is an atom.
        value = t.value
        is_int = isinstance(value, ast.Constant) and type(value.value) is int
        self.dispatch(value, _ATOM + 1 if is_int else _ATOM)
        self.write("." + t.attr)

    def _Call(self, t):
        self.dispatch(t.func, _ATOM)
        self.write("(")
        interleave(lambda: self.write(", "), self.dispatch,
                   t.args + t.keywords)
        self.write(")")

    def _Subscript(self, t):
        self.dispatch(t.value, _ATOM)
        self.write("[")
        index = t.slice
        # A parenthesised tuple cannot hold slices (`x[(1:2, None)]` is a
        # SyntaxError), so tuple indices are written bare.
        if isinstance(index, ast.Tuple) and index.elts:
            interleave(lambda: self.write(", "), self.dispatch, index.elts)
            if len(index.elts) == 1:
                self.write(",")
        else:
            self.dispatch(index)
        self.write("]")


def unparse(node):
    """Returns the source text of an `ast` module, statement or expression."""
    return unparser()(node)


def unparser():
    """A function like `unparse` that keeps one unparser for all the nodes it
    is given: code generation unparses each line it writes, and setting up an
    unparser per line cost as much as the unparsing."""
    out = io.StringIO()
    writer = _Unparser(ast.Module(body=[], type_ignores=[]), out)

    def unparse_one(node):
        out.seek(0)
        out.truncate()
        writer.dispatch(node)
        # astunparse starts every statement (and a def, twice) with a newline.
        return out.getvalue().strip("\n")
    return unparse_one
