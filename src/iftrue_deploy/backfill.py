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
from functools import partial
from typing import Any

from .client import IftrueClient, ReportError
from .derive import Lookups, Skip, derive_record, options_from
from .facts import DeploymentFacts, GitHubFacts, GitHubUnavailable, ReleaseFacts
from .payload import is_sha
from .report import Outcome, publish_backfill
from .settings import InputError, Settings
from .status import from_deployment_state
from .trigger import Previous, Release, Span, TriggerFacts
from .trigger.events import context
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


class Backfill:
    def __init__(
        self,
        settings: Settings,
        payload: dict[str, Any],
        github: GitHubFacts,
        client: IftrueClient | None,
        commands: WorkflowCommands,
        now: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        # What stays of the run that backfills: the repository and who runs it.
        self.context = replace(context(payload, settings.runner), run_url=None, run_id=None, time_this_run=False)
        self.github = github
        self.client = client
        self.commands = commands
        self.now = now
        self.sleep = sleep
        # As if the action had run then: no deployment to create, none to look up twice.
        self.options = replace(options_from(settings), create_github_deployment=False)

    def triggers(self) -> Iterator[tuple[str, Callable[[], TriggerFacts]]]:
        since = self.settings.backfill_since or ""
        if self.settings.backfill_source == "releases":
            for item in past_releases(self.github, since):
                yield item.release.tag, partial(self.release_trigger, item)
        else:
            for past in past_deployments(self.github, self.settings, since):
                yield f"deployment {past.deployment.id}", partial(self.deployment_trigger, past)

    def release_trigger(self, item: PastRelease) -> TriggerFacts:
        r = item.release
        try:
            sha = self.github.commit(r.tag).sha
        except GitHubUnavailable as error:
            raise InputError("backfill-since", f"could not resolve the tag {r.tag!r} to a commit ({error})") from None
        target = r.target_commitish
        return replace(
            self.context,
            name="release",
            sha=sha,
            release=Release(tag=r.tag, name=r.name or None, body=r.body or None, id=r.id, published_at=r.published_at),
            branch_hint=None if not target or is_sha(target.lower()) else target.removeprefix("refs/heads/"),
            url=r.html_url or None,
            previous=Previous(item.previous.tag if item.previous else None),
            sender_id=None if r.author_id is None else str(r.author_id),
            pushed_ref=f"refs/tags/{r.tag}",
            ref_name=r.tag,
        )

    def deployment_trigger(self, past: PastDeployment) -> TriggerFacts:
        d = past.deployment
        if past.problem is not None:
            raise InputError("backfill-since", f"could not read the statuses of deployment {d.id} ({past.problem})")
        start, end = d.created_at, past.status_at
        return replace(
            self.context,
            name="deployment_status",
            sha=d.sha,
            branch_hint=None if not d.ref or is_sha(d.ref.lower()) else d.ref.removeprefix("refs/heads/"),
            deployment_id=d.id,
            deployment_node_id=d.node_id or None,
            url=past.target_url,
            status=from_deployment_state(past.state),
            span=Span(start, end) if start and end and end >= start else None,
            previous=Previous(past.previous_success.sha if past.previous_success else None),
            sender_id=None if d.creator_id is None else str(d.creator_id),
            pushed_ref=d.ref,
            ref_name=d.ref.rsplit("/", 1)[-1],
        )

    def pace(self) -> None:
        """Waits for GitHub's rate limit to reset when fewer than the reserve of requests remain."""
        known = self.github.rate_limit()
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
            items = list(self.triggers())
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

    def one(self, label: str, make: Callable[[], TriggerFacts]) -> Outcome:
        lookups = Lookups(self.github, self.settings.environment)
        try:
            record = derive_record(self.settings.overrides, make(), lookups, self.options, self.now)
        except Skip as skip:
            return Outcome(label, None, f"skipped ({skip})")
        except InputError as error:
            return Outcome(label, None, f"failed: {error}", failed=True)
        finally:
            for level, message in lookups.notes.items:
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
        failed = [o for o in outcomes if o.failed]
        publish_backfill(
            self.commands, settings.backfill_source, settings.backfill_since or "", outcomes, total, stopped
        )
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
