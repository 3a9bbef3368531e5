#!/usr/bin/env python3
"""The Docker action's entry point: hands over to the package."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from iftrue_deploy.main import main

if __name__ == "__main__":
    sys.exit(main())
