"""The docker client, and the one check that skips a test (saying why) when no engine answers.

On CI (`CI=true` in the environment pytest runs in) a missing client or engine fails the test
instead: CI must run the container and act tests, not report them skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def docker(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, env=env, check=False)


def engine_problem() -> str | None:
    """Why no container engine can be used (None when a docker client is on PATH and an engine
    answers `docker info`): the check itself, for callers that are not tests (bench/)."""
    if shutil.which("docker") is None:
        return "no `docker` client on PATH"
    try:
        info = docker("info", "--format", "{{.ServerVersion}}", timeout=60)
    except subprocess.TimeoutExpired:
        return "`docker info` did not answer within 60 s: no container engine is reachable"
    if info.returncode != 0:
        reason = (info.stderr or info.stdout).strip().splitlines()
        return f"`docker info` failed, no container engine is reachable: {reason[-1] if reason else info.returncode}"
    return None


def skip_or_fail_on_ci(reason: str) -> None:
    """Skips the test with `reason`; on CI (CI=true) fails it, since CI must run it."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, and this test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def skip_without_engine(needed_by: str) -> None:
    """Skips (fails on CI) unless a docker client is on PATH and an engine answers `docker info`."""
    problem = engine_problem()
    if problem:
        skip_or_fail_on_ci(f"{problem} ({needed_by} a Docker-compatible engine)")


# The base image tests build from: a plain tag that a local engine can provide (the Dockerfile's
# FROM lines are digest-pinned, which stand-in images cannot meet).
PYTHON_IMAGE = os.environ.get("IFTRUE_TEST_PYTHON_IMAGE", "python:3.13-slim")
BUILD_TIMEOUT = 1800
PINNED_FROM = re.compile(r"^FROM python:[\w.-]+@sha256:[0-9a-f]{64}(?= AS |$)", re.M)


def dockerfile_with_base(dockerfile: str, base: str = PYTHON_IMAGE) -> str:
    """The Dockerfile's text with every digest-pinned `FROM python:…@sha256:…` naming `base`."""
    rewritten, count = PINNED_FROM.subn(f"FROM {base}", dockerfile)
    if count == 0:
        raise AssertionError("the Dockerfile has no `FROM python:<tag>@sha256:<digest>` line")
    return rewritten


def build_action_image(tag: str, context: Path, *, python_image: str = PYTHON_IMAGE, no_cache: bool = False) -> float:
    """Builds the action's image from the Dockerfile as `tag`; fails the test if it cannot.
    Returns the seconds the build took. (`no_cache`: a cold build, for bench/.)"""
    cache = ["--no-cache"] if no_cache else []
    with tempfile.TemporaryDirectory() as folder:
        dockerfile = Path(folder) / "Dockerfile"
        dockerfile.write_text(dockerfile_with_base((context / "Dockerfile").read_text(), python_image))
        started = time.monotonic()
        try:
            built = docker(
                "build", *cache, "--file", str(dockerfile), "--tag", tag, str(context), timeout=BUILD_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            built = None
    if built is None:
        pytest.fail(f"docker build did not finish within {BUILD_TIMEOUT} s")
    if built.returncode != 0:
        pytest.fail(f"docker build failed (exit {built.returncode}):\n{built.stdout[-6000:]}\n{built.stderr[-6000:]}")
    return time.monotonic() - started
