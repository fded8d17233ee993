"""`python -m autograph`: the command line (autograph.cli)."""
import sys

from .cli import main

sys.exit(main())
