"""Every module autograph generates anywhere in the suite is checked before it runs
(tests/codegen/checks.py: it compiles, round-trips, its names are plain identifiers and its
constants are literals or namespace names)."""
import pytest

from autograph.codegen.load import CHECKS
from tests.codegen.checks import check_generated


@pytest.fixture(autouse=True, scope='session')
def check_every_generated_module():
    CHECKS.append(check_generated)
    yield
    CHECKS.remove(check_generated)


@pytest.fixture(autouse=True)
def no_global_seed_left_behind():
    """A test (or a README block) that calls autograph.set_seed must not change how the next
    test's initial weights are drawn: those tests seed NumPy's global generator instead."""
    yield
    from autograph.seed import get_seed, set_seed
    if get_seed() is not None:
        set_seed(None)
