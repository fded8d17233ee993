"""Graph -> Python source over the Python array API standard (2024.12): the dialect that runs on
any engine with the standard's namespace (dask.array, CuPy, array_api_strict; NumPy's own code
is `emit`'s, which this module leaves as it is).

The module reads as NumPy's does, with `xp` where NumPy's has `np`, and the standard's spellings:

    xp.tanh(x @ w)          np.tanh(x @ w)
    xp.sum(d, axis=0)       d.sum(axis=0)
    xp.astype(m, xp.float32)
    relu(add)               from runtime.kernels.array_api (the kernels the standard lacks)

`xp` is a global of the module that the loader binds to the namespace of the engine's arrays
(`autograph.engines`), so one source serves every engine; an exported module binds it from its
arguments instead (`autograph.export.standalone_array_api`).

Each op is written as its primitive's `array_api` rule says (`runtime.array_api.rule_of`): an
operator as for NumPy, a standard function, or a kernel. Everything else (names, inlining,
comments, loops, saved lists, seeds) is `emit._Writer`'s. Where NumPy's arithmetic mixes kinds
and the standard's does not (`dh * (add > 0)`: a bool times a float), the operand of the other
kind is cast first (`dh * xp.astype(add > 0, xp.float32)`). A primitive with no rule (NumPy
only) is a CompileError that names it, the engine and the reason.
"""
import ast
import inspect

import numpy as np

from runtime.array_api import NumpyOnly, Spelled, rule_of
from ..errors import CompileError
from ..ir.core import walk
from ..ir.effects import CHECK, PRINT
from ..ir.printer import BUILTINS, RESERVED, Namer, identifier, is_identifier
from ..source import GENERATED_MARK
from . import emit, nodes
from .emit import Generated

NAMESPACE = 'xp'
ANY = 'any array API namespace'
_KERNELS = 'runtime.kernels.array_api'


def header(engine=ANY):
    return f'{GENERATED_MARK} for the array API standard: xp is the namespace of the arrays ({engine}).'


def generate(graph, engine=ANY):
    """The module for `graph` in the array API dialect; `engine` names what it is for (in its
    header, and in the error for a primitive that runs on NumPy only)."""
    imports = _imports(graph)
    imported = set().union(*imports.values(), {NAMESPACE})
    name = identifier(graph.name, 'function')
    while name in imported or name in BUILTINS:
        name += '_compiled'
    lines = [header(engine)]
    lines += [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(imports.items())]
    lines += ['', '']
    taken = {name} | imported | RESERVED | BUILTINS | {'np', 'slice'}
    writer = _Writer(graph, Namer(taken=taken), lines, engine)
    args = [writer.name(v, 'x') for v in graph.inputs]
    lines.append(f"def {name}({', '.join(args)}):")
    writer.block(graph.ops, '    ')
    writer.line('    ', nodes.return_(writer.tree(graph.outputs)))
    return Generated(name, '\n'.join(lines) + '\n', writer.namespace, writer.line_map)


def _imports(graph):
    imports = {}
    for op in walk(graph.ops):
        if op.regions or op.prim in (PRINT, CHECK):
            continue
        rule = rule_of(op.prim)
        if isinstance(rule, (Spelled, NumpyOnly)) or _as_attribute(op) or _as_subscript(op):
            continue
        module = rule.__module__
        if not all(is_identifier(part) for part in module.split('.') + [rule.__name__]):
            raise ValueError(f'cannot import {rule.__name__!r} from {module!r}')
        imports.setdefault(module, set()).add(rule.__name__)
    return imports


def _as_subscript(op):
    """Whether `op` is written `x[1:, None]`: a subscript whose items are all basic (the
    standard does not mix integer arrays with slices); other subscripts call the kernel."""
    if not op.prim.subscript:
        return False
    index = op.params['index']
    operands = iter(op.inputs[1:])
    # An operand that is a Python int when the code runs (a range's index) is a basic item too.
    return all(item is None or item is Ellipsis or isinstance(item, (int, slice)) or
               (isinstance(item, str) and _python_int(next(operands)))
               for item in (index if isinstance(index, tuple) else (index,)))


