"""Publishing a result, in one place for every way a run ends: the step outputs, the step summary
and the log lines (README "Outputs")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .client import capped
from .derive import ExplainedRecord
from .markup import cell, link, url_link
from .workflow import WorkflowCommands

# The `response` output holds iftrue's answer; a huge answer must not fill GITHUB_OUTPUT.
RESPONSE_OUTPUT_LIMIT = 64 * 1024
# The explained print shows a value up to this many characters (the payload output has it whole).
SHOWN_VALUE = 48
# A backfill's progress line says why of these (the flags only when true).
BRIEFLY = ("commits_count", "pull_request_number", "is_fix", "is_hotfix")


def payload_json(record: ExplainedRecord) -> str:
    return json.dumps(record.payload(), indent=2, ensure_ascii=False)


def shown(value: object) -> str:
    """A field's value on one line, as JSON (a left-out field says so), cut to SHOWN_VALUE."""
    text = "(left out)" if value is None else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


def explained_lines(record: ExplainedRecord) -> list[str]:
    """One line a field, aligned: name, value, then where the value came from (README "Where each
    field comes from"). Printed through the inert printer: a reason may quote the event."""
    values = {name: shown(getattr(record, name)) for name in record.reasons}
    name_width = max(len(name) for name in values)
    value_width = max(len(value) for value in values.values())
    return [
        f"  {name:<{name_width}}  {values[name]:<{value_width}}  {reason}" for name, reason in record.reasons.items()
    ]


def explained_briefly(record: ExplainedRecord | None) -> str:
    """The reasons a backfill's progress line gives: the commits, the pull request, a fix or hotfix."""
    if record is None:
        return ""
    reasons = record.reasons
    parts = [f"{name} {shown(getattr(record, name))} ({reasons[name]})" for name in BRIEFLY if getattr(record, name)]
    return " — " + "; ".join(parts) if parts else ""


def record_outputs(record: ExplainedRecord, response: dict[str, Any] | None) -> dict[str, str]:
    deployment_id = response.get("id") if response else None
    return {
        "deployment-id": "" if deployment_id is None else capped(str(deployment_id), 1024),
        "payload": json.dumps(record.payload(), ensure_ascii=False),
        "response": "" if response is None else capped(json.dumps(response, ensure_ascii=False), RESPONSE_OUTPUT_LIMIT),
        "status": record.status,
        "pull-request-number": str(record.pull_request_number),
        "commits-count": str(record.commits_count),
        "explain": json.dumps(record.reasons, ensure_ascii=False),
    }


def summary_markdown(
    record: ExplainedRecord,
    outcome: str,
    deployment_id: str | None,
    duration_unit: str,
) -> str:
    repo_url = record.repository_url.rstrip("/")
    pr = record.pull_request_number
    rows: list[tuple[str, str, str | None]] = [
        ("Outcome", cell(outcome), None),
        ("iftrue deployment id", cell(deployment_id) if deployment_id else "—", None),
        ("Title", cell(record.title), "title"),
        ("Status", f"`{record.status}`", "status"),
        ("Commit", link(record.commit_id[:12], f"{repo_url}/commit/{record.commit_id}"), "commit_id"),
        ("Branch", cell(record.branch), "branch"),
        ("Pull request", link(f"#{pr}", f"{repo_url}/pull/{pr}") if pr else "none found (0)", "pull_request_number"),
        ("Commits", str(record.commits_count), "commits_count"),
        (
            "Duration",
            "—" if record.deployment_duration is None else f"{record.deployment_duration} {duration_unit}",
            "deployment_duration",
        ),
        ("Fix", "true" if record.is_fix else "false", "is_fix"),
        ("Hotfix", "true" if record.is_hotfix else "false", "is_hotfix"),
        ("Forced", "true" if record.is_forced else "false", "is_forced"),
        ("Member id", cell(record.member_id), "member_id"),
        ("GitHub deployment node id", cell(record.deployment_node_id or "—"), "deployment_node_id"),
        ("Repository", url_link(repo_url), "repository_url"),
        ("Link", url_link(record.url) if record.url else "—", "url"),
        ("Changelog", "below" if record.changelog else "—", "changelog"),
    ]
    reasons = record.reasons
    lines = ["### iftrue deployment", "", "| Field | Value | Where it came from |", "| --- | --- | --- |"]
    lines += [f"| {name} | {value} | {cell(reasons[field]) if field else ''} |" for name, value, field in rows]
    if record.changelog:
        lines += ["", "<details><summary>Changelog</summary>", "", cell(record.changelog), "", "</details>"]
    return "\n".join(lines) + "\n\n"


