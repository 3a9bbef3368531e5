"""Where every field of the record comes from (contract section 4), one function per field.

Each function reads the event payload through :class:`Event`, asks :class:`GitHubFacts` only for
what the payload lacks, and says through :class:`Notes` when it had to fall back. A non-empty
input always wins, and is checked before anything is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, partial
from typing import Any, Literal, TypeVar

from .facts import (
    CommitFacts,
    Comparison,
    DeploymentFacts,
    GitHubFacts,
    GitHubUnavailable,
    PullRequestFacts,
    ReleaseFacts,
    parse_timestamp,
)
from .record import CHANGELOG_CAP, TITLE_CAP, ApiStatus, DeploymentRecord, cap
from .settings import InputError, Settings

SHA_RE = re.compile(r"[0-9a-f]{40}")
NULL_SHA = "0" * 40
# GitHub's push payload lists at most this many commits; at the cap the list is incomplete.
PUSH_COMMITS_CAP = 2048
CHANGELOG_ITEMS = 20
SQUASH_RE = re.compile(r"\(#(\d+)\)\s*$")
MERGE_RE = re.compile(r"^Merge pull request #(\d+)\b")
FIX_TITLE_RE = re.compile(r"^fix(\([^)]*\))?!?:", re.IGNORECASE)
REVERT_RE = re.compile(r'^Revert "')
VERSION_TAG_RE = re.compile(r"v?\d+(\.\d+)*([-+.].*)?")

T = TypeVar("T")


class Skip(Exception):
    """The event describes no deployment. The message says why (shown as a notice)."""


@dataclass
class Notes:
    """Warnings and notices gathered while deriving, shown to the user afterwards."""

    items: list[tuple[Literal["warning", "notice"], str]] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.items.append(("warning", message))

    def notice(self, message: str) -> None:
        self.items.append(("notice", message))


# --- reading a payload that may be missing fields, or hold nulls or the wrong types ---


def obj(value: Any, *path: str) -> dict[str, Any] | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, dict) else None


def text(value: Any, *path: str) -> str | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, str) and value != "" else None


def whole(value: Any, *path: str) -> int | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def flag(value: Any, *path: str) -> bool:
    for key in path:
        if not isinstance(value, dict):
            return False
        value = value.get(key)
    return value is True


def is_sha(value: str | None) -> bool:
    return value is not None and SHA_RE.fullmatch(value) is not None


def subject(message: str | None) -> str | None:
    if not message:
        return None
    first = message.strip().splitlines()[0].strip() if message.strip() else ""
    return first or None


def pull_request_from_payload(pr: dict[str, Any]) -> PullRequestFacts | None:
    number = whole(pr, "number")
    if number is None:
        return None
    labels = pr.get("labels")
    return PullRequestFacts(
        number=number,
        title=text(pr, "title") or "",
        head_branch=text(pr, "head", "ref") or "",
        labels=tuple(name.lower() for label in labels if isinstance(label, dict) and (name := text(label, "name")))
        if isinstance(labels, list)
        else (),
        merge_commit_sha=text(pr, "merge_commit_sha"),
        merged=flag(pr, "merged") or text(pr, "merged_at") is not None,
        commits=whole(pr, "commits"),
        html_url=text(pr, "html_url"),
    )


class Event:
    """The triggering event: its name, payload and the runner's variables, read defensively."""

    def __init__(self, settings: Settings, payload: dict[str, Any]) -> None:
        self.settings = settings
        self.runner = settings.runner
        self.name = settings.runner.event_name
        self.payload = payload

    @property
    def pull_request(self) -> dict[str, Any] | None:
        return obj(self.payload, "pull_request") if self.name.startswith("pull_request") else None

    @property
    def release(self) -> dict[str, Any] | None:
        return obj(self.payload, "release") if self.name == "release" else None

    @property
    def deployment(self) -> dict[str, Any] | None:
        return obj(self.payload, "deployment") if self.name in ("deployment", "deployment_status") else None

    @property
    def deployment_status(self) -> dict[str, Any] | None:
        return obj(self.payload, "deployment_status") if self.name == "deployment_status" else None

    @property
    def workflow_run(self) -> dict[str, Any] | None:
        return obj(self.payload, "workflow_run") if self.name == "workflow_run" else None

    @property
    def is_push(self) -> bool:
        return self.name == "push"

    @property
    def push_commits(self) -> list[dict[str, Any]]:
        commits = self.payload.get("commits") if self.is_push else None
        return [c for c in commits if isinstance(c, dict)] if isinstance(commits, list) else []

    @property
    def head_commit_message(self) -> str | None:
        if self.is_push:
            return text(self.payload, "head_commit", "message")
        if self.workflow_run is not None:
            return text(self.workflow_run, "head_commit", "message")
        return None

    @property
    def default_branch(self) -> str | None:
        return text(self.payload, "repository", "default_branch")


