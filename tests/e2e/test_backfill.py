"""Backfill from a workflow_dispatch run: many past deployments, oldest first, each derived as if
the action had run for it then, against the GitHub and iftrue stand-ins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import GITHUB_TOKEN, ActionRun
from tests.scenarios import run_backfill as backfill
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

REPO_URL = "https://github.com/Codertocat/Hello-World"


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com").start()
    yield standin
    standin.stop()


def history(github: GitHubStandIn) -> dict[str, str]:
    """Releases v1.0.0 … v1.3.0 over a history of squash-merged pull requests."""
    shas: dict[str, str] = {}
    shas["initial"] = github.add_commit("Initial commit")
    github.add_release("v1.0.0", shas["initial"], body="First!", published_at="2024-01-10T10:00:00Z")
    for number, (title, branch, labels, count) in enumerate(
        [
            ("Add login", "feature/login", [], 3),
            ("Fix the crash on save", "bugfix/crash", ["bug"], 1),
            ("Payments", "feature/payments", [], 5),
            ("Urgent: stop double charges", "hotfix/double-charge", ["hotfix"], 2),
        ],
        start=10,
    ):
        sha = github.add_commit(f"{title} (#{number})")
        github.add_pull(number, title, branch, sha, labels=labels, commits=count)
        shas[str(number)] = sha
    github.add_release("v1.1.0", shas["11"], body="Login and a fix", published_at="2024-02-10T10:00:00Z")
    github.add_release("v1.2.0-rc.1", shas["12"], prerelease=True, published_at="2024-03-01T10:00:00Z")
    github.add_release("v1.2.0", shas["12"], published_at="2024-03-10T10:00:00Z")
    github.add_release("v1.3.0", shas["13"], name="Hotfix release", published_at="2024-03-11T10:00:00Z")
    github.add_release("v1.4.0", shas["13"], draft=True)
    return shas


def progress(run: ActionRun) -> list[str]:
    return [line for line in run.stdout.splitlines() if line.startswith("[")]


def test_backfill_of_releases_since_a_date(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    shas = history(github)
    run = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01")
    assert run.returncode == 0, run.stdout
    records = iftrue.records
    # Oldest first; the prerelease and the draft are not deployments.
    assert [r["title"] for r in records] == ["v1.1.0", "v1.2.0", "Hotfix release"]
    assert [r["commit_id"] for r in records] == [shas["11"], shas["12"], shas["13"]]
    assert [r["commits_count"] for r in records] == [2, 1, 1]  # v1.0.0→v1.1.0, v1.1.0→v1.2.0, v1.2.0→v1.3.0
    assert [r["pull_request_number"] for r in records] == [11, 12, 13]
    assert [r["branch"] for r in records] == ["bugfix/crash", "feature/payments", "hotfix/double-charge"]
    assert [(r["is_fix"], r["is_hotfix"]) for r in records] == [(True, False), (False, False), (False, True)]
    assert records[0]["changelog"] == "Login and a fix"
    assert records[0]["url"].endswith("/releases/tag/v1.1.0")
    assert all(r["status"] == "succes" and "deployment_duration" not in r for r in records)
    assert all(r["member_id"] == "1" for r in records)  # the release author, not who ran the backfill
    # Budget: at most 3 requests per record, plus 3.
    assert len(github.requests) <= 3 * len(records) + 3, [f"{r.method} {r.path}" for r in github.requests]
    ids = json.loads(run.outputs["deployment-ids"])
    assert run.outputs["deployments-reported"] == "3" and len(ids) == 3
    assert len(progress(run)) == 3 and progress(run)[0].startswith("[1/3] v1.1.0: reported as ")
    assert run.summary.count("| `succes` |") == 3


def test_each_record_is_sent_on_a_connection_of_its_own(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: no record goes out on the connection of the record before it. A server that closes
    that connection a moment after answering (as asked, without saying so in its answer: a busy
    iftrue, or any server under load) would break the next record after it was sent."""
    history(github)
    iftrue.close_after = 0.5  # longer than the next record takes to derive
    run = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01")
    assert run.returncode == 0, run.stdout
    assert [r["title"] for r in iftrue.records] == ["v1.1.0", "v1.2.0", "Hotfix release"]
    assert len({r.client_port for r in iftrue.requests}) == 3


