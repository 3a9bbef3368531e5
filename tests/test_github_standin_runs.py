"""The GitHub stand-in's workflow-runs listing (tests/standins/github_runs.py), exercised through
PyGithub: GitHub's paginated shape, the `branch`, `status` and `created` filters, the 1,000 cap."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from github import Auth, Github
from tests.standins.github import GitHubStandIn
from tests.standins.github_runs import PAGINATED, add_workflow_run, created_matches

TOKEN = "ghs_standInTokenForTests0123456789abcdef"


@pytest.fixture
def standin() -> Iterator[GitHubStandIn]:
    server = GitHubStandIn(token=TOKEN, default_branch="main").start()
    yield server
    server.stop()


def listed(standin: GitHubStandIn, **query: str) -> list[int]:
    github = Github(base_url=standin.url, auth=Auth.Token(TOKEN), retry=None, per_page=100, lazy=True)
    workflow = github.get_repo(standin.full_name).get_workflow("deploy.yml")
    return [run.id for run in workflow.get_runs(**query)]  # type: ignore[arg-type]


def test_the_listing_has_githubs_shape(standin: GitHubStandIn) -> None:
    add_workflow_run(standin, 7, created_at="2024-02-01T10:00:00Z", updated_at="2024-02-01T10:05:00Z")
    request = urllib.request.Request(
        f"{standin.url}/repos/{standin.full_name}/actions/workflows/deploy.yml/runs",
        headers={"Authorization": f"Bearer {TOKEN}", "User-Agent": "test"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = json.load(answer)
    assert set(body) == set(PAGINATED) == {"total_count", "workflow_runs"}
    (run,) = body["workflow_runs"]
    assert set(run) >= set(PAGINATED["workflow_runs"][0])
    assert run["path"] == ".github/workflows/deploy.yml" and run["updated_at"] == "2024-02-01T10:05:00Z"
    assert run["status"] == "completed" and run["conclusion"] == "success"


def test_filters_and_order(standin: GitHubStandIn) -> None:
    add_workflow_run(standin, 1, created_at="2024-02-01T10:00:00Z")
    add_workflow_run(standin, 2, created_at="2024-02-02T10:00:00Z", conclusion="failure")
    add_workflow_run(standin, 3, created_at="2024-02-03T10:00:00Z", branch="feature/x")
    add_workflow_run(standin, 4, created_at="2024-02-04T10:00:00Z", workflow="ci.yml")
    add_workflow_run(standin, 5, created_at="2024-02-05T10:00:00Z", status="in_progress", conclusion=None)
    assert listed(standin) == [5, 3, 2, 1]  # newest first, this workflow's only
    assert listed(standin, branch="main", status="completed") == [2, 1]
    assert listed(standin, status="failure") == [2]
    assert listed(standin, created="<=2024-02-02T10:00:00+00:00") == [2, 1]
    assert listed(standin, created="2024-02-02..2024-02-03") == [3, 2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("<=2024-02-02T10:00:00Z", True),
        ("<2024-02-02T10:00:00Z", False),
        (">=2024-02-02", True),
        (">2024-02-02", False),
        ("2024-02-02", True),
        ("2024-02-01..2024-02-01", False),
        ("*..2024-02-02", True),
    ],
)
def test_githubs_date_syntax(query: str, expected: bool) -> None:
    assert created_matches(query, "2024-02-02T10:00:00Z") is expected


def test_a_filtered_listing_stops_at_1000(standin: GitHubStandIn) -> None:
    for i in range(1, 1006):
        add_workflow_run(standin, i, created_at=f"2024-02-01T{i // 60 // 60:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z")
    assert len(listed(standin, status="completed")) == 1000
    assert len(listed(standin)) == 1005
