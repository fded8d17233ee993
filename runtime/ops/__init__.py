"""The functional API with MindSpore's names and argument conventions (`autograph.ops`).

Each op normalises its arguments (axis spellings, shapes, dtypes) and binds primitives, so it runs
eagerly on Tensors and, inside the compiler, builds IR. Composites such as
`binary_cross_entropy_with_logits` are Python over other ops; the compiler runs them on its
symbolic values, and their gradient comes from their parts. One module per family, named as in
`primitives` and `kernels`; `common` holds the argument helpers and the Tensor-method and
NumPy-function registrations.
"""
from . import activations, creation, elementwise, indexing, linalg, nn, reductions, shapes, state, subscript
from .common import NUMPY_FUNCTIONS  # noqa: F401


def _public_ops(module):
    return {name: fn for name, fn in vars(module).items()
            if callable(fn) and not name.startswith('_') and getattr(fn, '__module__', None) == module.__name__}


__all__ = []
for _module in (activations, shapes, creation, indexing, linalg, elementwise, nn, reductions, state, subscript):
    _ops = _public_ops(_module)
    globals().update(_ops)
    __all__ += sorted(_ops)

from . import examples as _examples
_examples.attach(globals())
