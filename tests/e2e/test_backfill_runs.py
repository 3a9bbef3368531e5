"""Issue 17: `backfill-source: runs`: the completed runs of the deploy workflow on the production
branch are the deployments, for a team that deploys on push with no Releases or Deployments.

Against the GitHub stand-in's workflow-runs listing (tests/standins/github_runs.py: the `branch`,
`status` and `created` filters, GitHub's paginated shape) and the iftrue stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.conftest import GITHUB_TOKEN
from tests.scenarios import run_backfill as backfill
from tests.standins.github import GitHubStandIn, iso
from tests.standins.github_runs import add_workflow_run
from tests.standins.iftrue import IftrueStandIn

START = datetime(2024, 2, 1, tzinfo=UTC)


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    # The workflow_dispatch payload's repository has the default branch main.
    standin = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com", default_branch="main").start()
    yield standin
    standin.stop()


def at(days: float, minutes: float = 0) -> str:
    return iso(START + timedelta(days=days, minutes=minutes))


def merged(github: GitHubStandIn, number: int, title: str, branch: str, labels: tuple[str, ...] = ()) -> str:
    sha = github.add_commit(f"{title} (#{number})", branch="main")
    github.add_pull(number, title, branch, sha, labels=labels, commits=1, base="main")
    return sha


def history(github: GitHubStandIn) -> dict[str, str]:
    """Deploy runs of every kind; their html_url by name."""
    base = github.add_commit("Initial commit", branch="main")
    login = merged(github, 10, "Add login", "feature/login")
    crash = merged(github, 11, "Fix the crash on save", "bugfix/crash", ("bug",))
    pay = merged(github, 12, "Payments", "feature/payments")
    hot = merged(github, 13, "Stop double charges", "hotfix/double-charge", ("hotfix",))
    github.create_branch("feature/x", hot)
    runs = {
        # Before the since date: the base of the first count.
        "base": add_workflow_run(github, 100, head_sha=base, created_at=at(-10)),
        "login": add_workflow_run(github, 101, head_sha=login, created_at=at(1), updated_at=at(1, 4)),
        "crash": add_workflow_run(
            github, 102, head_sha=crash, conclusion="failure", created_at=at(2), updated_at=at(2, 3)
        ),
        "cancelled": add_workflow_run(github, 103, head_sha=crash, conclusion="cancelled", created_at=at(2, 30)),
        "pay": add_workflow_run(
            github, 104, head_sha=pay, conclusion="timed_out", created_at=at(3), updated_at=at(3, 6)
        ),
        "skipped": add_workflow_run(github, 105, head_sha=pay, conclusion="skipped", created_at=at(3, 30)),
        "other-branch": add_workflow_run(github, 106, head_sha=hot, branch="feature/x", created_at=at(4)),
        "other-workflow": add_workflow_run(github, 107, head_sha=hot, workflow="ci.yml", created_at=at(4, 10)),
        "hot": add_workflow_run(github, 108, head_sha=hot, created_at=at(4, 20), updated_at=at(4, 22)),
        "running": add_workflow_run(github, 109, head_sha=hot, status="in_progress", conclusion=None, created_at=at(5)),
    }
    return {name: f"https://github.com/Codertocat/Hello-World/actions/runs/{r['id']}" for name, r in runs.items()}


def test_runs_of_the_deploy_workflow_are_the_deployments(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: success → succes, failure and timed_out → fail; cancelled, skipped, in progress,
    other branches and other workflows are left out; duration updated_at − run_started_at;
    commits from the previous *successful* run; pull request, branch and flags as for a push;
    at most 2 requests a record."""
    urls = history(github)
    run = backfill(
        tmp_path, iftrue, github, backfill_since="2024-02-01", backfill_source="runs",
        backfill_workflow="deploy.yml", duration_unit="seconds",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout
    records = iftrue.records
    assert [r["url"] for r in records] == [urls["login"], urls["crash"], urls["pay"], urls["hot"]]
    assert [r["status"] for r in records] == ["succes", "fail", "fail", "succes"]
    assert [r["deployment_duration"] for r in records] == [240, 180, 360, 120]
    # base→login; login→crash; login→pay (crash failed); login→hot (pay timed out).
    assert [r["commits_count"] for r in records] == [1, 1, 2, 3]
    assert [r["pull_request_number"] for r in records] == [10, 11, 12, 13]
    assert [r["branch"] for r in records] == [
        "feature/login",
        "bugfix/crash",
        "feature/payments",
        "hotfix/double-charge",
    ]
    assert [(r["is_fix"], r["is_hotfix"], r["is_forced"]) for r in records] == [
        (False, False, False), (True, False, False), (False, False, False), (False, True, False),
    ]  # fmt: skip
    assert records[0]["title"] == "Add login"
    pages = [r for r in github.requests if r.path.endswith("/actions/workflows/deploy.yml/runs")]
    assert len(pages) == 1
    assert pages[0].query["branch"] == "main" and pages[0].query["status"] == "completed"
    assert pages[0].query["created"].startswith("<=")
    # Per record: its pull request and one compare; once: the deployments (for the node id).
    assert len(github.requests) <= 2 * len(records) + len(pages) + 1, [f"{r.method} {r.path}" for r in github.requests]
    assert github.count(path_contains="/commits/", path_regex=r"/commits/[0-9a-f]{40}$") == 0  # the message came listed
    assert run.outputs["backfill-continue-since"] == "run:108"
    why = json.loads(run.outputs["explain"])["run 102"]
    assert why["commit_id"] == "`head_sha` of run 102" and why["url"].startswith("`html_url` of run 102")
    assert why["status"] == "the conclusion of run 102, 'failure'"


def test_a_run_re_run_later_is_one_deployment_ordered_and_timed_by_its_last_attempt(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: a re-run keeps its run id: one record, in the order of its last attempt's start
    (run_started_at), timed by that attempt; the listing order (creation) is not the order."""
    github.add_commit("Initial commit", branch="main")
    first = merged(github, 20, "First", "feature/first")
    second = merged(github, 21, "Second", "feature/second")
    rerun = add_workflow_run(
        github, 200, head_sha=first, created_at=at(1), attempt=2, started_at=at(3), updated_at=at(3, 5)
    )
    later = add_workflow_run(github, 201, head_sha=second, created_at=at(2), updated_at=at(2, 2))
    run = backfill(
        tmp_path, iftrue, github, backfill_since="2024-02-01", backfill_source="runs",
        backfill_workflow="deploy.yml", duration_unit="seconds",
    )  # fmt: skip
    assert run.returncode == 0, run.stdout
    urls = [r["url"].rsplit("/", 1)[-1] for r in iftrue.records]
    assert urls == [str(later["id"]), str(rerun["id"])]  # by run_started_at, not by creation
    assert [r["deployment_duration"] for r in iftrue.records] == [120, 300]


def test_backfill_workflow_is_required_with_runs(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    run = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01", backfill_source="runs")
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "'backfill-workflow'" in errors[0] and "deploy.yml" in errors[0]
    assert iftrue.requests == [] and github.requests == []


def test_a_run_id_is_not_for_releases(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    run = backfill(tmp_path, iftrue, github, backfill_since="run:5")
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "backfill-source: runs" in errors[0]
    assert iftrue.requests == []


def test_resuming_a_runs_backfill_sends_nothing_twice(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: a runs backfill stopped by the rate limit ends with run:<id>; continuing from it
    reports the rest: across both runs every run once, oldest first (two pages of runs)."""
    github.add_commit("Initial commit", branch="main")
    expected = []
    for i in range(1, 131):
        sha = merged(github, i, f"Change {i}", f"feature/{i}")
        conclusion = "failure" if i % 10 == 0 else "cancelled" if i % 13 == 0 else "success"
        r = add_workflow_run(github, 1000 + i, head_sha=sha, conclusion=conclusion, created_at=at(i / 4))
        if conclusion != "cancelled":
            expected.append(f"https://github.com/Codertocat/Hello-World/actions/runs/{r['id']}")
    github.set_rate_limit(150, reset_in=3600)
    first = backfill(
        tmp_path / "first", iftrue, github, backfill_since="2024-01-01", backfill_source="runs",
        backfill_workflow="deploy.yml",
    )  # fmt: skip
    sent_first = len(iftrue.records)
    assert 0 < sent_first < len(expected), first.stdout[-2000:]
    since = first.outputs["backfill-continue-since"]
    assert since.startswith("run:")
    github.set_rate_limit(5000)
    second = backfill(
        tmp_path / "second", iftrue, github, backfill_since=since, backfill_source="runs",
        backfill_workflow=".github/workflows/deploy.yml",
    )  # fmt: skip
    assert second.returncode == 0, second.stdout[-3000:]
    reported = [r["url"] for r in iftrue.records]
    assert len(reported) == len(set(reported)), "a run was sent twice"
    assert reported == expected
    # The first record of the second run counts from the last successful run of the first.
    assert iftrue.records[sent_first]["commits_count"] in (1, 2)


def test_more_runs_than_github_lists_for_one_query_are_walked_in_windows(github: GitHubStandIn) -> None:
    """Rule: GitHub answers at most 1,000 runs for a filtered listing; past that the gateway asks
    again for those created at or before the oldest it has: every run is listed (the one at the
    window's edge twice, which the walk de-duplicates)."""
    from iftrue_deploy.client import Budget
    from iftrue_deploy.client.bounds import GITHUB_REQUEST_SECONDS
    from iftrue_deploy.gateway import PyGithubFacts
    from iftrue_deploy.github_api import GitHubApi

    for i in range(1, 1051):
        add_workflow_run(github, i, created_at=iso(START + timedelta(minutes=i)))
    budget = Budget(GITHUB_REQUEST_SECONDS, None)  # as a backfill's: each request bounded, no total
    gateway = PyGithubFacts(GitHubApi(github.url, "the test", True), GITHUB_TOKEN, github.full_name, budget)
    pages = list(gateway.run_pages("deploy.yml", "main", START + timedelta(days=30)))
    ids = [r.id for page in pages for r in page]
    assert set(ids) == set(range(1, 1051))
    assert len(ids) == 1051  # run 51 closes the first window and opens the second
    queries = [r.query for r in github.requests if r.path.endswith("/runs")]
    assert len(queries) == 11 and all(q["per_page"] == "100" for q in queries)
    assert queries[10]["created"] == "<=2024-02-01T00:51:00+00:00" and queries[10]["page"] == "1"
