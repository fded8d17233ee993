"""The runtime: what executes. Tensor and Parameter, dtypes, primitives with their NumPy kernels.

It never imports `autograph`: compiled code needs only NumPy and the kernels defined here. The
package loads its parts when first asked for them, so that generated code's `from runtime.kernels
import ...` loads the kernels (which need only NumPy) and nothing else.
"""
import importlib

# name -> the module that defines it
_EXPORTS = {
    'DType': 'dtypes', 'bool_': 'dtypes', 'int8': 'dtypes', 'int16': 'dtypes', 'int32': 'dtypes',
    'int64': 'dtypes', 'uint8': 'dtypes', 'float16': 'dtypes', 'float32': 'dtypes', 'float64': 'dtypes',
    'Parameter': 'tensor', 'ParameterTuple': 'tensor', 'Tensor': 'tensor',
    'REGISTRY': 'primitive', 'Aval': 'primitive', 'Primitive': 'primitive',
}
_MODULES = {'dtypes', 'kernels', 'ops', 'primitive', 'primitives', 'tensor'}


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f'{__name__}.{_EXPORTS[name]}'), name)
    if name in _MODULES:
        return importlib.import_module(f'{__name__}.{name}')
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS) | _MODULES)
