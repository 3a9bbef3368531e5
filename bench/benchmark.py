#!/usr/bin/env python3
"""Benchmarks of the iftrue deployment action, printed as Markdown.

    python3 bench/benchmark.py                 # everything (the image section needs `docker info`)
    python3 bench/benchmark.py --skip-image    # without the image section (well under 3 minutes)
    python3 bench/benchmark.py --quick         # 3 timing runs instead of 10
    python3 bench/benchmark.py --runs 20 --profile

Sections:

1. GitHub API requests per trigger, beside the budget. Each scenario is one e2e scenario of
   tests/e2e/test_github_lookups.py: the same repository history (its ``repo`` fixture), the same
   real payloads from tests/fixtures/events adapted the same way, and the action run by the same
   ``report()`` helper (entrypoint.py as a subprocess with INPUT_*/GITHUB_* variables) against the
   GitHub and iftrue stand-ins.
2. Wall time of the action process against the stand-ins, as a ratio to a baseline process
   (bench/baseline_post.py) that only imports ``requests`` and POSTs the same JSON to the same
   iftrue stand-in. Runs alternate baseline, action, baseline, action, ...; medians are compared.
3. The Docker image: what its own layers add over the base image, and a cold build.
4. A backfill of 200 (and 50) releases: records per second and peak RSS of the action process.

``--profile`` adds where the action's time goes (``-X importtime`` and cProfile) for the two
timing cases. Nothing here edits the project; everything it starts is stopped in ``finally``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BASELINE = BENCH / "baseline_post.py"
MEASURE = BENCH / "_measure.py"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The test harness, imported rather than copied: the same runner, payloads and stand-ins.
from tests.conftest import ENTRYPOINT, GITHUB_TOKEN, IFTRUE_TOKEN, event_payload, github_env  # noqa: E402
from tests.e2e import test_github_lookups as lookups  # noqa: E402
from tests.standins.github import GitHubStandIn, iso  # noqa: E402
from tests.standins.iftrue import IftrueStandIn  # noqa: E402

# The `repo` fixture's function (pytest wraps fixtures; the original is kept in __wrapped__).
REPO_HISTORY: Callable[[GitHubStandIn], Any] = getattr(lookups.repo, "__wrapped__", lookups.repo)
BUDGET: dict[str, int] = dict(lookups.BUDGET)
RUN_TIMEOUT = 60.0
BACKFILL_TIMEOUT = 150.0
MB = 1_000_000
TARGET_RATIO_NO_LOOKUP = 2.0
TARGET_RATIO_PUSH = 2.5
TARGET_IMAGE_MB = 30
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


def action_env(env: dict[str, str], inputs: dict[str, str]) -> dict[str, str]:
    """The environment tests/conftest.py's run_action gives entrypoint.py (inputs as INPUT_<NAME>)."""
    full = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **env}
    for name, value in inputs.items():
        full[f"INPUT_{name.upper()}"] = value
    return full


def base_inputs(iftrue: IftrueStandIn, **more: str) -> dict[str, str]:
    """The inputs lookups.report() gives (iftrue token and URL, GitHub token), plus ``more``."""
    inputs = {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, "github-token": GITHUB_TOKEN}
    inputs.update({k.replace("_", "-"): v for k, v in more.items()})
    return inputs


@contextlib.contextmanager
def standins() -> Iterator[tuple[GitHubStandIn, IftrueStandIn]]:
    github = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com")
    iftrue = IftrueStandIn(IFTRUE_TOKEN)
    with contextlib.ExitStack() as stack:
        github.start()
        stack.callback(github.stop)
        iftrue.start()
        stack.callback(iftrue.stop)
        yield github, iftrue


def short_path(path: str) -> str:
    path = re.sub(r"^/repos/[^/]+/[^/]+", "", path) or "/"
    return HEX40.sub("{sha}", path)


def first_command(text: str, kind: str = "error") -> str:
    for line in text.splitlines():
        if line.startswith(f"::{kind}"):
            return line.split("::", 2)[-1][:300]
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# --------------------------------------------------------------------------- 1. requests per trigger


@dataclass
class Call:
    event: str
    payload: dict[str, Any] | None
    sha: str | None
    github_ref: str = "refs/heads/master"
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass
class Scenario:
    trigger: str
    name: str
    budget_key: str
    setup: Callable[[GitHubStandIn, Any], Call]
    # Requests over the budget that the e2e test accepts for this scenario, and why.
    accepted_extra: int = 0
    why_extra: str = ""


def every_field_inputs(repo: Any) -> dict[str, str]:
    return lookups.every_field_inputs(repo)


def s_inputs(g: GitHubStandIn, r: Any) -> Call:
    payload = lookups.push_payload(r.login, r.head, [(r.head, "m")])
    return Call("push", payload, r.head, inputs=every_field_inputs(r))


