"""Passes: Graph -> equivalent Graph. `optimize` is the pipeline the API runs before codegen."""
from .dce import dce
from .simplify import simplify


def optimize(graph):
    return dce(simplify(dce(graph)))
