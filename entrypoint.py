#!/usr/bin/env python3
"""The Docker action's entry point: hands over to the package."""

import gc
import os
import sys

# The process is short-lived and allocates little after start-up: collecting garbage while the
# dependencies are imported only costs time (about 10 % of a run).
gc.disable()
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from iftrue_deploy.main import main  # noqa: E402

if __name__ == "__main__":
    gc.enable()
    sys.exit(main())