def _python_int(v):
    return v.weak and v.shape == () and np.dtype(v.dtype).kind in 'iu'


def _as_attribute(op):
    """Whether `op` is written `x.T`: the standard's `.T` is for matrices only."""
    return op.prim.attribute == 'T' and len(op.inputs[0].shape) == 2 and \
        all(emit._is_default(op.prim, k, p) for k, p in op.params.items())


def _takes_namespace(kernel):
    try:
        return 'xp' in inspect.signature(kernel).parameters
    except (TypeError, ValueError):
        return False


def xp(path):
    """xp.exp, xp.linalg.inv, xp.float32."""
    return nodes.dotted(f'{NAMESPACE}.{path}')


def dtype(value):
    return xp(nodes.dtype_name(value))


def literal(value):
    """A param or constant as source for this dialect: NumPy's literals, with dtypes as xp's
    (`xp.float32`) and slices as `slice(...)` (no `np.s_`). TypeError where there is none."""
    if isinstance(value, slice):      # slice(None) is `:`, slice(1, None) is `1:`
        parts = (value.start, value.stop, value.step)
        parts = parts if value.step is not None else parts[:2] if parts[:2] != (None, None) else (None,)
        return nodes.call('slice', [literal(v) for v in parts], [])
    if value is Ellipsis:
        return ast.Constant(value=Ellipsis)
    if isinstance(value, tuple):
        return nodes.tuple_(literal(v) for v in value)
    if isinstance(value, (np.dtype, type)):
        return dtype(value)
    return nodes.literal(value)


def _kind(v):
    dt = getattr(v, 'dtype', None)
    return None if dt is None else np.dtype(dt).kind


# Primitives whose operands (all but a `where`'s condition) take the result's kind, as NumPy's
# promotion gives it and the standard's does not across kinds.
_SAME_KIND = frozenset({'where', 'clamp', 'sum', 'mean', 'prod', 'cumsum', 'cumprod', 'tensordot',
                        'add_to', 'mul_to'})
_LOGICAL = frozenset({'logical_and', 'logical_or', 'logical_xor', 'logical_not'})


