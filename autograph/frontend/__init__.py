"""Frontend: user source -> IR. `parse` reads and parses source; `lower` evaluates it over IR values."""
from .lower import Lowering
from .parse import parse_function
