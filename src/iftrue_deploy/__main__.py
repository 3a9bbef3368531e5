"""``python -m iftrue_deploy``: the command-line program."""

import sys

from .cli import main

sys.exit(main())