def publish(
    commands: WorkflowCommands,
    record: ExplainedRecord | None,
    outcome: str,
    duration_unit: str,
    response: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Writes the outputs and the summary of one deployment; without a record, nothing was reported."""
    if record is None:
        outputs = {"status": "skipped"}
        commands.set_outputs(outputs)
        return outputs
    outputs = record_outputs(record, response)
    commands.set_outputs(outputs)
    commands.add_summary(summary_markdown(record, outcome, outputs["deployment-id"] or None, duration_unit))
    return outputs


@dataclass
class Outcome:
    """What became of one past deployment in a backfill. Small on purpose: a backfill of thousands
    keeps one a record (its summary row is written when it happens)."""

    label: str
    result: str
    deployment_id: str | None = None
    failed: bool = False
    accepted: bool = False  # iftrue took it: a backfill continues after the last one
    derived: bool = False  # a record was derived (sent, or would be in a dry run)


# GitHub takes an output of at most 1 MB: a backfill's `explain` holds the first records' reasons
# up to this, so that neither the output nor the memory grows with the history.
EXPLAIN_OUTPUT_LIMIT = 512 * 1024


class BackfillExplain:
    """The backfill's `explain` output, ``{label: {field: reason}}``, built as records come and
    bounded by EXPLAIN_OUTPUT_LIMIT; the records past it are counted (the log has their reasons)."""

    def __init__(self, limit: int = EXPLAIN_OUTPUT_LIMIT) -> None:
        self.limit, self.parts, self.size, self.left_out = limit, list[str](), 2, 0

    def add(self, label: str, reasons: Mapping[str, str]) -> None:
        part = f"{json.dumps(label, ensure_ascii=False)}: {json.dumps(dict(reasons), ensure_ascii=False)}"
        if self.size + len(part.encode()) + 2 > self.limit:
            self.left_out += 1
            return
        self.parts.append(part)
        self.size += len(part.encode()) + 2

    def text(self) -> str:
        return "{" + ", ".join(self.parts) + "}"


# Rows of the backfill's summary table: a few hundred bytes each, well under GitHub's 1 MiB with the
# lines after them. Beyond it, only the rows of failures are written; the log has every record.
SUMMARY_ROWS = 1000


def backfill_header(source: str, since: str) -> str:
    return (
        f"### iftrue backfill: {source} since {cell(since)}\n\n"
        "| # | Deployment | Commit | Pull request | Commits | Status | Outcome |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
    )


def backfill_row(index: int, outcome: Outcome, record: ExplainedRecord | None) -> str:
    """One row of the summary table, or "" past SUMMARY_ROWS (but for a failure)."""
    if index > SUMMARY_ROWS and not outcome.failed:
        return ""
    cells = f"{cell(outcome.label)} | — | — | — | —"
    if record is not None:
        r = record
        repo = r.repository_url.rstrip("/")
        pr = link(f"#{r.pull_request_number}", f"{repo}/pull/{r.pull_request_number}") if r.pull_request_number else "—"
        commit = link(r.commit_id[:7], f"{repo}/commit/{r.commit_id}")
        cells = f"{link(r.title, r.url)} | {commit} | {pr} | {r.commits_count} | `{r.status}`"
    return f"| {index} | {cells} | {cell(outcome.result)} |\n"


def publish_backfill(
    commands: WorkflowCommands,
    source: str,
    outcomes: list[Outcome],
    total: int,
    stopped: str | None,
    continue_since: str,
    later: int = 0,
    explained: BackfillExplain | None = None,
) -> None:
    """The outputs of a backfill and the end of its summary (the header and rows are written as it
    goes); ``continue_since`` is the backfill-since value that continues after the last record
    iftrue accepted (README "Backfill")."""
    reported = [o.deployment_id for o in outcomes if o.deployment_id is not None]
    commands.set_outputs(
        {
            "deployments-reported": str(len(reported)),
            "deployment-ids": json.dumps(reported),
            "backfill-continue-since": continue_since,
            "explain": (explained or BackfillExplain()).text(),
        }
    )
    lines = []
    if len(outcomes) > SUMMARY_ROWS:
        lines += ["", f"Rows after the {SUMMARY_ROWS}th are left out but for failures: the log has every record."]
    if stopped:
        lines += ["", cell(stopped)]
    if len(outcomes) < total:
        lines += ["", f"{total - len(outcomes)} of {total} were not attempted."]
    if later:
        lines += [
            "",
            f"{later} {source} came after the backfill started: left to the live workflow, not reported here.",
        ]
    if explained is not None and explained.left_out:
        lines += [
            "",
            f"The output `explain` leaves out the last {explained.left_out} records (GitHub's 1 MB an output).",
        ]
    commands.add_summary("\n".join(lines) + "\n\n")
