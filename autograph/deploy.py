"""Export for deployment, as MindSpore's `mindspore.export` and `mindspore.load`.

    autograph.export(net, x, file_name='net', file_format='ONNX')    # net.onnx
    autograph.export(net, x, file_name='net', file_format='NUMPY')   # net.py, needs only NumPy
    autograph.export(net, x, file_name='net', file_format='ARRAY_API')   # net.py, any array API library
    graph = autograph.load('net.py'); out = nn.GraphCell(graph)(x)

'ONNX' writes the forward graph for inputs shaped like the examples (onnx_export.py). 'NUMPY'
writes the module `autograph export` writes, with the Parameters' current values inside and an
entry point `predict(*inputs)`. 'ARRAY_API' writes the same module in the array API dialect:
`predict` runs on the arrays of any array API namespace (NumPy, dask.array, CuPy...), the one its
first input has. MindSpore's own formats ('MINDIR', 'AIR') are refused.
"""
import importlib.util
import os
from typing import Any, Callable, Optional

import numpy as np

from runtime.tensor import Tensor
from .cell import Cell
from .codegen.array_api import generate as array_api_generate
from .export import _array_constant, standalone, standalone_array_api
from .ir.printer import identifier

FORMATS = {'ONNX': '.onnx', 'NUMPY': '.py', 'ARRAY_API': '.py'}
"""What `export` writes, and the suffix it adds to a file name without one."""

ENTRY = 'predict'
"""The function a NUMPY export defines: the net's forward with its Parameters bound."""


def export(net: Callable[..., Any], *inputs: Any, file_name: str, file_format: str = 'ONNX',
           **kwargs: Any) -> str:
    """Write `net`'s forward computation, compiled for `inputs`, to a file for deployment.

    Args:
        net: a Cell (or a function) to export; its Parameters' current values go into the file.
        *inputs: example inputs (Tensors or NumPy arrays): the exported model takes inputs of
            these shapes and dtypes.
        file_name: the path to write; the format's suffix ('.onnx', '.py') is added when the
            name has no suffix, as MindSpore does.
        file_format: 'ONNX' (an ONNX model; needs `pip install 'autograph[onnx]'`), 'NUMPY'
            (a Python module that needs only NumPy, with `predict(*inputs)`) or 'ARRAY_API' (that
            module for any array API namespace: `predict` takes its inputs' namespace, as
            array_api_compat finds it). MindSpore's 'MINDIR' and 'AIR' are not written by
            autograph: a ValueError says so.

    Returns the path written.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn, Tensor
        >>> net = nn.Dense(3, 2)
        >>> x = Tensor(np.ones((4, 3), np.float32))
        >>> path = autograph.export(net, x, file_name=os.path.join(tempfile.mkdtemp(), 'dense'),
        ...                         file_format='NUMPY')
        >>> path.endswith('dense.py')
        True
        >>> restored = nn.GraphCell(autograph.load(path))
        >>> np.allclose(restored(x).asnumpy(), net(x).asnumpy())
        True
    """
    if kwargs:
        raise TypeError(f"export: options {sorted(kwargs)} are MindSpore's for its own formats; "
                        "autograph takes none")
    file_format = str(file_format).upper()
    if file_format not in FORMATS:
        named = [repr(f) for f in FORMATS]
        raise ValueError(f"file_format {file_format!r}: autograph writes {', '.join(named[:-1])} and {named[-1]} "
                         "('ONNX' runs in onnxruntime and other ONNX runtimes; 'NUMPY' is a Python module "
                         "needing only NumPy; 'ARRAY_API' one for any array API library). MindSpore's "
                         "'MINDIR' and 'AIR' need MindSpore itself.")
    if not inputs:
        raise ValueError("export needs example inputs: export(net, x, file_name=..., file_format=...)")
    path = file_name if os.path.splitext(file_name)[1] else file_name + FORMATS[file_format]
    training = getattr(net, 'training', None)
    if isinstance(net, Cell):
        net.set_train(False)     # what is deployed is inference: Dropout off, BatchNorm's statistics
    try:
        if file_format == 'ONNX':
            from .onnx_export import to_onnx
            data = to_onnx(net, *inputs).SerializeToString()
            with open(path, 'wb') as out:
                out.write(data)
        else:
            text = numpy_module(net, *inputs, array_api=file_format == 'ARRAY_API')
            with open(path, 'w') as out:
                out.write(text)
    finally:
        if isinstance(net, Cell) and training is not None:
            net.set_train(training)
    return path


