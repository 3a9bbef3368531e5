"""Section 2: wall time of the action process, as a ratio to bench/baseline_post.py (a process that
only imports ``requests`` and POSTs the same JSON to the same iftrue stand-in). Runs alternate
baseline, action, baseline, action, ...; medians are compared."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import statistics
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import scenarios
from tests.conftest import ENTRYPOINT, IFTRUE_TOKEN, github_env
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

from bench.harness import (
    BASELINE,
    BENCH,
    ROOT,
    RUN_TIMEOUT,
    action_env,
    first_command,
    ms,
    out,
    progress,
    reset_files,
    run_child,
    standins,
    table,
)

TARGET_RATIO_NO_LOOKUP = 2.0
TARGET_RATIO_PUSH = 2.5


@dataclass
class Timing:
    label: str
    baseline: list[float]
    action: list[float]
    baseline_rss: list[int]
    action_rss: list[int]
    github_requests: int
    target: float

    @property
    def ratio(self) -> float:
        return statistics.median(self.action) / statistics.median(self.baseline)


def prepare_case(
    case: str, github: GitHubStandIn, iftrue: IftrueStandIn, repo: scenarios.Repo, tmp: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """(env, inputs) of the action for case "a" (every field given) or "b" (push with lookups)."""
    build = scenarios.every_field_given if case == "a" else scenarios.push_of_a_squash_merge
    call = build(github, repo)
    env = github_env(tmp, call.event, call.payload, sha=call.sha, ref=call.github_ref, api_url=github.url)
    return env, scenarios.action_inputs(iftrue, **call.inputs)


def without_no_write(env: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    """A warm-up run's environment: allowed to write byte-code into a private PYTHONPYCACHEPREFIX."""
    return {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE" or "PYTHONPYCACHEPREFIX" not in extra}


def time_case(case: str, label: str, target: float, runs: int, extra_env: dict[str, str] | None = None) -> Timing:
    """Alternating baseline and action runs of one case; ``extra_env`` goes to both processes.

    With PYTHONPYCACHEPREFIX in ``extra_env``, one warm-up run of each (allowed to write
    byte-code) fills that private cache, and the timed runs read it with PYTHONDONTWRITEBYTECODE=1:
    every module is imported from up-to-date byte-code, however fresh the checkout's src/ is, and
    nothing is written next to the sources.
    """
    extra = dict(extra_env or {})
    with standins() as (github, iftrue), tempfile.TemporaryDirectory(prefix="iftrue-bench-") as tmpdir:
        tmp = Path(tmpdir)
        env, inputs = prepare_case(case, github, iftrue, scenarios.build_repo(github), tmp)
        full = {**action_env(env, inputs), **extra}
        argv = [sys.executable, str(ENTRYPOINT)]
        # Warm-up: checks the run and captures the JSON the action sent, for the baseline.
        github.reset_requests()
        warm = run_child(argv, without_no_write(full, extra), str(tmp), RUN_TIMEOUT)
        if warm.returncode != 0 or len(iftrue.records) != 1:
            raise RuntimeError(
                f"warm-up run failed (exit {warm.returncode}): {first_command(warm.stdout + warm.stderr)}"
            )
        used = len(github.requests)
        body = tmp / "baseline-body.json"
        body.write_bytes(json.dumps(iftrue.records[0], ensure_ascii=False).encode("utf-8"))
        base_argv = [sys.executable, str(BASELINE), iftrue.url, str(body)]
        base_env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", "BASELINE_TOKEN": IFTRUE_TOKEN}
        base_env.update(extra)
        warm_base = run_child(base_argv, without_no_write(base_env, extra), str(tmp), RUN_TIMEOUT)
        if warm_base.returncode != 0:
            raise RuntimeError(f"baseline failed: {warm_base.stderr.strip()[-300:]}")
        timing = Timing(label, [], [], [], [], used, target)
        for i in range(runs):
            b = run_child(base_argv, base_env, str(tmp), RUN_TIMEOUT)
            reset_files(env)
            a = run_child(argv, full, str(tmp), RUN_TIMEOUT)
            if b.returncode != 0 or a.returncode != 0:
                raise RuntimeError(
                    f"run {i + 1}: baseline exit {b.returncode}, action exit {a.returncode}: "
                    f"{first_command(a.stdout + a.stderr)}"
                )
            timing.baseline.append(b.seconds)
            timing.action.append(a.seconds)
            timing.baseline_rss.append(b.maxrss_kb)
            timing.action_rss.append(a.maxrss_kb)
        expected = 2 + 2 * runs  # warm-up action and baseline, then the timed runs
        if len(iftrue.records) != expected:
            raise RuntimeError(f"iftrue received {len(iftrue.records)} records, expected {expected}")
        return timing


def python_floor(runs: int, extra_env: dict[str, str]) -> float:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **extra_env}
    times = [run_child([sys.executable, "-c", "pass"], env, None, RUN_TIMEOUT).seconds for _ in range(runs)]
    return statistics.median(times)


