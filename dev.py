#!/usr/bin/env python3
"""Set up, try and test this project with nothing but a Python 3.11+ interpreter.

    python3 dev.py demo     # set up, then the action's main job: a dry run on the bundled event
    python3 dev.py test     # set up, then the whole test suite (extra arguments go to pytest)
    python3 dev.py lint     # set up, then every linter CI runs (.ci/lint)
    python3 dev.py setup    # only the set-up
    python3 dev.py lock     # rewrite portable/requirements.txt from requirements.txt, with hashes
    python3 dev.py mutate   # set up, then mutation testing (.ci/mutation.py; a module: derive/source.py)

The set-up is a virtual environment in `.venv` with requirements.txt, requirements-dev.txt and
this package (editable) installed; it is redone only when one of those files changes, so a second
call starts at once. It uses only the standard library, so it works with a distribution's
`python3` that refuses `pip install` (PEP 668) and even one without `ensurepip` (Debian's
python3 without python3-venv): then the environment is created without pip and pip is installed
into it from its wheel on PyPI, checked against the SHA-256 PyPI publishes.
"""

# Every command it runs is built here from fixed parts (this interpreter, .venv, bash, pytest).
# ruff: noqa: S603

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".iftrue-dev-stamp"
INPUTS = ("requirements.txt", "requirements-dev.txt", "pyproject.toml")
EVENT = ROOT / "examples" / "events" / "pull_request-merged.json"
LOCK = ROOT / "portable" / "requirements.txt"
PYPI = "https://pypi.org/simple"


def say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def venv_bin() -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin")


def venv_python() -> Path:
    return venv_bin() / ("python.exe" if os.name == "nt" else "python")


