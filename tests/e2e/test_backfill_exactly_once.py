"""Issue 17: each past deployment exactly once, in the order it happened, whatever the source and
however the listing moves (README "Backfill").

The GitHub stand-in lists by page number, live: an item that lands between two pages shifts the
later pages (``after_page``), as on GitHub; ``stuck_listings`` makes a listing answer its first
page for every page number (a broken server or proxy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import GITHUB_TOKEN, ActionRun
from tests.scenarios import run_backfill as backfill
from tests.standins.github import GitHubStandIn, iso
from tests.standins.github_runs import add_workflow_run
from tests.standins.iftrue import IftrueStandIn

START = datetime(2024, 1, 1, tzinfo=UTC)
COUNT = 130  # two pages of 100
RUN_URL = "https://github.com/Codertocat/Hello-World/actions/runs/"


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com", default_branch="main").start()
    yield standin
    standin.stop()


def now() -> str:
    return iso(datetime.now(UTC))


def commits(github: GitHubStandIn, count: int) -> list[str]:
    github.add_commit("Initial commit", branch="main", date="2023-12-31T00:00:00Z")
    return [
        github.add_commit(f"Change {i} (#{i})", branch="main", date=iso(START + timedelta(hours=6 * i)))
        for i in range(1, count + 1)
    ]


def releases(github: GitHubStandIn, shas: list[str]) -> list[str]:
    for i, sha in enumerate(shas, start=1):
        github.add_release(f"v1.0.{i}", sha, published_at=iso(START + timedelta(hours=6 * i)))
    return [f"v1.0.{i}" for i in range(1, len(shas) + 1)]


def deployments(github: GitHubStandIn, shas: list[str]) -> list[str]:
    return [
        str(github.add_deployment(sha, created_at=iso(START + timedelta(hours=6 * i)), statuses=["success"])["node_id"])
        for i, sha in enumerate(shas, start=1)
    ]


def runs(github: GitHubStandIn, shas: list[str]) -> list[str]:
    for i, sha in enumerate(shas, start=1):
        add_workflow_run(github, 5000 + i, head_sha=sha, created_at=iso(START + timedelta(hours=6 * i)))
    return [f"{RUN_URL}{5000 + i}" for i in range(1, len(shas) + 1)]


SOURCES: dict[str, tuple[Callable[[GitHubStandIn, list[str]], list[str]], str, str]] = {
    # source: (the history builder, the record field that tells them apart, the listing's path)
    "releases": (releases, "title", "/releases"),
    "deployments": (deployments, "deployment_node_id", "/deployments"),
    "runs": (runs, "url", "/actions/workflows/deploy.yml/runs"),
}


def land(github: GitHubStandIn, source: str, head: str, count: int, at: str) -> None:
    """``count`` new deployments of ``source``, at ``at``."""
    for i in range(count):
        if source == "releases":
            github.add_release(f"v9.{at[:4]}.{i}", head, published_at=at)
        elif source == "deployments":
            github.add_deployment(head, created_at=at, statuses=[{"state": "success", "created_at": at}])
        elif at > now():  # created before the backfill, completed after its start
            created = iso(START + timedelta(days=60, minutes=i))
            add_workflow_run(github, 9100 + i, head_sha=head, created_at=created, updated_at=at)
        else:
            add_workflow_run(github, 9000 + i, head_sha=head, created_at=at)


def run(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, source: str, **inputs: str) -> ActionRun:
    extra = {"backfill_workflow": "deploy.yml"} if source == "runs" else {}
    return backfill(
        tmp_path, iftrue, github, backfill_since="2023-12-31", backfill_source=source, dry_run="true", **extra, **inputs
    )


def sent(run: ActionRun) -> list[dict[str, Any]]:
    import json

    return [
        json.loads(line.removeprefix("would send: "))
        for line in run.stdout.splitlines()
        if line.startswith("would send: ")
    ]


@pytest.mark.parametrize("source", list(SOURCES))
def test_items_landing_mid_listing_are_reported_once_and_new_ones_not_at_all(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, source: str
) -> None:
    """Rule: three deployments land after the first page is read (page 2 then repeats three of
    page 1): every past one is reported once, oldest first. Two more are dated after the start
    (as by a clock ahead of the runner's): they are left to the live workflow, and the summary
    says how many."""
    build, key, path = SOURCES[source]
    shas = commits(github, COUNT)
    expected = build(github, shas)
    land(github, source, shas[-1], 2, iso(datetime.now(UTC) + timedelta(hours=1)))

    def landing(listed: str, page: int) -> None:
        if listed.endswith(path) and page == 1:
            land(github, source, shas[-1], 3, now())

    github.after_page = landing
    result = run(tmp_path, iftrue, github, source)
    assert result.returncode == 0, result.stdout[-3000:]
    reported = [r[key] for r in sent(result)]
    assert len(reported) == len(set(reported)), "a past deployment was reported twice"
    assert reported == expected
    if source == "runs":  # listed created <= the start: what lands later cannot shift the pages
        assert "listed again" not in result.stdout
        assert any(r.query["created"].startswith("<=") for r in github.requests if r.path.endswith(path))
    else:
        assert "3 listed again and skipped" in result.stdout
    assert "2 after the backfill started, left to the live workflow" in result.stdout
    assert "2 " + source + " came after the backfill started" in result.summary


def test_a_run_completing_mid_listing_shifts_the_pages_and_is_left_to_the_live_run(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: runs created before the backfill but completing during it join the `completed`
    listing: one among page 1's makes page 2 repeat a run, one among page 2's is listed there:
    each run once, and those two are the live runs' to report."""
    shas = commits(github, COUNT)
    expected = runs(github, shas)
    running = [
        add_workflow_run(
            github,
            9990 + i,
            head_sha=shas[i],
            status="in_progress",
            conclusion=None,
            created_at=iso(START + timedelta(hours=6 * i + 1)),
        )
        for i in (100, 10)  # newest first: among page 1's runs, and among page 2's
    ]

    def completes(listed: str, page: int) -> None:
        if listed.endswith("/runs") and page == 1:
            for r in running:
                r.update(status="completed", conclusion="success", updated_at=now())

    github.after_page = completes
    result = run(tmp_path, iftrue, github, "runs")
    assert result.returncode == 0, result.stdout[-3000:]
    reported = [r["url"] for r in sent(result)]
    assert reported == expected
    assert "1 listed again and skipped" in result.stdout
    assert "1 after the backfill started, left to the live workflow" in result.stdout  # the one on page 2


@pytest.mark.parametrize("source", list(SOURCES))
def test_a_listing_that_repeats_its_page_ends_with_a_warning(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, source: str
) -> None:
    """Rule: a page that brings no new id ends the listing, with a warning; what was listed is
    reported once each (here the newest 100), and the run ends."""
    build, key, path = SOURCES[source]
    expected = build(github, commits(github, COUNT))
    github.stuck_listings = [path + "$"]
    result = run(tmp_path, iftrue, github, source)
    warnings = result.commands("warning")
    assert any("page 2" in w and "already listed" in w for w in warnings), result.stdout[-2000:]
    reported = [r[key] for r in sent(result)]
    assert reported == expected[-100:]
    assert len([r for r in github.requests if r.path.endswith(path)]) == 2


def test_releases_are_ordered_by_publication_not_creation(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: a release drafted first and published last is reported last, counted from the
    release published before it; GitHub lists releases by creation."""
    a, b, c = commits(github, 3)
    github.add_release("v3.0.0", c, created_at="2024-02-01T00:00:00Z", published_at="2024-02-20T00:00:00Z")
    github.add_release("v1.0.0", a, created_at="2024-02-05T00:00:00Z", published_at="2024-02-05T00:00:00Z")
    github.add_release("v2.0.0", b, created_at="2024-02-10T00:00:00Z", published_at="2024-02-10T00:00:00Z")
    result = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01")
    assert result.returncode == 0, result.stdout
    assert [r["title"] for r in iftrue.records] == ["v1.0.0", "v2.0.0", "v3.0.0"]
    assert [r["commits_count"] for r in iftrue.records] == [2, 1, 1]  # initial+a; a→b; b→c
    assert result.outputs["backfill-continue-since"] == "v3.0.0"


def test_a_compare_over_250_commits_counts_them_all(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: the count is the compare's total_commits (300), not the 250 commits a compare page lists."""
    github.add_commit("Initial commit", branch="main")
    github.add_release("v1.0.0", github.head("main") or "", published_at="2024-01-01T00:00:00Z")
    for i in range(300):
        github.add_commit(f"Change {i}", branch="main")
    github.add_release("v2.0.0", github.head("main") or "", published_at="2024-02-02T00:00:00Z")
    result = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01")
    assert result.returncode == 0, result.stdout
    assert [r["commits_count"] for r in iftrue.records] == [300]
    assert iftrue.records[0]["changelog"].endswith("- … and 280 more")


def test_a_success_later_made_inactive_is_timed_to_and_linked_from_the_success(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: GitHub turns a success inactive when a newer deployment succeeds (three days later
    here): the duration is to the success (4 min), the link is the success's."""
    a, b = commits(github, 2)
    github.add_deployment(
        a,
        created_at="2024-02-01T10:00:00Z",
        statuses=[
            {"state": "in_progress", "created_at": "2024-02-01T10:01:00Z", "target_url": "https://ci/1/progress"},
            {"state": "success", "created_at": "2024-02-01T10:04:00Z", "target_url": "https://ci/1"},
            {"state": "inactive", "created_at": "2024-02-04T10:00:00Z", "target_url": "https://ci/2"},
        ],
    )
    github.add_deployment(
        b, created_at="2024-02-04T09:58:00Z", statuses=[{"state": "success", "created_at": "2024-02-04T10:00:00Z"}]
    )
    result = backfill(
        tmp_path, iftrue, github, backfill_since="2024-02-01", backfill_source="deployments", duration_unit="seconds"
    )
    assert result.returncode == 0, result.stdout
    first = iftrue.records[0]
    assert first["status"] == "succes"
    assert first["deployment_duration"] == 240
    assert first["url"] == "https://ci/1"
    assert [r["commit_id"] for r in iftrue.records] == [a, b]
