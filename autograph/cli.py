"""The command line: read the code autograph generates for a function or Cell in your file.

    autograph show FILE.py:NAME [--grad 0,1] [--weights] [--ir] [--args EXPR] [--dynamic-dim x:0]
    autograph export FILE.py:NAME [--grad 0,1] [--weights] [--args EXPR] [--dynamic-dim x:0] [--array-api] -o OUT.py
    autograph --version

NAME is a function or a Cell (an instance) defined in FILE.py. The code is compiled for example
arguments: by default the module's variables named like the function's parameters (the tutorial
defines `x, y, w, b` beside `function(x, y, w, b)`), or any Python expression evaluated in the
module (`--args "np.ones(5), 3"`). `show` prints the generated forward source, with `--grad` the
adjoint, with `--ir` the IR of each, highlighted when printing to a terminal. `export` writes the
generated gradient (or forward code) as a module that needs only NumPy, which states the shapes
of its arguments in its header and checks them. `--dynamic-dim x:0` (repeatable; `x:0,1` for two
axes) compiles for every size of that axis of the argument `x`, as `dynamic_dims={'x': 0}` does.
`export --array-api` writes the code for the array API standard instead: a module whose function
runs on the arrays of any namespace (NumPy, dask.array, CuPy...), taken from its arguments, and
checks their shapes and dtypes as the NumPy module does (with `--dynamic-dim` too).

Also available as `python -m autograph`.
"""
import argparse
import contextlib
import inspect
import io
import keyword
import os
import runpy
import sys
import tokenize

from . import api, engines, nn
from ._version import __version__
from .errors import CompileError
from .export import standalone, standalone_array_api


def main(argv=None):
    parser = argparse.ArgumentParser(prog='autograph', description=__doc__.split('\n\n')[0])
    parser.add_argument('--version', action='version', version=f'autograph {__version__}')
    commands = parser.add_subparsers(dest='command', required=True)
    for name, help_text in (('show', 'print the generated code'),
                            ('export', 'write the generated code as a NumPy-only module')):
        command = commands.add_parser(name, help=help_text)
        command.add_argument('target', help='FILE.py:NAME, a function or Cell in a file')
        command.add_argument('--grad', metavar='POSITIONS', help='differentiate with respect to '
                             'these argument positions, e.g. 0,1 (none: only --weights)')
        command.add_argument('--weights', action='store_true',
                             help="differentiate with respect to the Parameters it reads")
        command.add_argument('--args', metavar='EXPR', help='example arguments, a Python expression '
                             "evaluated in the file's module (default: its variables named like the parameters)")
        command.add_argument('--dynamic-dim', metavar='NAME:AXES', action='append', default=[],
                             help='compile for any size of these axes of the argument NAME, e.g. '
                             'x:0 or x:0,1 (repeatable)')
        if name == 'show':
            command.add_argument('--ir', action='store_true', help='also print the IR')
        else:
            command.add_argument('-o', '--output', required=True, help='the module to write')
            command.add_argument('--array-api', action='store_true',
                                 help='write it for any array API namespace (xp, taken from the arguments: '
                                 'dask.array, CuPy...) instead of NumPy')
    options = parser.parse_args(argv)
    try:
        return _run(options)
    except UsageError as e:
        # A mistake in the command or in the user's file: one message, no traceback.
        parser.exit(2, f'autograph: {e}\n')


class UsageError(Exception):
    """A mistake the user can fix: a bad argument, or code in their file that does not compile."""


def _run(options):
    dims = _dynamic_dims(options.dynamic_dim)
    target, args, _ = _load(options.target, options.args)
    name = options.target.rpartition(':')[2]
    with _compile_errors(name):
        forward = api.jit(target, dynamic_dims=dims)
        transformed = _transformed(target, forward, args, options, name, dims)
        if options.command == 'export':
            chosen = transformed or forward
            source = api.get_source(chosen, *args)
            compiled = chosen.last
            if options.array_api:     # the array API module, compiled for no library in particular
                compiled = chosen.compile(args, engines.ANY)
                generated = compiled.generated
                text = standalone_array_api(generated.source, generated.namespace, generated.name,
                                            compiled.input_shapes())
            else:
                text = standalone(source, compiled.generated.namespace, compiled.input_shapes(),
                                  compiled.generated.name)
        else:
            shown = []      # everything is compiled before anything is printed
            for title, fn in (('forward', forward), ('gradient', transformed)):
                if fn is None:
                    continue
                if options.ir:
                    shown.append((f'# IR of the {title}', api.get_ir(fn, *args), False))
                shown.append((f'# generated {title}', api.get_source(fn, *args), True))
    if options.command == 'export':
        try:
            with open(options.output, 'w') as out:
                out.write(text)
        except OSError as e:
            raise UsageError(f"cannot write {options.output}: {e.strerror or e}") from None
        print(f'wrote {options.output}: {chosen.__name__}')
        return 0
    for title, text, python in shown:
        _print(title, text, python=python)
    return 0


@contextlib.contextmanager
def _compile_errors(name):
    """Errors while compiling the target, as one UsageError. A CompileError keeps its rendered
    form (file, line, column, the line and a caret); anything else the user's code or arguments
    raised is named by its type."""
    try:
        yield
    except UsageError:
        raise
    except CompileError as e:
        raise UsageError(str(e)) from None
    except Exception as e:     # the user's code, run while compiling, may raise anything
        raise UsageError(f"cannot compile {name}: {type(e).__name__}: {e}") from None


