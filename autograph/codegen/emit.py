"""Graph -> Python source of one function, readable and runnable.

- Each op becomes NumPy: an operator (`x @ w + b`) or a call of its kernel (`np.exp(z)`,
  `softplus(z)`); params are keywords, left out where they equal the kernel's default.
- A value used once, in the same source statement, with no name of the user's, is written
  inline in its consumer's expression; everything else gets a statement named after the user's
  variable (`z`, `loss`, `dz`, then `z_1`, ... for repeats).
- Above the statements from one line of the user's source stands that line as a comment
  (`# grad of: ...` for adjoint statements), and `line_map` maps generated lines back to it.

The source is a whole module: its imports (`numpy as np`, and the kernels NumPy lacks from
`runtime.kernels`), then the function. Returns `Generated(name, source, namespace, line_map)`;
`namespace` holds only arrays made at compile time, which have no spelling in source.
"""
import builtins
import keyword
from typing import NamedTuple

import numpy as np

from ..ir import Value
from ..ir.printer import Namer
from . import nodes
from .unparse import unparse


class Generated(NamedTuple):
    name: str
    source: str
    namespace: dict
    line_map: dict          # generated line number -> SourceLoc


def generate(graph):
    imports = {}
    for op in graph.ops:
        if '.' not in op.prim.spelling and not (op.prim.infix or op.prim.prefix or
                                                getattr(op.prim, 'subscript', False)):
            module = op.prim.kernel.__module__
            module = 'runtime.kernels' if module.startswith('runtime.kernels.') else module
            imports.setdefault(module, set()).add(op.prim.spelling)
    lines = ['import numpy as np']
    lines += [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(imports.items())]
    lines += ['', '']
    # Temporaries are named after their primitive; never let one shadow a builtin (`sum`).
    taken = {'np', graph.name} | set(keyword.kwlist) | set(dir(builtins)) | set().union(*imports.values())
    namer = Namer(taken=taken)
    args = [namer(v, 'x') for v in graph.inputs]
    namespace = {}
    inline = _inlined(graph)
    emitter = _Emitter(namer, inline, namespace)

    lines.append(f"def {graph.name}({', '.join(args)}):")
    line_map = {}
    current_loc = None
    for op in graph.ops:
        if id(op.out) in inline:
            continue
        if op.loc is not None and op.loc != current_loc:
            current_loc = op.loc
            lines.append('    # ' + ('grad of: ' if op.loc.grad else '') + op.loc.text)
        statement = nodes.assign(namer(op.out, op.prim.name), emitter.op_expr(op))
        for text in unparse(nodes.to_ast(statement)).splitlines():
            lines.append('    ' + text)
            line_map[len(lines)] = op.loc
    result = unparse(nodes.to_ast(nodes.return_(emitter.tree(graph.outputs))))
    lines.append('    ' + result)
    source = '\n'.join(lines) + '\n'
    return Generated(graph.name, source, namespace, line_map)


def _inlined(graph):
    """ids of op results written inline in their single consumer."""
    uses, consumer = {}, {}
    for op in graph.ops:
        for v in op.inputs:
            uses[id(v)] = uses.get(id(v), 0) + 1
            consumer[id(v)] = op
    outputs = {id(v) for v in graph.output_values()}
    return {id(op.out) for op in graph.ops
            if op.out.name is None and uses.get(id(op.out)) == 1 and id(op.out) not in outputs
            and consumer[id(op.out)].loc == op.loc}


class _Emitter:
    def __init__(self, namer, inline, namespace):
        self.namer = namer
        self.inline = inline
        self.namespace = namespace

    def value(self, v):
        if v.is_const and isinstance(v.const, np.ndarray):
            # An array made while compiling (not an input): the code reads it from its namespace.
            name = self.namer(v, 'const')
            self.namespace[name] = v.const
            return nodes.name(name)
        if v.is_const:
            return nodes.literal(v.const)
        if id(v) in self.inline:
            return self.op_expr(v.op)
        return nodes.name(self.namer(v))

    def op_expr(self, op):
        prim = op.prim
        args = [self.value(v) for v in op.inputs]
        if prim.infix:
            return nodes.infix(prim.infix, *args)
        if prim.prefix:
            return nodes.prefix(prim.prefix, *args)
        if getattr(prim, 'subscript', False):
            return nodes.subscript(args[0], _index_items(op.params['index'], args[1:]))
        if prim.name == 'full' and op.params['fill_value'] in (0, 1):
            # np.zeros/np.ones read better than np.full (runtime.numpy_api reads them back).
            spelling = 'np.ones' if op.params['fill_value'] == 1 else 'np.zeros'
            return nodes.call(spelling, [nodes.literal(op.params['shape'])],
                              [('dtype', nodes.literal(op.params['dtype']))])
        if 'index' in op.params:
            # Index arrays go inside the index, where they belong: index=np.s_[idx, ::2].
            index = nodes.subscript(nodes.dotted('np.s_'), _index_items(op.params['index'], args[1:]))
            return nodes.call(prim.spelling, args[:1], [('index', index)] + [
                (k, nodes.literal(p)) for k, p in op.params.items() if k != 'index'])
        keywords = [(k, nodes.literal(p)) for k, p in op.params.items()
                    if not _is_default(prim, k, p)]
        return nodes.call(prim.spelling, args, keywords)



    def tree(self, tree):
        if isinstance(tree, (tuple, list)):
            return nodes.tuple_(self.tree(t) for t in tree)
        if isinstance(tree, Value):
            return self.value(tree)
        return nodes.literal(tree)


def _index_items(template, operands):
    """Subscript items for an index template, with the operands' expressions in place of 'array'."""
    operands = iter(operands)
    return [next(operands) if isinstance(item, str) else nodes.index_item(item) for item in template]


def _is_default(prim, key, value):
    default = prim.param_defaults.get(key, _is_default)
    if default is np._NoValue:  # NumPy's "not given" default: keepdims=False, axis=None
        return value is None or value is False
    return default is not _is_default and type(default) is type(value) and default == value
