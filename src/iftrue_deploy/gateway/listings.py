"""The listings a backfill walks, a page at a time, newest first (README "Backfill").

Each page is one request, made through the gateway's paced fetch and told to the pacer; what the
backfill keeps of a page is its business (:mod:`iftrue_deploy.listing`).

Workflow runs are listed with ``created=<=<the backfill's start>``: a run that starts during the
backfill cannot shift the pages. GitHub answers at most 1,000 runs for a filtered listing; at
that cap the walk asks again for the runs created at or before the oldest one it has, so that a
longer history is walked in windows (the overlap is de-duplicated by id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from ..facts import GitHubUnavailable, RunFacts, parse_timestamp

if TYPE_CHECKING:
    from github.GithubObject import GithubObject
    from github.Requester import Requester

PAGE = 100
# GitHub's cap on the results of a filtered runs listing (branch, status, created, …).
FILTERED_RUNS_CAP = 1000

R = TypeVar("R")
Item = TypeVar("Item", bound="GithubObject")
# (a page index, from 0) -> the items of that page; a request each.
PageFetch = Callable[[int], list[R]]
# (what, fetch) -> the pages, paced and told to the pacer.
Pager = Callable[[str, PageFetch[R]], Iterator[list[R]]]
# (url, query parameters) -> the decoded JSON answer.
GetJson = Callable[[str, dict[str, Any]], Any]


def listed(requester: Requester, item: type[Item], url: str, page: int, query: dict[str, str]) -> Iterator[Item]:
    """One page of a list (GitHub never answers more than PAGE items to it), made one at a time:
    an item completed from a huge answer is let go once it is converted."""
    parameters: dict[str, Any] = {**query, "per_page": PAGE, **({"page": page + 1} if page else {})}
    headers, data = requester.requestJsonAndCheck("GET", url, parameters=parameters)
    if not isinstance(data, list):
        raise TypeError("the answer is not a list")
    yield from (item(requester, headers, element) for element in one_page(data))


def one_page(data: list[Any]) -> list[dict[str, Any]]:
    """The items of one page of a listing; more than PAGE is not GitHub's answer, and none is read."""
    if len(data) > PAGE:
        raise GitHubUnavailable(f"the answer holds {len(data):,} items for a page of {PAGE}; none is read")
    return [element for element in data if isinstance(element, dict)]


def created_filter(until: datetime) -> str:
    """GitHub's search syntax for "created at or before": ``<=2024-05-01T10:00:00+00:00``."""
    return "<=" + until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def run(raw: dict[str, Any]) -> RunFacts:
    head = raw.get("head_commit") or {}
    actor = raw.get("actor") or {}
    attempt = raw.get("run_attempt")
    actor_id = actor.get("id") if isinstance(actor, dict) else None
    return RunFacts(
        id=int(raw["id"]),
        sha=str(raw.get("head_sha") or "").lower(),
        branch=str(raw.get("head_branch") or ""),
        path=str(raw.get("path") or ""),
        event=str(raw.get("event") or ""),
        status=str(raw.get("status") or ""),
        conclusion=raw.get("conclusion") if isinstance(raw.get("conclusion"), str) else None,
        message=head.get("message") if isinstance(head, dict) and isinstance(head.get("message"), str) else None,
        html_url=str(raw.get("html_url") or ""),
        created_at=parse_timestamp(raw.get("created_at")),
        started_at=parse_timestamp(raw.get("run_started_at")) or parse_timestamp(raw.get("created_at")),
        updated_at=parse_timestamp(raw.get("updated_at")),
        attempt=attempt if isinstance(attempt, int) else 1,
        actor_id=actor_id if isinstance(actor_id, int) else None,
    )


def run_pages(
    pager: Pager[RunFacts], get_json: GetJson, repo_url: str, workflow: str, branch: str, created_until: datetime
) -> Iterator[list[RunFacts]]:
    """The completed runs of ``workflow`` on ``branch`` created at or before ``created_until``,
    newest first, in windows of at most FILTERED_RUNS_CAP."""
    url = f"{repo_url}/actions/workflows/{quote(workflow, safe='')}/runs"  # pragma: no mutate (safe="XXXX": letters are never quoted)
    until = created_until
    while True:
        listed = 0
        oldest: datetime | None = None

        def fetch_page(page: int, until: datetime = until) -> list[RunFacts]:
            query = {
                "branch": branch,
                "status": "completed",
                "created": created_filter(until),
                "per_page": PAGE,
                "page": page + 1,
            }
            data = get_json(url, query)
            runs = data["workflow_runs"]
            if not isinstance(runs, list):
                raise TypeError("workflow_runs is not a list")
            return [run(item) for item in one_page(runs)]

        for items in pager(f"runs of {workflow} on {branch}", fetch_page):
            listed += len(items)
            for item in items:
                if item.created_at is not None and (
                    oldest is None or item.created_at < oldest  # pragma: no mutate (<=: an equal time is as old)
                ):
                    oldest = item.created_at
            yield items
            if listed >= FILTERED_RUNS_CAP:
                break  # GitHub answers no more for this window
        if listed < FILTERED_RUNS_CAP or oldest is None or oldest >= until:
            return
        until = oldest  # the next window: the runs created at or before the oldest one listed
