"""The SSA IR: values, ops, graphs, a builder, a printer and a verifier."""
from .core import Builder, Graph, Op, Value, constant
from .printer import format_graph
from .verify import IRError, verify

__all__ = ['Builder', 'Graph', 'Op', 'Value', 'constant', 'format_graph', 'IRError', 'verify']
