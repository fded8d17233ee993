"""Generated source -> a standalone module that needs only NumPy.

Generated code imports the few kernels NumPy lacks from `runtime.kernels`. `standalone(source)`
replaces that import with the kernels' own source, preceded by the source of the module-level
helpers and constants they use (found through their code objects, following imports between
kernel modules). The result runs, and reads, without autograph installed.

A generated module may also read names from its namespace (`Generated.namespace`: arrays made
while compiling that are too large to write out, objects it prints). `standalone(source,
namespace)` writes each array as its raw bytes (a bytes literal, read back by
`np.frombuffer`); any other object has no safe spelling in source, so it is a ValueError.

`standalone(source, namespace, shapes, function)` also states the shapes the code was compiled
for (`Compiled.input_shapes()`: `x: float32[n, 784]`, a name for an axis of any size, the same
size wherever it appears) in the module's header, as a `SHAPES` table, and makes `function`
check its arguments against it first: a clear ValueError instead of NumPy's error deep inside
(or a wrong result broadcast from an axis of length 1).

`standalone_array_api(source, namespace, function, shapes)` does the same for a module in the
array API dialect (`codegen.array_api`): its function takes the namespace `xp` from its arguments,
so the module runs on NumPy, dask.array, CuPy or any other array API library's arrays. Its check
reads `tuple(a.shape)` and the dtype's name (`float32`, whatever library's dtype object it is), so
it works on any of them. A dask array whose chunk sizes are unknown has axes of unknown size
(nan): that is a ValueError that says so and names `compute_chunk_sizes()`, not a mismatch. The
code depends on the size it was compiled for (a mean's `1 / 12`, an `arange(12)`), so an axis
that cannot be checked could give wrong values silently, or fail deep inside dask; where the
size is any (`n`), the code reads it. The engines refuse such arrays in process too.
"""
import ast
import importlib
import inspect
import re
import sys
import types

import numpy as np

from .codegen.nodes import dtype_name
from .source import GENERATED_MARK, parse

_IMPORT = re.compile(r'^from (runtime\.kernels[\w.]*) import (.+)\n', re.M)


def standalone(source, namespace=None, shapes=None, function=None, array_api=False):
    """`source` (a generated module) with its runtime.kernels imports inlined, and the arrays
    of `namespace` (its Generated.namespace) written as module constants. With `shapes` (a list
    of (parameter, dtype name or 'float', shape of ints and size names)), `function`, the
    generated function, checks its arguments' dtypes and shapes first (with `array_api`, a check
    for the arrays of any array API namespace)."""
    pieces, seen, imports = [], set(), set()
    for module_name, names in _IMPORT.findall(source):
        module = importlib.import_module(module_name)
        for name in (n.strip() for n in names.split(',')):
            _collect(getattr(module, name), pieces, seen, imports)
    pieces += [_array_constant(name, value) for name, value in (namespace or {}).items()]
    body = _IMPORT.sub('', source).replace('import numpy as np\n', '', 1)
    body = '\n'.join(line for line in body.split('\n') if not line.startswith(GENERATED_MARK)).lstrip('\n')
    header = f'{GENERATED_MARK}: needs only NumPy (and is valid input to autograph.jit again).\n' + \
        ''.join(f'{line}\n' for line in sorted(imports)) + 'import numpy as np\n'
    if shapes is not None:
        check, table = _unused('check_shapes', source), _unused('SHAPES', source)
        pieces.insert(0, _checker(shapes, check, table, array_api))
        body = _checked(body, function, shapes, check)
    kernels = '\n\n\n'.join(pieces)
    return header + ('\n\n' + kernels + '\n' if kernels else '') + '\n\n' + body


def standalone_array_api(source, namespace=None, function=None, shapes=None):
    """`source`, a module in the array API dialect (`codegen.array_api`), as a standalone module
    for any array API namespace: its kernels inlined (with `namespace_of`, which finds the
    namespace of an array: through array_api_compat where it is installed, else the array's own
    `__array_namespace__`), its arrays as constants, and `function` binding `xp` to the namespace
    of its arguments first. It needs NumPy, and array_api_compat for arrays (dask's, CuPy's) that
    do not carry the standard's namespace themselves. With `shapes` (as for `standalone`),
    `function` checks its arguments' dtypes and shapes before that, on any namespace's arrays."""
    lines = source.split('\n')
    start = next((i for i, line in enumerate(lines) if line.startswith(f'def {function}(')), None)
    if start is None:
        raise ValueError(f"the module defines no function {function!r} to bind xp in")
    end = start
    while not lines[end].rstrip().endswith(':'):
        end += 1
    signature = ' '.join(lines[start:end + 1])
    params = [p.strip() for p in signature[signature.index('(') + 1:signature.rindex(')')].split(',') if p.strip()]
    if re.search(r'\bnamespace_of\b', '\n'.join(lines[end + 1:])):
        raise ValueError("the generated function uses the name namespace_of")
    lines.insert(end + 1, f"    xp = namespace_of({', '.join(params)})")
    kernels = next((i for i, line in enumerate(lines) if line.startswith('from runtime.kernels.array_api import ')), None)
    if kernels is None:
        lines.insert(1, 'from runtime.kernels.array_api import namespace_of')
    else:
        lines[kernels] += ', namespace_of'
    rest = standalone('\n'.join(lines), namespace, shapes, function, array_api=True).partition('\n')[2]
    return (f'{GENERATED_MARK} for the array API standard: {function} runs on the arrays of any namespace\n'
            f'# (NumPy, dask.array, CuPy...), which it takes from its arguments (xp).\n' + rest)


