"""The docker client, and the one check that skips a test (saying why) when no engine answers."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def skip_without_engine(needed_by: str) -> None:
    """Skips unless a docker client is on PATH and an engine answers `docker info`."""
    problem = engine_problem()
    if problem:
        pytest.skip(f"{problem} ({needed_by} a Docker-compatible engine)")


# The base image tests build from: a plain tag that a local engine can provide (the Dockerfile's
# default is digest-pinned, which stand-in images cannot meet).
PYTHON_IMAGE = os.environ.get("IFTRUE_TEST_PYTHON_IMAGE", "python:3.13-slim")
BUILD_TIMEOUT = 1800


def build_action_image(tag: str, context: Path, *, python_image: str = PYTHON_IMAGE, no_cache: bool = False) -> float:
    """Builds the action's image from the Dockerfile as `tag`; fails the test if it cannot.
    Returns the seconds the build took. (`no_cache`: a cold build, for bench/.)"""
    started = time.monotonic()
    cache = ["--no-cache"] if no_cache else []
    try:
        built = docker(
            "build",
            *cache,
            "--build-arg",
            f"PYTHON_IMAGE={python_image}",
            "--tag",
            tag,
            str(context),
            timeout=BUILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"docker build did not finish within {BUILD_TIMEOUT} s")
    if built.returncode != 0:
        pytest.fail(f"docker build failed (exit {built.returncode}):\n{built.stdout[-6000:]}\n{built.stderr[-6000:]}")
    return time.monotonic() - started