def s_pull_request(g: GitHubStandIn, r: Any) -> Call:
    payload = event_payload("pull_request-closed-merged")
    payload["pull_request"]["merge_commit_sha"] = r.head
    g.add_deployment(r.head, statuses=["success"])
    return Call("pull_request", payload, r.head)


def s_push_merge(g: GitHubStandIn, r: Any) -> Call:
    g.add_deployment(r.head, statuses=["in_progress"])
    payload = lookups.push_payload(
        r.crash_fix,
        r.head,
        [
            ("b" * 40, "Second commit of the payments branch"),
            (r.head, "Merge pull request #12 from Codertocat/feature/payments"),
        ],
    )
    return Call("push", payload, r.head)


def s_push_squash(g: GitHubStandIn, r: Any) -> Call:
    payload = lookups.push_payload(r.login, r.crash_fix, [(r.crash_fix, "Stop the crash on save (#11)")])
    return Call("push", payload, r.crash_fix)


def s_push_direct(g: GitHubStandIn, r: Any) -> Call:
    message = "Bump the version\n\nNo PR for this one."
    direct = g.add_commit(message)
    return Call("push", lookups.push_payload(r.head, direct, [(direct, message)]), direct)


def s_push_forced(g: GitHubStandIn, r: Any) -> Call:
    payload = lookups.push_payload(
        r.login, r.head, [(r.head, "Merge pull request #12 from Codertocat/feature/payments")], forced=True
    )
    return Call("push", payload, r.head)


def s_push_created(g: GitHubStandIn, r: Any) -> Call:
    g.create_branch("release/2024-06", r.head)
    g.add_commit("Pin the payment provider", branch="release/2024-06")
    two = g.add_commit("Release notes", branch="release/2024-06")
    payload = lookups.push_payload(
        "0" * 40, two, [(two, "Release notes")], created=True, ref="refs/heads/release/2024-06"
    )
    return Call("push", payload, two, github_ref="refs/heads/release/2024-06")


def s_push_cap(g: GitHubStandIn, r: Any) -> Call:
    return Call("push", lookups.push_payload(r.initial, r.head, [(r.head, "x")] * 2048), r.head)


def s_release(g: GitHubStandIn, r: Any) -> Call:
    g.add_release("v1.0.0", r.login, published_at="2024-05-01T10:00:00Z")
    g.add_release("v1.1.0-rc.1", r.crash_fix, prerelease=True, published_at="2024-05-02T10:00:00Z")
    g.add_release("v1.1.0", r.head, published_at="2024-05-03T10:00:00Z")
    payload = lookups.release_payload("v1.1.0", max(g.releases), "2024-05-03T10:00:00Z")
    return Call("release", payload, r.head, github_ref="refs/tags/v1.1.0")


def s_first_release(g: GitHubStandIn, r: Any) -> Call:
    g.add_release("v0.1.0", r.head, published_at="2024-05-03T10:00:00Z")
    payload = lookups.release_payload("v0.1.0", max(g.releases), "2024-05-03T10:00:00Z")
    return Call("release", payload, r.head, github_ref="refs/tags/v0.1.0")


def _deployment_payload(name: str, deployment: dict[str, Any], sha: str, **more: Any) -> dict[str, Any]:
    payload = event_payload(name)
    payload["deployment"].update(sha=sha, id=deployment["id"], node_id=deployment["node_id"], **more)
    return payload


def s_status_after_success(g: GitHubStandIn, r: Any) -> Call:
    g.add_deployment(r.crash_fix, statuses=["success", "inactive"])
    d = g.add_deployment(r.head, statuses=["success"])
    return Call("deployment_status", _deployment_payload("deployment_status-success", d, r.head), r.head)


def s_status_failed_between(g: GitHubStandIn, r: Any) -> Call:
    d = g.add_deployment(r.head, statuses=["in_progress", "success"])
    return Call("deployment_status", _deployment_payload("deployment_status-success", d, r.head), r.head)


def s_deployment(g: GitHubStandIn, r: Any) -> Call:
    d = g.add_deployment(r.crash_fix, created_at=lookups.ago(3))
    payload = _deployment_payload("deployment-created", d, r.crash_fix, created_at=d["created_at"])
    return Call("deployment", payload, r.crash_fix)


def s_run_with_pr(g: GitHubStandIn, r: Any) -> Call:
    payload = event_payload("workflow_run-completed-with-pr")
    payload["workflow_run"].update(head_sha=r.crash_fix)
    payload["workflow_run"]["pull_requests"][0]["number"] = 11
    payload["repository"]["html_url"] = lookups.REPO_URL
    return Call("workflow_run", payload, r.crash_fix)


