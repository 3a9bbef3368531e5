"""What every section shares: the child-process runner, Markdown output, the stand-ins, the action's
environment. The scenarios, payloads, runner and stand-ins are the test suite's, imported."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import scenarios
from tests.conftest import IFTRUE_TOKEN
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BASELINE = BENCH / "baseline_post.py"
MEASURE = BENCH / "_measure.py"

RUN_TIMEOUT = 60.0
HEX40 = re.compile(r"\b[0-9a-f]{40}\b")


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def out(text: str = "") -> None:
    print(text, flush=True)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


# --------------------------------------------------------------------------- child processes


@dataclass
class Child:
    returncode: int
    seconds: float
    maxrss_kb: int  # this child's own peak RSS (os.wait4), in KiB
    stdout: str
    stderr: str
    timed_out: bool = False


def run_child(argv: list[str], env: dict[str, str], cwd: str | None, timeout: float) -> Child:
    """Runs one process: wall time from fork to reaped, and that process's own peak RSS.

    The process is forked by the small launcher bench/_measure.py, which times it and reads its
    rusage with ``os.wait4``: spawned from this (large) process directly, ru_maxrss would include
    this process's RSS, because the high-water mark survives exec. Output goes to files so that
    the child can never block on a full pipe.
    """
    with (
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
        tempfile.NamedTemporaryFile(prefix="iftrue-bench-", suffix=".json") as result,
    ):
        launcher = [sys.executable, "-S", "-I", str(MEASURE), result.name, str(timeout), "--", *argv]
        proc = subprocess.Popen(  # noqa: S603 - this interpreter and the action's entrypoint
            launcher, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr
        )
        try:
            proc.wait(timeout + 15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stdout.seek(0)
        stderr.seek(0)
        text_out = stdout.read().decode(errors="replace")
        text_err = stderr.read().decode(errors="replace")
        try:
            measured = json.loads(Path(result.name).read_text())
        except ValueError:
            return Child(proc.returncode or -1, float("nan"), 0, text_out, text_err + "\n(launcher failed)", True)
        return Child(
            int(measured["returncode"]),
            float(measured["seconds"]),
            int(measured["maxrss_kb"]),
            text_out,
            text_err,
            bool(measured["timed_out"]),
        )


# --------------------------------------------------------------------------- the action's environment


def action_env(env: dict[str, str], inputs: dict[str, str]) -> dict[str, str]:
    """The environment tests/conftest.py's run_action gives entrypoint.py (inputs as INPUT_<NAME>).

    run_action itself cannot be used here: it runs the process with subprocess.run, and the
    benchmark needs the launcher's timing and peak RSS."""
    full = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **env}
    for name, value in inputs.items():
        full[f"INPUT_{name.upper()}"] = value
    return full


@contextlib.contextmanager
def standins() -> Iterator[tuple[GitHubStandIn, IftrueStandIn]]:
    """The tests' two stand-ins (as their `github` and `iftrue` fixtures give them), stopped on exit."""
    with contextlib.ExitStack() as stack:
        github = scenarios.github_standin()
        stack.callback(github.stop)
        iftrue = IftrueStandIn(IFTRUE_TOKEN).start()
        stack.callback(iftrue.stop)
        yield github, iftrue


def reset_files(env: dict[str, str]) -> None:
    for key in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        Path(env[key]).write_text("")


def short_path(path: str) -> str:
    path = re.sub(r"^/repos/[^/]+/[^/]+", "", path) or "/"
    return HEX40.sub("{sha}", path)


def first_command(text: str, kind: str = "error") -> str:
    for line in text.splitlines():
        if line.startswith(f"::{kind}"):
            return line.split("::", 2)[-1][:300]
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
