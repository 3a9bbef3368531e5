"""Backfill (README "Backfill"): report every past deployment since a date, a tag, a deployment or
a run, each exactly once.

Each past deployment (:mod:`.history`) becomes the event the action would have seen at the time (a
published release, a deployment reaching its final status, or the push a deploy workflow ran
for), and goes through the same derivation as a live run. Every GitHub request, listing pages included, is paced by the rate
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
from .derive import ExplainedRecord, Lookups, Skip, derive_record, options_from
from .facts import GitHubFacts, GitHubUnavailable, RateLimited
from .history import History, PastDeployments, PastReleases, PastRuns, continue_after, continue_after_run
from .listing import Walked
from .pacing import RateLimitPacer
from .past_events import deployment_event, release_event, run_event
from .quoting import quoted
from .report import BackfillExplain, Outcome, backfill_header, backfill_row, explained_briefly, publish_backfill
from .settings import InputError, Settings
from .trigger import TriggerFacts
from .trigger.events import context
from .vocabulary import assign
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
        # What happened after this moment is the live workflow's to report.
        self.started = now()
        self.walked = Walked()
        self.summary_started = False
        self.explained = BackfillExplain()
        # With runs, the branch input picks the production branch; each record's branch is derived.
        self.given = settings.overrides
        if settings.backfill_source == "runs":
            self.given = replace(settings.overrides, branch=None)

    def history(self) -> tuple[int, Walked, Iterator[Item]]:
        """Lists the past deployments (every page, a page at a time): how many there are, what the
        listing found, and the walk over them, oldest first."""
        settings, started, context = self.settings, self.started, self.context
        since = settings.backfill_since or ""
        items: Iterator[Item]
        walk: History[Any]
        if settings.backfill_source == "releases":
            walk = releases = PastReleases(self.github, since, started)
            items = ((p.release.tag, p.release.tag, partial(release_event, context, self.github, p)) for p in releases)
        elif settings.backfill_source == "runs":
            workflow = settings.backfill_workflow or ""
            walk = runs = PastRuns(self.github, workflow, self.production_branch(), since, started)
            items = ((f"run {p.run.id}", continue_after_run(p.run.id), partial(run_event, context, p)) for p in runs)
        else:
            walk = deployments = PastDeployments(self.github, settings.environment, since, started)
            items = (
                (
                    f"deployment {p.deployment.id}",
                    continue_after(p.deployment.id),
                    partial(deployment_event, context, p),
                )
                for p in deployments
            )
        return len(walk), walk.walked, items

    def production_branch(self) -> str:
        """The branch input, else the repository's default branch (from the event, else GitHub)."""
        return self.settings.overrides.branch or self.context.default_branch or self.github.default_branch()

    def run(self) -> int:
        gc.enable()  # entrypoint.py turns it off for short runs; a backfill can be long
        settings = self.settings
        if settings.create_github_deployment:
            self.commands.notice(
                "create-github-deployment is ignored in a backfill: past deployments are not created again."
            )
        self.commands.info(
            f"Backfill of {settings.backfill_source} since {quoted(settings.backfill_since or '')}"
            + (" (dry run: nothing is sent)" if settings.dry_run else "")
        )
        self.github.pace_with(RateLimitPacer(self.commands.info, self.sleep))
        outcomes: list[Outcome] = []
        total, stopped = 0, None
        try:
            try:
                total, self.walked, items = self.history()
            except GitHubUnavailable as error:
                self.commands.error(f"The backfill could not list past {settings.backfill_source}: {error}.")
                return 1
            except InputError as error:
                self.commands.error(str(error))
                return 1
            self.listed = True
            self.listing_done(total)
            for index, (label, after, make) in enumerate(items, start=1):
                outcome, record = self.one(label, make)
                outcomes.append(outcome)
                if outcome.accepted:
                    self.resume = after
                self.progress(index, total, label, outcome, record)
                if record is not None:
                    self.explained.add(label, record.reasons)
                if row := backfill_row(index, outcome, record):
                    self.commands.add_summary(row)
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

    def listing_done(self, total: int) -> None:
        """What the listing found: warnings (a page repeated), and what is left out and why."""
        walked, source = self.walked, self.settings.backfill_source
        for warning in walked.warnings:
            self.commands.warning(warning)
        aside = [
            f"{walked.repeated} listed again and skipped" if walked.repeated else "",
            f"{walked.later} after the backfill started, left to the live workflow" if walked.later else "",
            f"{walked.left_out} that are no deployments left out" if walked.left_out else "",
        ]
        notes = "; ".join(a for a in aside if a)
        self.commands.info(f"{total} past {source} to report, oldest first" + (f" ({notes})." if notes else "."))
        self.summary_header()

    def summary_header(self) -> None:
        if not self.summary_started:
            self.summary_started = True
            self.commands.add_summary(
                backfill_header(self.settings.backfill_source, self.settings.backfill_since or "")
            )

    def progress(self, index: int, total: int, label: str, outcome: Outcome, record: ExplainedRecord | None) -> None:
        """The one line of progress per record, with why of its main fields."""
        self.commands.info(f"[{index}/{total}] {label}: {outcome.result}{explained_briefly(record)}")

    def one(self, label: str, make: Callable[[], TriggerFacts]) -> tuple[Outcome, ExplainedRecord | None]:
        lookups = Lookups(self.github, self.settings.environment)
        try:
            record = derive_record(self.given, make(), lookups, self.options, self.now)
        except Skip as skip:
            return Outcome(label, f"skipped ({skip})"), None
        except InputError as error:
            return Outcome(label, f"failed: {error}", failed=True), None
        finally:
            for level, message in lookups.notes.items:
                self.commands.annotate(level, f"{label}: {message}")
        if self.client is None:
            self.commands.info(f"would send: {json.dumps(record.payload(), ensure_ascii=False)}")
            return Outcome(label, "would be sent (dry run)", derived=True), record
        try:
            sent = self.client.send(record.payload())
        except ReportError as error:
            return Outcome(label, f"failed: {error}", failed=True, derived=True), record
        deployment_id = None if sent.id_unknown else sent.response.get("id")
        outcome = Outcome(
            label,
            f"reported as {deployment_id}" if deployment_id is not None else f"reported; id unknown: {sent.id_unknown}",
            None if deployment_id is None else str(deployment_id),
            accepted=True,
            derived=True,
        )
        return outcome, record

    def how_to_continue(self, outcomes: list[Outcome]) -> str:
        """The exact backfill-since value that continues after the last record iftrue accepted."""
        last = max((i for i, o in enumerate(outcomes) if o.accepted), default=-1)
        retried = [o.label for o in outcomes[last + 1 :] if o.failed]
        lost = [o.label for o in outcomes[: last + 1] if o.failed]
        text = (
            "To continue after the last record iftrue accepted"
            if last >= 0
            else "To continue (iftrue accepted no record yet)"
        ) + f", run again with {assign('backfill-since', self.resume)}"
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
        self.summary_header()
        publish_backfill(
            self.commands,
            settings.backfill_source,
            outcomes,
            total,
            stopped,
            self.resume,
            self.walked.later,
            self.explained,
        )
        verb = "would be sent" if settings.dry_run else "reported"
        count = len([o for o in outcomes if o.derived and not o.failed])
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
