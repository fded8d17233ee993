"""`Cell`, MindSpore's module class: the base of every layer, loss and model, and of the user's.

A Cell registers the Parameters and sub-Cells assigned to its attributes. Called directly it runs
`construct` eagerly; inside compiled code the compiler inlines `construct`, and the Parameters it
reaches become inputs of the compiled function, read at each call.

Parameter names follow MindSpore: an unnamed Parameter takes its attribute's name, and a sub-Cell's
Parameters are prefixed with the sub-Cell's attribute (`inner.a`, `0.weight`) unless the user
named them.

Users import it as `autograph.nn.Cell`. It lives below the nn library because the compiler
itself must know Cells (the frontend inlines them, guards watch their attributes), and importing
any module of `autograph.nn` runs the whole library, which builds on the compiler.
"""
import threading
from collections import OrderedDict

import numpy as np

from runtime import dtypes as runtime_dtypes
from runtime.primitive import current_builder
from runtime.tensor import Parameter


# Counts assignments to the attributes of Cells and Cell classes, so that a compilation checks the
# Cell attributes it read only after one changed (guards.py).
_version = 0
_version_lock = threading.Lock()


def cell_version():
    return _version


def _assigned():
    global _version
    with _version_lock:
        _version += 1


class _CellType(type):
    """Cell classes see their class attributes assigned (`Net.scale = 2`) like instances'."""

    def __setattr__(cls, name, value):
        _assigned()
        super().__setattr__(name, value)

    def __delattr__(cls, name):
        _assigned()
        super().__delattr__(name)


