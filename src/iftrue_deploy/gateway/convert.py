"""PyGithub's objects turned into the plain answers of :mod:`iftrue_deploy.facts`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from urllib3.util.retry import Retry

from ..facts import DeploymentFacts, PullRequestFacts, ReleaseFacts, utc

if TYPE_CHECKING:
    from github import GithubException
    from github.Deployment import Deployment
    from github.GitRelease import GitRelease
    from github.PullRequest import PullRequest


def quick_retry() -> Retry:
    # The "no mutate" marks: total only caps what connect + status allow already; a wait's length
    # could only be told by a timed test; None is as false as False to urllib3.
    return Retry(
        total=2,  # pragma: no mutate
        connect=1,
        read=0,  # a read that failed may have been served: don't repeat it blindly
        status=1,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        backoff_factor=0.3,  # pragma: no mutate
        backoff_max=2.0,  # pragma: no mutate
        respect_retry_after_header=False,  # pragma: no mutate
        raise_on_status=False,  # pragma: no mutate
    )


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
    message = error.message or (error.data.get("message") if isinstance(error.data, dict) else None)
    return f"HTTP {error.status}" + (f": {message}" if message else "")


def pull_request(pr: PullRequest, with_commits: bool) -> PullRequestFacts:
    # Only attributes that the commit's pull-request listing carries are read from listed pull
    # requests; reading any other would make PyGithub fetch the whole pull request.
    return PullRequestFacts(
        number=pr.number,
        title=pr.title or "",
        head_branch=pr.head.ref or "",
        labels=tuple(label.name.lower() for label in pr.labels),
        merge_commit_sha=pr.merge_commit_sha,
        merged=pr.merged_at is not None,
        commits=pr.commits if with_commits else None,
        html_url=pr.html_url,
    )
