"""autograph: automatic differentiation that compiles Python and NumPy to readable Python source.

    import autograph
    from autograph import nn, ops, Tensor, Parameter

    grad_fn = autograph.grad(loss_fn, (2, 3))   # MindSpore's grad / value_and_grad
    print(autograph.get_source(grad_fn))        # the generated adjoint, as Python
"""
from runtime.dtypes import (bool_, complex64, complex128, float16, float32, float64, int8, int16,
                            int32, int64, uint8, uint16, uint32, uint64)
from runtime.tensor import Parameter, ParameterTuple, Tensor
from runtime.sparse import COOTensor, CSRTensor
from . import common, dataset, nn, ops
from .api import get_ir, get_source, grad, jit, value_and_grad
from .cache import set_cache_size, set_log_level
from .context import (GRAPH_MODE, PYNATIVE_MODE, ParallelMode, get_auto_parallel_context, get_context,
                      reset_auto_parallel_context, set_auto_parallel_context, set_context)
from .frontend.custom import custom_vjp
from .transforms import GradOperation, check_grad, hessian, jacfwd, jacrev, jvp, jvp_function, vjp
from .vectorize import vmap
from .errors import CompileError, DynamicShapeError
from .serialization import load_checkpoint, load_param_into_net, save_checkpoint
from .seed import get_seed, set_seed
from . import train
# Data-parallel training on a Dask cluster; Dask itself is imported only when a cluster is used.
from . import communication, distributed
from .train import Model
from ._version import __version__
# `autograph.export` is MindSpore's export function. The module of the same name (the standalone
# NumPy writer) is imported first, so that it is in sys.modules and its later imports do not
# rebind the package attribute to the module.
from . import export as _standalone_module
from .deploy import export, load
del _standalone_module

# MindSpore also offers the transformations under `ops` (ops.GradOperation, ops.grad, ...).
for _transform in (GradOperation, grad, value_and_grad, vjp, jvp, jacrev, jacfwd, vmap):
    setattr(ops, _transform.__name__, _transform)
del _transform
