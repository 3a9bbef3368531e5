"""PyGithub's objects turned into the plain answers of :mod:`iftrue_deploy.facts`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..client import capped
from ..client.answers import MAX_QUOTE_BYTES
from ..facts import (
    COMPARE_STATUSES,
    Comparison,
    DeploymentFacts,
    DeploymentStatusFacts,
    PullRequestFacts,
    ReleaseFacts,
    parse_timestamp,
    utc,
)

if TYPE_CHECKING:
    from github import GithubException
    from github.Deployment import Deployment
    from github.DeploymentStatus import DeploymentStatus
    from github.GitRelease import GitRelease
    from github.PullRequest import PullRequest


def comparison(data: Any, head: str) -> Comparison:
    """A compare answer: ``total_commits`` counts every commit (the page lists at most 250), the first
    page's subjects, the head's message if it is last, and whether the head is ahead, behind or the same."""
    commits = data.get("commits") or []
    subjects = tuple(
        message.strip().splitlines()[0]
        for item in commits
        if isinstance(item, dict) and (message := (item.get("commit") or {}).get("message")) and message.strip()
    )
    total = data["total_commits"]
    if not isinstance(total, int):
        raise TypeError("total_commits is not a number")
    last = commits[-1] if commits and isinstance(commits[-1], dict) else {}
    head_message = (last.get("commit") or {}).get("message") if last.get("sha") == head else None
    status = data.get("status") if data.get("status") in COMPARE_STATUSES else None
    return Comparison(total_commits=total, subjects=subjects, head_message=head_message, status=status)


def run_start(data: Any) -> datetime:
    """When a workflow run (attempt) started."""
    started = parse_timestamp(data.get("run_started_at")) or parse_timestamp(data.get("created_at"))
    if started is None:
        raise ValueError("the run has no start time")
    return started


def release(release: GitRelease) -> ReleaseFacts:
    return ReleaseFacts(
        id=release.id,
        tag=release.tag_name,
        name=release.title or "",
        body=release.body or "",
        html_url=release.html_url,
        draft=release.draft,
        prerelease=release.prerelease,
        published_at=utc(release.published_at),
        target_commitish=release.target_commitish or "",
        author_id=release.author.id if release.author else None,
    )


def deployment(deployment: Deployment) -> DeploymentFacts:
    return DeploymentFacts(
        id=deployment.id,
        node_id=deployment.node_id,
        sha=deployment.sha,
        ref=deployment.ref,
        environment=deployment.environment,
        created_at=utc(deployment.created_at),
        creator_id=deployment.creator.id if deployment.creator else None,
    )


def deployment_status(status: DeploymentStatus) -> DeploymentStatusFacts:
    return DeploymentStatusFacts(state=status.state, created_at=utc(status.created_at), target_url=status.target_url)


def retry_after(error: GithubException) -> float | None:
    """The seconds GitHub's ``Retry-After`` asks to wait on a 403 or 429, if it says."""
    if error.status not in (403, 429):
        return None
    # pragma: no mutate start (no header and a non-number are alike; header values come stripped)
    value = {k.lower(): v for k, v in (error.headers or {}).items()}.get("retry-after", "").strip()
    # pragma: no mutate end
    return float(value) if value.isdigit() else None


def rate_limit_reset(error: GithubException, clock: float) -> float | None:
    """When GitHub refused for a rate limit, the epoch second to ask again (the primary limit's
    reset, or what a secondary limit's ``Retry-After`` says); else None."""
    if error.status not in (403, 429):
        return None
    wait = retry_after(error)
    if wait is not None:
        return clock + wait
    headers = {k.lower(): v for k, v in (error.headers or {}).items()}
    message = describe(error).lower()
    if headers.get("x-ratelimit-remaining") != "0" and "rate limit" not in message:
        return None
    reset = headers.get("x-ratelimit-reset", "")  # pragma: no mutate (no header and a non-number are alike)
    # GitHub: after a secondary limit without Retry-After, wait at least a minute.
    return float(reset) if reset.isdigit() and "secondary" not in message else clock + 60


def describe(error: GithubException) -> str:
    """GitHub's refusal, its message quoted on one line and up to 1 KiB (an answer may be 10 MiB)."""
    message = error.message or (error.data.get("message") if isinstance(error.data, dict) else None)
    quoted = capped(" ".join(str(message).split()), MAX_QUOTE_BYTES) if message else ""
    return f"HTTP {error.status}" + (f": {quoted}" if quoted else "")


def pull_request(pr: PullRequest, with_commits: bool) -> PullRequestFacts:
    # Only attributes that the commit's pull-request listing carries are read from listed pull
    # requests; reading any other would make PyGithub fetch the whole pull request.
    return PullRequestFacts(
        number=pr.number,
        title=pr.title or "",
        head_branch=pr.head.ref or "",
        labels=tuple(label.name for label in pr.labels),
        merge_commit_sha=pr.merge_commit_sha,
        merged=pr.merged_at is not None,
        commits=pr.commits if with_commits else None,
        html_url=pr.html_url,
    )
