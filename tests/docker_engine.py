"""The docker client, and the one check that skips a test (saying why) when no engine answers."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def docker(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, env=env, check=False)


def skip_without_engine(needed_by: str) -> None:
    """Skips unless a docker client is on PATH and an engine answers `docker info`."""
    if shutil.which("docker") is None:
        pytest.skip(f"no `docker` client on PATH: {needed_by} a Docker-compatible engine")
    try:
        info = docker("info", "--format", "{{.ServerVersion}}", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.skip("`docker info` did not answer within 60 s: no container engine is reachable")
    if info.returncode != 0:
        reason = (info.stderr or info.stdout).strip().splitlines()
        pytest.skip(
            f"`docker info` failed, no container engine is reachable: {reason[-1] if reason else info.returncode}"
        )
