"""`autograph.ops`: the functional API with MindSpore's names. It runs eagerly on Tensors and is
compiled inside `jit`/`grad`. The definitions live in `runtime.ops`, beside the primitives."""
from runtime.ops import *  # noqa: F401,F403
from runtime.ops import __all__  # noqa: F401
