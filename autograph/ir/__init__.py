"""The SSA IR: values, ops, graphs, a builder, a printer and a verifier."""
from .core import Builder, Graph, Op, Value, constant, flatten, map_tree
from .printer import format_graph
from .verify import IRError, verify
