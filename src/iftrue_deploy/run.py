"""One deployment (README "How it works"): derive the record, send it (not in a dry run), publish
what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .client import IftrueClient, ReportError
from .derive import Lookups, Options, Skip, derive_record
from .report import explained_lines, payload_json, publish, record_outputs
from .settings import FieldOverrides, InputError
from .trigger import TriggerFacts
from .vocabulary import assign
from .workflow import WorkflowCommands


def run_once(
    given: FieldOverrides,
    trigger: TriggerFacts,
    lookups: Lookups,
    options: Options,
    client: IftrueClient | None,
    commands: WorkflowCommands,
    now: Callable[[], datetime],
    fail_on_error: bool = True,
) -> int:
    """Sends nothing when ``client`` is None (a dry run)."""
    unit = options.duration_unit
    stop: Skip | InputError | None = None
    try:
        record = derive_record(given, trigger, lookups, options, now)
    except (Skip, InputError) as problem:
        stop = problem
    finally:
        # What deriving noticed first; the line that says how the run ends comes last.
        for level, message in lookups.notes.items:
            commands.annotate(level, message)
    if isinstance(stop, Skip):
        commands.notice(str(stop))
        publish(commands, None, "skipped", unit)
        return 0
    if stop is not None:
        commands.error(str(stop))
        return 1

    # Each field, its value and why; then the JSON itself (also the `payload` output).
    commands.group("Deployment record" + (" (dry run: not sent)" if client is None else ""), explained_lines(record))
    commands.group("Payload", payload_json(record).splitlines())
    if client is None:
        publish(commands, record, "dry run: not sent", unit)
        commands.info("Dry run: nothing was sent to iftrue.")
        return 0
    try:
        sent = client.send(record.payload())
    except ReportError as error:
        publish(commands, record, f"not reported: {error}", unit)
        message = f"The deployment was not reported to iftrue: {error}"
        if fail_on_error:
            commands.error(message)
            return 1
        commands.warning(f"{message} (with {assign('fail-on-error', 'false')}, this still succeeds)")
        return 0
    # The id first: whatever fails after this, the log says the deployment is recorded.
    outputs = record_outputs(record, sent.response)
    if sent.id_unknown:
        commands.warning(
            f"Reported to iftrue (it accepted the record), but the deployment id is unknown: {sent.id_unknown}. "
            "The deployment-id output is empty; do not re-run this job to report it again."
        )
    else:
        commands.info(f"Reported to iftrue as deployment {outputs['deployment-id']}.")
    publish(commands, record, "reported", unit, sent.response)
    return 0