def run(*command: str | os.PathLike[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"dev.py: failed (exit {done.returncode}): {' '.join(str(part) for part in command)}")


def fingerprint() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def pypi_files(name: str) -> list[dict[str, Any]]:
    """Every file PyPI has for a project, from its JSON simple index (PEP 691)."""
    request = urllib.request.Request(  # noqa: S310 (a constant https URL)
        f"{PYPI}/{re.sub(r'[-_.]+', '-', name).lower()}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        files: list[dict[str, Any]] = json.load(answer)["files"]
    return files


def file_release(filename: str) -> tuple[str, str]:
    """(normalized project name, version) of a wheel or source archive's file name."""
    if filename.endswith(".whl"):
        name, version = filename.split("-")[:2]
    else:
        name, _, version = re.sub(r"\.(tar\.gz|zip)$", "", filename).rpartition("-")
    return re.sub(r"[-_.]+", "-", name).lower(), version


def bootstrap_pip() -> None:
    """Installs pip into a venv made --without-pip, from pip's newest wheel on PyPI."""
    wheels = [
        entry
        for entry in pypi_files("pip")
        if entry["filename"].endswith("-py3-none-any.whl") and not entry.get("yanked")
    ]
    wheel = max(wheels, key=lambda entry: str(entry.get("upload-time", "")))
    say(f"this python has no ensurepip: installing pip into .venv from {wheel['filename']}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / wheel["filename"]
        with urllib.request.urlopen(wheel["url"], timeout=120) as answer:  # noqa: S310 (PyPI's https URL)
            path.write_bytes(answer.read())
        if hashlib.sha256(path.read_bytes()).hexdigest() != wheel["hashes"]["sha256"]:
            raise SystemExit(f"dev.py: {wheel['filename']} does not match the SHA-256 PyPI gives for it")
        # A wheel is a zip archive that Python can import from: pip installs itself from it.
        run(venv_python(), str(path / "pip"), "install", "--quiet", "--disable-pip-version-check", str(path))


def create_venv() -> None:
    if VENV.exists():
        shutil.rmtree(VENV)
    say(f"creating {VENV.name} with {sys.executable} (Python {sys.version.split()[0]})")
    made = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True, check=False)
    if made.returncode == 0:
        return
    if "ensurepip" not in made.stdout + made.stderr:
        raise SystemExit(f"dev.py: python3 -m venv failed:\n{made.stdout}{made.stderr}")
    shutil.rmtree(VENV, ignore_errors=True)
    run(sys.executable, "-m", "venv", "--without-pip", VENV)
    bootstrap_pip()


def setup() -> None:
    """Creates or refreshes .venv unless it already matches the requirements and pyproject.toml."""
    # dev.py may be started by an older python3 than the project supports: say so plainly.
    if sys.version_info < (3, 11):  # noqa: UP036
        raise SystemExit(f"dev.py: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    wanted = fingerprint()
    if venv_python().exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not venv_python().exists():
        create_venv()
    say("installing requirements.txt, requirements-dev.txt and the package into .venv")
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    run(*pip, "-r", "requirements.txt", "-r", "requirements-dev.txt")
    # -qq: setuptools' deprecation notices about pyproject.toml are not news to someone trying this.
    run(*pip, "--quiet", "--no-deps", "--editable", ".")
    STAMP.write_text(wanted)


def venv_env() -> dict[str, str]:
    """This environment with .venv's commands (pytest, ruff, act, iftrue-deploy …) first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(venv_bin()), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(VENV)
    return env


def demo() -> int:
    """The action's main job as a dry run on the bundled merged-pull-request event."""
    env = venv_env()
    # Only the event and the flags decide the record: no token or setting from this shell.
    for name in list(env):
        if name.startswith(("IFTRUE_", "INPUT_")) or name in ("GITHUB_TOKEN", "GITHUB_ACTIONS"):
            del env[name]
    command = [
        str(venv_python()),
        "-m",
        "iftrue_deploy",
        "--dry-run",
        "--event",
        str(EVENT.relative_to(ROOT)),
        "--event-name",
        "pull_request",
    ]
    print("$ iftrue-deploy " + " ".join(command[3:]), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def pytest(arguments: list[str]) -> int:
    return subprocess.run(
        [str(venv_python()), "-m", "pytest", *arguments], cwd=ROOT, env=venv_env(), check=False
    ).returncode


def lint() -> int:
    bash = shutil.which("bash")
    if bash is None:
        raise SystemExit("dev.py: .ci/lint needs bash")
    return subprocess.run([bash, ".ci/lint"], cwd=ROOT, env=venv_env(), check=False).returncode


def mutate(arguments: list[str]) -> int:
    """Mutation testing with mutmut, one module at a time (.ci/mutation.py says how)."""
    command = [str(venv_python()), str(ROOT / ".ci" / "mutation.py"), *arguments]
    return subprocess.run(command, cwd=ROOT, env=venv_env(), check=False).returncode


def lock() -> int:
    """portable/requirements.txt: requirements.txt's pins with the SHA-256 of every file PyPI has."""
    lines = [
        "# Generated by `python3 dev.py lock` from requirements.txt: the same pins, with the SHA-256 of",
        "# every file PyPI has for each (wheels for every platform, and the source archive), so that",
        "# the portable action installs them with `pip install --require-hashes --no-deps`.",
        "# tests/test_metadata.py checks that the pins agree with requirements.txt.",
    ]
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if not requirement:
            continue
        name, _, version = requirement.partition("==")
        if not version:
            raise SystemExit(f"dev.py: requirements.txt must pin with ==: {line!r}")
        wanted = (re.sub(r"[-_.]+", "-", name).lower(), version)
        files = [entry for entry in pypi_files(name) if file_release(entry["filename"]) == wanted]
        digests = sorted({entry["hashes"]["sha256"] for entry in files})
        if not digests:
            raise SystemExit(f"dev.py: PyPI lists no files for {name}=={version}")
        lines.append(f"{name}=={version} \\")
        lines += [
            f"    --hash=sha256:{digest}" + (" \\" if i < len(digests) - 1 else "") for i, digest in enumerate(digests)
        ]
    LOCK.write_text("\n".join(lines) + "\n")
    say(f"wrote {LOCK.relative_to(ROOT)}")
    return 0


def main(argv: list[str]) -> int:
    commands = ("setup", "demo", "test", "lint", "lock", "mutate")
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    command, arguments = argv[0], argv[1:]
    if command == "lock":
        return lock()
    setup()
    if command == "demo":
        return demo()
    if command == "test":
        return pytest(arguments)
    if command == "lint":
        return lint()
    if command == "mutate":
        return mutate(arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
