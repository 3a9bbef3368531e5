"""Backfill (contract section 6): report every past deployment since a date or a tag.

Each past deployment becomes the event the action would have seen at the time (a published
release, or a deployment reaching its final status), and goes through the same derivation as a
live run. The walk keeps only small facts per record, so memory stays flat however long it is.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from .client import ReportError
from .derive import Derivation, Event, Notes, Skip
from .facts import DeploymentFacts, GitHubFacts, GitHubUnavailable, ReleaseFacts
from .markup import cell, link
from .record import DeploymentRecord
from .run import iftrue_client
from .settings import InputError, Settings
from .workflow import WorkflowCommands

# Keep this many GitHub requests in hand: below it, wait for the rate limit to reset.
RATE_LIMIT_RESERVE = 20
# Longest pause for a reset; beyond it the backfill stops and says where to resume.
MAX_RATE_LIMIT_PAUSE = 15 * 60
# How many deployments before the cut-off are checked to find the base of the first count.
BASE_CHECKS = 2
SUCCESSFUL = ("success", "inactive")  # GitHub makes a successful deployment inactive later
FINAL_STATES = {"success": "success", "inactive": "success", "failure": "failure", "error": "error"}


@dataclass(frozen=True)
class PastRelease:
    release: ReleaseFacts
    previous: ReleaseFacts | None


@dataclass(frozen=True)
class PastDeployment:
    deployment: DeploymentFacts
    state: str
    status_at: datetime | None
    target_url: str | None
    previous_success: DeploymentFacts | None
    problem: str | None = None


class ReleaseDerivation(Derivation):
    def __init__(
        self, event: Event, facts: GitHubFacts, notes: Notes, now: Callable[[], datetime], previous: ReleaseFacts | None
    ) -> None:
        super().__init__(event, facts, notes, now)
        self._previous = previous

    @cached_property
    def previous_release(self) -> ReleaseFacts | None:
        return self._previous


class DeploymentDerivation(Derivation):
    def __init__(
        self,
        event: Event,
        facts: GitHubFacts,
        notes: Notes,
        now: Callable[[], datetime],
        previous: DeploymentFacts | None,
    ) -> None:
        super().__init__(event, facts, notes, now)
        self._previous = previous

    @cached_property
    def previous_successful_deployment(self) -> DeploymentFacts | None:
        return self._previous


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cutoff_date(since: str) -> datetime | None:
    try:
        day = date.fromisoformat(since)
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def past_releases(facts: GitHubFacts, since: str) -> list[PastRelease]:
    """Published, non-draft, non-prerelease releases since the date or after the tag, oldest first."""
    cutoff = cutoff_date(since)
    newer: list[ReleaseFacts] = []
    base: ReleaseFacts | None = None
    found_tag = False
    for release in facts.all_releases():  # newest first
        if release.draft or release.prerelease or release.published_at is None:
            continue
        if cutoff is None and release.tag == since:
            base, found_tag = release, True
            break
        if cutoff is not None and release.published_at < cutoff:
            base = release
            break
        newer.append(release)
    if cutoff is None and not found_tag:
        raise InputError(
            "backfill-since", f"no published release has the tag {since!r}; expected a date YYYY-MM-DD or such a tag"
        )
    newer.sort(key=lambda r: (r.published_at or datetime.min.replace(tzinfo=UTC), r.id))
    result: list[PastRelease] = []
    previous = base
    for release in newer:
        result.append(PastRelease(release, previous))
        previous = release
    return result


def past_deployments(facts: GitHubFacts, settings: Settings, since: str) -> Iterator[PastDeployment]:
    """Deployments in the environment since the date (or the tag's release), oldest first, with the
    final status of each; those without one are left out."""
    cutoff = cutoff_date(since)
    if cutoff is None:
        tagged = next((r for r in facts.all_releases() if r.tag == since and r.published_at), None)
        if tagged is None or tagged.published_at is None:
            raise InputError(
                "backfill-since",
                f"no published release has the tag {since!r}; expected a date YYYY-MM-DD or such a tag",
            )
        cutoff = tagged.published_at
    newer: list[DeploymentFacts] = []
    older: list[DeploymentFacts] = []
    for deployment in facts.all_deployments(settings.environment):  # newest first
        if deployment.created_at is not None and deployment.created_at < cutoff:
            older.append(deployment)
            if len(older) >= BASE_CHECKS:
                break
        else:
            newer.append(deployment)
    previous_success: DeploymentFacts | None = None
    for candidate in older:
        try:
            statuses = facts.deployment_statuses(candidate.id)
        except GitHubUnavailable:
            continue
        if statuses and statuses[0].state in SUCCESSFUL:
            previous_success = candidate
            break
    for deployment in sorted(newer, key=lambda d: d.id):
        try:
            statuses = facts.deployment_statuses(deployment.id)
        except GitHubUnavailable as error:
            yield PastDeployment(deployment, "", None, None, previous_success, problem=str(error))
            continue
        latest = statuses[0] if statuses else None
        state = FINAL_STATES.get(latest.state) if latest else None
        if latest is None or state is None:
            continue
        # A success that later became inactive: the time it took is to the success.
        final = next((s for s in statuses if s.state not in ("inactive",)), latest)
        yield PastDeployment(deployment, state, final.created_at, final.target_url or None, previous_success)
        if state == "success":
            previous_success = deployment


def release_event(item: PastRelease, repository: Any) -> dict[str, Any]:
    r = item.release
    author = {"id": r.author_id} if r.author_id is not None else None
    return {
        "action": "published",
        "release": {
            "id": r.id,
            "tag_name": r.tag,
            "name": r.name,
            "body": r.body,
            "html_url": r.html_url,
            "draft": False,
            "prerelease": False,
            "published_at": iso(r.published_at),
            "target_commitish": r.target_commitish,
            "author": author,
        },
        "repository": repository,
        "sender": author,
    }


def deployment_event(item: PastDeployment, repository: Any) -> dict[str, Any]:
    d = item.deployment
    creator = {"id": d.creator_id} if d.creator_id is not None else None
    return {
        "action": "created",
        "deployment": {
            "id": d.id,
            "sha": d.sha,
            "ref": d.ref,
            "environment": d.environment,
            "node_id": d.node_id,
            "created_at": iso(d.created_at),
            "creator": creator,
        },
        "deployment_status": {"state": item.state, "created_at": iso(item.status_at), "target_url": item.target_url},
        "repository": repository,
        "sender": creator,
    }


@dataclass
class Outcome:
    label: str
    record: DeploymentRecord | None
    result: str
    deployment_id: str | None = None
    failed: bool = False


class Backfill:
    def __init__(
        self,
        settings: Settings,
        payload: dict[str, Any],
        facts: GitHubFacts,
        commands: WorkflowCommands,
        now: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.repository = payload.get("repository") if isinstance(payload.get("repository"), dict) else None
        self.facts = facts
        self.commands = commands
        self.now = now
        self.sleep = sleep
        self.client = (
            None
            if settings.dry_run or settings.iftrue_token is None
            else iftrue_client(settings, settings.iftrue_token, commands)
        )

    def derivations(self) -> Iterator[tuple[str, Callable[[Notes], Derivation]]]:
        since = self.settings.backfill_since or ""
        if self.settings.backfill_source == "releases":
            for item in past_releases(self.facts, since):
                yield item.release.tag, self._release_derivation(item)
        else:
            for past in past_deployments(self.facts, self.settings, since):
                yield f"deployment {past.deployment.id}", self._deployment_derivation(past)

    def _release_derivation(self, item: PastRelease) -> Callable[[Notes], Derivation]:
        def make(notes: Notes) -> Derivation:
            tag = item.release.tag
            try:
                sha = self.facts.commit(tag).sha
            except GitHubUnavailable as error:
                raise InputError("backfill-since", f"could not resolve the tag {tag!r} to a commit ({error})") from None
            settings = self._settings_for("release", sha, f"refs/tags/{tag}")
            event = Event(settings, release_event(item, self.repository))
            return ReleaseDerivation(event, self.facts, notes, self.now, item.previous)

        return make

    def _deployment_derivation(self, past: PastDeployment) -> Callable[[Notes], Derivation]:
        def make(notes: Notes) -> Derivation:
            if past.problem is not None:
                raise InputError(
                    "backfill-since", f"could not read the statuses of deployment {past.deployment.id} ({past.problem})"
                )
            settings = self._settings_for("deployment_status", past.deployment.sha, past.deployment.ref)
            event = Event(settings, deployment_event(past, self.repository))
            return DeploymentDerivation(event, self.facts, notes, self.now, past.previous_success)

        return make

    def _settings_for(self, event_name: str, sha: str, ref: str) -> Settings:
        # As if the action had run then: no current run to time or link, no deployment to create.
        runner = replace(
            self.settings.runner,
            event_name=event_name,
            sha=sha,
            ref=ref,
            ref_name=ref.rsplit("/", 1)[-1],
            run_id="",
            run_attempt="",
        )
        return replace(self.settings, runner=runner, ref=None, create_github_deployment=False)

    def pace(self) -> None:
        """Waits for GitHub's rate limit to reset when fewer than the reserve of requests remain."""
        known = self.facts.rate_limit()
        if known is None:
            return
        remaining, reset_at = known
        if remaining >= RATE_LIMIT_RESERVE:
            return
        wait = max(0.0, reset_at - time.time()) + 1
        if wait > MAX_RATE_LIMIT_PAUSE:
            raise GitHubUnavailable(
                f"GitHub's rate limit has {remaining} requests left and resets in {wait / 60:.0f} min"
            )
        self.commands.info(f"GitHub rate limit: {remaining} requests left; pausing {wait:.0f} s until it resets.")
        self.sleep(wait)

    def run(self) -> int:
        gc.enable()  # entrypoint.py turns it off for short runs; a backfill can be long
        settings = self.settings
        if settings.create_github_deployment:
            self.commands.notice(
                "create-github-deployment is ignored in a backfill: past deployments are not created again."
            )
        self.commands.info(
            f"Backfill of {settings.backfill_source} since {settings.backfill_since}"
            + (" (dry run: nothing is sent)" if settings.dry_run else "")
        )
        outcomes: list[Outcome] = []
        stopped: str | None = None
        try:
            items = list(self.derivations())
        except GitHubUnavailable as error:
            self.commands.error(f"The backfill could not list past {settings.backfill_source}: {error}")
            return 1
        except InputError as error:
            self.commands.error(str(error))
            return 1
        total = len(items)
        for index, (label, make) in enumerate(items, start=1):
            try:
                self.pace()
            except GitHubUnavailable as error:
                stopped = f"{error}; stopped before {label}. Re-run later to report the rest."
                break
            outcome = self.one(label, make)
            outcomes.append(outcome)
            self.commands.info(f"[{index}/{total}] {label}: {outcome.result}")
        return self.finish(outcomes, total, stopped)

    def one(self, label: str, make: Callable[[Notes], Derivation]) -> Outcome:
        notes = Notes()
        try:
            record = make(notes).record()
        except Skip as skip:
            return Outcome(label, None, f"skipped ({skip})")
        except InputError as error:
            return Outcome(label, None, f"failed: {error}", failed=True)
        finally:
            for level, message in notes.items:
                self.commands.annotate(level, f"{label}: {message}")
        if self.client is None:
            self.commands.info(f"would send: {json.dumps(record.payload(), ensure_ascii=False)}")
            return Outcome(label, record, "would be sent (dry run)")
        try:
            sent = self.client.send(record.payload())
        except ReportError as error:
            return Outcome(label, record, f"failed: {error}", failed=True)
        deployment_id = sent.response.get("id")
        return Outcome(
            label, record, f"reported as {deployment_id}", None if deployment_id is None else str(deployment_id)
        )

    def finish(self, outcomes: list[Outcome], total: int, stopped: str | None) -> int:
        settings = self.settings
        reported = [o for o in outcomes if o.deployment_id is not None]
        failed = [o for o in outcomes if o.failed]
        self.commands.set_outputs(
            {
                "deployments-reported": str(len(reported)),
                "deployment-ids": json.dumps([o.deployment_id for o in reported]),
            }
        )
        self.commands.add_summary(summary_table(settings, outcomes, total, stopped))
        verb = "would be sent" if settings.dry_run else "reported"
        count = len([o for o in outcomes if o.record is not None and not o.failed])
        self.commands.info(f"Backfill done: {count} of {total} {verb}, {len(failed)} failed.")
        problems = [f"{o.label}: {o.result}" for o in failed] + ([stopped] if stopped else [])
        if not problems:
            return 0
        message = f"The backfill did not report everything ({len(problems)} problem(s)): " + " | ".join(problems)
        if settings.fail_on_error:
            self.commands.error(message)
            return 1
        self.commands.warning(message)
        return 0


def summary_table(settings: Settings, outcomes: list[Outcome], total: int, stopped: str | None) -> str:
    lines = [
        f"### iftrue backfill: {settings.backfill_source} since {cell(settings.backfill_since or '')}",
        "",
        "| # | Deployment | Commit | Pull request | Commits | Status | Outcome |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for index, o in enumerate(outcomes, start=1):
        r = o.record
        if r is None:
            lines.append(f"| {index} | {cell(o.label)} | — | — | — | — | {cell(o.result)} |")
            continue
        repo = r.repository_url.rstrip("/")
        pr = link(f"#{r.pull_request_number}", f"{repo}/pull/{r.pull_request_number}") if r.pull_request_number else "—"
        lines.append(
            f"| {index} | {link(r.title, r.url)} | {link(r.commit_id[:7], f'{repo}/commit/{r.commit_id}')} | {pr} | "
            f"{r.commits_count} | `{r.status}` | {cell(o.result)} |"
        )
    if stopped:
        lines += ["", f"Stopped: {cell(stopped)}"]
    if len(outcomes) < total:
        lines += ["", f"{total - len(outcomes)} of {total} were not attempted."]
    return "\n".join(lines) + "\n\n"
