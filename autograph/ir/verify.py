"""Checks that a Graph is well formed: each value defined once before its uses, and each op's
recorded shape and dtype equal to what its primitive's rule says. Tests run it after every pass."""
from .core import flatten, Value


class IRError(AssertionError):
    pass


def verify(graph):
    defined = {id(v) for v in graph.inputs}
    for op in graph.ops:
        for v in op.inputs:
            if not v.is_const and id(v) not in defined:
                raise IRError(f'{op}: input {v} used before it is defined')
        if id(op.out) in defined:
            raise IRError(f'{op}: {op.out} defined twice')
        operands = [v.const if v.is_scalar_const else v.aval for v in op.inputs]
        expected = op.prim.abstract(*operands, **op.params)
        if tuple(expected.shape) != tuple(op.out.shape) or expected.dtype != op.out.dtype:
            raise IRError(f'{op}: records {op.out.aval}, its rule says {expected}')
        defined.add(id(op.out))
    for v in flatten(graph.outputs):
        if isinstance(v, Value) and not v.is_const and id(v) not in defined:
            raise IRError(f'output {v} is not defined')
    return graph