def checkout_pyc_problems() -> list[str]:
    """src/ modules whose __pycache__ byte-code is missing or stale (recompiled on every run when
    byte-code cannot be written, as with PYTHONDONTWRITEBYTECODE=1 in the e2e tests)."""
    problems = []
    for source in sorted((ROOT / "src" / "iftrue_deploy").glob("*.py")):
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.exists():
            problems.append(f"{source.name} (no .pyc)")
            continue
        head = cached.read_bytes()[:16]
        flags, mtime, size = struct.unpack("<III", head[4:16])
        st = source.stat()
        if flags == 0 and (mtime != int(st.st_mtime) & 0xFFFFFFFF or size != st.st_size & 0xFFFFFFFF):
            problems.append(f"{source.name} (stale .pyc)")
    return problems


def hidden_extra_packages() -> list[str]:
    """Packages the action would import here but the image does not install (requirements.txt)."""
    wanted = (ROOT / "requirements.txt").read_text().lower()
    return [
        name for name in ("cryptography",) if importlib.util.find_spec(name) is not None and f"\n{name}==" not in wanted
    ]


def timing_row(t: Timing) -> list[Any]:
    def spread(values: list[float]) -> str:
        return f"{ms(statistics.median(values))} ({ms(min(values))}–{ms(max(values))})"

    rss = f"{statistics.median(t.baseline_rss) / 1024:.0f} / {statistics.median(t.action_rss) / 1024:.0f}"
    ok = "ok" if t.ratio <= t.target else "OVER TARGET"
    ratio = f"**{t.ratio:.2f}**"
    return [t.label, t.github_requests, spread(t.baseline), spread(t.action), ratio, f"≤ {t.target:.1f}", ok, rss]


def section_timing(results: dict[str, Any], runs: int, checkout_pyc: bool) -> None:
    out("## 2. Wall time of the action process vs. a `requests`-only POST")
    out()
    rows = []
    timings: list[Timing] = []
    prefix = tempfile.mkdtemp(prefix="iftrue-bench-pycache-")
    try:
        extra = {} if checkout_pyc else {"PYTHONPYCACHEPREFIX": prefix}
        hidden = hidden_extra_packages()
        cases: list[tuple[str, str, float, dict[str, str]]] = [
            ("a", "(a) every field as input, no API call", TARGET_RATIO_NO_LOOKUP, extra),
            ("b", "(b) push with lookups (squash merge)", TARGET_RATIO_PUSH, extra),
        ]
        if hidden:
            image_deps = {**extra, "PYTHONPATH": str(BENCH / "_image_deps")}
            what = f"image's dependency set: {', '.join(hidden)} hidden"
            cases += [
                ("a", f"(a′) as (a), {what}", TARGET_RATIO_NO_LOOKUP, image_deps),
                ("b", f"(b′) as (b), {what}", TARGET_RATIO_PUSH, image_deps),
            ]
        for case, label, target, env in cases:
            progress(f"timing: {label}, {runs} alternating runs")
            try:
                t = time_case(case, label, target, runs, env)
            except Exception as error:  # noqa: BLE001 - one failed case must not hide the others
                rows.append([label, "—", "—", "—", "—", f"≤ {target:.1f}", f"FAILED: {error}", "—"])
                continue
            timings.append(t)
            rows.append(timing_row(t))
        floor = python_floor(max(3, runs // 2), extra)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    headers = ["case", "GitHub requests", "baseline ms, median (min–max)", "action ms, median (min–max)"]
    headers += ["ratio", "target", "verdict", "peak RSS MiB baseline / action"]
    out(table(headers, rows))
    out()
    out(
        f"{runs} runs per case, alternating baseline and action. For scale: `python -c pass` takes {ms(floor)} ms here."
    )
    if checkout_pyc:
        problems = checkout_pyc_problems()
        out(
            "Byte-code: the checkout's own __pycache__ (--checkout-pyc)"
            + (f"; recompiled on every run: {', '.join(problems)}." if problems else "; all of src/ up to date.")
        )
    else:
        out("Byte-code: every module from a private, warmed PYTHONPYCACHEPREFIX (see the header).")
    if hidden:
        out(
            f"(a′)/(b′): {', '.join(hidden)} is installed on this machine but not in the image (requirements.txt); "
            "PyJWT, imported by PyGithub, loads it when present. Those rows hide it, as the image does."
        )
    for t in timings:
        budget_ms = t.target * statistics.median(t.baseline) - statistics.median(t.action)
        word = "headroom" if budget_ms >= 0 else "to cut"
        out(
            f"- {t.label}: the action adds {ms(statistics.median(t.action) - statistics.median(t.baseline))} ms "
            f"to the baseline; {ms(abs(budget_ms))} ms {word} for the target ratio."
        )
    out()
    results["timings"] = [t for t in timings if "′" not in t.label]
    results["python_floor"] = floor
