#!/usr/bin/env python3
"""Set up, try and test this project with nothing but a Python 3.11+ interpreter.

    python3 dev.py demo          # the action's main job: a dry run on the bundled event (seconds)
    python3 dev.py test          # the whole test suite (extra arguments go to pytest)
    python3 dev.py test --quick  # unit tests and a few end-to-end files: well under a minute
    python3 dev.py lint          # every linter CI runs (.ci/lint)
    python3 dev.py setup         # only the set-up, with the development tools
    python3 dev.py mutate        # mutation testing (.ci/mutation.py; one module: derive/source.py)
    python3 dev.py lock          # rewrite portable/requirements.txt from requirements.txt, with hashes

The set-up is a virtual environment in `.venv`, in two steps. `demo` needs only what the action
needs: requirements.txt (fully pinned, so installed without resolving) and the package from src/.
`test`, `lint` and `setup` add requirements-dev.txt (pytest, the linters, act) and install the
package with its command, `.venv/bin/iftrue-deploy`. Each step is redone only when one of its files
changes, so a second call starts at once. pip's own output is shown only when it fails.

It uses only the standard library, so it works with a distribution's `python3` that refuses
`pip install` (PEP 668) and even one without `ensurepip` (Debian's python3 without python3-venv):
the environment is created without pip, and pip runs from its wheel (the one Python bundles, or
else the newest on PyPI, checked against the SHA-256 PyPI publishes).
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
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# What each step of the set-up installs, and the stamp that says it is done for these files.
RUNTIME = ("requirements.txt",)
DEVELOPMENT = ("requirements.txt", "requirements-dev.txt", "pyproject.toml")
RUNTIME_STAMP = VENV / ".iftrue-runtime-stamp"
DEV_STAMP = VENV / ".iftrue-dev-stamp"
# The package from src/ for `demo`, without building it (what an editable install writes, too).
SOURCE_PTH = "iftrue-deploy-src.pth"
EVENT = ROOT / "examples" / "events" / "pull_request-merged.json"
LOCK = ROOT / "portable" / "requirements.txt"
PYPI = "https://pypi.org/simple"
# `test --quick`: what checks the code in well under a minute; CONTRIBUTING says what it leaves out.
QUICK = (
    "tests/unit",
    "tests/test_metadata.py",
    "tests/test_release.py",
    "tests/test_layout.py",
    "tests/test_github_standin.py",
    "tests/e2e/test_cli.py",
)


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


def fingerprint(files: tuple[str, ...]) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in files:
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


def pip_wheel() -> Path:
    """pip's wheel, to run pip from (a wheel is a zip archive Python can import from): the one this
    Python bundles for ensurepip, else the newest on PyPI, checked against PyPI's SHA-256."""
    cache = VENV / ".pip"
    bundled: list[Path] = []
    try:
        import ensurepip

        bundled = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*-py3-none-any.whl"))
    except ImportError:
        pass
    if bundled:
        return bundled[-1]
    found = sorted(cache.glob("pip-*-py3-none-any.whl"))
    if found:
        return found[-1]
    wheels = [
        entry
        for entry in pypi_files("pip")
        if entry["filename"].endswith("-py3-none-any.whl") and not entry.get("yanked")
    ]
    wheel = max(wheels, key=lambda entry: str(entry.get("upload-time", "")))
    say(f"this python bundles no pip: fetching {wheel['filename']} from PyPI")
    with urllib.request.urlopen(wheel["url"], timeout=120) as answer:  # noqa: S310 (PyPI's https URL)
        data = answer.read()
    if hashlib.sha256(data).hexdigest() != wheel["hashes"]["sha256"]:
        raise SystemExit(f"dev.py: {wheel['filename']} does not match the SHA-256 PyPI gives for it")
    cache.mkdir(exist_ok=True)
    path = cache / wheel["filename"]
    path.write_bytes(data)
    return path


def pip(*arguments: str) -> None:
    """pip, run from its wheel by .venv's python, quietly: its output only when it fails."""
    command = [str(venv_python()), str(pip_wheel() / "pip"), "install", "--disable-pip-version-check"]
    done = subprocess.run([*command, *arguments], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"dev.py: pip failed (exit {done.returncode}): pip install {' '.join(arguments)}")


def site_packages() -> Path:
    done = subprocess.run(
        [str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip())


def setup(development: bool = True) -> None:
    """Brings .venv up to date: the action's packages and the package from src/; with
    ``development``, also requirements-dev.txt and the package installed with its command."""
    # dev.py may be started by an older python3 than the project supports: say so plainly.
    if sys.version_info < (3, 11):  # noqa: UP036
        raise SystemExit(f"dev.py: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    runtime, dev = fingerprint(RUNTIME), fingerprint(DEVELOPMENT)
    runtime_done = venv_python().exists() and RUNTIME_STAMP.exists() and RUNTIME_STAMP.read_text() == runtime
    dev_done = runtime_done and DEV_STAMP.exists() and DEV_STAMP.read_text() == dev
    if dev_done or (runtime_done and not development):
        return
    started = time.monotonic()
    steps = (0 if venv_python().exists() else 1) + (0 if runtime_done else 1) + (1 if development else 0)
    number = 0
    if not venv_python().exists():
        number += 1
        say(f"[{number}/{steps}] creating {VENV.name} with {sys.executable} (Python {sys.version.split()[0]})")
        run(sys.executable, "-m", "venv", "--without-pip", VENV)
    if not runtime_done:
        number += 1
        count = sum(1 for line in (ROOT / "requirements.txt").read_text().splitlines() if line.split("#")[0].strip())
        say(f"[{number}/{steps}] installing the action's {count} packages (requirements.txt) and src/")
        # Every pin is in the file (the image installs it the same way): nothing to resolve.
        pip("--quiet", "--no-deps", "--no-compile", "-r", "requirements.txt")
        (site_packages() / SOURCE_PTH).write_text(str(ROOT / "src") + "\n")
        RUNTIME_STAMP.write_text(runtime)
    if development:
        number += 1
        say(f"[{number}/{steps}] installing the development tools (requirements-dev.txt) and the package")
        pip("--quiet", "-r", "requirements.txt", "-r", "requirements-dev.txt", str(pip_wheel()))
        pip("--quiet", "--no-deps", "--editable", ".")
        (site_packages() / SOURCE_PTH).unlink(missing_ok=True)
        DEV_STAMP.write_text(dev)
    say(f"ready in {time.monotonic() - started:.1f} s")


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
    if "--quick" in arguments:
        arguments = [*QUICK, "-m", "not container and not act", *(a for a in arguments if a != "--quick")]
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
    setup(development=command != "demo")
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