def s_run_fork(g: GitHubStandIn, r: Any) -> Call:
    payload = event_payload("workflow_run-completed-success")
    payload["workflow_run"].update(head_sha=r.head)
    payload["repository"]["html_url"] = lookups.REPO_URL
    return Call("workflow_run", payload, r.head)


def s_dispatch(g: GitHubStandIn, r: Any) -> Call:
    g.add_tag("v1.0.1", r.crash_fix)
    payload = event_payload("workflow_dispatch")
    payload["repository"]["html_url"] = lookups.REPO_URL
    return Call("workflow_dispatch", payload, r.head, github_ref="refs/heads/main", inputs={"ref": "v1.0.1"})


SCENARIOS = [
    Scenario("every field as input", "push, all 15 fields given", "inputs", s_inputs),
    Scenario("pull_request (merged)", "merged PR, deployment exists", "pull_request", s_pull_request),
    Scenario("push", "merge commit of PR #12", "push", s_push_merge),
    Scenario("push", "squash merge with a Bug label", "push", s_push_squash),
    Scenario("push", "direct push, no pull request", "push", s_push_direct),
    Scenario("push (forced)", "force push", "push-extra", s_push_forced),
    Scenario("push (branch created)", "new branch", "push-extra", s_push_created),
    Scenario("push (over the commit cap)", "2048 commits listed", "push-extra", s_push_cap),
    Scenario("release", "since the previous release", "release", s_release),
    Scenario("release", "first release", "release", s_first_release),
    Scenario("deployment_status", "previous deployment succeeded", "deployment_status", s_status_after_success),
    Scenario(
        "deployment_status",
        "a failed deployment in between",
        "deployment_status",
        s_status_failed_between,
        accepted_extra=1,
        why_extra="the failed deployment in between must be checked and skipped (the e2e test allows budget + 1)",
    ),
    Scenario("deployment", "deployment created 3 min ago", "deployment", s_deployment),
    Scenario("workflow_run", "run with its pull request", "workflow_run", s_run_with_pr),
    Scenario("workflow_run", "fork: empty pull_requests", "workflow_run", s_run_fork),
    Scenario("workflow_dispatch with ref", "ref: v1.0.1", "workflow_dispatch", s_dispatch),
]


@dataclass
class RequestsResult:
    scenario: Scenario
    used: int | None
    sent: bool
    paths: list[str]
    problem: str = ""


def measure_requests(scenario: Scenario) -> RequestsResult:
    with standins() as (github, iftrue), tempfile.TemporaryDirectory(prefix="iftrue-bench-") as tmp:
        repo = REPO_HISTORY(github)
        call = scenario.setup(github, repo)
        try:
            run = lookups.report(
                Path(tmp),
                iftrue,
                github,
                call.event,
                call.payload,
                sha=call.sha,
                github_ref=call.github_ref,
                **call.inputs,
            )
        except AssertionError:
            return RequestsResult(scenario, None, False, [], "a Traceback in the action's output")
        except subprocess.TimeoutExpired:
            return RequestsResult(scenario, None, False, [], f"timed out after {RUN_TIMEOUT:g} s")
        paths = [f"{r.method} {short_path(r.path)}" for r in list(github.requests)]
        sent = run.returncode == 0 and len(iftrue.records) == 1
        problem = (
            ""
            if sent
            else f"exit {run.returncode}, {len(iftrue.records)} record(s): {first_command(run.stdout + run.stderr)}"
        )
        return RequestsResult(scenario, len(paths), sent, paths, problem)


def section_requests(results: dict[str, Any]) -> None:
    out("## 1. GitHub API requests per trigger")
    out()
    rows = []
    over = 0
    for scenario in SCENARIOS:
        progress(f"requests: {scenario.trigger} / {scenario.name}")
        r = measure_requests(scenario)
        budget = BUDGET[scenario.budget_key]
        if r.used is None:
            verdict = f"FAILED: {r.problem}"
            over += 1
        elif r.used <= budget:
            verdict = "ok" if r.sent else f"ok, but not sent: {r.problem}"
        elif r.used <= budget + scenario.accepted_extra:
            verdict = f"+{r.used - budget}, accepted: {scenario.why_extra}"
        else:
            verdict = f"OVER BUDGET by {r.used - budget}"
            over += 1
        if r.used is not None and not r.sent and "not sent" not in verdict:
            verdict += f"; not sent: {r.problem}"
        rows.append(
            [
                scenario.trigger,
                scenario.name,
                "—" if r.used is None else r.used,
                f"≤ {budget}",
                verdict,
                "; ".join(r.paths) or "—",
            ]
        )
    out(table(["trigger", "scenario", "requests", "budget", "verdict", "requests made (path, sha as {sha})"], rows))
    out()
    results["requests_over"] = over


# --------------------------------------------------------------------------- 2. wall time


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


