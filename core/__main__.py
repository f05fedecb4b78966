"""`python -m core ...` runs the command-line interface (same as `backbone-studio-cli`)."""

import sys

from .cli import main

sys.exit(main())
