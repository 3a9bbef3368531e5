"""The facts one trigger gives about a deployment: plain, frozen data (see :mod:`.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..facts import PullRequestFacts
from ..status import ApiStatus


@dataclass(frozen=True)
class Release:
    tag: str | None
    name: str | None = None
    body: str | None = None
    id: int | None = None
    published_at: datetime | None = None
    # A `published` event of a full release, which GitHub follows with a `released` twin: which
    # of the two is the deployment depends on what the workflow listens to.
    may_have_twin: bool = False


@dataclass(frozen=True)
class Push:
    subjects: tuple[str, ...]  # of the commits listed in the payload, oldest first
    count: int  # how many the payload lists
    before: str | None = None
    branch: str | None = None  # the pushed branch (None for a tag)
    created: bool = False
    forced: bool = False
    at_cap: bool = False  # the payload's list is full: it may not hold every commit


@dataclass(frozen=True)
class Span:
    """When the deployment started and ended; ``end`` None: still running, timed to now."""

    start: datetime
    end: datetime | None = None

    @staticmethod
    def between(start: datetime | None, end: datetime | None) -> Span | None:
        """The span from start to end, or None when either is unknown or they are out of order."""
        return Span(start, end) if start and end and end >= start else None


@dataclass(frozen=True)
class Previous:
    """The base of the commit count, already known (a backfill walks it): a tag or a SHA, or
    None when this is the first deployment (the whole history counts)."""

    base: str | None


@dataclass(frozen=True)
class TriggerFacts:
    """What one trigger says about the deployment. Every field may be missing."""

    name: str = ""
    sha: str | None = None  # the deployed commit, when the event (or commit-id) names it
    ref: str | None = None  # a `ref` input still to resolve to a commit
    branch_hint: str | None = None  # workflow_run.head_branch, deployment.ref, release target, `ref`
    pull_request: PullRequestFacts | None = None  # complete, from the event
    listed_pull_request: PullRequestFacts | None = None  # partial (workflow_run.pull_requests)
    counts_from_pull_request: bool = False  # the pull request's own count, no compare
    release: Release | None = None
    deployment_id: int | None = None
    deployment_node_id: str | None = None
    push: Push | None = None
    head_message: str | None = None
    url: str | None = None  # release page, deployment status target, the run that deployed
    status: ApiStatus | None = None
    no_outcome: str | None = None  # why the event's status is no deployment outcome
    span: Span | None = None
    time_this_run: bool = True  # else no duration from the current run attempt
    previous: Previous | None = None
    skip: str | None = None  # why the event describes no deployment
    # Where the event's own values came from, in the README's words (derive/because.py); unset, the
    # field rules say it from the facts (a release's tag, a deployment's id, GITHUB_SHA).
    commit_from: str | None = None
    branch_from: str | None = None
    url_from: str | None = None
    status_from: str | None = None
    # The context: kept whatever `ref` or `commit-id` say.
    repository_url: str | None = None
    runner_repository_url: str | None = None
    sender_id: str | None = None
    actor_id: str | None = None
    pushed_ref: str | None = None
    ref_name: str | None = None
    default_branch: str | None = None
    run_url: str | None = None
    run_id: str | None = None
    run_attempt: str | None = None
    workflow_ref: str | None = None  # GITHUB_WORKFLOW_REF: OWNER/REPO/PATH@REF of the running workflow
    workspace: str | None = None
