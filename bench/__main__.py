"""`python3 -m bench`: the same as `python3 bench/benchmark.py`."""

import sys

from bench.cli import main

sys.exit(main())
