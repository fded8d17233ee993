"""What every generated module must be, checked on its source text (tests/conftest.py runs
`check_generated` on every module the suite generates; tests call `check_source` on the output
of get_source and export):

- it compiles, and reads back through autograph's unparser to the same AST;
- it has no line break but '\\n' (str.splitlines, used by linecache and inspect, agrees with
  the tokenizer);
- every name, def, argument, attribute and keyword is a plain identifier (`is_identifier`);
- every name it reads is defined in it, imported, held in its namespace, or one of the few
  builtins generated code calls; and every call is of a kernel, a NumPy function (in the array
  API dialect, a function of the standard's `xp`), a list's append or one of those builtins. A
  value pasted as its repr (`Tensor(...)`, `np.float32(1.0)`, `Foo(bar=1)`) fails here: every
  constant must be a literal or a namespace name.
"""
import ast
import functools
import io
import keyword
import tokenize
import types

import numpy as np

from astunparse.unparser import interleave

from autograph.codegen.unparse import _Unparser, unparse
from autograph.ir.printer import is_identifier as _is_identifier
from runtime.array_api import LINALG, STANDARD
from runtime.primitive import REGISTRY

is_identifier = functools.lru_cache(maxsize=None)(_is_identifier)

# Methods of arrays generated code calls: those primitives are written as (`x.sum(axis=0)`).
_METHODS = {prim.method for prim in REGISTRY.values() if prim.method}
# Builtins generated code may read: loop helpers, non-finite floats, print and assert, the
# ValueError a function compiled for any size of an axis raises when two sizes disagree, and
# slice (the array API dialect's index params: no np.s_).
BUILTINS = {'range', 'reversed', 'zip', 'print', 'AssertionError', 'ValueError', 'float', 'complex',
            'slice'}


_checked = set()    # sources already checked: the suite compiles many functions more than once


def check_generated(generated):
    """The check the suite runs on every module before it is loaded (load compiles it then)."""
    key = (generated.source, frozenset(generated.namespace))
    if key not in _checked:
        check_source(generated.source, generated.namespace, compiled=False)
        _checked.add(key)


def check_source(source, namespace=(), compiled=True, function=None):
    """Raises AssertionError saying what is wrong with `source`, a generated module. With
    `function` (an exported module, which holds kernels' source too), names read and calls
    are checked inside that def only."""
    if compiled:
        compile(source, '<generated>', 'exec')
    tree = ast.parse(source)
    _check_round_trip(source, tree)
    lines = source.splitlines()
    assert lines == source.split('\n')[:len(lines)], 'a character other than \\n breaks a line'
    if not source.isascii():
        # ast.parse has normalised names (NFKC) already: look at the text itself.
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            assert token.type != tokenize.NAME or is_identifier(token.string) or \
                keyword.iskeyword(token.string), f'{token.string!r} is not a plain identifier'
    bound = set(namespace)
    strict = tree
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
            if node.name == function:
                strict = node
        elif isinstance(node, ast.Assign):
            bound |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    assert function is None or strict is not tree, f'no def {function}'
    loads, calls = [], []

    def classify(node):
        kind = type(node)
        if kind is ast.Name:
            (loads.append(node.id) if type(node.ctx) is ast.Load else bound.add(node.id))
        elif kind is ast.Call:
            calls.append(node)
        elif kind is ast.Constant:
            assert type(node.value) in _LITERALS, f'a constant {node.value!r}'
        elif kind is ast.FunctionDef:
            bound.add(node.name)
        elif kind is ast.arg:
            bound.add(node.arg)

    for node in ast.walk(tree):
        for name in _identifiers(node):
            assert is_identifier(name), f'{name!r} is not a plain identifier'
        if function is None:
            classify(node)
    if function is not None:
        for node in ast.walk(strict):
            classify(node)
    for name in loads:
        assert name in bound or name in BUILTINS, f'{name!r} is read but not defined'
    for node in calls:
        _check_call(node)


class _Unnested(_Unparser):
    """autograph's unparser, writing `else: if` and `for a, b in` as generated code does
    (astunparse writes `elif` and `for (a, b) in`)."""

    def _For(self, t):
        self.fill('for ')
        if isinstance(t.target, ast.Tuple) and len(t.target.elts) > 1:
            interleave(lambda: self.write(', '), self.dispatch, t.target.elts)
        else:
            self.dispatch(t.target)
        self.write(' in ')
        self.dispatch(t.iter)
        self.enter()
        self.dispatch(t.body)
        self.leave()
        if t.orelse:
            self.fill('else')
            self.enter()
            self.dispatch(t.orelse)
            self.leave()

    def _If(self, t):
        self.fill('if ')
        self.dispatch(t.test)
        self.enter()
        self.dispatch(t.body)
        self.leave()
        if t.orelse:
            self.fill('else')
            self.enter()
            self.dispatch(t.orelse)
            self.leave()


def _check_round_trip(source, tree):
    """parse(unparse(parse(source))) == parse(source). Quick path: unparsing gives back the
    source's own lines, comments and blank lines aside (so the AST read back is the source's)."""
    out = io.StringIO()
    _Unnested(tree, out)
    again = out.getvalue()
    if [line for line in again.split('\n') if line.strip()] == \
            [line for line in source.split('\n') if line.strip() and not line.lstrip().startswith('#')]:
        return
    assert ast.dump(ast.parse(unparse(tree))) == ast.dump(tree), 'the source does not round-trip'


_LITERALS = {int, float, complex, str, bytes, bool, type(None), type(Ellipsis)}


_IDENTIFIERS = {
    ast.Name: lambda node: [node.id],
    ast.FunctionDef: lambda node: [node.name],
    ast.ClassDef: lambda node: [node.name],
    ast.arg: lambda node: [node.arg],
    ast.Attribute: lambda node: [node.attr],
    ast.keyword: lambda node: [node.arg] if node.arg is not None else [],
    ast.alias: lambda node: [part for name in (node.name, node.asname) if name for part in name.split('.')],
}


def _identifiers(node):
    names = _IDENTIFIERS.get(type(node))
    return names(node) if names else ()


def _check_call(node):
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _METHODS and not (
            isinstance(func.value, ast.Name) and func.value.id == 'np'):
        return      # x.sum(axis=0): a method primitives declare, on an array
    if isinstance(func, ast.Name):
        if func.id in ('float', 'complex'):   # float('nan'): a non-finite constant
            assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and \
                isinstance(node.args[0].value, str) and not node.keywords, ast.dump(node)
        return
    assert isinstance(func, ast.Attribute), f'a call of {ast.dump(func)}'
    path = []
    while isinstance(func, ast.Attribute):
        path.append(func.attr)
        func = func.value
    assert isinstance(func, ast.Name), f'a call of {ast.dump(node.func)}'
    if func.id == 'np':
        target = np
        for attr in reversed(path):
            target = getattr(target, attr)
        # NumPy functions (np.exp, np.linalg.solve, np.array), never a type called on a
        # pasted value (np.float32(1.0) is a NumPy scalar's repr).
        assert isinstance(target, (types.FunctionType, types.BuiltinFunctionType, np.ufunc)) or \
            callable(target) and not isinstance(target, type), f'np.{".".join(reversed(path))}(...)'
    elif func.id == 'xp':       # the array API dialect: the standard's functions only
        path = path[::-1]
        assert (len(path) == 1 and path[0] in STANDARD) or \
            (len(path) == 2 and path[0] == 'linalg' and path[1] in LINALG), f'xp.{".".join(path)}(...)'
    else:
        assert path == ['append'], f'a call of {ast.unparse(node.func)}'
