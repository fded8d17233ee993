"""IR -> stable text (jaxpr-like), for `autograph.get_ir` and golden tests.

    def function(x: f32[5], w: f32[5,3], b: f32[3]):
      z: f32[3] = add(matmul(...)...)      one line per op, inputs by name, params as key=value
      return loss

Names are made unique in order of definition (`z`, `z_1`), so the text is deterministic.
"""
import numpy as np

from .core import Value, format_aval


class Namer:
    """Unique, deterministic names for values, from their hints."""

    def __init__(self, taken=()):
        self.names = {}
        self.used = set(taken)

    def fresh(self, hint):
        name, n = hint, 0
        while name in self.used:
            n += 1
            name = f'{hint}_{n}'
        self.used.add(name)
        return name

    def __call__(self, value, default='t'):
        if id(value) not in self.names:
            self.names[id(value)] = self.fresh(value.name or default)
        return self.names[id(value)]


def format_graph(graph):
    namer = Namer()

    def ref(v):
        if not isinstance(v, Value):
            return repr(v)
        if v.is_const:
            return repr(v.const) if v.is_scalar_const else f'const{format_aval(v.aval)}'
        return namer(v)

    def typed(v, default='t'):
        return f'{namer(v, default)}: {format_aval(v.aval)}'

    def ops(op_list, indent):
        lines = []
        for op in op_list:
            params = [f'{k}={_param(p)}' for k, p in op.params.items()]
            call = ', '.join([ref(v) for v in op.inputs] + params)
            outs = ', '.join(typed(v, op.prim.name) for v in op.outs)
            lines.append(f'{indent}{outs} = {op.prim.name}({call})' + (':' if op.regions else ''))
            for region in op.regions:
                args = ', '.join(typed(v, 'arg') for v in region.args)
                lines.append(f'{indent}  region({args}):')
                lines += ops(region.ops, indent + '    ')
                lines.append(f"{indent}    yield {', '.join(ref(v) for v in region.results)}")
        return lines

    args = ', '.join(typed(v) for v in graph.inputs)
    lines = [f'def {graph.name}({args}):'] + ops(graph.ops, '  ')
    lines.append(f'  return {_tree(graph.outputs, ref)}')
    return '\n'.join(lines)


def _tree(tree, ref):
    if isinstance(tree, dict):
        return '{' + ', '.join(f'{key!r}: {_tree(item, ref)}' for key, item in tree.items()) + '}'
    if isinstance(tree, (tuple, list)):
        inner = ', '.join(_tree(t, ref) for t in tree)
        return f'({inner},)' if len(tree) == 1 else f'({inner})'
    return ref(tree)


def _param(p):
    return np.dtype(p).name if isinstance(p, (np.dtype, type)) else repr(p)
