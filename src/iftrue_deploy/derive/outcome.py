"""How the deployment went: status and duration (README "Where each field comes from")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..settings import DurationUnit, FieldOverrides
from ..status import ApiStatus
from .deployed import Deployed


class Skip(Exception):
    """The event describes no deployment. The message says why (shown as a notice)."""


def status(given: FieldOverrides, deployed: Deployed) -> ApiStatus:
    if given.status is not None:
        return given.status
    trigger = deployed.trigger
    if trigger.status is not None:
        return trigger.status
    if trigger.no_outcome is not None:
        raise Skip(trigger.no_outcome)
    return "succes"


def duration_seconds(deployed: Deployed, now: Callable[[], datetime]) -> float | None:
    trigger = deployed.trigger
    if trigger.span is not None:
        end = trigger.span.end or now()
        return max(0.0, (end - trigger.span.start).total_seconds())
    if trigger.time_this_run and trigger.run_id:
        started = deployed.lookups.run_started_at(trigger.run_id, trigger.run_attempt or "")
        if started is not None:
            return max(0.0, (now() - started).total_seconds())
    return None


def deployment_duration(
    given: FieldOverrides, deployed: Deployed, unit: DurationUnit, now: Callable[[], datetime]
) -> float | int | None:
    if given.deployment_duration is not None:
        value = given.deployment_duration
        return int(value) if value.is_integer() else value
    seconds = duration_seconds(deployed, now)
    if seconds is None:
        return None
    if unit == "seconds":
        return round(seconds)
    return round(seconds / 60, 2)
