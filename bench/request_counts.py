"""Section 1: GitHub API requests per trigger, beside the budget.

Each scenario is a builder of tests/scenarios.py, the one tests/e2e/test_github_lookups.py runs:
the same repository history, the same real payloads, the same ``report()`` runner. (Not named
``requests.py``: bench/ is the script directory of bench/baseline_post.py, which imports
``requests``.)
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import scenarios
from tests.standins.github import GitHubStandIn

from bench.harness import RUN_TIMEOUT, first_command, out, progress, short_path, standins, table

Builder = Callable[[GitHubStandIn, scenarios.Repo], scenarios.Call]


@dataclass
class Scenario:
    trigger: str
    name: str
    budget_key: str
    setup: Builder
    # Requests over the budget that the e2e test accepts for this scenario, and why.
    accepted_extra: int = 0
    why_extra: str = ""


s = scenarios
SCENARIOS = [
    Scenario("every field as input", "push, all 15 fields given", "inputs", s.every_field_given),
    Scenario("pull_request (merged)", "merged PR, deployment exists", "pull_request", s.merged_pull_request),
    Scenario("push", "merge commit of PR #12", "push", s.push_of_a_merge_commit),
    Scenario("push", "squash merge with a Bug label", "push", s.push_of_a_squash_merge),
    Scenario("push", "direct push, no pull request", "push", s.direct_push),
    Scenario("push (forced)", "force push", "push-extra", s.forced_push),
    Scenario("push (branch created)", "new branch", "push-extra", s.push_creating_a_branch),
    Scenario("push (over the commit cap)", "2048 commits listed", "push-extra", s.push_over_the_payload_cap),
    Scenario("release", "since the previous release", "release", s.release_after_a_previous_release),
    Scenario("release", "first release", "release", s.first_release),
    Scenario(
        "deployment_status", "previous deployment succeeded", "deployment_status", s.deployment_status_after_a_success
    ),
    Scenario(
        "deployment_status",
        "a failed deployment in between",
        "deployment_status",
        s.deployment_status_after_a_failed_one,
        accepted_extra=1,
        why_extra="the failed deployment in between must be checked and skipped (the e2e test allows budget + 1)",
    ),
    Scenario(
        "deployment",
        "created 3 days ago, run attempt started 5 min ago",
        "deployment",
        s.deployment_created,
        accepted_extra=1,
        why_extra="the commit's own earlier (failed) deployment must be checked: only its status tells a retry "
        "from a redeploy (the e2e test allows budget + 1)",
    ),
    Scenario("workflow_run", "run with its pull request", "workflow_run", s.workflow_run_with_its_pull_request),
    Scenario("workflow_run", "fork: empty pull_requests", "workflow_run", s.workflow_run_from_a_fork),
    Scenario("workflow_dispatch with ref", "ref: v1.0.1", "workflow_dispatch", s.workflow_dispatch_with_a_ref),
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
        call = scenario.setup(github, scenarios.build_repo(github))
        try:
            run = scenarios.report_call(Path(tmp), iftrue, github, call)
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


def verdict(scenario: Scenario, r: RequestsResult, budget: int) -> tuple[str, bool]:
    """(the row's verdict, whether it counts as over the budget)."""
    if r.used is None:
        return f"FAILED: {r.problem}", True
    if r.used <= budget:
        text = "ok" if r.sent else f"ok, but not sent: {r.problem}"
    elif r.used <= budget + scenario.accepted_extra:
        text = f"+{r.used - budget}, accepted: {scenario.why_extra}"
    else:
        return f"OVER BUDGET by {r.used - budget}" + ("" if r.sent else f"; not sent: {r.problem}"), True
    if not r.sent and "not sent" not in text:
        text += f"; not sent: {r.problem}"
    return text, False


def section_requests(results: dict[str, Any]) -> None:
    out("## 1. GitHub API requests per trigger")
    out()
    rows = []
    over = 0
    for scenario in SCENARIOS:
        progress(f"requests: {scenario.trigger} / {scenario.name}")
        r = measure_requests(scenario)
        budget = scenarios.BUDGET[scenario.budget_key]
        text, is_over = verdict(scenario, r, budget)
        over += is_over
        used = "—" if r.used is None else r.used
        rows.append([scenario.trigger, scenario.name, used, f"≤ {budget}", text, "; ".join(r.paths) or "—"])
    out(table(["trigger", "scenario", "requests", "budget", "verdict", "requests made (path, sha as {sha})"], rows))
    out()
    results["requests_over"] = over
