"""Passes: Graph -> equivalent Graph. `optimize` is the pipeline the API runs before codegen."""
from .branches import merge_branches
from .custom import inline_custom
from .dce import dce
from .hoist import hoist
from .inplace import inplace
from .simplify import simplify


def optimize(graph):
    return dce(inplace(hoist(dce(merge_branches(simplify(dce(inline_custom(graph))))))))
