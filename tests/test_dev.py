"""`python3 dev.py demo` on a fresh copy (README "Development"): it sets up only what the action
needs, says each step in one numbered line, passes none of pip's chatter through, prints the
record, and a second call sets nothing up. Installs requirements.txt from the package index (as a
newcomer's first call does), so it takes some seconds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.wheel import ROOT

# What a fresh clone holds that `demo` needs (the tests, the docs and the rest are left behind).
NEEDED = ("dev.py", "requirements.txt", "requirements-dev.txt", "pyproject.toml", "README.md", "LICENSE")


def fresh_copy(into: Path) -> Path:
    for name in NEEDED:
        shutil.copy2(ROOT / name, into / name)
    shutil.copytree(ROOT / "src", into / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "examples" / "events", into / "examples" / "events")
    return into


def demo(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "dev.py", "demo"], cwd=folder, capture_output=True, text=True, timeout=600, check=False
    )


def test_demo_sets_up_only_the_action_and_says_each_step(tmp_path: Path) -> None:
    folder = fresh_copy(tmp_path)
    first = demo(folder)
    assert first.returncode == 0, first.stdout + first.stderr
    steps = [line for line in first.stderr.splitlines() if line.startswith("dev.py: [")]
    assert [line.split("]", 1)[0] for line in steps] == ["dev.py: [1/2", "dev.py: [2/2"], first.stderr
    assert "requirements.txt" in steps[1]
    # Nothing but dev.py's own lines on stderr: no pip warnings, no progress bars.
    assert all(line.startswith("dev.py: ") for line in first.stderr.splitlines()), first.stderr
    assert "commit_id" in first.stdout and "c4295bd74fb0f4fda03689c3df3f2803b658fd85" in first.stdout
    assert "Dry run: nothing was sent to iftrue." in first.stdout
    # Only the action's packages: no test runner, no linter, no act.
    bin_dir = folder / ".venv" / "bin"
    assert not any((bin_dir / tool).exists() for tool in ("pytest", "ruff", "mypy", "act", "zizmor"))
    second = demo(folder)
    assert second.returncode == 0
    assert second.stderr == "", second.stderr  # ready: no set-up at all
    assert second.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]