class Derivation:
    """Derives one record. Each field is computed once, on first use, so that only what is
    needed is fetched, and what one field fetched serves the others."""

    def __init__(self, event: Event, facts: GitHubFacts, notes: Notes, now: Callable[[], datetime]) -> None:
        self.event = event
        self.settings = event.settings
        self.given = event.settings.overrides
        self.facts = facts
        self.notes = notes
        self.now = now

    def ask(self, what: str, question: Callable[[], T]) -> T | None:
        """Asks GitHub; on trouble, warns and returns None so that the field falls back."""
        try:
            return question()
        except GitHubUnavailable as error:
            if not error.quiet:
                self.notes.warn(f"GitHub API: could not get {what} ({error}); falling back.")
            return None

    # --- the commit ---

    @cached_property
    def commit_id(self) -> str:
        if self.given.commit_id:
            return self.given.commit_id
        ref = self.settings.ref
        if ref:
            return ref.lower() if is_sha(ref.lower()) else self.resolved_ref.sha
        sha = self.event_sha
        if sha is None:
            raise InputError(
                "commit-id",
                "the event does not name a commit (no GITHUB_SHA); give commit-id or ref",
            )
        return sha

    @cached_property
    def resolved_ref(self) -> CommitFacts:
        ref = self.settings.ref or ""
        try:
            return self.facts.commit(ref)
        except GitHubUnavailable as error:
            raise InputError("ref", f"could not resolve {ref!r} to a commit ({error})") from None

    @property
    def event_sha(self) -> str | None:
        ev = self.event
        candidates = [
            text(ev.pull_request, "merge_commit_sha"),
            text(ev.deployment, "sha"),
            text(ev.workflow_run, "head_sha"),
            text(ev.payload, "after") if ev.is_push else None,
            ev.runner.sha,
        ]
        for candidate in candidates:
            if candidate and is_sha(candidate.lower()):
                return candidate.lower()
        return None

    @cached_property
    def commit_message(self) -> str | None:
        ref = self.settings.ref
        if ref and not self.given.commit_id and not is_sha(ref.lower()):
            return self.resolved_ref.message or None
        if self.is_reporting_event_commit:
            message = self.event.head_commit_message
            if message:
                return message
        # The compare that counts the commits carries the head commit's message: no extra request.
        if self.compare_base is not None and self.comparison is not None and self.comparison.head_message:
            return self.comparison.head_message
        found = self.ask("the commit message", lambda: self.facts.commit(self.commit_id))
        return found.message if found else None

    # --- the pull request ---

    @cached_property
    def event_pull_request(self) -> PullRequestFacts | None:
        if not self.is_reporting_event_commit:
            return None
        pr = self.event.pull_request
        if pr is not None:
            return pull_request_from_payload(pr)
        return None

    @cached_property
    def pull_request(self) -> PullRequestFacts | None:
        """The merged pull request behind the commit, as complete as the payload or one lookup makes it."""
        if self.event_pull_request is not None:
            return self.event_pull_request
        if self.is_reporting_event_commit and self.event.workflow_run is not None:
            runs_prs = self.event.workflow_run.get("pull_requests")
            if isinstance(runs_prs, list):
                for item in runs_prs:
                    number = whole(item, "number")
                    if number is not None:
                        full = self.ask(f"pull request #{number}", partial(self.facts.pull_request, number))
                        return full or PullRequestFacts(
                            number=number,
                            title="",
                            head_branch=text(item, "head", "ref") or "",
                            labels=(),
                            merge_commit_sha=None,
                            merged=False,
                        )
        listed = self.ask(
            f"the pull requests of commit {self.commit_id[:7]}",
            lambda: self.facts.pull_requests_for_commit(self.commit_id),
        )
        if not listed:
            return None
        merged = [pr for pr in listed if pr.merged]
        exact = [pr for pr in merged if pr.merge_commit_sha == self.commit_id]
        return exact[0] if exact else merged[0] if merged else None

    @cached_property
    def pull_request_number(self) -> int:
        if self.given.pull_request_number is not None:
            return self.given.pull_request_number
        if self.pull_request is not None:
            return self.pull_request.number
        message = subject(self.commit_message)
        if message:
            for pattern in (SQUASH_RE, MERGE_RE):
                match = pattern.search(message)
                if match:
                    return int(match.group(1))
        self.notes.warn(
            f"No pull request was found for commit {self.commit_id[:7]}; pull_request_number is 0. "
            "Set pull-request-number to report one."
        )
        return 0

    # --- the fields ---

    @cached_property
    def branch(self) -> str:
        if self.given.branch:
            return self.given.branch
        if self.pull_request is not None and self.pull_request.head_branch:
            return self.pull_request.head_branch
        ev = self.event
        if not self.settings.ref:
            head_branch = text(ev.workflow_run, "head_branch")
            if head_branch:
                return head_branch
            ref = text(ev.deployment, "ref")
            if ref and not is_sha(ref.lower()):
                return ref.removeprefix("refs/heads/")
            target = text(ev.release, "target_commitish")
            if target and not is_sha(target.lower()):
                return target.removeprefix("refs/heads/")
        elif looks_like_branch(self.settings.ref):
            return self.settings.ref.removeprefix("refs/heads/")
        pushed = text(ev.payload, "ref") if ev.is_push else ev.runner.ref
        if pushed and pushed.startswith("refs/heads/"):
            return pushed.removeprefix("refs/heads/")
        if pushed and pushed.startswith("refs/tags/") and ev.default_branch:
            return ev.default_branch  # a tag is no branch: the repository's default is the best guess
        branch = ev.runner.ref_name or ev.default_branch
        if branch:
            return branch
        raise InputError("branch", "could not be derived (no pull request, pushed branch or GITHUB_REF_NAME); set it")

    @cached_property
    def title(self) -> str:
        if self.given.title:
            return cap(self.given.title, TITLE_CAP)
        release = None if self.settings.ref else self.event.release
        candidate = text(release, "name") or text(release, "tag_name")
        if not candidate and self.pull_request is not None and self.pull_request.title:
            candidate = self.pull_request.title
        if not candidate:
            candidate = subject(self.commit_message)
        return cap(candidate or f"Deploy {self.commit_id[:7]}", TITLE_CAP)

    @cached_property
    def changelog(self) -> str | None:
        if self.given.changelog:
            return cap(self.given.changelog, CHANGELOG_CAP)
        release = None if self.settings.ref else self.event.release
        body = text(release, "body")
        if body and body.strip():
            return cap(body, CHANGELOG_CAP)
        subjects: tuple[str, ...] = ()
        if self.push_commits_trusted:
            subjects = tuple(s for c in self.event.push_commits if (s := subject(text(c, "message"))))
        elif self.comparison is not None:
            subjects = self.comparison.subjects
        if not subjects:
            return None
        shown = [f"- {s}" for s in subjects[:CHANGELOG_ITEMS]]
        total = self.comparison.total_commits if self.comparison is not None else len(subjects)
        if total > len(shown):
            shown.append(f"- … and {total - len(shown)} more")
        return cap("\n".join(shown), CHANGELOG_CAP)

    @cached_property
    def url(self) -> str | None:
        if self.given.url:
            return self.given.url
        if not self.settings.ref:
            for candidate in (
                text(self.event.release, "html_url"),
                text(self.event.deployment_status, "target_url"),
                text(self.event.workflow_run, "html_url"),
            ):
                if candidate:
                    return candidate
        return self.event.runner.run_url

    # --- commits ---

    @property
    def is_reporting_event_commit(self) -> bool:
        """False when `ref` or `commit-id` names another commit than the event's."""
        return not (self.settings.ref or self.given.commit_id)

    @property
    def push_commits_trusted(self) -> bool:
        ev = self.event
        if not (ev.is_push and self.is_reporting_event_commit):
            return False
        if flag(ev.payload, "forced") or len(ev.push_commits) >= PUSH_COMMITS_CAP:
            return False
        before = text(ev.payload, "before")
        created = flag(ev.payload, "created") or before == NULL_SHA
        # A new branch lists only its distinct commits; trust it only for the default branch.
        return not created or self.branch_pushed == ev.default_branch

    @property
    def branch_pushed(self) -> str | None:
        ref = text(self.event.payload, "ref")
        return ref.removeprefix("refs/heads/") if ref and ref.startswith("refs/heads/") else None

    @cached_property
    def comparison(self) -> Comparison | None:
        """The compare that counts this deployment's commits, when one is needed."""
        base = self.compare_base
        if base is None:
            return None
        return self.ask(
            f"the commits between {base[:12]} and {self.commit_id[:7]}",
            lambda: self.facts.compare(base, self.commit_id),
        )

    @cached_property
    def compare_base(self) -> str | None:
        ev = self.event
        if self.push_commits_trusted:
            return None
        if ev.is_push and self.is_reporting_event_commit:
            before = text(ev.payload, "before")
            if before and before != NULL_SHA and not flag(ev.payload, "created"):
                return before
            return ev.default_branch if self.branch_pushed != ev.default_branch else None
        if self.release_tag is not None:
            previous = self.previous_release
            return previous.tag if previous is not None else None
        if self.event_pull_request is not None:
            return None
        if self.event.workflow_run is not None and self.is_reporting_event_commit:
            return None  # counted from the run's pull request
        previous_deployment = self.previous_successful_deployment
        return previous_deployment.sha if previous_deployment is not None else None

    @cached_property
    def release_tag(self) -> str | None:
        if self.settings.ref:
            return None
        return text(self.event.release, "tag_name")

    @cached_property
    def previous_release(self) -> ReleaseFacts | None:
        tag = self.release_tag
        releases = self.ask("the releases", self.facts.releases)
        if not releases:
            return None
        published = parse_timestamp(text(self.event.release, "published_at"))
        current_id = whole(self.event.release, "id")
        for release in releases:  # newest first
            if release.draft or release.prerelease or release.tag == tag or release.id == current_id:
                continue
            if published and release.published_at and release.published_at >= published:
                continue
            return release
        return None

    @cached_property
    def commits_count(self) -> int:
        if self.given.commits_count is not None:
            return self.given.commits_count
        if self.event_pull_request is not None and self.event_pull_request.commits is not None:
            return self.event_pull_request.commits
        if self.push_commits_trusted:
            return len(self.event.push_commits)
        if self.comparison is not None:
            return self.comparison.total_commits
        if self.release_tag is not None and self.previous_release is None:
            counted = self.ask(
                f"the commits up to {self.release_tag}",
                lambda: self.facts.count_commits(self.commit_id),
            )
            if counted is not None:
                return counted
        pr = self.pull_request
        if pr is not None and pr.commits is None and pr.number:
            pr = self.ask(f"pull request #{pr.number}", partial(self.facts.pull_request, pr.number))
        if pr is not None and pr.commits is not None:
            return pr.commits
        if self.event.is_push and self.event.push_commits and self.is_reporting_event_commit:
            return len(self.event.push_commits)
        self.notes.notice("The number of commits could not be derived; commits_count is 0.")
        return 0

    # --- deployments ---

    @cached_property
    def recent_deployments(self) -> list[DeploymentFacts] | None:
        return self.ask(
            f"the deployments in {self.settings.environment!r}",
            lambda: self.facts.deployments(self.settings.environment),
        )

    @cached_property
    def previous_successful_deployment(self) -> DeploymentFacts | None:
        deployments = self.recent_deployments or []
        current_id = whole(self.event.deployment, "id")
        current = next((d for d in deployments if d.id == current_id or d.sha == self.commit_id), None)
        older = [d for d in deployments if d.sha != self.commit_id and d.id != current_id]
        if current is not None:
            older = [d for d in older if d.id < current.id]
        for checked, candidate in enumerate(older):
            if checked >= 2:  # bounded: each check is one request
                break
            statuses = self.ask(
                f"the statuses of deployment {candidate.id}",
                partial(self.facts.deployment_statuses, candidate.id),
            )
            # GitHub turns a successful deployment "inactive" when a newer one succeeds.
            if statuses and statuses[0].state in ("success", "inactive"):
                return candidate
        return None

    @cached_property
    def deployment_node_id(self) -> str | None:
        if self.given.deployment_node_id:
            return self.given.deployment_node_id
        if not self.settings.ref:
            node_id = text(self.event.deployment, "node_id")
            if node_id:
                return node_id
        for deployment in self.recent_deployments or []:
            if deployment.sha == self.commit_id and deployment.node_id:
                return deployment.node_id
        if self.settings.create_github_deployment:
            if self.settings.dry_run:
                self.notes.notice(
                    f"Dry run: a GitHub Deployment in {self.settings.environment!r} would be created "
                    "for this commit; deployment_node_id is left out."
                )
                return None
            created = self.ask(
                "a new GitHub Deployment",
                lambda: self.facts.create_deployment(
                    self.commit_id,
                    self.commit_id,
                    self.settings.environment,
                    {"succes": "success", "fail": "failure", "in_progress": "in_progress"}[self.status],
                    self.url,
                ),
            )
            if created is not None:
                return created.node_id
        if self.recent_deployments is None:
            self.notes.notice(
                "deployment_node_id is left out: GitHub Deployments could not be looked up "
                "(set deployment-node-id, or give a github-token)."
            )
            return None
        self.notes.notice(
            f"No GitHub Deployment was found for commit {self.commit_id[:7]} in environment "
            f"{self.settings.environment!r}; deployment_node_id is left out "
            "(set create-github-deployment: true to create one)."
        )
        return None

    # --- duration and status ---

    @cached_property
    def duration_seconds(self) -> float | None:
        ev = self.event
        if not self.settings.ref:
            status_at = parse_timestamp(text(ev.deployment_status, "created_at"))
            created_at = parse_timestamp(text(ev.deployment, "created_at"))
            if status_at and created_at and status_at >= created_at:
                return (status_at - created_at).total_seconds()
            run = ev.workflow_run
            if run is not None:
                started = parse_timestamp(text(run, "run_started_at"))
                updated = parse_timestamp(text(run, "updated_at"))
                if text(run, "status") == "completed":
                    if started and updated and updated >= started:
                        return (updated - started).total_seconds()
                elif started:
                    # Still running: timed to now, from the payload, with no API request.
                    return max(0.0, (self.now() - started).total_seconds())
            if ev.name == "deployment" and created_at:
                return max(0.0, (self.now() - created_at).total_seconds())
            runner = ev.runner
            if runner.run_id:
                started = self.ask(
                    "the start time of this workflow run",
                    lambda: self.facts.run_started_at(runner.run_id, runner.run_attempt),
                )
                if started is not None:
                    return max(0.0, (self.now() - started).total_seconds())
        return None

    @cached_property
    def deployment_duration(self) -> float | int | None:
        if self.given.deployment_duration is not None:
            value = self.given.deployment_duration
            return int(value) if value.is_integer() else value
        seconds = self.duration_seconds
        if seconds is None:
            return None
        if self.settings.duration_unit == "seconds":
            return round(seconds)
        return round(seconds / 60, 2)

    @cached_property
    def status(self) -> ApiStatus:
        if self.given.status is not None:
            return self.given.status
        if not self.settings.ref:
            state = text(self.event.deployment_status, "state")
            if state is not None:
                return map_deployment_state(state)
            run = self.event.workflow_run
            if run is not None:
                return map_run_conclusion(text(run, "conclusion"), text(run, "status"))
        return "succes"

    # --- flags and identity ---

    @cached_property
    def is_fix(self) -> bool:
        if self.given.is_fix is not None:
            return self.given.is_fix
        pr = self.pull_request
        if pr is not None and set(pr.labels) & set(self.settings.fix_labels):
            return True
        if self.branch.lower().startswith(("fix/", "bugfix/")):
            return True
        titles = [
            pr.title if pr is not None else None,
            self.title,
            subject(self.commit_message) if pr is None else None,
        ]
        return any(t and (FIX_TITLE_RE.match(t) or REVERT_RE.match(t)) for t in titles)

    @cached_property
    def is_hotfix(self) -> bool:
        if self.given.is_hotfix is not None:
            return self.given.is_hotfix
        pr = self.pull_request
        if pr is not None and set(pr.labels) & set(self.settings.hotfix_labels):
            return True
        return self.branch.lower().startswith("hotfix/")

    @cached_property
    def is_forced(self) -> bool:
        if self.given.is_forced is not None:
            return self.given.is_forced
        return self.event.is_push and self.is_reporting_event_commit and flag(self.event.payload, "forced")

    @cached_property
    def repository_url(self) -> str:
        if self.given.repository_url:
            return self.given.repository_url
        from_event = text(self.event.payload, "repository", "html_url")
        if from_event:
            return from_event
        runner = self.event.runner
        if runner.repository:
            return f"{runner.server_url}/{runner.repository}"
        raise InputError(
            "repository-url", "could not be derived (no repository in the event or GITHUB_REPOSITORY); set it"
        )

    @cached_property
    def member_id(self) -> str:
        if self.given.member_id:
            return self.given.member_id
        sender = self.event.payload.get("sender")
        sender_id = whole(sender, "id") if isinstance(sender, dict) else None
        if sender_id is not None:
            return str(sender_id)
        if self.event.runner.actor_id:
            return self.event.runner.actor_id
        raise InputError("member-id", "could not be derived (no sender in the event and no GITHUB_ACTOR_ID); set it")

    def record(self) -> DeploymentRecord:
        # Status first: a skipped status means nothing else needs deriving or fetching.
        status = self.status
        return DeploymentRecord(
            title=self.title,
            changelog=self.changelog,
            url=self.url,
            branch=self.branch,
            commit_id=self.commit_id,
            deployment_duration=self.deployment_duration,
            is_fix=self.is_fix,
            is_hotfix=self.is_hotfix,
            is_forced=self.is_forced,
            commits_count=self.commits_count,
            repository_url=self.repository_url,
            member_id=self.member_id,
            pull_request_number=self.pull_request_number,
            deployment_node_id=self.deployment_node_id,
            status=status,
        )