class _Writer(emit._Writer):
    all_true = 'xp.all'

    def __init__(self, graph, namer, lines, engine):
        super().__init__(graph, namer, lines)
        self.engine = engine

    def value(self, v):
        if v.is_const and isinstance(v.const, np.ndarray):
            array = v.const
            if array.size <= emit._LITERAL_ARRAY_SIZE and array.dtype.kind in 'biuf':
                def items(a):
                    return nodes.literal(a.item()) if a.ndim == 0 else nodes.list_(items(r) for r in a)
                return nodes.call(xp('asarray'), [items(array)], [('dtype', dtype(array.dtype))])
            # A large array made while compiling: held by the module, made the engine's at each call.
            name = self.namer(v, 'const')
            self.namespace[name] = array
            return nodes.call(xp('asarray'), [nodes.name(name)], [])
        return super().value(v)

    def const(self, value, hint='const'):
        try:
            return literal(value)
        except TypeError:
            return self.held(value, hint)

    def index_items(self, template, operands, subscript):
        """The items of an index: operands in place of 'array', a tuple of ints as an index
        array, and (outside a subscript) slices as slice(...)."""
        operands = iter(operands)
        items = []
        for item in template if isinstance(template, tuple) else (template,):
            if isinstance(item, str):
                items.append(next(operands))
            elif isinstance(item, tuple):
                items.append(nodes.call(xp('asarray'), [nodes.list_(nodes.literal(i) for i in item)],
                                        [('dtype', xp('int64'))]))
            elif subscript:
                items.append(nodes.index_item(item))
            else:
                items.append(literal(item))
        return items

    def operands(self, op):
        """The operands' expressions, cast where the standard does not mix kinds as NumPy does
        (a kernel takes its operands as they are)."""
        prim = op.prim
        args = [self.value(v) for v in op.inputs]
        if not op.outs or op.out.dtype is None or not isinstance(rule_of(prim), Spelled):
            return args
        if prim.name in _LOGICAL:
            target = np.dtype(bool)
        elif prim.elementwise or prim.infix or prim.prefix or prim.name in _SAME_KIND:
            target = op.out.dtype
            if target.kind == 'b':      # a comparison: its operands' common dtype
                kinds = [v.dtype for v in op.inputs if _kind(v) is not None and not v.weak]
                consts = [v.const for v in op.inputs if v.is_scalar_const]
                try:
                    target = np.result_type(*kinds, *consts) if kinds else None
                except TypeError:
                    target = None
        else:
            return args
        if target is None:
            return args
        start = 1 if prim.name == 'where' else 0
        out = list(args)
        for i, v in enumerate(op.inputs):
            if i < start or v.weak or v.is_scalar_const:
                continue
            kind = _kind(v)
            if kind is not None and kind != np.dtype(target).kind:
                out[i] = nodes.call(xp('astype'), [args[i], dtype(target)], [])
        return out

    def augmented(self, indent, op):
        """`acc += x`, with x cast as `operands` casts it (`dh *= xp.astype(add > 0, xp.float32)`)."""
        self.assign(indent, op.out, self.value(op.inputs[0]))
        self.line(indent, nodes.aug_assign(self.name(op.out), op.prim.augmented, self.operands(op)[1]))

    def op_expr(self, op):
        prim = op.prim
        rule = rule_of(prim)
        if isinstance(rule, NumpyOnly):
            raise CompileError(f"{prim.name} runs on NumPy only ({rule.reason}): it has no spelling in the "
                               f"array API standard, so this code cannot run on {self.engine}; pass NumPy "
                               "arrays or Tensors", op.loc if op.loc is not None and op.loc.lineno else None)
        args = self.operands(op)
        if prim.infix:
            return nodes.infix(prim.infix, *args)
        if prim.prefix:
            return nodes.prefix(prim.prefix, *args)
        if _as_subscript(op):
            index = op.params['index']
            index = index if isinstance(index, tuple) else (index,)
            consumed = sum(1 for item in index if item is not None and item is not Ellipsis)
            if consumed < len(op.inputs[0].shape) and not any(item is Ellipsis for item in index):
                index += (Ellipsis,)        # the standard wants every axis indexed
            return nodes.subscript(args[0], self.index_items(index, args[1:], subscript=True))
        if _as_attribute(op):
            return nodes.attribute(args[0], prim.attribute)
        if id(op.out) in self.seeds:
            return nodes.literal(float(op.params['fill_value']))
        if prim.name == 'full' and op.params['fill_value'] in (0, 1):
            return nodes.call(xp('ones' if op.params['fill_value'] == 1 else 'zeros'),
                              [self.const(op.params['shape'])], [('dtype', self.const(op.params['dtype']))])
        positional = rule.positional if isinstance(rule, Spelled) else ()
        keywords = []
        for k, p in op.params.items():
            if k in positional or k == 'index':
                continue
            if (k == 'dtype' and p is not None) or not emit._is_default(prim, k, p):
                keywords.append((k, self.const(p)))
        if 'index' in op.params:
            lead = prim.index_after
            index = nodes.tuple_(self.index_items(op.params['index'], args[lead:], subscript=False))
            args, keywords = args[:lead], [('index', index)] + keywords
        if isinstance(rule, Spelled):
            if op.inputs and all(v.weak or v.is_const for v in op.inputs):
                # Python numbers only (a float argument): the standard's functions take arrays.
                args = [nodes.call(xp('asarray'), [args[0]], [])] + args[1:]
            args = args + [self.const(op.params.get(p, _default(prim, p))) for p in positional]
            return nodes.call(xp(rule.name), args, keywords)
        if _takes_namespace(rule):
            keywords.append(('xp', nodes.name(NAMESPACE)))
        return nodes.call(rule.__name__, args, keywords)


def _default(prim, param):
    default = prim.param_defaults.get(param)
    return None if default is np._NoValue else default
