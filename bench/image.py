"""Section 3: the Docker image. What its own layers add over the base image, a cold build, and
import times inside the container. The engine check, the docker client and the build are
tests/docker_engine.py's."""

from __future__ import annotations

import re
import statistics
import uuid
from typing import Any

import pytest
from tests.docker_engine import build_action_image, docker, engine_problem

from bench.harness import ROOT, out, progress, table

MB = 1_000_000
TARGET_IMAGE_MB = 30
IMPORT_PROBE = (
    "import time; t = time.perf_counter(); import sys; sys.path.insert(0, '/app/src'); {imports}; "
    "print(round((time.perf_counter() - t) * 1000))"
)
ACTION_IMPORTS = "import iftrue_deploy.main, iftrue_deploy.run, iftrue_deploy.gateway"


def _inspect(ref: str, fmt: str) -> str | None:
    done = docker("image", "inspect", "--format", fmt, ref)
    return done.stdout.strip() if done.returncode == 0 else None


def _in_image(tag: str, script: str, timeout: float = 180) -> str | None:
    done = docker("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tag, "-c", script, timeout=timeout)
    return done.stdout if done.returncode == 0 else None


def _own_layers(tag: str, python_image: str) -> list[tuple[int, str]]:
    """(bytes, command) of the layers the Dockerfile adds to the base, newest first."""
    history = docker("history", "--human=false", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", tag)
    base_history = docker("history", "--human=false", "--no-trunc", "--format", "{{.Size}}", python_image)
    layers: list[tuple[int, str]] = []
    if history.returncode == 0 and base_history.returncode == 0:
        entries = [line.split("\t", 1) for line in history.stdout.strip().splitlines()]
        own = len(entries) - len(base_history.stdout.strip().splitlines())
        for size, created in entries[: max(0, own)]:
            command = re.sub(r"^/bin/sh -c (#\(nop\) )?", "", created).strip()
            layers.append((int(size) if size.isdigit() else 0, " ".join(command.split())[:110]))
    return layers


def section_image(results: dict[str, Any], python_image: str, keep: bool, runs: int) -> None:
    out("## 3. Docker image")
    out()
    problem = engine_problem()
    if problem:
        out(f"Skipped: {problem}.")
        out()
        return
    if _inspect(python_image, "{{.Size}}") is None:
        out(f"Note: the base image {python_image} is not available locally; the build pulls it.")
    tag = f"iftrue-deploy-bench:{uuid.uuid4().hex[:12]}"
    progress(f"image: docker build --no-cache --build-arg PYTHON_IMAGE={python_image} (cold)")
    try:
        try:
            build_seconds = build_action_image(tag, ROOT, python_image=python_image, no_cache=True)
        except pytest.fail.Exception as failed:
            out("The build failed:")
            out("```")
            out(str(failed)[-3000:])
            out("```")
            out()
            return
        base_size = _inspect(python_image, "{{.Size}}")
        image_size = _inspect(tag, "{{.Size}}")
        if base_size is None or image_size is None:
            out("Could not read the image sizes with `docker image inspect`.")
            out()
            return
        added = int(image_size) - int(base_size)
        results["image_added"] = added
        verdict = "ok" if added <= TARGET_IMAGE_MB * MB else "OVER TARGET"
        headers = ["base image", "base size", "image size", "own layers add", "target", "verdict", "cold build"]
        row = [python_image, f"{int(base_size) / MB:.1f} MB", f"{int(image_size) / MB:.1f} MB"]
        row += [f"**{added / MB:.1f} MB**", f"≤ {TARGET_IMAGE_MB} MB", verdict, f"{build_seconds:.1f} s"]
        out(table(headers, [row]))
        out()
        own_layers = _own_layers(tag, python_image)
        if own_layers:
            out("The image's own layers (newest first, from `docker history`):")
            out()
            out(table(["size", "created by"], [[f"{size / MB:.2f} MB", cmd] for size, cmd in own_layers]))
            out()
        progress("image: what the venv holds, byte-code, in-image import times")
        section_image_inside(tag, runs)
    finally:
        if not keep:
            docker("image", "rm", "--force", tag)


def section_image_inside(tag: str, runs: int) -> None:
    """What /opt/venv holds, the byte-code shipped, and import times as shipped and fully compiled."""
    packages = _in_image(tag, "cd /opt/venv/lib/python3*/site-packages && du -sk -- * | sort -rn | head -n 12")
    if packages:
        rows = [line.split("\t", 1) for line in packages.strip().splitlines() if "\t" in line]
        out("Largest entries of /opt/venv's site-packages (du):")
        out()
        out(table(["KiB", "entry"], rows))
        out()
    stdlib = "$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_path(\"stdlib\"))')"
    pyc = _in_image(
        tag,
        f"stdlib={stdlib}; echo venv+app=$(find /opt/venv /app -name '*.pyc' | wc -l) "
        "stdlib=$(find \"$stdlib\" -name '*.pyc' | wc -l)/$(find \"$stdlib\" -name '*.py' | wc -l)",
    )
    loop = " ".join(
        f"/opt/venv/bin/python -c \"print('{name}', end=' '); {IMPORT_PROBE.format(imports=imports)}\";"
        for name, imports in (("requests", "import requests"), ("action", ACTION_IMPORTS))
    )
    repeat = max(3, runs // 2)
    loop = f"for i in $(seq {repeat}); do {loop} done"
    shipped = _in_image(tag, loop, timeout=300) or ""
    compiled = (
        _in_image(
            tag,
            f'/opt/venv/bin/python -m compileall -q -j 0 /opt/venv /app/src "{stdlib}" >/dev/null 2>&1; '
            "echo pyc_kib $(find /opt/venv /app -name '*.pyc' -exec du -ck {} + | tail -n 1 | cut -f1); " + loop,
            timeout=600,
        )
        or ""
    )

    def probe(text: str, name: str) -> str:
        values = [int(line.split()[1]) for line in text.splitlines() if line.startswith(name + " ")]
        return f"{statistics.median(values):.0f}" if values else "—"

    pyc_kib = probe(compiled, "pyc_kib")
    out(
        f"Byte-code in the image as built: {pyc.strip() if pyc else 'unknown'} .pyc files (PYTHONDONTWRITEBYTECODE=1 in the image)."
    )
    if pyc_kib != "—":
        out(
            f"After `compileall` of /opt/venv, /app/src and the stdlib, the .pyc files of /opt/venv and /app total {pyc_kib} KiB."
        )
    out()
    headers = ["inside the container, median of " + str(repeat), "ms as shipped", "ms after compileall of everything"]
    rows = [
        ["import requests", probe(shipped, "requests"), probe(compiled, "requests")],
        ["import the action's modules (run, gateway)", probe(shipped, "action"), probe(compiled, "action")],
    ]
    out(table(headers, rows))
    out()