def test_backfill_since_a_tag_starts_after_it(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    history(github)
    run = backfill(tmp_path, iftrue, github, backfill_since="v1.1.0")
    assert run.returncode == 0, run.stdout
    assert [r["title"] for r in iftrue.records] == ["v1.2.0", "Hotfix release"]


def test_first_release_counts_the_whole_history(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    history(github)
    run = backfill(tmp_path, iftrue, github, backfill_since="2020-01-01")
    assert run.returncode == 0, run.stdout
    assert [r["commits_count"] for r in iftrue.records] == [1, 2, 1, 1]


def test_one_rejected_record_does_not_stop_the_others(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    history(github)
    original = iftrue.handle
    calls: list[int] = []

    def reject_second(path: str, headers: dict[str, str], body: Any) -> tuple[int, dict[str, Any]]:
        calls.append(1)
        if len(calls) == 2:
            return 422, {"message": "commit_id is already recorded"}
        return original(path, headers, body)

    iftrue.handle = reject_second  # type: ignore[method-assign]
    run = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01")
    assert run.returncode == 1
    assert [r["title"] for r in iftrue.records] == ["v1.1.0", "Hotfix release"]
    errors = run.commands("error")
    assert len(errors) == 1 and "v1.2.0" in errors[0] and "commit_id is already recorded" in errors[0]
    assert run.outputs["deployments-reported"] == "2"
    assert "[2/3] v1.2.0: failed" in run.stdout


def test_dry_run_lists_what_would_be_sent(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    history(github)
    run = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01", dry_run="true")
    assert run.returncode == 0, run.stdout
    assert iftrue.requests == []
    would = [
        json.loads(line.removeprefix("would send: "))
        for line in run.stdout.splitlines()
        if line.startswith("would send: ")
    ]
    assert [w["title"] for w in would] == ["v1.1.0", "v1.2.0", "Hotfix release"]
    assert run.outputs["deployments-reported"] == "0"
    assert "would be sent (dry run)" in run.summary


def test_backfill_of_github_deployments(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    shas = history(github)
    old = github.add_deployment(shas["initial"], created_at="2024-01-10T11:00:00Z", statuses=["success"])
    ok = github.add_deployment(shas["11"], created_at="2024-02-10T11:00:00Z", statuses=["in_progress", "success"])
    failed = github.add_deployment(shas["12"], created_at="2024-03-10T11:00:00Z", statuses=["failure"])
    github.add_deployment(shas["12"], environment="staging", created_at="2024-03-10T12:00:00Z", statuses=["success"])
    later = github.add_deployment(shas["13"], created_at="2024-03-11T11:00:00Z", statuses=["success"])
    running = github.add_deployment(shas["13"], created_at="2024-03-12T11:00:00Z", statuses=["in_progress"])
    run = backfill(
        tmp_path, iftrue, github, backfill_since="2024-02-01", backfill_source="deployments", duration_unit="seconds"
    )
    assert run.returncode == 0, run.stdout
    records = iftrue.records
    assert [r["deployment_node_id"] for r in records] == [ok["node_id"], failed["node_id"], later["node_id"]]
    assert [r["status"] for r in records] == ["succes", "fail", "succes"]
    assert [r["commit_id"] for r in records] == [shas["11"], shas["12"], shas["13"]]
    # Counted from the previous successful deployment: initial→11, 11→12, and 11→13 (12 failed).
    assert [r["commits_count"] for r in records] == [2, 1, 2]
    # From the deployment's creation to its final status (statuses 30 s apart in the stand-in).
    assert [r["deployment_duration"] for r in records] == [60, 30, 30]
    assert [r["pull_request_number"] for r in records] == [11, 12, 13]
    assert running["id"] not in [r.get("deployment_node_id") for r in records]
    assert old["node_id"] not in [r["deployment_node_id"] for r in records]
    assert len(github.requests) <= 3 * len(records) + 3, [f"{r.method} {r.path}" for r in github.requests]


def test_backfill_needs_a_github_token(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    run = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01", github_token="")
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "'backfill-since'" in errors[0] and "'github-token' is empty" in errors[0]
    assert iftrue.requests == []


def test_unknown_tag(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    history(github)
    run = backfill(tmp_path, iftrue, github, backfill_since="v9.9.9")
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "'backfill-since'" in errors[0] and "v9.9.9" in errors[0]
    assert "Unexpected" not in errors[0]
