"""What the derivations may ask GitHub, as plain data. The one gateway that answers lives in
:mod:`iftrue_deploy.gateway`; nothing else talks to the GitHub API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


@dataclass(frozen=True)
class Comparison:
    total_commits: int
    subjects: tuple[str, ...]
    # The head commit's message, when the first page of commits reaches the head.
    head_message: str | None = None


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

    def all_releases(self) -> Iterator[ReleaseFacts]:
        """Every release, newest first, a page at a time (for a backfill)."""
        ...

    def all_deployments(self, environment: str) -> Iterator[DeploymentFacts]:
        """Every deployment in the environment, newest first, a page at a time (for a backfill)."""
        ...

    def rate_limit(self) -> tuple[int, float] | None:
        """(requests remaining, epoch seconds of the reset) as of the last answer, without asking."""
        ...

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts]: ...

    def create_deployment(
        self, sha: str, ref: str, environment: str, state: str, log_url: str | None
    ) -> DeploymentFacts: ...


class NoGitHub:
    """Stands in when there is no token or repository: every question falls back."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _no(self) -> GitHubUnavailable:
        return GitHubUnavailable(self.reason, quiet=True)

    def pull_requests_for_commit(self, sha: str) -> list[PullRequestFacts]:
        raise self._no()

    def pull_request(self, number: int) -> PullRequestFacts:
        raise self._no()

    def commit(self, ref: str) -> CommitFacts:
        raise self._no()

    def compare(self, base: str, head: str) -> Comparison:
        raise self._no()

    def count_commits(self, ref: str) -> int:
        raise self._no()

    def run_started_at(self, run_id: str, attempt: str) -> datetime:
        raise self._no()

    def releases(self) -> list[ReleaseFacts]:
        raise self._no()

    def deployments(self, environment: str, sha: str | None = None) -> list[DeploymentFacts]:
        raise self._no()

    def all_releases(self) -> Iterator[ReleaseFacts]:
        raise self._no()

    def all_deployments(self, environment: str) -> Iterator[DeploymentFacts]:
        raise self._no()

    def rate_limit(self) -> tuple[int, float] | None:
        return None

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts]:
        raise self._no()

    def create_deployment(
        self, sha: str, ref: str, environment: str, state: str, log_url: str | None
    ) -> DeploymentFacts:
        raise self._no()


class LazyGitHubFacts:
    """Builds the real gateway on the first question: a run whose fields are all given as inputs
    never imports PyGithub (about a third of the action's start-up)."""

    def __init__(self, build: Callable[[], GitHubFacts]) -> None:
        self._build = build
        self._facts: GitHubFacts | None = None

    @property
    def facts(self) -> GitHubFacts:
        if self._facts is None:
            self._facts = self._build()
        return self._facts

    def pull_requests_for_commit(self, sha: str) -> list[PullRequestFacts]:
        return self.facts.pull_requests_for_commit(sha)

    def pull_request(self, number: int) -> PullRequestFacts:
        return self.facts.pull_request(number)

    def commit(self, ref: str) -> CommitFacts:
        return self.facts.commit(ref)

    def compare(self, base: str, head: str) -> Comparison:
        return self.facts.compare(base, head)

    def count_commits(self, ref: str) -> int:
        return self.facts.count_commits(ref)

    def run_started_at(self, run_id: str, attempt: str) -> datetime:
        return self.facts.run_started_at(run_id, attempt)

    def releases(self) -> list[ReleaseFacts]:
        return self.facts.releases()

    def deployments(self, environment: str, sha: str | None = None) -> list[DeploymentFacts]:
        return self.facts.deployments(environment, sha)

    def all_releases(self) -> Iterator[ReleaseFacts]:
        return self.facts.all_releases()

    def all_deployments(self, environment: str) -> Iterator[DeploymentFacts]:
        return self.facts.all_deployments(environment)

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts]:
        return self.facts.deployment_statuses(deployment_id)

    def create_deployment(
        self, sha: str, ref: str, environment: str, state: str, log_url: str | None
    ) -> DeploymentFacts:
        return self.facts.create_deployment(sha, ref, environment, state, log_url)

    def rate_limit(self) -> tuple[int, float] | None:
        return None if self._facts is None else self._facts.rate_limit()
