"""Python function -> gast AST, with line numbers of the user's file.

`parse_function(fn)` reads the source with `inspect`, parses it with gast and shifts every line
number to the function's place in its file, so that errors and comments point at the user's
lines. Results are cached per code object.
"""
import inspect
import textwrap

import gast

from ..errors import CompileError, SourceLoc

_CACHE = {}


class ParsedFunction:
    def __init__(self, node, filename):
        self.node = node            # gast.FunctionDef
        self.filename = filename

    def loc(self, node):
        return SourceLoc(self.filename, getattr(node, 'lineno', 0), getattr(node, 'col_offset', 0))


def parse_function(fn):
    code = fn.__code__
    if code in _CACHE:
        return _CACHE[code]
    if fn.__name__ == '<lambda>':
        raise CompileError("cannot compile a lambda; write it as a def",
                           SourceLoc(code.co_filename, code.co_firstlineno))
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        raise CompileError(
            f"cannot read the source of function {fn.__qualname__!r} (defined in {code.co_filename}); "
            "autograph compiles from source, so define the function in a .py file or module") from None
    source = textwrap.dedent(''.join(lines))
    module = gast.parse(source)
    node = module.body[0]
    if not isinstance(node, gast.FunctionDef):
        raise CompileError(f"expected a def for {fn.__qualname__!r}", SourceLoc(code.co_filename, first))
    indent = len(lines[0]) - len(lines[0].lstrip())
    for n in gast.walk(node):
        if hasattr(n, 'lineno'):
            n.lineno += first - 1
            n.col_offset += indent
    _CACHE[code] = ParsedFunction(node, code.co_filename)
    return _CACHE[code]