def looks_like_branch(ref: str) -> bool:
    """A `ref` input names a branch unless it is a SHA, a tag ref, or a version-like tag name."""
    if ref.startswith("refs/heads/"):
        return True
    return not (is_sha(ref.lower()) or ref.startswith("refs/") or VERSION_TAG_RE.fullmatch(ref))


def map_deployment_state(state: str) -> ApiStatus:
    mapped = {
        "success": "succes",
        "queued": "in_progress",
        "pending": "in_progress",
        "in_progress": "in_progress",
        "failure": "fail",
        "error": "fail",
    }.get(state)
    if mapped is None:
        raise Skip(f"The deployment status is {state!r}, which is not a deployment outcome; nothing was reported.")
    return mapped  # type: ignore[return-value]


def map_run_conclusion(conclusion: str | None, status: str | None) -> ApiStatus:
    if conclusion is None:
        return "in_progress" if status != "completed" else "succes"
    mapped = {
        "success": "succes",
        "neutral": "succes",
        "failure": "fail",
        "timed_out": "fail",
        "startup_failure": "fail",
        "action_required": "in_progress",
    }.get(conclusion)
    if mapped is None:
        raise Skip(f"The workflow run's conclusion is {conclusion!r}; nothing was reported.")
    return mapped  # type: ignore[return-value]


