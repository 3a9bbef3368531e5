"""The package on PyPI (README "Command line"): its wheel's metadata and command, and that it runs
from a fresh virtual environment with nothing else installed — what `pipx run iftrue-deploy` and
`uvx iftrue-deploy` do: install the package named `iftrue-deploy` and run its command of the same
name. The dependencies come from PyPI; the wheel is built from this working tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import pytest
from tests.conftest import EVENTS, IFTRUE_TOKEN
from tests.standins.iftrue import IftrueStandIn
from tests.wheel import ROOT, build_wheel, package_version


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtual environment with the wheel installed, and its dependencies from the index."""
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    python = folder / ("Scripts" if os.name == "nt" else "bin") / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    yield folder


def metadata(wheel: Path) -> tuple[dict[str, list[str]], str]:
    with zipfile.ZipFile(wheel) as archive:
        info = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
        message = Parser().parsestr(archive.read(info).decode())
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return fields, entry_points


def test_the_wheel_is_the_package_pipx_and_uvx_run(wheel: Path) -> None:
    fields, entry_points = metadata(wheel)
    assert fields["Name"] == ["iftrue-deploy"]  # `pipx run iftrue-deploy` / `uvx iftrue-deploy`
    assert fields["Version"] == [package_version()]
    assert fields["Requires-Python"] == [">=3.11"]
    assert fields["License-Expression"] == ["MIT"]
    # The command of the same name, so that pipx and uvx find it without --spec/--from.
    assert "[console_scripts]\niftrue-deploy = iftrue_deploy.cli:main" in entry_points
    needs = {requirement.split("<")[0].split(">")[0].split("=")[0].strip() for requirement in fields["Requires-Dist"]}
    assert needs == {"PyGithub", "requests", "pydantic", "PyYAML"}  # and no development tools
    assert fields["Description-Content-Type"] == ["text/markdown"]
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "iftrue_deploy/cli.py" in names and "iftrue_deploy/vocabulary.py" in names
    assert not [name for name in names if name.startswith(("tests/", "bench/"))]


def command(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / "iftrue-deploy"


def run(venv: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, outside any checkout, with nothing of this project on the path."""
    return subprocess.run(
        [str(command(venv)), *args],
        env={"PATH": str(command(venv).parent), **(env or {})},
        cwd=str(venv),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_installed_command_runs_alone(venv: Path) -> None:
    done = run(venv, "--version")
    assert (done.returncode, done.stdout) == (0, f"iftrue-deploy {package_version()}\n")
    # The code is the installed copy, not this working tree.
    where = subprocess.run(
        [str(command(venv).parent / "python"), "-c", "import iftrue_deploy; print(iftrue_deploy.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(venv) in where and str(ROOT / "src") not in where


def test_the_installed_command_reports(venv: Path, iftrue: IftrueStandIn) -> None:
    event = EVENTS / "pull_request-closed-merged.json"
    done = run(
        venv,
        "--event",
        str(event),
        "--event-name",
        "pull_request",
        "--api-url",
        iftrue.url,
        env={"IFTRUE_TOKEN": IFTRUE_TOKEN},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (record,) = iftrue.records
    assert (record["pull_request_number"], record["branch"]) == (2, "changes")
    assert IFTRUE_TOKEN not in done.stdout + done.stderr