def _load(spec, args_expr):
    """(the named function or Cell, example arguments, the file's module namespace)."""
    path, _, name = spec.rpartition(':')
    if not path or not name:
        raise UsageError(f"expected FILE.py:NAME, got {spec!r}")
    if not os.path.exists(path):
        raise UsageError(f"no file {path!r}")
    if not os.path.isfile(path):
        raise UsageError(f"{path!r} is not a file; give the Python file that defines {name}")
    try:
        with contextlib.redirect_stdout(io.StringIO()):   # the file's own prints are not ours
            namespace = runpy.run_path(path, run_name='__autograph_show__')
    except SyntaxError as e:
        raise UsageError(f"{path} is not valid Python: {e}") from None
    except (Exception, SystemExit) as e:    # the file's own code failed while it was loaded
        raise UsageError(f"running {path} failed: {type(e).__name__}: {e}") from None
    if name not in namespace:
        raise UsageError(f"{path} defines no {name!r}")
    target = namespace[name]
    if isinstance(target, type) or not callable(target):
        kind = type(target).__name__
        what = (f"the class {target.__name__}" if isinstance(target, type)
                else f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}")
        raise UsageError(f"{name} in {path} is {what}, not a function or a Cell instance")
    if args_expr is None:
        function = target.construct if isinstance(target, nn.Cell) else target
        try:
            params = list(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            raise UsageError(f"cannot read the parameters of {name}; give its arguments with --args") from None
        missing = [p for p in params if p not in namespace]
        if missing:
            raise UsageError(f"{path} has no variables {missing} to use as example arguments; "
                             "give them with --args")
        args_expr = ', '.join(params)
    try:
        args = eval(args_expr + ',', namespace)   # the user's own expression, in the user's module
    except (Exception, SystemExit) as e:
        raise UsageError(f"--args {args_expr!r} failed: {type(e).__name__}: {e}") from None
    return target, tuple(args), namespace


def _positions(text, count, name):
    """The argument positions of `--grad 0,2`, checked against the `count` example arguments."""
    try:
        positions = tuple(int(p) for p in text.split(','))
    except ValueError:
        raise UsageError(f"--grad takes argument positions such as 0 or 0,2, not {text!r}") from None
    for p in positions:
        if not 0 <= p < count:
            takes = ("no arguments" if count == 0 else "1 argument (position 0)" if count == 1
                     else f"{count} arguments (positions 0 to {count - 1})")
            raise UsageError(f"--grad {text}: {name} takes {takes}; there is no position {p}")
    return positions


def _dynamic_dims(texts):
    """{'x': (0,)} from `--dynamic-dim x:0` options, or None without them."""
    dims = {}
    for text in texts:
        argument, _, axes = text.partition(':')
        try:
            parsed = tuple(int(a) for a in axes.split(','))
        except ValueError:
            parsed = None
        if not argument.isidentifier() or not parsed:
            raise UsageError(f"--dynamic-dim takes an argument's name and axes such as x:0 or x:0,1, "
                             f"not {text!r}")
        dims[argument] = tuple(dict.fromkeys(dims.get(argument, ()) + parsed))
    return dims or None


def _transformed(target, forward, args, options, name, dims=None):
    """The gradient function the options ask for, or None."""
    positions = _positions(options.grad, len(args), name) if options.grad else None
    if positions is None and not options.weights:
        return None
    weights = None
    if options.weights:
        forward(*args)
        weights = [p for p in forward.last.implicit if isinstance(p, api.Parameter)]
    if positions is not None and len(positions) == 1:
        positions = positions[0]
    return api.value_and_grad(target, positions, weights=weights, dynamic_dims=dims)


# ---------------------------------------------------------------- printing
_COLOURS = {'keyword': '\033[35m', 'string': '\033[32m', 'number': '\033[36m',
            'comment': '\033[90m', 'name': '\033[34m'}
_RESET = '\033[0m'


def _print(title, text, python=True):
    colour = sys.stdout.isatty() and not os.environ.get('NO_COLOR')
    print(highlight(title) if colour else title)
    print(highlight(text) if colour and python else text)


def highlight(text):
    """Python source with ANSI colours for keywords, strings, numbers, comments and defined names."""
    out, last, after_def = [], (1, 0), False
    lines = text.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError):
        return text
    for token in tokens:
        out.append(_between(lines, last, token.start))
        kind = _kind(token, after_def)
        after_def = token.type == tokenize.NAME and token.string in ('def', 'class')
        out.append(f'{_COLOURS[kind]}{token.string}{_RESET}' if kind else token.string)
        last = token.end
    return ''.join(out)


def _kind(token, after_def):
    if token.type == tokenize.NAME:
        return 'keyword' if keyword.iskeyword(token.string) else 'name' if after_def else None
    return {tokenize.STRING: 'string', tokenize.NUMBER: 'number', tokenize.COMMENT: 'comment'}.get(token.type)


def _between(lines, start, end):
    """The source text between two token positions (whitespace and newlines)."""
    (r0, c0), (r1, c1) = start, end
    if r0 == r1:
        return lines[r0 - 1][c0:c1] if r0 - 1 < len(lines) else ''
    text = lines[r0 - 1][c0:] if r0 - 1 < len(lines) else ''
    text += ''.join(lines[r0:r1 - 1])
    return text + (lines[r1 - 1][:c1] if r1 - 1 < len(lines) else '')


if __name__ == '__main__':
    sys.exit(main())