def skip_reason(event: Event) -> str | None:
    """Why this event describes no deployment, or None when it does."""
    given = event.settings.overrides
    if given.status_skipped:
        return f"The status is {given.status_skipped!r}; nothing was reported."
    if event.settings.ref or given.commit_id:
        return None
    payload = event.payload
    if event.is_push and (flag(payload, "deleted") or text(payload, "after") == NULL_SHA):
        return "The push deleted a branch or tag; nothing was reported."
    if event.name == "pull_request" or event.name == "pull_request_target":
        action = text(payload, "action")
        pr = event.pull_request
        if action != "closed" or not (flag(pr, "merged") or text(pr, "merged_at")):
            return (
                f"The pull request event is {action!r} and not a merge; nothing was reported "
                "(run on pull_request: types [closed] and it reports merged pull requests)."
            )
    if event.name == "release":
        action = text(payload, "action")
        if action not in ("published", "released"):
            return f"The release event is {action!r}, not published or released; nothing was reported."
        if flag(event.release, "draft"):
            return "The release is a draft; nothing was reported."
    return None


def derive_record(
    settings: Settings,
    payload: dict[str, Any],
    facts: GitHubFacts,
    notes: Notes,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DeploymentRecord:
    """Raises Skip when the event describes no deployment, InputError when a field cannot be had."""
    event = Event(settings, payload)
    reason = skip_reason(event)
    if reason is not None:
        raise Skip(reason)
    return Derivation(event, facts, notes, now).record()
