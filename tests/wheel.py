"""The package as PyPI would get it: a wheel built from this working tree, once per test session.

The release workflow builds the same way (.github/workflows/release.yml, job `package`). Tests
install it into a fresh virtual environment (tests/test_package.py) or into a CI system's image
(tests/test_ci_snippets.py), with its dependencies from PyPI.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_version() -> str:
    version: str = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    return version


def build_wheel(into: Path) -> Path:
    """Builds the wheel into ``into`` and returns its path (pip's PEP 517 build, as `python -m
    build --wheel` does, with setuptools in an isolated build environment)."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(into), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = into.glob("iftrue_deploy-*.whl")
    return wheel