def numpy_module(net: Callable[..., Any], *inputs: Any, array_api: bool = False) -> str:
    """The source of a NUMPY export: the standalone generated module, the Parameters as arrays,
    and `predict(*inputs)`; with `array_api`, of an ARRAY_API export (the array API dialect,
    the Parameters made arrays of the first input's namespace at each call)."""
    from .onnx_export import compile_for
    compiled = compile_for(net, inputs)
    if array_api:
        generated = array_api_generate(compiled.graph)
        source = standalone_array_api(generated.source, generated.namespace, generated.name,
                                      compiled.input_shapes())
    else:
        source = standalone(compiled.generated.source, compiled.generated.namespace,
                            compiled.input_shapes(), compiled.generated.name)
    taken = set(compiled.generated.namespace) | {compiled.fn.__name__, ENTRY}
    weights = []
    for k, parameter in enumerate(compiled.implicit):
        base = identifier(f'weight_{getattr(parameter, "name", None) or k}')
        name, n = base, 0
        while name in taken or name in source:
            n += 1
            name = f'{base}_{n}'
        taken.add(name)
        array = np.asarray(parameter.asnumpy() if hasattr(parameter, 'asnumpy') else parameter)
        weights.append((name, array))
    arguments = [f'x{k}' for k in compiled.array_positions]
    lines = ['', '', "# The Parameters' values when the net was exported."]
    lines += [_array_constant(name, array) for name, array in weights]
    lines += ['', '', f'def {ENTRY}({", ".join(arguments)}):',
              f'    """{getattr(net, "__class__", type(net)).__name__} forward, for inputs of shapes '
              f'{[tuple(np.shape(i)) for i in inputs]}."""']
    held = [n for n, _ in weights]
    if array_api:
        lines.append(f'    xp = namespace_of({arguments[0]})' if arguments else '    xp = np')
        held = [f'xp.asarray({n})' for n in held]
    lines += [f'    return {compiled.fn.__name__}({", ".join(arguments + held)})', '']
    return source.rstrip('\n') + '\n' + '\n'.join(lines)


class LoadedGraph:
    """What `load` returns: the exported forward function (`fn`), its file and source. Wrap it in
    `nn.GraphCell` to call it like the Cell it came from.

    Example:
        >>> import autograph
        >>> graph = autograph.load('net.py')      # doctest: +SKIP
        >>> graph.fn(x)                            # doctest: +SKIP
    """

    def __init__(self, fn: Callable[..., Any], file_name: str, source: str) -> None:
        self.fn = fn
        self.file_name = file_name
        self.source = source

    def __call__(self, *inputs: Any) -> Any:
        return self.fn(*inputs)

    def __repr__(self) -> str:
        return f'LoadedGraph({self.file_name!r})'


def load(file_name: str, **kwargs: Any) -> LoadedGraph:
    """Load a model that `export(..., file_format='NUMPY')` wrote, as MindSpore's `load` loads
    a MindIR file: the result runs wrapped in `nn.GraphCell`.

    Args:
        file_name: the `.py` file written by export.

    Returns a LoadedGraph (`.fn` is the module's `predict`). An ONNX file is for an ONNX
    runtime (`onnxruntime.InferenceSession(file_name)`); load says so.

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> import autograph
        >>> from autograph import nn, Tensor
        >>> net = nn.Dense(3, 2)
        >>> path = autograph.export(net, Tensor(np.ones((1, 3), np.float32)),
        ...                         file_name=os.path.join(tempfile.mkdtemp(), 'm.py'), file_format='NUMPY')
        >>> autograph.load(path).fn(np.ones((1, 3), np.float32)).shape
        (1, 2)
    """
    if kwargs:
        raise TypeError(f"load: options {sorted(kwargs)} are MindSpore's for MindIR; autograph takes none")
    suffix = os.path.splitext(file_name)[1].lower()
    if suffix in ('.onnx', '.mindir', '.air'):
        raise ValueError(f"{file_name}: autograph.load reads the NUMPY format (.py) that export writes; "
                         "run an ONNX model with onnxruntime.InferenceSession, a MindIR with MindSpore")
    if not os.path.isfile(file_name):
        raise FileNotFoundError(f"no exported model at {file_name!r}")
    module_name = f'_autograph_loaded_{abs(hash(os.path.abspath(file_name)))}'
    spec = importlib.util.spec_from_file_location(module_name, file_name)
    if spec is None or spec.loader is None:
        raise ValueError(f"{file_name} cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn: Optional[Callable[..., Any]] = getattr(module, ENTRY, None)
    if fn is None:
        raise ValueError(f"{file_name} defines no {ENTRY}(); is it a module autograph.export wrote "
                         "with file_format='NUMPY'?")
    with open(file_name) as source:
        return LoadedGraph(fn, file_name, source.read())


class GraphCell(Cell):
    """A Cell that runs a loaded graph (MindSpore's `nn.GraphCell`): Tensors in, Tensors out;
    NumPy arrays in, NumPy arrays out.

    Args:
        graph: what `autograph.load` returned.

    Example:
        >>> import autograph
        >>> from autograph import nn
        >>> cell = nn.GraphCell(autograph.load('net.py'))   # doctest: +SKIP
        >>> cell(x)                                          # doctest: +SKIP
    """

    def __init__(self, graph: LoadedGraph, params_init: Any = None) -> None:
        super().__init__()
        if not isinstance(graph, LoadedGraph):
            raise TypeError(f"GraphCell takes what autograph.load returns, not a {type(graph).__name__}")
        if params_init is not None:
            raise ValueError("GraphCell: an exported model holds its Parameters' values; params_init "
                             "cannot replace them")
        self.graph = graph

    def construct(self, *inputs: Any) -> Any:
        tensors = any(isinstance(i, Tensor) for i in inputs)
        out = self.graph.fn(*(i.asnumpy() if isinstance(i, Tensor) else i for i in inputs))
        if not tensors:
            return out
        if isinstance(out, tuple):
            return tuple(Tensor(np.asarray(o)) for o in out)
        return Tensor(np.asarray(out))
