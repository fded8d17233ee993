"""The typed modules stay typed: mypy, configured in pyproject.toml ([tool.mypy]: strict on the
IR and the primitive declarations, annotated on the public API), passes on every path it lists.

mypy runs once, in a subprocess, with a cache of its own under pytest's temporary directory; then
each configured path is one test, so a failure names the module that broke and shows only its
errors."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

try:
    import tomllib
except ImportError:         # Python 3.10: mypy depends on tomli there
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / 'pyproject.toml').read_text())['tool']['mypy']
MESSAGE = re.compile(r'^(?P<path>[^:\n]+\.py):\d+: (error|note): ')


@pytest.fixture(scope='module')
def mypy_output(tmp_path_factory):
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.fail("mypy is not installed; it is in the test extra: pip install -e '.[test]'")
    cache = tmp_path_factory.mktemp('mypy_cache')
    run = subprocess.run([sys.executable, '-m', 'mypy', '--cache-dir', str(cache), '--no-color-output',
                          '--no-error-summary', '--show-error-codes'],
                         cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env={**os.environ, 'MYPY_FORCE_COLOR': '0'})
    return run.returncode, run.stdout + run.stderr


def _errors_under(output, path):
    """The error lines (and the notes that follow them) that mypy reported for `path`."""
    lines, keep = [], False
    for line in output.splitlines():
        match = MESSAGE.match(line)
        if match:
            keep = pathlib.PurePath(match['path']).is_relative_to(path)
        elif not line.startswith(' '):      # indented lines continue the message above
            keep = False
        if keep:
            lines.append(line)
    return lines


@pytest.mark.parametrize('path', CONFIG['files'])
def test_module_passes_mypy(mypy_output, path):
    _, output = mypy_output
    errors = _errors_under(output, path)
    assert not errors, f'mypy finds {path} wrong:\n' + '\n'.join(errors)


def test_mypy_passes_as_a_whole(mypy_output):
    """Nothing else fails either: the configuration itself, an error in a file not listed."""
    code, output = mypy_output
    assert code == 0, f'mypy exits with {code}:\n{output}'