class Cell(metaclass=_CellType):
    """The base class of layers, losses and models (MindSpore's `nn.Cell`): subclass it, assign
    Parameters and sub-Cells to attributes in `__init__`, and compute in `construct`. Calling the
    Cell runs `construct`; `autograph.jit(cell)` compiles it.

    Args:
        auto_prefix: prefix the Parameters of sub-Cells with their attribute names (`fc.weight`).

    Methods MindSpore users know: `trainable_params()`, `get_parameters()`,
    `parameters_and_names()`, `parameters_dict()`, `cells_and_names()`, `set_train(mode)`.

    Example:
        >>> import numpy as np
        >>> from autograph import nn, ops, Parameter, Tensor
        >>> class Scale(nn.Cell):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.w = Parameter(Tensor(np.array([2.0], np.float32)), name='w')
        ...     def construct(self, x):
        ...         return x * self.w
        >>> Scale()(Tensor(np.array([1.0, 3.0], np.float32))).asnumpy()
        array([2., 6.], dtype=float32)
        >>> [name for name, _ in Scale().parameters_and_names()]
        ['w']
    """

    def __init__(self, auto_prefix=True):
        object.__setattr__(self, '_params', OrderedDict())
        object.__setattr__(self, '_cells', OrderedDict())
        object.__setattr__(self, '_auto_prefix', auto_prefix)
        object.__setattr__(self, 'training', False)

    def __setattr__(self, name, value):
        if '_params' not in self.__dict__:
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ "
                                 "before assigning attributes")
        self._params.pop(name, None)
        self._cells.pop(name, None)
        if isinstance(value, Parameter):
            if value.name is None:
                value.name = name
            self._params[name] = value
        elif isinstance(value, Cell):
            if self._auto_prefix:
                for path, param in value.parameters_and_names():
                    if param.name == path:
                        param.name = f'{name}.{path}'
            self._cells[name] = value
        object.__setattr__(self, name, value)
        _assigned()

    def __delattr__(self, name):
        self._params.pop(name, None)
        self._cells.pop(name, None)
        object.__delattr__(self, name)
        _assigned()

    def construct(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must define construct()")

    def __call__(self, *args, **kwargs):
        builder = current_builder()
        if builder is not None and builder.lower_call is not None:
            # Called by a library Cell's construct while compiling: lowered like a call in user
            # code, so a user Cell's construct is compiled from its source.
            return builder.lower_call(self, args, kwargs)
        return self.construct(*args, **kwargs)

    def parameters_and_names(self, name_prefix=''):
        """(attribute path, Parameter) for this Cell's own Parameters, then each sub-Cell's in
        definition order; a Parameter reached twice is listed once."""
        seen = set()
        for path, param in self._walk_parameters(name_prefix):
            if id(param) not in seen:
                seen.add(id(param))
                yield path, param

    def _walk_parameters(self, prefix):
        for name, param in self._params.items():
            yield prefix + name, param
        for name, cell in self._cells.items():
            yield from cell._walk_parameters(f'{prefix}{name}.')

    def get_parameters(self):
        return (param for _, param in self.parameters_and_names())

    def trainable_params(self):
        return [param for param in self.get_parameters() if param.requires_grad]

    def untrainable_params(self):
        return [param for param in self.get_parameters() if not param.requires_grad]

    def parameters_dict(self):
        return OrderedDict((param.name, param) for param in self.get_parameters())

    def cells_and_names(self, cell_prefix=''):
        yield cell_prefix, self
        for name, cell in self._cells.items():
            yield from cell.cells_and_names(f'{cell_prefix}.{name}' if cell_prefix else name)

    def cells(self):
        """The direct sub-Cells."""
        return list(self._cells.values())

    def name_cells(self):
        """{attribute: sub-Cell} for the direct sub-Cells."""
        return OrderedDict(self._cells)

    def insert_child_to_cell(self, child_name, child_cell):
        """Register `child_cell` under `child_name`, like assigning the attribute."""
        if not isinstance(child_name, str) or not child_name or '.' in child_name:
            raise KeyError(f"For 'insert_child_to_cell', the name must be a non-empty str without a dot, "
                           f"got {child_name!r}")
        if not isinstance(child_cell, Cell) and child_cell is not None:
            raise TypeError(f"For 'insert_child_to_cell', the child must be a Cell, got {type(child_cell).__name__}")
        setattr(self, child_name, child_cell)

    def insert_param_to_cell(self, param_name, param, check_name_contain_dot=True):
        """Register `param` under `param_name`, like assigning the attribute (an unnamed Parameter
        takes that name)."""
        if not isinstance(param_name, str) or not param_name:
            raise KeyError(f"For 'insert_param_to_cell', the name must be a non-empty str, got {param_name!r}")
        if check_name_contain_dot and '.' in param_name:
            raise KeyError(f"For 'insert_param_to_cell', the name must not contain '.', got {param_name!r}")
        if param_name in self._cells or (param_name in self.__dict__ and param_name not in self._params):
            raise KeyError(f"For 'insert_param_to_cell', {param_name!r} is already an attribute of the Cell")
        if not isinstance(param, Parameter) and param is not None:
            raise TypeError(f"For 'insert_param_to_cell', the value must be a Parameter, got {type(param).__name__}")
        setattr(self, param_name, param)

    def set_grad(self, requires_grad=True):
        """Recorded only, for ported code: gradients here are taken by grad/value_and_grad, which
        need no flag on the network."""
        object.__setattr__(self, 'requires_grad', bool(requires_grad))
        return self

    def set_train(self, mode=True):
        for _, cell in self.cells_and_names():
            object.__setattr__(cell, 'training', mode)
        _assigned()
        return self

    def to_float(self, dst_type):
        """Casts the floating Parameters of this Cell and its sub-Cells to `dst_type` (float16,
        float32 or float64) in place and returns the Cell. MindSpore instead casts the Cell's
        inputs for mixed precision and keeps float32 Parameters; here the Parameters' data
        changes, so NumPy's promotion then computes in the wider of input and Parameter dtypes."""
        np_dtype = runtime_dtypes.to_numpy(dst_type)
        if np_dtype not in (np.float16, np.float32, np.float64):
            raise ValueError(f"For 'to_float', 'dst_type' must be float16, float32 or float64, got {dst_type!r}")
        for param in self.get_parameters():
            if runtime_dtypes.is_float(param._data.dtype):
                param._data = param._data.astype(np_dtype)
        return self

    def extend_repr(self):
        return ''

    def __repr__(self):
        children = [f'({name}): ' + repr(cell).replace('\n', '\n  ') for name, cell in self._cells.items()]
        if not children:
            return f'{type(self).__name__}({self.extend_repr()})'
        own = [self.extend_repr()] if self.extend_repr() else []
        return f'{type(self).__name__}(\n  ' + '\n  '.join(own + children) + '\n)'
