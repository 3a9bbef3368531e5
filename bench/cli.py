"""The command line: options, the report's header, and the sections in order (see bench/__init__.py)."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.docker_engine import PYTHON_IMAGE

import bench
from bench.backfill import section_backfill
from bench.harness import ROOT, out
from bench.image import MB, TARGET_IMAGE_MB, section_image
from bench.profiling import section_profile
from bench.request_counts import section_requests
from bench.timing import section_timing


def header(options: list[str], runs: int) -> None:
    def version(module: str) -> str:
        try:
            from importlib.metadata import version as v

            return v(module)
        except Exception:  # noqa: BLE001
            return "not installed"

    def git(*args: str) -> str:
        try:
            return subprocess.run(  # noqa: S603 - git, with arguments built here
                ["git", "-C", str(ROOT), *args],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--", "src", "entrypoint.py", "Dockerfile", "requirements.txt")
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    out("# iftrue deployment action: benchmark")
    out()
    out(f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S UTC')}")
    out(f"- Machine: {platform.node()}, {platform.platform()}, nproc {affinity} (cpu_count {os.cpu_count()})")
    out(
        f"- Load average at start (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine adds noise)"
    )
    out(f"- Python: {platform.python_version()} ({sys.executable})")
    out(
        f"- Packages: PyGithub {version('PyGithub')}, pydantic {version('pydantic')}, "
        f"requests {version('requests')}, urllib3 {version('urllib3')}"
    )
    out(
        f"- Code: commit {commit}"
        + (
            f", with uncommitted changes in: {', '.join(sorted({line[3:] for line in dirty.splitlines() if line.strip()}))}"
            if dirty.strip()
            else ""
        )
    )
    out(f"- Options: {' '.join(options) or '(none)'}; timing runs per case: {runs}")
    out()
    out("How each figure is measured:")
    out()
    out(
        "1. **Requests**: each scenario is a builder of tests/scenarios.py, the one "
        "tests/e2e/test_github_lookups.py runs: set up on a fresh `GitHubStandIn` with `build_repo()`'s history "
        "(the tests' `repo` fixture), and the action run with `report()` (entrypoint.py as a subprocess, "
        "INPUT_*/GITHUB_* environment, the real payload from tests/fixtures/events adapted as the test adapts it) "
        "against `IftrueStandIn`; the requests are the stand-in's `.requests` after the run. Budgets are "
        "tests/scenarios.py's `BUDGET`."
    )
    out(
        "2. **Wall time**: `python entrypoint.py` (same interpreter, same environment as `run_action`) from "
        "fork to reaped, timed by the small launcher bench/_measure.py (whose `os.wait4` also gives the "
        "process's own peak RSS), against the "
        "same local stand-ins; the baseline is bench/baseline_post.py (imports `requests`, POSTs the JSON the "
        "action sent in a warm-up run to the same iftrue stand-in). Baseline and action alternate; the "
        "ratio is median(action) / median(baseline). Byte-code: both processes import from a private "
        "PYTHONPYCACHEPREFIX that one warm-up run of each fills (then PYTHONDONTWRITEBYTECODE=1, as in the tests), "
        "so every module, src/ included, is up-to-date byte-code as after an install, whatever the checkout's "
        "__pycache__ holds (`--checkout-pyc` uses the checkout's instead). Rows marked ′ hide packages installed "
        "here but absent from the image."
    )
    out(
        "3. **Image**: `docker build --no-cache --build-arg PYTHON_IMAGE=<base>` timed end to end (the base "
        "is local; pip downloads the wheels); sizes are `docker image inspect .Size` of the image minus the "
        "base; layers from `docker history`; import times inside the container with `docker run`."
    )
    out(
        "4. **Backfill**: a fresh GitHub stand-in with N commits, each with a merged pull request and a "
        "published release; the action runs once (workflow_dispatch, `backfill-since: 2000-01-01`, "
        "`backfill-source: releases`); records/s = records received by the iftrue stand-in / wall time; "
        "peak RSS is the child's own ru_maxrss (`os.wait4`). Then 250 past deployments of each source "
        "(releases, deployments, runs of `deploy.yml`) give the GitHub requests a record costs, the listing's "
        "pages aside."
    )
    out()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/benchmark.py", description=bench.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 timing runs per case instead of 10")
    parser.add_argument("--runs", type=int, default=None, help="timing runs per case (default 10; --quick: 3)")
    parser.add_argument("--skip-image", action="store_true", help="skip the Docker image section")
    parser.add_argument("--keep-image", action="store_true", help="keep the built image (tag iftrue-deploy-bench:*)")
    parser.add_argument("--python-image", default=PYTHON_IMAGE, help="base image build argument (as the tests')")
    parser.add_argument("--backfill-sizes", default="500,5000", help="release counts for the backfill section")
    parser.add_argument("--profile", action="store_true", help="add section 5: importtime and cProfile")
    parser.add_argument(
        "--sections",
        default="1,2,3,4",
        help="comma-separated sections to run (1 requests, 2 time, 3 image, 4 backfill)",
    )
    parser.add_argument(
        "--checkout-pyc",
        action="store_true",
        help="time with the checkout's own __pycache__ (stale for freshly edited files) instead of a warmed private one",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget or target is missed")
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (3 if args.quick else 10)
    if runs < 1:
        parser.error("--runs must be at least 1")
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    if args.skip_image:
        sections.discard("3")
    sizes = sorted({int(s) for s in args.backfill_sizes.split(",") if s.strip()})

    started = time.perf_counter()
    header(sys.argv[1:] if argv is None else argv, runs)
    results: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[], None]]] = [
        ("1", lambda: section_requests(results)),
        ("2", lambda: section_timing(results, runs, args.checkout_pyc)),
        ("3", lambda: section_image(results, args.python_image, args.keep_image, runs)),
        ("4", lambda: section_backfill(results, sizes, 1 if args.quick else 3)),
    ]
    for number, step in steps:
        if number not in sections:
            if number == "3" and args.skip_image:
                out("## 3. Docker image")
                out()
                out("Skipped (--skip-image).")
                out()
            continue
        try:
            step()
        except Exception:  # noqa: BLE001 - report the failure and go on with the next section
            out(f"Section {number} failed:")
            out("```")
            out(traceback.format_exc()[-3000:])
            out("```")
            out()
            results.setdefault("failed_sections", []).append(number)
    if args.profile:
        try:
            section_profile(runs)
        except Exception:  # noqa: BLE001
            out("The profile failed:")
            out("```")
            out(traceback.format_exc()[-3000:])
            out("```")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    out(f"_Benchmark finished in {time.perf_counter() - started:.0f} s; load average at the end: {load}._")
    if args.check:
        missed = bool(results.get("requests_over")) or bool(results.get("failed_sections"))
        missed |= any(t.ratio > t.target for t in results.get("timings", []))
        missed |= results.get("image_added", 0) > TARGET_IMAGE_MB * MB
        return 1 if missed else 0
    return 0
