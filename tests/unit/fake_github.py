"""An in-memory :class:`GitHubFacts` for the field-rule unit tests, and helpers to build
:class:`Deployed` from a :class:`TriggerFacts` literal.

The fake answers from the dicts it is given and records every question asked (``asked``), so a
test can say which questions a rule asked, or that it asked none. ``unavailable`` names the
questions that raise :class:`GitHubUnavailable` instead of answering. A question about something
it was not given answers as GitHub would: an empty list for the listings, a 404 for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from iftrue_deploy.derive import Deployed, Lookups
from iftrue_deploy.derive.lookups import Notes
from iftrue_deploy.facts import (
    CommitFacts,
    Comparison,
    DeploymentFacts,
    DeploymentStatusFacts,
    GitHubUnavailable,
    Pacer,
    PullRequestFacts,
    ReleaseFacts,
    RunFacts,
)
from iftrue_deploy.trigger import TriggerFacts

SHA = "abcdef1" + "0" * 33  # the deployed commit
OTHER = "1234567" + "0" * 33
BASE = "fedcba9" + "0" * 33
T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
PAGE = 100


def pages(items: list[Any], size: int = PAGE) -> Iterator[list[Any]]:
    """Pages of ``size``, the last one short (possibly empty), as GitHub's listings end."""
    for start in range(0, len(items) + 1, size):
        yield items[start : start + size]


@dataclass
class FakeGitHub:
    prs_by_commit: dict[str, list[PullRequestFacts]] = field(default_factory=dict)
    prs: dict[int, PullRequestFacts] = field(default_factory=dict)
    commits: dict[str, CommitFacts] = field(default_factory=dict)  # by ref (a SHA, tag or branch)
    comparisons: dict[tuple[str, str], Comparison] = field(default_factory=dict)  # by (base, head)
    release_list: list[ReleaseFacts] = field(default_factory=list)  # newest first
    deployment_list: list[DeploymentFacts] = field(default_factory=list)  # newest first
    statuses: dict[int, list[DeploymentStatusFacts]] = field(default_factory=dict)  # newest first
    run_starts: dict[tuple[str, str], datetime] = field(default_factory=dict)  # by (run_id, attempt)
    commit_counts: dict[str, int] = field(default_factory=dict)  # by ref
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # by (path, ref)
    unavailable: set[str] = field(default_factory=set)  # question names that raise GitHubUnavailable
    quiet: bool = False  # whether GitHubUnavailable is raised quietly (no token)
    asked: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    pacer: Pacer | None = None  # what a backfill installed
    run_list: list[RunFacts] = field(default_factory=list)  # newest first, as listed (unfiltered)
    default: str = "main"

    def _ask(self, name: str, *args: Any) -> None:
        self.asked.append((name, args))
        if name in self.unavailable:
            raise GitHubUnavailable(f"503 for {name}", quiet=self.quiet)

    def questions(self, name: str | None = None) -> list[Any]:
        """The names of the questions asked, in order; with ``name``, the arguments of each one."""
        if name is None:
            return [asked for asked, _ in self.asked]
        return [args for asked, args in self.asked if asked == name]

    @staticmethod
    def _not_found(what: str) -> GitHubUnavailable:
        return GitHubUnavailable(f"404 Not Found: {what}")

    def pull_requests_for_commit(self, sha: str) -> list[PullRequestFacts]:
        self._ask("pull_requests_for_commit", sha)
        return list(self.prs_by_commit.get(sha, []))

    def pull_request(self, number: int) -> PullRequestFacts:
        self._ask("pull_request", number)
        if number not in self.prs:
            raise self._not_found(f"pull request {number}")
        return self.prs[number]

    def commit(self, ref: str) -> CommitFacts:
        self._ask("commit", ref)
        if ref not in self.commits:
            raise self._not_found(f"commit {ref}")
        return self.commits[ref]

    def compare(self, base: str, head: str) -> Comparison:
        self._ask("compare", base, head)
        if (base, head) not in self.comparisons:
            raise self._not_found(f"compare {base}...{head}")
        return self.comparisons[(base, head)]

    def count_commits(self, ref: str) -> int:
        self._ask("count_commits", ref)
        if ref not in self.commit_counts:
            raise self._not_found(f"commits of {ref}")
        return self.commit_counts[ref]

    def file_text(self, path: str, ref: str) -> str:
        self._ask("file_text", path, ref)
        if (path, ref) not in self.files:
            raise self._not_found(f"file {path} at {ref}")
        return self.files[(path, ref)]

    def run_started_at(self, run_id: str, attempt: str) -> datetime:
        self._ask("run_started_at", run_id, attempt)
        if (run_id, attempt) not in self.run_starts:
            raise self._not_found(f"run {run_id} attempt {attempt}")
        return self.run_starts[(run_id, attempt)]

    def releases(self) -> list[ReleaseFacts]:
        self._ask("releases")
        return list(self.release_list)

    def deployments(self, environment: str, sha: str | None = None) -> list[DeploymentFacts]:
        self._ask("deployments", environment, sha)
        return [d for d in self.deployment_list if d.environment == environment and (sha is None or d.sha == sha)]

    def release_pages(self) -> Iterator[list[ReleaseFacts]]:
        self._ask("release_pages")
        yield from pages(self.release_list)

    def deployment_pages(self, environment: str) -> Iterator[list[DeploymentFacts]]:
        self._ask("deployment_pages", environment)
        yield from pages([d for d in self.deployment_list if d.environment == environment])

    def run_pages(self, workflow: str, branch: str, created_until: datetime) -> Iterator[list[RunFacts]]:
        self._ask("run_pages", workflow, branch, created_until)
        yield from pages(list(self.run_list))

    def default_branch(self) -> str:
        self._ask("default_branch")
        return self.default

    def rate_limit(self) -> tuple[int, float] | None:
        return None

    def pace_with(self, pacer: Pacer | None) -> None:
        self.pacer = pacer

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts]:
        self._ask("deployment_statuses", deployment_id)
        return list(self.statuses.get(deployment_id, []))

    def create_deployment(
        self, sha: str, ref: str, environment: str, state: str, log_url: str | None
    ) -> DeploymentFacts:
        self._ask("create_deployment", sha, ref, environment, state, log_url)
        created = DeploymentFacts(
            id=999, node_id="DE_created", sha=sha, ref=ref, environment=environment, created_at=T0
        )
        self.deployment_list.insert(0, created)
        return created


