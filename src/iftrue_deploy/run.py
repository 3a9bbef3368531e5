"""One deployment: derive the record, send it (or not, in a dry run), report what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .client import IftrueClient, ReportError, RetryPolicy
from .derive import Notes, Skip, derive_record
from .facts import GitHubFacts, NoGitHub
from .report import payload_json, record_outputs, summary_markdown
from .settings import InputError, Settings
from .workflow import WorkflowCommands


def iftrue_client(settings: Settings, token: str, commands: WorkflowCommands) -> IftrueClient:
    return IftrueClient(
        settings.api_url,
        token,
        policy=RetryPolicy(base_delay=settings.retry_base_delay),
        read_timeout=settings.read_timeout,
        log=commands.info,
    )


def run_once(
    settings: Settings,
    payload: dict[str, Any],
    commands: WorkflowCommands,
    facts_factory: Callable[[Settings], tuple[GitHubFacts, str | None]],
    now: Callable[[], datetime],
) -> int:
    facts, why_not = facts_factory(settings)
    if settings.backfill_since:
        if why_not or isinstance(facts, NoGitHub):
            reason = why_not or getattr(facts, "reason", "")
            commands.error(f"Input 'backfill-since': a backfill reads the history from the GitHub API; {reason}.")
            return 1
        from .backfill import Backfill

        return Backfill(settings, payload, facts, commands, now).run()
    if why_not:
        commands.notice(why_not)
    notes = Notes()
    try:
        record = derive_record(settings, payload, facts, notes, now)
    except Skip as skip:
        commands.notice(str(skip))
        commands.set_outputs({"status": "skipped"})
        return 0
    except InputError as error:
        commands.error(str(error))
        return 1
    finally:
        for level, message in notes.items:
            commands.annotate(level, message)

    commands.group(
        "Deployment record" + (" (dry run: not sent)" if settings.dry_run else ""),
        payload_json(record).splitlines(),
    )
    if settings.dry_run:
        commands.set_outputs(record_outputs(record, None))
        commands.add_summary(summary_markdown(record, "dry run: not sent", None, settings.duration_unit))
        commands.info("Dry run: nothing was sent to iftrue.")
        return 0

    assert settings.iftrue_token is not None  # enforced by the settings unless dry-run
    client = iftrue_client(settings, settings.iftrue_token, commands)
    try:
        sent = client.send(record.payload())
    except ReportError as error:
        commands.set_outputs(record_outputs(record, None))
        commands.add_summary(summary_markdown(record, f"not reported: {error}", None, settings.duration_unit))
        message = f"The deployment was not reported to iftrue: {error}"
        if settings.fail_on_error:
            commands.error(message)
            return 1
        commands.warning(message + " (fail-on-error is false, so this step still succeeds)")
        return 0
    outputs = record_outputs(record, sent.response)
    # The id first: whatever fails after this, the log says the deployment is recorded.
    commands.info(f"Reported to iftrue as deployment {outputs['deployment-id'] or '(no id in the answer)'}.")
    commands.set_outputs(outputs)
    commands.add_summary(summary_markdown(record, "reported", outputs["deployment-id"] or None, settings.duration_unit))
    return 0
