"""autograph's version: pyproject.toml holds it, the installed package's metadata reports it."""
import pathlib
import re
from importlib import metadata


def _version() -> str:
    try:
        return metadata.version('autograph')
    except metadata.PackageNotFoundError:
        # A source tree on sys.path without an install: read the project file it sits in.
        project = pathlib.Path(__file__).resolve().parent.parent / 'pyproject.toml'
        found = re.search(r'^version\s*=\s*"([^"]+)"', project.read_text(), re.M) if project.exists() else None
        return found.group(1) if found else '0+unknown'


__version__ = _version()
