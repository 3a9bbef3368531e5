"""Backfill (README "Backfill"): report every past deployment since a date, a tag or a deployment.

Each past deployment (:mod:`.history`) becomes the event the action would have seen at the time (a
published release, or a deployment reaching its final status), and goes through the same
derivation as a live run. Every GitHub request, listing pages included, is paced by the rate
limit (:mod:`.pacing`). A backfill that has to stop (a reset too far away, a cancel) ends with the
``backfill-since`` value that continues after the last record iftrue accepted, so that
continuing sends nothing twice.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from .client import IftrueClient, ReportError
from .derive import Lookups, Skip, derive_record, options_from
from .facts import GitHubFacts, GitHubUnavailable, RateLimited
from .history import PastDeployment, PastDeployments, PastRelease, continue_after, past_releases
from .pacing import RateLimitPacer
from .payload import branch_of
from .report import Outcome, publish_backfill
from .settings import InputError, Settings
from .status import from_deployment_state
from .trigger import Previous, Release, Span, TriggerFacts
from .trigger.events import context
from .workflow import WorkflowCommands

# What the walk yields for each past deployment: its label, the backfill-since value that
# continues after it, and its trigger facts (read when its turn comes).
Item = tuple[str, str, Callable[[], TriggerFacts]]


def cancelled(error: BaseException) -> bool:
    """The job is being cancelled: Ctrl-C, or what a signal handler raises (``…Interrupted``,
    ``…Cancelled``)."""
    return isinstance(error, KeyboardInterrupt) or type(error).__name__.endswith(
        ("Interrupted", "Cancelled", "Canceled")
    )


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
        # The backfill-since value that continues after the last record iftrue accepted.
        self.resume = settings.backfill_since or ""
        self.listed = False

    def history(self) -> tuple[int, Iterator[Item]]:
        """How many past deployments there are, and the walk over them, oldest first."""
        since = self.settings.backfill_since or ""
        if self.settings.backfill_source == "releases":
            releases = past_releases(self.github, since)
            return len(releases), ((p.release.tag, p.release.tag, partial(self.release_trigger, p)) for p in releases)
        walk = PastDeployments(self.github, self.settings.environment, since)
        return len(walk), (
            (f"deployment {p.deployment.id}", continue_after(p.deployment.id), partial(self.deployment_trigger, p))
            for p in walk
        )

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
            branch_hint=branch_of(target),
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
        if not past.state:
            raise Skip(f"no final status yet (the latest is {past.latest})")
        start, end = d.created_at, past.status_at
        return replace(
            self.context,
            name="deployment_status",
            sha=d.sha,
            branch_hint=branch_of(d.ref),
            deployment_id=d.id,
            deployment_node_id=d.node_id or None,
            url=past.target_url,
            status=from_deployment_state(past.state),
            span=Span.between(start, end),
            previous=Previous(past.previous_success.sha if past.previous_success else None),
            sender_id=None if d.creator_id is None else str(d.creator_id),
            pushed_ref=d.ref,
            ref_name=d.ref.rsplit("/", 1)[-1],
        )

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
        self.github.pace_with(RateLimitPacer(self.commands.info, self.sleep))
        outcomes: list[Outcome] = []
        total, stopped = 0, None
        try:
            try:
                total, items = self.history()
            except GitHubUnavailable as error:
                self.commands.error(f"The backfill could not list past {settings.backfill_source}: {error}")
                return 1
            except InputError as error:
                self.commands.error(str(error))
                return 1
            self.listed = True
            self.commands.info(f"{total} past {settings.backfill_source} to report, oldest first.")
            for index, (label, after, make) in enumerate(items, start=1):
                outcome = self.one(label, make)
                outcomes.append(outcome)
                if outcome.accepted:
                    self.resume = after
                self.commands.info(f"[{index}/{total}] {label}: {outcome.result}")
        except RateLimited as error:
            stopped = str(error)
        except BaseException as error:
            if not cancelled(error):
                raise
            self.finish(outcomes, total, "the job was cancelled")
            raise
        finally:
            self.github.pace_with(None)
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
        deployment_id = None if sent.id_unknown else sent.response.get("id")
        return Outcome(
            label,
            record,
            f"reported as {deployment_id}" if deployment_id is not None else f"reported; id unknown: {sent.id_unknown}",
            None if deployment_id is None else str(deployment_id),
            accepted=True,
        )

    def how_to_continue(self, outcomes: list[Outcome]) -> str:
        """The exact backfill-since value that continues after the last record iftrue accepted."""
        last = max((i for i, o in enumerate(outcomes) if o.accepted), default=-1)
        retried = [o.label for o in outcomes[last + 1 :] if o.failed]
        lost = [o.label for o in outcomes[: last + 1] if o.failed]
        text = (
            "To continue after the last record iftrue accepted"
            if last >= 0
            else "To continue (iftrue accepted no record yet)"
        ) + f", run again with backfill-since: {self.resume}"
        if retried:
            text += f" (it tries {', '.join(retried)} again)"
        if lost:
            text += f"; not tried again: {', '.join(lost)} (report each with ref)"
        return text

    def finish(self, outcomes: list[Outcome], total: int, stopped: str | None) -> int:
        settings = self.settings
        failed = [o for o in outcomes if o.failed]
        if stopped:
            where = f"after {len(outcomes)} of {total}" if self.listed else "while listing"
            stopped = f"Stopped {where}: {stopped}. {self.how_to_continue(outcomes)}"
        publish_backfill(
            self.commands,
            settings.backfill_source,
            settings.backfill_since or "",
            outcomes,
            total,
            stopped,
            self.resume,
        )
        verb = "would be sent" if settings.dry_run else "reported"
        count = len([o for o in outcomes if o.record is not None and not o.failed])
        self.commands.info(
            f"Backfill {'stopped' if stopped else 'done'}: {count} of {total} {verb}, {len(failed)} failed."
        )
        if stopped:
            self.commands.info(stopped)
        problems = [f"{o.label}: {o.result}" for o in failed] + ([stopped] if stopped else [])
        if not problems:
            return 0
        message = f"The backfill did not report everything ({len(problems)} problem(s)): " + " | ".join(problems)
        if settings.fail_on_error:
            self.commands.error(message)
            return 1
        self.commands.warning(message)
        return 0