def _prepare_case(
    case: str, github: GitHubStandIn, iftrue: IftrueStandIn, repo: Any, tmp: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """(env, inputs) of the action for case "a" (every field given) or "b" (push with lookups)."""
    if case == "a":
        call = s_inputs(github, repo)
    else:
        call = s_push_squash(github, repo)
    env = github_env(tmp, call.event, call.payload, sha=call.sha, ref=call.github_ref, api_url=github.url)
    return env, base_inputs(iftrue, **call.inputs)


def _reset_files(env: dict[str, str]) -> None:
    for key in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        Path(env[key]).write_text("")


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
        repo = REPO_HISTORY(github)
        env, inputs = _prepare_case(case, github, iftrue, repo, tmp)
        full = {**action_env(env, inputs), **extra}
        warm_env = {
            k: v for k, v in full.items() if k != "PYTHONDONTWRITEBYTECODE" or "PYTHONPYCACHEPREFIX" not in extra
        }
        argv = [sys.executable, str(ENTRYPOINT)]
        # Warm-up: checks the run and captures the JSON the action sent, for the baseline.
        github.reset_requests()
        warm = run_child(argv, warm_env, str(tmp), RUN_TIMEOUT)
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
        warm_base_env = {
            k: v for k, v in base_env.items() if k != "PYTHONDONTWRITEBYTECODE" or "PYTHONPYCACHEPREFIX" not in extra
        }
        warm_base = run_child(base_argv, warm_base_env, str(tmp), RUN_TIMEOUT)
        if warm_base.returncode != 0:
            raise RuntimeError(f"baseline failed: {warm_base.stderr.strip()[-300:]}")
        timing = Timing(label, [], [], [], [], used, target)
        for i in range(runs):
            b = run_child(base_argv, base_env, str(tmp), RUN_TIMEOUT)
            _reset_files(env)
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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def checkout_pyc_problems() -> list[str]:
    """src/ modules whose __pycache__ byte-code is missing or stale (recompiled on every run when
    byte-code cannot be written, as with PYTHONDONTWRITEBYTECODE=1 in the e2e tests)."""
    import importlib.util
    import struct

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
    import importlib.util

    wanted = (ROOT / "requirements.txt").read_text().lower()
    return [
        name for name in ("cryptography",) if importlib.util.find_spec(name) is not None and f"\n{name}==" not in wanted
    ]


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
            ok = "ok" if t.ratio <= target else "OVER TARGET"
            rows.append(
                [
                    label,
                    t.github_requests,
                    f"{ms(statistics.median(t.baseline))} ({ms(min(t.baseline))}–{ms(max(t.baseline))})",
                    f"{ms(statistics.median(t.action))} ({ms(min(t.action))}–{ms(max(t.action))})",
                    f"**{t.ratio:.2f}**",
                    f"≤ {target:.1f}",
                    ok,
                    f"{statistics.median(t.baseline_rss) / 1024:.0f} / {statistics.median(t.action_rss) / 1024:.0f}",
                ]
            )
        floor = python_floor(max(3, runs // 2), extra)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    out(
        table(
            [
                "case",
                "GitHub requests",
                "baseline ms, median (min–max)",
                "action ms, median (min–max)",
                "ratio",
                "target",
                "verdict",
                "peak RSS MiB baseline / action",
            ],
            rows,
        )
    )
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


# --------------------------------------------------------------------------- 3. image


def docker(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the docker client, with arguments built here
        ["docker", *args],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def engine_problem() -> str | None:
    if shutil.which("docker") is None:
        return "no `docker` client on PATH"
    try:
        info = docker("info", "--format", "{{.ServerVersion}}", timeout=60)
    except subprocess.TimeoutExpired:
        return "`docker info` did not answer within 60 s"
    if info.returncode != 0:
        lines = (info.stderr or info.stdout).strip().splitlines()
        return f"`docker info` failed: {lines[-1] if lines else info.returncode}"
    return None


def _inspect(ref: str, fmt: str) -> str | None:
    done = docker("image", "inspect", "--format", fmt, ref)
    return done.stdout.strip() if done.returncode == 0 else None


def _in_image(tag: str, script: str, timeout: float = 180) -> str | None:
    done = docker("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tag, "-c", script, timeout=timeout)
    return done.stdout if done.returncode == 0 else None


IMPORT_PROBE = (
    "import time; t = time.perf_counter(); import sys; sys.path.insert(0, '/app/src'); {imports}; "
    "print(round((time.perf_counter() - t) * 1000))"
)
ACTION_IMPORTS = "import iftrue_deploy.main, iftrue_deploy.run, iftrue_deploy.gateway"


def section_image(results: dict[str, Any], python_image: str, keep: bool, runs: int) -> None:
    out("## 3. Docker image")
    out()
    problem = engine_problem()
    if problem:
        out(f"Skipped: {problem}; no container engine is reachable.")
        out()
        return
    base_size = _inspect(python_image, "{{.Size}}")
    if base_size is None:
        out(f"Note: the base image {python_image} is not available locally; the build pulls it.")
    tag = f"iftrue-deploy-bench:{uuid.uuid4().hex[:12]}"
    progress(f"image: docker build --no-cache --build-arg PYTHON_IMAGE={python_image} (cold)")
    try:
        started = time.perf_counter()
        try:
            built = docker(
                "build",
                "--no-cache",
                "--build-arg",
                f"PYTHON_IMAGE={python_image}",
                "--tag",
                tag,
                str(ROOT),
                timeout=1800,
            )
        except subprocess.TimeoutExpired:
            out("The build did not finish within 1800 s.")
            out()
            return
        build_seconds = time.perf_counter() - started
        if built.returncode != 0:
            out(f"The build failed (exit {built.returncode}):")
            out("```")
            out((built.stdout + built.stderr)[-3000:])
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
        history = docker("history", "--human=false", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", tag)
        base_history = docker("history", "--human=false", "--no-trunc", "--format", "{{.Size}}", python_image)
        own_layers: list[tuple[int, str]] = []
        if history.returncode == 0 and base_history.returncode == 0:
            entries = [line.split("\t", 1) for line in history.stdout.strip().splitlines()]
            own = len(entries) - len(base_history.stdout.strip().splitlines())
            for size, created in entries[: max(0, own)]:
                command = re.sub(r"^/bin/sh -c (#\(nop\) )?", "", created).strip()
                own_layers.append((int(size) if size.isdigit() else 0, " ".join(command.split())[:110]))
        verdict = "ok" if added <= TARGET_IMAGE_MB * MB else "OVER TARGET"
        out(
            table(
                ["base image", "base size", "image size", "own layers add", "target", "verdict", "cold build"],
                [
                    [
                        python_image,
                        f"{int(base_size) / MB:.1f} MB",
                        f"{int(image_size) / MB:.1f} MB",
                        f"**{added / MB:.1f} MB**",
                        f"≤ {TARGET_IMAGE_MB} MB",
                        verdict,
                        f"{build_seconds:.1f} s",
                    ]
                ],
            )
        )
        out()
        if own_layers:
            out("The image's own layers (newest first, from `docker history`):")
            out()
            out(table(["size", "created by"], [[f"{size / MB:.2f} MB", cmd] for size, cmd in own_layers]))
            out()
        progress("image: what the venv holds, byte-code, in-image import times")
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
        out(
            table(
                [
                    "inside the container, median of " + str(repeat),
                    "ms as shipped",
                    "ms after compileall of everything",
                ],
                [
                    ["import requests", probe(shipped, "requests"), probe(compiled, "requests")],
                    ["import the action's modules (run, gateway)", probe(shipped, "action"), probe(compiled, "action")],
                ],
            )
        )
        out()
    finally:
        if not keep:
            docker("image", "rm", "--force", tag)


# --------------------------------------------------------------------------- 4. backfill


@dataclass
class Backfill:
    releases: int
    child: Child
    records: int
    distinct_commits: int
    github_requests: int
    outputs: dict[str, str]
    request_kinds: dict[str, int] = field(default_factory=dict)


def backfill_once(releases: int) -> Backfill:
    from tests.conftest import parse_outputs

    with standins() as (github, iftrue), tempfile.TemporaryDirectory(prefix="iftrue-bench-") as tmpdir:
        tmp = Path(tmpdir)
        epoch = datetime(2024, 1, 1, tzinfo=UTC)
        head = ""
        for i in range(1, releases + 1):
            head = github.add_commit(f"Change number {i} (#{i})")
            github.add_pull(i, f"Change number {i}", f"feature/change-{i}", head, commits=1)
            github.add_release(
                f"v1.{i}.0", head, body=f"- Change number {i}", published_at=iso(epoch + timedelta(days=i))
            )
        github.add_run(lookups.RUN_ID, lookups.ago(5))
        payload = event_payload("workflow_dispatch")
        payload["repository"]["html_url"] = lookups.REPO_URL
        env = github_env(tmp, "workflow_dispatch", payload, sha=head, ref="refs/heads/master", api_url=github.url)
        inputs = base_inputs(iftrue, **{"backfill-since": "2000-01-01", "backfill-source": "releases"})
        github.reset_requests()
        child = run_child([sys.executable, str(ENTRYPOINT)], action_env(env, inputs), str(tmp), BACKFILL_TIMEOUT)
        outputs = parse_outputs(Path(env["GITHUB_OUTPUT"]).read_text())
        commits = {r.get("commit_id") for r in iftrue.records}
        kinds: dict[str, int] = {}
        for request in list(github.requests):
            kind = re.sub(r"\d+", "{n}", f"{request.method} {short_path(request.path)}")
            kinds[kind] = kinds.get(kind, 0) + 1
        return Backfill(releases, child, len(iftrue.records), len(commits), len(github.requests), outputs, kinds)


def section_backfill(results: dict[str, Any], sizes: list[int], repeat: int) -> None:
    out("## 4. Backfill of releases (`backfill-since: 2000-01-01`, `backfill-source: releases`)")
    out()
    done: dict[int, list[Backfill]] = {}
    for n in sizes:
        for attempt in range(repeat):
            progress(f"backfill: {n} releases, run {attempt + 1} of {repeat}")
            b = backfill_once(n)
            c = b.child
            why = ""
            if c.timed_out:
                why = f"the run with {n} releases did not finish within {BACKFILL_TIMEOUT:g} s"
            elif c.returncode != 0 or "Traceback" in c.stdout + c.stderr:
                why = f"with {n} releases the action exited {c.returncode} ({first_command(c.stdout + c.stderr)})"
            elif b.records <= 1 < n:
                why = (
                    f"for {n} releases the action sent {b.records} record(s) and deployments-reported is "
                    f"{b.outputs.get('deployments-reported', 'not set')!r}: `backfill-since` is not acted on"
                )
            if why:
                out(f"Not available yet: {why}.")
                out()
                results["backfill"] = "not available"
                return
            done.setdefault(n, []).append(b)

    def med(values: list[float]) -> float:
        return float(statistics.median(values))

    summary: list[tuple[int, float, float, float]] = []  # releases, records, seconds, rss KiB
    rows = []
    for n, runs in done.items():
        seconds = med([b.child.seconds for b in runs])
        rss = med([b.child.maxrss_kb for b in runs])
        records = med([b.records for b in runs])
        summary.append((n, records, seconds, rss))
        last = runs[-1]
        rows.append(
            [
                n,
                f"{records:.0f}",
                f"{last.distinct_commits}",
                last.outputs.get("deployments-reported", "—"),
                f"{seconds:.2f}",
                f"**{records / seconds:.1f}**",
                f"**{rss / 1024:.1f}**",
                last.github_requests,
                f"{last.github_requests / max(1, last.records):.2f}",
            ]
        )
    out(
        table(
            [
                "releases",
                "records received by iftrue",
                "distinct commits",
                "deployments-reported",
                f"wall s (median of {repeat})",
                "records/s",
                "peak RSS MiB",
                "GitHub requests",
                "requests/record",
            ],
            rows,
        )
    )
    out()
    largest = done[max(done)][-1]
    kinds = sorted(largest.request_kinds.items(), key=lambda kv: -kv[1])
    out(f"- GitHub requests of the {largest.releases}-release run: " + "; ".join(f"{k} ×{v}" for k, v in kinds) + ".")
    for n, runs in done.items():
        if any(b.records != n for b in runs):
            out(f"- With {n} releases iftrue received {[b.records for b in runs]} records, not {n}.")
    if len(summary) >= 2:
        (n0, r0, s0, m0), (n1, r1, s1, m1) = summary[0], summary[-1]
        if s1 > s0:
            out(
                f"- Marginal rate from {n0} to {n1} releases (start-up excluded): "
                f"{(r1 - r0) / (s1 - s0):.1f} records/s, {(s1 - s0) / max(1, r1 - r0) * 1000:.1f} ms per record."
            )
        growth = m1 - m0
        flat = growth <= 0.1 * m0
        out(
            f"- Peak RSS from {n0} to {n1} releases: {growth / 1024:+.1f} MiB "
            f"({growth / max(1, r1 - r0):+.1f} KiB per extra record): {'flat' if flat else 'NOT flat'} "
            "(flat: growth within 10 % of the smaller run)."
        )
    timings = results.get("timings") or []
    if timings:
        single = statistics.median(timings[-1].action_rss) / 1024
        out(f"- For reference, one push run (section 2, case b) peaks at {single:.1f} MiB.")
    out()
    results["backfill"] = "ok"


# --------------------------------------------------------------------------- profile


GC_OFF_WRAPPER = (
    "import gc, runpy, sys; gc.disable(); sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def parse_importtime(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """(self µs by top-level package, cumulative µs by module) from -X importtime output."""
    by_package: dict[str, int] = {}
    cumulative: dict[str, int] = {}
    for line in text.splitlines():
        m = IMPORT_LINE.match(line)
        if not m:
            continue
        own, cum, name = int(m.group(1)), int(m.group(2)), m.group(4)
        top = name.split(".")[0]
        by_package[top] = by_package.get(top, 0) + own
        cumulative[name] = cum
    return by_package, cumulative


PROFILE_POINTS = [
    ("main.py", "main", "main() (after `from iftrue_deploy.main import main`)"),
    ("settings.py", "from_environ", "Settings.from_environ"),
    ("run.py", "run_once", "run_once (lazy imports included)"),
    ("derive.py", "derive_record", "derive_record"),
    ("gateway.py", "__init__", "PyGithubFacts.__init__ (Github client)"),
    ("client.py", "send", "IftrueClient.send (the POST)"),
    ("report.py", "summary_markdown", "summary_markdown"),
    ("~", "<method 'recv_into' of '_socket.socket' objects>", "socket recv (waiting for a stand-in)"),
    ("~", "<method 'connect' of '_socket.socket' objects>", "socket connect"),
]


def section_profile(runs: int) -> None:
    out("## 5. Where the action's time goes (`--profile`)")
    out()
    with standins() as (github, iftrue), tempfile.TemporaryDirectory(prefix="iftrue-bench-") as tmpdir:
        tmp = Path(tmpdir)
        repo = REPO_HISTORY(github)
        prefix = tmp / "pycache"
        cases = {}
        for case in ("a", "b"):
            case_tmp = tmp / case
            case_tmp.mkdir()
            env, inputs = _prepare_case(case, github, iftrue, repo, case_tmp)
            full = {**action_env(env, inputs), "PYTHONPYCACHEPREFIX": str(prefix)}
            # One run that may write byte-code fills the private cache, as in section 2.
            warm = {k: v for k, v in full.items() if k != "PYTHONDONTWRITEBYTECODE"}
            run_child([sys.executable, str(ENTRYPOINT)], warm, None, RUN_TIMEOUT)
            run_child([sys.executable, "-c", GC_OFF_WRAPPER, str(ENTRYPOINT)], warm, None, RUN_TIMEOUT)
            cases[case] = (full, env)
        packages: dict[str, dict[str, list[int]]] = {"a": {}, "b": {}}
        modules: dict[str, dict[str, list[int]]] = {"a": {}, "b": {}}
        totals: dict[str, list[int]] = {"a": [], "b": []}
        for _ in range(max(3, runs // 3)):
            for case, (full, env) in cases.items():
                _reset_files(env)
                child = run_child([sys.executable, "-X", "importtime", str(ENTRYPOINT)], full, None, RUN_TIMEOUT)
                by_package, cumulative = parse_importtime(child.stderr)
                totals[case].append(sum(by_package.values()))
                for name, value in by_package.items():
                    packages[case].setdefault(name, []).append(value)
                for name, value in cumulative.items():
                    modules[case].setdefault(name, []).append(value)

        def med(values: list[int] | None) -> float:
            return statistics.median(values) / 1000 if values else 0.0

        ranked = sorted(packages["b"], key=lambda name: -med(packages["b"][name]))[:16]
        rows = [[name, f"{med(packages['a'].get(name)):.1f}", f"{med(packages['b'].get(name)):.1f}"] for name in ranked]
        rows.append(["**all imports**", f"**{med(totals['a']):.1f}**", f"**{med(totals['b']):.1f}**"])
        out(
            "`python -X importtime entrypoint.py`, self time summed per top-level package (median ms; importtime "
            "itself inflates these by roughly 10–30 %):"
        )
        out()
        out(table(["package", "(a) no lookups ms", "(b) push ms"], rows))
        out()
        interesting = [
            "iftrue_deploy.main",
            "iftrue_deploy.settings",
            "iftrue_deploy.run",
            "iftrue_deploy.client",
            "iftrue_deploy.derive",
            "iftrue_deploy.record",
            "iftrue_deploy.report",
            "iftrue_deploy.gateway",
            "iftrue_deploy.backfill",
            "requests",
            "pydantic",
            "pydantic_core",
            "github",
            "github.Auth",
            "jwt",
            "nacl",
            "urllib3",
        ]
        rows = []
        for name in interesting:
            a, b = modules["a"].get(name), modules["b"].get(name)
            if a or b:
                rows.append([name, f"{med(a):.1f}" if a else "not imported", f"{med(b):.1f}" if b else "not imported"])
        out("Cumulative import time of selected modules where they are first imported (median ms):")
        out()
        out(table(["module", "(a) no lookups", "(b) push"], rows))
        out()

        rows = []
        tops: dict[str, list[tuple[str, float, float]]] = {}
        for case, (full, env) in cases.items():
            _reset_files(env)
            prof = tmp / f"{case}.prof"
            child = run_child(
                [sys.executable, "-m", "cProfile", "-o", str(prof), str(ENTRYPOINT)], full, str(ROOT), RUN_TIMEOUT
            )
            if child.returncode != 0 or not prof.exists():
                out(
                    f"cProfile run ({case}) failed: exit {child.returncode}, {first_command(child.stdout + child.stderr)}"
                )
                continue
            stats = pstats.Stats(str(prof), stream=io.StringIO())
            raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
            total = stats.total_tt  # type: ignore[attr-defined]
            found: dict[str, float] = {"total (profiled)": total}
            found["imports (_find_and_load, cumulative)"] = _outermost_imports(raw)
            for file_part, func, label in PROFILE_POINTS:
                value = sum(v[3] for k, v in raw.items() if k[0].endswith(file_part) and k[2] == func)
                if value:
                    found[label] = value
            for label, value in found.items():
                tops.setdefault(label, []).append((case, value, total))
            own = sorted(raw.items(), key=lambda kv: -kv[1][2])[:8]
            rows.append([f"({case})", "; ".join(f"{_fname(k)} {v[2] * 1000:.0f} ms" for k, v in own)])
        table_rows = []
        for label, values in tops.items():
            by_case = {case: value for case, value, _ in values}
            table_rows.append([label, f"{by_case.get('a', 0) * 1000:.0f}", f"{by_case.get('b', 0) * 1000:.0f}"])
        out("cProfile (`python -m cProfile entrypoint.py`, one run each; cumulative ms; profiling overhead included):")
        out()
        out(table(["phase", "(a) no lookups", "(b) push"], table_rows))
        out()
        out("Top own time (tottime) per case:")
        out()
        out(table(["case", "functions"], rows))
        out()

        # What-if: the same process with the cyclic garbage collector off from the start. A short-lived
        # process gains nothing from collecting; its passes land in whichever import is running.
        gc_argv = [sys.executable, "-c", GC_OFF_WRAPPER, str(ENTRYPOINT)]
        plain_argv = [sys.executable, str(ENTRYPOINT)]
        gc_rows = []
        for case, (full, env) in cases.items():
            plain, gc_off = [], []
            for _ in range(runs):
                _reset_files(env)
                plain.append(run_child(plain_argv, full, None, RUN_TIMEOUT).seconds)
                _reset_files(env)
                gc_off.append(run_child(gc_argv, full, None, RUN_TIMEOUT).seconds)
            a, b = statistics.median(plain), statistics.median(gc_off)
            gc_rows.append([f"({case})", ms(a), ms(b), f"{(b - a) * 1000:+.0f}"])
        out(
            f"What-if without editing src/: `gc.disable()` before entrypoint.py runs (runpy wrapper), {runs} alternating runs:"
        )
        out()
        out(table(["case", "as is ms", "gc disabled ms", "difference ms"], gc_rows))
        out()


def _fname(key: tuple[str, int, str]) -> str:
    path, _line, name = key
    return f"{Path(path).name}:{name}" if path != "~" else name


def _outermost_imports(raw: dict[Any, Any]) -> float:
    """Time spent importing: _find_and_load's cumulative time, counted only where its caller is no import.

    cProfile's cumulative time of a recursive function already counts only the outermost calls, so
    _find_and_load's own entry is what every import took, nested imports once.
    """
    for key, value in raw.items():
        if key[2] == "_find_and_load" and "importlib._bootstrap" in key[0]:
            return float(value[3])
    return 0.0


# --------------------------------------------------------------------------- main


def header(args: argparse.Namespace, runs: int) -> None:
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
    out(f"- Options: {' '.join(sys.argv[1:]) or '(none)'}; timing runs per case: {runs}")
    out()
    out("How each figure is measured:")
    out()
    out(
        "1. **Requests**: each scenario of tests/e2e/test_github_lookups.py is set up on a fresh "
        "`GitHubStandIn` with the `repo` fixture's history, and the action is run with that module's "
        "`report()` (entrypoint.py as a subprocess, INPUT_*/GITHUB_* environment, the real payload from "
        "tests/fixtures/events adapted as the test adapts it) against `IftrueStandIn`; the requests are the "
        "stand-in's `.requests` after the run. Budgets are the test module's `BUDGET`."
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
        "peak RSS is the child's own ru_maxrss (`os.wait4`)."
    )
    out()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 timing runs per case instead of 10")
    parser.add_argument("--runs", type=int, default=None, help="timing runs per case (default 10; --quick: 3)")
    parser.add_argument("--skip-image", action="store_true", help="skip the Docker image section")
    parser.add_argument("--keep-image", action="store_true", help="keep the built image (tag iftrue-deploy-bench:*)")
    parser.add_argument("--python-image", default="python:3.13-slim", help="base image build argument")
    parser.add_argument("--backfill-sizes", default="50,200", help="release counts for the backfill section")
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
    args = parser.parse_args()
    runs = args.runs if args.runs is not None else (3 if args.quick else 10)
    if runs < 1:
        parser.error("--runs must be at least 1")
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    if args.skip_image:
        sections.discard("3")
    sizes = sorted({int(s) for s in args.backfill_sizes.split(",") if s.strip()})

    started = time.perf_counter()
    header(args, runs)
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


if __name__ == "__main__":
    sys.exit(main())
