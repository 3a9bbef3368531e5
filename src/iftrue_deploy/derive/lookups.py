"""The GitHub questions the field rules may ask, each asked at most once, and the notes they leave.

A question GitHub cannot answer is ``None`` and a warning for the user (README "When GitHub
cannot answer"); without a gateway (no token or repository) every answer is ``None``, quietly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Literal, TypeVar

from ..facts import (
    CommitFacts,
    Comparison,
    DeploymentFacts,
    DeploymentStatusFacts,
    GitHubFacts,
    GitHubUnavailable,
    PullRequestFacts,
    ReleaseFacts,
)
from ..quoting import quoted
from ..settings import InputError

T = TypeVar("T")


@dataclass
class Notes:
    """Warnings and notices gathered while deriving, shown to the user afterwards."""

    items: list[tuple[Literal["warning", "notice"], str]] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.items.append(("warning", message))

    def notice(self, message: str) -> None:
        self.items.append(("notice", message))


class Lookups:
    def __init__(
        self,
        github: GitHubFacts | None,
        environment: str = "production",
        why_not: str = "no GitHub token or repository",
        notes: Notes | None = None,
    ) -> None:
        self.github = github
        self.environment = environment
        self.why_not = why_not
        self.notes = notes if notes is not None else Notes()

    def ask(self, what: str, question: Callable[[GitHubFacts], T]) -> T | None:
        """GitHub's answer, or None (with a warning) so that the field falls back."""
        if self.github is None:
            return None
        try:
            return question(self.github)
        except GitHubUnavailable as error:
            if not error.quiet:
                self.notes.warn(f"GitHub API: could not get {what} ({error}); falling back.")
            return None

    def unknown(self, what: str) -> str:
        """Why ``what`` is not known, for a reason (README "Where each field comes from")."""
        return self.why_not if self.github is None else f"GitHub could not answer for {what}"

    def resolve(self, ref: str) -> CommitFacts:
        """The commit a `ref` input names; without it nothing can be reported."""
        if self.github is None:
            raise InputError("ref", f"could not resolve {quoted(ref)} to a commit ({self.why_not})")
        try:
            return self.github.commit(ref)
        except GitHubUnavailable as error:
            raise InputError("ref", f"could not resolve {quoted(ref)} to a commit ({error})") from None

    def commit_message(self, sha: str) -> str | None:
        found = self.ask("the commit message", lambda g: g.commit(sha))
        return found.message if found else None

    def pull_requests_for_commit(self, sha: str) -> list[PullRequestFacts] | None:
        return self.ask(f"the pull requests of commit {sha[:7]}", lambda g: g.pull_requests_for_commit(sha))

    def pull_request(self, number: int) -> PullRequestFacts | None:
        return self.ask(f"pull request #{number}", lambda g: g.pull_request(number))

    def compare(self, base: str, head: str) -> Comparison | None:
        return self.ask(f"the commits between {base[:12]} and {head[:7]}", lambda g: g.compare(base, head))

    def count_commits(self, sha: str, up_to: str) -> int | None:
        return self.ask(f"the commits up to {up_to}", lambda g: g.count_commits(sha))

    def run_started_at(self, run_id: str, attempt: str) -> datetime | None:
        return self.ask("the start time of this workflow run", lambda g: g.run_started_at(run_id, attempt))

    def releases(self) -> list[ReleaseFacts] | None:
        return self.ask("the releases", lambda g: g.releases())

    @cached_property
    def deployments(self) -> list[DeploymentFacts] | None:
        """The newest deployments in the environment (one page)."""
        return self.ask(f"the deployments in {quoted(self.environment)}", lambda g: g.deployments(self.environment))

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts] | None:
        return self.ask(f"the statuses of deployment {deployment_id}", lambda g: g.deployment_statuses(deployment_id))

    def file_text(self, path: str, ref: str) -> str | None:
        return self.ask(f"the workflow file {path}", lambda g: g.file_text(path, ref))

    def create_deployment(self, sha: str, state: str, log_url: str | None) -> DeploymentFacts | None:
        return self.ask(
            "a new GitHub Deployment", lambda g: g.create_deployment(sha, sha, self.environment, state, log_url)
        )