# Answers, with defaults that say nothing about the rule under test.


def pr(
    number: int,
    *,
    title: str = "Some change",
    head_branch: str = "feature/thing",
    labels: tuple[str, ...] = (),
    merge_commit_sha: str | None = None,
    merged: bool = True,
    commits: int | None = None,
) -> PullRequestFacts:
    return PullRequestFacts(
        number=number,
        title=title,
        head_branch=head_branch,
        labels=labels,
        merge_commit_sha=merge_commit_sha,
        merged=merged,
        commits=commits,
        html_url=f"https://github.com/o/r/pull/{number}",
    )


def release(
    tag: str,
    *,
    id: int,  # noqa: A002 - the answer's own field name
    published_at: datetime | None = T0,
    draft: bool = False,
    prerelease: bool = False,
) -> ReleaseFacts:
    return ReleaseFacts(
        id=id,
        tag=tag,
        name=tag,
        body="",
        html_url=f"https://github.com/o/r/releases/tag/{tag}",
        draft=draft,
        prerelease=prerelease,
        published_at=published_at,
        target_commitish="main",
    )


def deployment(id: int, sha: str, *, node_id: str | None = None, environment: str = "production") -> DeploymentFacts:  # noqa: A002
    return DeploymentFacts(
        id=id, node_id=node_id or f"DE_{id}", sha=sha, ref="main", environment=environment, created_at=T0
    )


def status(state: str) -> DeploymentStatusFacts:
    return DeploymentStatusFacts(state=state, created_at=T0, target_url=None)


def deployed(
    trigger: TriggerFacts,
    github: FakeGitHub | None = None,
    *,
    commit_id: str | None = None,
    environment: str = "production",
) -> Deployed:
    """The deployment's shared facts: with ``github`` None there is no GitHub at all."""
    return Deployed(trigger, Lookups(github, environment=environment, notes=Notes()), commit_id)


def notes(d: Deployed) -> list[tuple[str, str]]:
    return list(d.lookups.notes.items)


def warnings(d: Deployed) -> list[str]:
    return [text for kind, text in d.lookups.notes.items if kind == "warning"]


def notices(d: Deployed) -> list[str]:
    return [text for kind, text in d.lookups.notes.items if kind == "notice"]
