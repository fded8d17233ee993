"""NumPy kernels that NumPy itself lacks, one module per primitive family. Each is a short, fast
NumPy function; generated code imports them from here (`from runtime.kernels import sigmoid`),
so every kernel is re-exported under its own name."""
from .activations import *  # noqa: F401,F403
from .array import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .state import *  # noqa: F401,F403
from .subscript import *  # noqa: F401,F403
