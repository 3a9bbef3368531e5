#!/usr/bin/env python3
"""Benchmarks of the iftrue deployment action, printed as Markdown: the entry point README names.

    python3 bench/benchmark.py [--skip-image] [--quick] [--runs N] [--profile] [--check] ...

The benchmark itself is the package bench/ (see bench/__init__.py); this script only runs it.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's directory (bench/) is sys.path[0]; the package's modules must be
# imported as bench.*, from the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
