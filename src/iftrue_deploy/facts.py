"""What the derivations may ask GitHub, as plain data: the questions (:class:`GitHubFacts`) and
their answers. The one gateway that answers lives in :mod:`iftrue_deploy.gateway`; nothing else
talks to the GitHub API. Without a token there is no gateway at all: every question is then
answered "unknown" by :class:`iftrue_deploy.derive.lookups.Lookups`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


def utc(value: datetime | None) -> datetime | None:
    """A datetime with a time zone (GitHub's naive ones are UTC)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_timestamp(value: object) -> datetime | None:
    """GitHub's ISO 8601 timestamps ("2024-05-01T10:00:00Z"); anything else is None."""
    if not isinstance(value, str):
        return None
    try:
        return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


class GitHubUnavailable(Exception):
    """GitHub could not answer a question; the field that needed it falls back.

    ``quiet`` is set when the user already knows (no token was given): no warning per field.
    """

    def __init__(self, message: str, quiet: bool = False) -> None:
        super().__init__(message)
        self.quiet = quiet


class RateLimited(Exception):
    """GitHub's rate limit is spent and resets too late to wait for: a backfill stops there and
    says how to continue (README "Backfill"). Not a :class:`GitHubUnavailable`: no field falls back."""


class Pacer(Protocol):
    """What a long run (a backfill) is asked around every GitHub request (README "Backfill")."""

    def before(self, remaining: int, reset_at: float) -> None:
        """Before a request, with the rate limit of the last answer: returns (perhaps after a
        wait) to go on, or raises :class:`RateLimited`."""
        ...

    def refused(self, reset_at: float) -> None:
        """GitHub refused a request for its rate limit: returns after the reset to ask again, or
        raises :class:`RateLimited`."""
        ...

    def listed(self, what: str, page: int, count: int) -> None:
        """A page of a listing was read: the ``page``-th, ``count`` items so far."""
        ...


@dataclass(frozen=True)
class PullRequestFacts:
    number: int
    title: str
    head_branch: str
    labels: tuple[str, ...]
    merge_commit_sha: str | None
    merged: bool
    # The number of commits; the commit's pull-request listing does not carry it.
    commits: int | None = None
    html_url: str | None = None


@dataclass(frozen=True)
class CommitFacts:
    sha: str
    message: str


# GitHub's OpenAPI `comparison` schema: the only values of its `status`.
COMPARE_STATUSES = ("diverged", "ahead", "behind", "identical")


@dataclass(frozen=True)
class Comparison:
    total_commits: int
    subjects: tuple[str, ...]
    # The head commit's message, when the first page of commits reaches the head.
    head_message: str | None = None
    # GitHub's `status`: "ahead", "behind" (the head is an ancestor of the base), "identical" or
    # "diverged"; None when the answer lacked it.
    status: str | None = None


@dataclass(frozen=True)
class DeploymentFacts:
    id: int
    node_id: str
    sha: str
    ref: str
    environment: str
    created_at: datetime | None
    creator_id: int | None = None


@dataclass(frozen=True)
class DeploymentStatusFacts:
    state: str
    created_at: datetime | None
    target_url: str | None


@dataclass(frozen=True)
class ReleaseFacts:
    id: int
    tag: str
    name: str
    body: str
    html_url: str
    draft: bool
    prerelease: bool
    published_at: datetime | None
    target_commitish: str
    author_id: int | None = None


@dataclass(frozen=True)
class RunFacts:
    """A workflow run as the runs listing gives it (its last attempt): commit, message and timing
    come with it, so a backfill of runs asks nothing more to place and time it."""

    id: int
    sha: str
    branch: str
    path: str  # .github/workflows/deploy.yml
    event: str
    status: str
    conclusion: str | None
    message: str | None
    html_url: str
    created_at: datetime | None
    started_at: datetime | None  # run_started_at: of the last attempt
    updated_at: datetime | None
    attempt: int = 1
    actor_id: int | None = None


class GitHubFacts(Protocol):
    """Every answer may raise GitHubUnavailable. Implementations cache what they fetched."""

    def pull_requests_for_commit(self, sha: str) -> list[PullRequestFacts]: ...

    def pull_request(self, number: int) -> PullRequestFacts: ...

    def commit(self, ref: str) -> CommitFacts: ...

    def compare(self, base: str, head: str) -> Comparison: ...

    def count_commits(self, ref: str) -> int: ...

    def run_started_at(self, run_id: str, attempt: str) -> datetime: ...

    def releases(self) -> list[ReleaseFacts]: ...

    def deployments(self, environment: str, sha: str | None = None) -> list[DeploymentFacts]: ...

    def release_pages(self) -> Iterator[list[ReleaseFacts]]:
        """Every release, newest first, a page at a time (for a backfill)."""
        ...

    def deployment_pages(self, environment: str) -> Iterator[list[DeploymentFacts]]:
        """Every deployment in the environment, newest first, a page at a time (for a backfill)."""
        ...

    def run_pages(self, workflow: str, branch: str, created_until: datetime) -> Iterator[list[RunFacts]]:
        """The completed runs of a workflow (its file name) on a branch, created at or before
        ``created_until``, newest first, a page at a time (for a backfill)."""
        ...

    def default_branch(self) -> str:
        """The repository's default branch."""
        ...

    def rate_limit(self) -> tuple[int, float] | None:
        """(requests remaining, epoch seconds of the reset) as of the last answer, without asking."""
        ...

    def pace_with(self, pacer: Pacer | None) -> None:
        """From now on every request, listing pages included, goes through ``pacer`` (a backfill);
        None: none does, and a rate limit makes the field fall back at once."""
        ...

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts]: ...

    def create_deployment(
        self, sha: str, ref: str, environment: str, state: str, log_url: str | None
    ) -> DeploymentFacts: ...

    def file_text(self, path: str, ref: str) -> str:
        """A text file of the repository at a ref."""
        ...