def _unused(name, source):
    """`name`, or name_1, name_2...: one that `source` does not use."""
    taken = set(re.findall(r'\w+', source))
    candidate, k = name, 0
    while candidate in taken:
        k += 1
        candidate = f'{name}_{k}'
    return candidate


def _spelled(dtype, shape):
    return 'float' if dtype == 'float' else f"{dtype}[{', '.join(str(d) for d in shape)}]"


def _checker(shapes, check, table, array_api=False):
    """The header stating the shapes, the table, and the function checking them (with
    `array_api`, one that reads any array API namespace's arrays)."""
    names = sorted({d for _, _, shape in shapes for d in shape if isinstance(d, str)})
    sizes = (f" {', '.join(names)} {'is any size' if len(names) == 1 else 'are any sizes'}, the same "
             "wherever it appears" if names else '')
    lines = [f'# The arguments this module was compiled for ({check} raises ValueError for others;',
             f'#{sizes or " every size is fixed"}):']
    lines += [f'#   {name}: {_spelled(dtype, shape)}' for name, dtype, shape in shapes]
    entries = ''.join(f'    {name!r}: ({dtype!r}, {tuple(shape)!r}),\n' for name, dtype, shape in shapes)
    lines.append(f'{table} = {{\n{entries}}}')
    lines.append((_ARRAY_API_CHECK if array_api else _NUMPY_CHECK).replace('CHECK', check).replace('TABLE', table))
    return '\n'.join(lines)


_NUMPY_CHECK = '''

def CHECK(function, arguments):
    """Raise ValueError unless each argument has the dtype and shape TABLE gives it. A name in
    a shape stands for one size: the first argument with that axis sets it."""
    sizes = {}
    for name, value in arguments.items():
        dtype, shape = TABLE[name]
        if dtype == 'float':
            continue
        found = np.shape(value)
        fits = np.asarray(value).dtype.name == dtype and len(found) == len(shape)
        for axis in range(len(shape) if fits else 0):
            size = shape[axis]
            if isinstance(size, str) and size not in sizes:
                sizes[size] = (found[axis], name, axis)
            known = sizes[size][0] if isinstance(size, str) else size
            fits = fits and found[axis] == known
        if not fits:
            expected = '%s[%s]' % (dtype, ', '.join([str(d) for d in shape]))
            got = '%s[%s]' % (np.asarray(value).dtype.name, ', '.join([str(d) for d in found]))
            bound = ['%s is %d, the size of %s.shape[%d]' % (size, *sizes[size])
                     for size in shape if size in sizes and sizes[size][1] != name]
            raise ValueError('%s: %s must be %s, got %s%s' % (
                function, name, expected, got, ' (%s)' % '; '.join(bound) if bound else ''))'''

_ARRAY_API_CHECK = '''

def CHECK(function, arguments):
    """Raise ValueError unless each argument has the dtype and shape TABLE gives it, on the
    arrays of any array API namespace: the dtype by its name (float32, whichever library's dtype
    object it is). A name in a shape stands for one size: the first argument with that axis sets
    it. An axis of unknown size (nan or None: a dask array whose chunk sizes are unknown) is an
    error of its own: the code depends on that size, and it cannot be checked."""
    sizes = {}
    for name, value in arguments.items():
        dtype, shape = TABLE[name]
        if dtype == 'float':
            continue
        if hasattr(value, 'shape') and hasattr(value, 'dtype'):
            found, kind = tuple(value.shape), value.dtype
        else:       # a Python number
            found, kind = (), np.asarray(value).dtype
        kind = getattr(kind, 'name', None) or str(kind).rpartition('.')[2]
        fits = kind == dtype and len(found) == len(shape)
        unknown = None
        for axis in range(len(shape) if fits else 0):
            size, got = shape[axis], found[axis]
            if got is None or got != got:
                unknown = unknown or (axis, got, size)
                continue
            if isinstance(size, str) and size not in sizes:
                sizes[size] = (got, name, axis)
            known = sizes[size][0] if isinstance(size, str) else size
            fits = fits and got == known
        if not fits:
            expected = '%s[%s]' % (dtype, ', '.join([str(d) for d in shape]))
            got = '%s[%s]' % (kind, ', '.join([str(d) for d in found]))
            bound = ['%s is %d, the size of %s.shape[%d]' % (size, *sizes[size])
                     for size in shape if size in sizes and sizes[size][1] != name]
            raise ValueError('%s: %s must be %s, got %s%s' % (
                function, name, expected, got, ' (%s)' % '; '.join(bound) if bound else ''))
        if unknown:
            axis, got, size = unknown
            must = ('%s, a size the code reads' if isinstance(size, str) else
                    'must be %s, which cannot be checked') % size
            raise ValueError('%s: %s.shape[%d] is unknown (%s) and %s; give an array of known '
                             'shape (a dask array: call its compute_chunk_sizes() first)' % (
                                 function, name, axis, got, must))'''


