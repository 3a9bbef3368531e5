"""How the deployment went: status and duration (README "Where each field comes from")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..settings import DurationUnit, FieldOverrides
from ..status import ApiStatus
from ..trigger import TriggerFacts
from .because import INPUT, Derived
from .deployed import Deployed


class Skip(Exception):
    """The event describes no deployment. The message says why (shown as a notice)."""


def status(given: FieldOverrides, deployed: Deployed) -> Derived[ApiStatus]:
    if given.status is not None:
        return Derived(given.status, INPUT)
    trigger = deployed.trigger
    if trigger.status is not None:
        return Derived(trigger.status, trigger.status_from or status_origin(trigger))
    if trigger.no_outcome is not None:
        raise Skip(trigger.no_outcome)
    return Derived("succes", "the event carries no outcome: `succes`")


def status_origin(trigger: TriggerFacts) -> str:
    """Where a status no adapter described came from (a backfill's past deployment or run)."""
    return "the deployment's final status" if trigger.deployment_id is not None else "the workflow run's conclusion"


def duration_seconds(deployed: Deployed, now: Callable[[], datetime]) -> Derived[float | None]:
    trigger = deployed.trigger
    if trigger.span is not None:
        start, end = trigger.span.start, trigger.span.end
        seconds = max(0.0, ((end or now()) - start).total_seconds())
        what = (
            "`deployment_status.created_at` − `deployment.created_at`"
            if trigger.deployment_id is not None
            else "`workflow_run.updated_at` − `run_started_at`"
        )
        until = f"{end:%H:%M:%S}" if end is not None else "now"
        return Derived(seconds, f"{what}: {start:%Y-%m-%d %H:%M:%S} to {until} UTC")
    if not trigger.time_this_run:
        return Derived(None, "left out: another deployment than this run's, with no times of its own")
    if not trigger.run_id:
        return Derived(None, "left out: no workflow run (GITHUB_RUN_ID) to time")
    attempt = trigger.run_attempt or ""
    started = deployed.lookups.run_started_at(trigger.run_id, attempt)
    if started is None:
        return Derived(None, "left out: " + deployed.lookups.unknown("the start of this run attempt"))
    seconds = max(0.0, (now() - started).total_seconds())
    return Derived(seconds, f"run attempt {attempt or 1} started {started:%H:%M:%S} UTC, timed to now")


def deployment_duration(
    given: FieldOverrides, deployed: Deployed, unit: DurationUnit, now: Callable[[], datetime]
) -> Derived[float | int | None]:
    if given.deployment_duration is not None:
        value = given.deployment_duration
        return Derived(int(value) if value.is_integer() else value, INPUT)
    seconds = duration_seconds(deployed, now)
    if seconds.value is None:
        return seconds
    if unit == "seconds":
        return Derived(round(seconds.value), seconds.reason)
    return Derived(round(seconds.value / 60, 2), seconds.reason)
