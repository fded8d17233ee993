"""NumPy kernels that NumPy lacks, one module per primitive family (named as in `primitives` and
`ops`). Each is a short, fast NumPy function; generated code imports them from here (`from
runtime.kernels import sigmoid`), so every kernel is re-exported under its own name. This package
needs only NumPy: importing it loads no other part of the runtime."""
from .activations import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .shapes import *  # noqa: F401,F403
from .state import *  # noqa: F401,F403
from .subscript import *  # noqa: F401,F403