def _checked(body, function, shapes, check):
    """`body` with `function` calling `check` on its arguments first."""
    lines = body.split('\n')
    start = next((i for i, line in enumerate(lines) if line.startswith(f'def {function}(')), None)
    if start is None:
        raise ValueError(f"the module defines no function {function!r} to check the arguments of")
    end = start
    while not lines[end].rstrip().endswith(':'):     # a def over several lines
        end += 1
    arguments = ', '.join(f'{name!r}: {name}' for name, _, _ in shapes)
    lines.insert(end + 1, f'    {check}({function!r}, {{{arguments}}})')
    return '\n'.join(lines)


def _array_constant(name, value):
    """`name = np.frombuffer(b'...', dtype=np.float32).reshape((3, 4))`: an array as literals
    only (the name is the Namer's, the bytes a bytes literal)."""
    if not (isinstance(value, np.ndarray) and value.dtype.kind in 'biufc'):
        raise ValueError(f"the generated code uses a {type(value).__name__} object ({name}) that "
                         "has no spelling in source; it cannot be exported")
    data = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder('='))
    return (f'{name} = np.frombuffer({data.tobytes()!r}, dtype=np.{dtype_name(data.dtype)})'
            f'.reshape({data.shape!r}).copy()')


class _Constant:
    """A module-level assignment in a kernel module (a table of coefficients, say)."""

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def source(self):
        text = inspect.getsource(self.module)
        for node in parse(text).body:
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) else []
            if any(isinstance(t, ast.Name) and t.id == self.name for t in targets):
                return ast.get_source_segment(text, node)
        raise ValueError(f"cannot find the definition of {self.name} in {self.module.__name__}")


def _collect(obj, pieces, seen, imports):
    """Append the source of `obj` (a kernel function or a _Constant), after what it uses, and
    add to `imports` the import statements of the standard modules it reads (threading, math)."""
    if isinstance(obj, _Constant):
        key, source = (obj.module.__name__, obj.name), obj.source
    else:
        key, source = (obj.__module__, obj.__name__), lambda: inspect.getsource(obj)
    if key in seen:
        return
    seen.add(key)
    text = source().rstrip()
    module = obj.module if isinstance(obj, _Constant) else inspect.getmodule(obj)
    names = _names(obj.__code__) if not isinstance(obj, _Constant) else \
        sorted({n.id for n in ast.walk(parse(text)) if isinstance(n, ast.Name)})
    imports.update(_import_line(name, vars(module)[name]) for name in names
                   if isinstance(vars(module).get(name), types.ModuleType) and name != 'np')
    if not isinstance(obj, _Constant):
        for dependency in _dependencies(obj):
            _collect(dependency, pieces, seen, imports)
    pieces.append(text)


def _import_line(name, module):
    if module.__name__.split('.')[0] in ('runtime', 'autograph'):
        raise ValueError(f"a kernel reads the module {module.__name__}, which an exported module "
                         "cannot import; it needs only NumPy")
    return f'import {module.__name__}' + ('' if name == module.__name__ else f' as {name}')


def _dependencies(fn):
    """The kernel-module functions and constants that `fn` refers to by name."""
    module = inspect.getmodule(fn)
    found = []
    for name in _names(fn.__code__):
        if name not in fn.__globals__:
            continue
        value = fn.__globals__[name]
        if isinstance(value, types.FunctionType) and value.__module__.startswith('runtime.kernels'):
            found.append(value)
        elif not isinstance(value, (types.ModuleType, type, types.BuiltinFunctionType)) and \
                not callable(value):
            found.append(_Constant(_home(module, name, value), name))
    return found


def _home(module, name, value):
    """The kernel module that assigns the constant `name`: `module`, or the one it imports it
    from (the array API kernels share erf's coefficients with NumPy's)."""
    candidates = [module] + [m for key, m in sorted(sys.modules.items())
                             if key.startswith('runtime.kernels') and m is not module]
    for candidate in candidates:
        if vars(candidate).get(name) is value:
            try:
                _Constant(candidate, name).source()
            except (ValueError, OSError, TypeError):
                continue
            return candidate
    return module


def _names(code):
    """The global names a code object and the code nested in it (lambdas, comprehensions) read."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.update(_names(const))
    return sorted(names)
