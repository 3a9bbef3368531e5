"""Issue 11: a long backfill finishes unattended or stops resumably, without duplicates.

GitHub's rate limit is read from every answer (listing pages included) and waited out when the
reset is near; when it is too far away the backfill stops and ends with the exact
`backfill-since` value that continues after the last record iftrue accepted. Continuing with it
sends nothing twice: across both runs iftrue holds each past deployment exactly once.

The histories span two pages of GitHub's listing (more than 100 releases or deployments), so a
pager that asks for 30 a page but stops on a page shorter than 100 is caught. The GitHub stand-in
counts its rate limit down in the headers and answers 403 "API rate limit exceeded" at zero, as
GitHub does (``GitHubStandIn.set_rate_limit``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.conftest import GITHUB_TOKEN, ActionRun
from tests.scenarios import run_backfill as backfill
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

# Where a stopped backfill says how to continue: an output named CONTINUE_OUTPUT if the action
# writes one, else the last match of CONTINUE_RE in the log. Loose on purpose; adjust to the
# implementation's wording.
CONTINUE_RE = re.compile(r"backfill-since:?\s*[`'\"]?([^\s`'\"]+)")
CONTINUE_OUTPUT = "backfill-continue-since"
# A line of progress while pages are listed (before any record is reported).
LISTING_RE = re.compile(r"(?i)\b(list(ed|ing)?|page)\b")
# A line of progress per record, as the existing backfill prints it: "[3/130] v1.0.2: reported as …".
RECORD_RE = re.compile(r"^\[\d+/\d+\] ")

RELEASES = 130  # two pages of 100
DEPLOYMENTS = 120
REPO_URL = "https://github.com/Codertocat/Hello-World"
START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com").start()
    yield standin
    standin.stop()


def releases(github: GitHubStandIn, count: int = RELEASES) -> list[str]:
    """``count`` releases, four a day (so a date alone cannot say where to continue), each on
    its own squash-merged commit; their tags, oldest first."""
    github.add_commit("Initial commit", date="2023-12-31T00:00:00Z")
    tags = []
    for i in range(1, count + 1):
        at = START + timedelta(hours=6 * i)
        sha = github.add_commit(f"Change number {i} (#{i})", date=at.isoformat())
        tag = f"v1.{i // 10}.{i % 10}"
        github.add_release(tag, sha, published_at=at.isoformat())
        tags.append(tag)
    return tags


def deployments(github: GitHubStandIn, count: int = DEPLOYMENTS) -> list[str]:
    """``count`` production deployments, six a day, each reaching a final status; node ids, oldest first."""
    github.add_commit("Initial commit", date="2023-12-31T00:00:00Z")
    ids = []
    for i in range(1, count + 1):
        at = START + timedelta(hours=4 * i)
        sha = github.add_commit(f"Change number {i} (#{i})", date=at.isoformat())
        final = "failure" if i % 10 == 0 else "success"
        d = github.add_deployment(sha, created_at=at.isoformat(), statuses=["in_progress", final])
        ids.append(str(d["node_id"]))
    return ids


def continue_value(run: ActionRun) -> str:
    if run.outputs.get(CONTINUE_OUTPUT):
        return run.outputs[CONTINUE_OUTPUT]
    found = CONTINUE_RE.findall(run.stdout)
    assert found, f"no backfill-since value to continue with in:\n{run.stdout[-3000:]}"
    return str(found[-1])


def listing_lines(run: ActionRun) -> list[str]:
    """Lines printed before the first record's progress line that speak of listing."""
    lines = []
    for line in run.stdout.splitlines():
        if RECORD_RE.match(line):
            break
        if LISTING_RE.search(line) and not line.startswith("::"):
            lines.append(line)
    return lines


@pytest.mark.parametrize("source", ["releases", "deployments"])
def test_backfill_stopped_by_the_rate_limit_continues_without_duplicates(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, source: str
) -> None:
    """Rule: a backfill stopped by GitHub's rate limit (reset an hour away) ends with the exact
    backfill-since value to continue with; continuing with it sends nothing twice: across both
    runs iftrue holds every past deployment exactly once, oldest first."""
    if source == "releases":
        expected = releases(github)
        key = "title"
    else:
        expected = deployments(github)
        key = "deployment_node_id"
    github.set_rate_limit(170, reset_in=3600)  # enough for both listing pages and a part of the records
    first = backfill(tmp_path / "first", iftrue, github, backfill_since="2023-12-31", backfill_source=source)
    sent_first = len(iftrue.records)
    assert 0 < sent_first < len(expected), (sent_first, first.stdout[-2000:])
    since = continue_value(first)

    github.set_rate_limit(5000)  # the next day
    second = backfill(tmp_path / "second", iftrue, github, backfill_since=since, backfill_source=source)
    assert second.returncode == 0, second.stdout[-3000:]
    reported = [r[key] for r in iftrue.records]
    assert len(reported) == len(set(reported)), "a past deployment was sent twice"
    assert reported == expected  # every one, once, oldest first


def test_rate_limit_while_listing_stops_before_anything_is_sent(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: listing is paced too: a limit hit on the second page (reset an hour away) stops the
    backfill with a backfill-since value; continuing with it reports every release once."""
    expected = releases(github)
    github.set_rate_limit(1, reset_in=3600)  # the first page only
    first = backfill(tmp_path / "first", iftrue, github, backfill_since="2023-12-31")
    assert iftrue.records == []
    since = continue_value(first)
    github.set_rate_limit(5000)
    second = backfill(tmp_path / "second", iftrue, github, backfill_since=since)
    assert second.returncode == 0, second.stdout[-3000:]
    assert [r["title"] for r in iftrue.records] == expected


def test_a_near_reset_while_listing_is_waited_out(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    """Rule: a rate limit whose reset is near is waited out, listing included: the backfill
    finishes unattended in one run (the stand-in's limit resets one second after it is set)."""
    expected = releases(github)
    github.set_rate_limit(1, reset_in=1)  # the first page; the second would be refused until reset
    run = backfill(tmp_path, iftrue, github, backfill_since="2023-12-31")
    assert run.returncode == 0, run.stdout[-3000:]
    assert [r["title"] for r in iftrue.records] == expected
    assert run.outputs["deployments-reported"] == str(len(expected))


def test_listing_prints_progress_and_reads_every_page(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Rule: progress is printed while pages are listed, not only per record; and every page is
    read (130 releases: a pager that stops on a short page must ask for 100 a page)."""
    expected = releases(github)
    run = backfill(tmp_path, iftrue, github, backfill_since="2023-12-31", dry_run="true")
    assert run.returncode == 0, run.stdout[-3000:]
    assert run.stdout.count("would send: ") == len(expected)
    pages = [r for r in github.requests if r.path.endswith("/releases")]
    assert len(pages) == 2, [r.query for r in pages]
    assert len(listing_lines(run)) >= len(pages), run.stdout[:2000]
