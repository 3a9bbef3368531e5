"""Publishing a result, in one place for every way a run ends: the step outputs, the step summary
and the log lines (README "Outputs")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .client import capped
from .markup import cell, link
from .record import DeploymentRecord
from .workflow import WorkflowCommands

# The `response` output holds iftrue's answer; a huge answer must not fill GITHUB_OUTPUT.
RESPONSE_OUTPUT_LIMIT = 64 * 1024


def payload_json(record: DeploymentRecord) -> str:
    return json.dumps(record.payload(), indent=2, ensure_ascii=False)


def record_outputs(record: DeploymentRecord, response: dict[str, Any] | None) -> dict[str, str]:
    deployment_id = response.get("id") if response else None
    return {
        "deployment-id": "" if deployment_id is None else capped(str(deployment_id), 1024),
        "payload": json.dumps(record.payload(), ensure_ascii=False),
        "response": "" if response is None else capped(json.dumps(response, ensure_ascii=False), RESPONSE_OUTPUT_LIMIT),
        "status": record.status,
        "pull-request-number": str(record.pull_request_number),
        "commits-count": str(record.commits_count),
    }


def summary_markdown(
    record: DeploymentRecord,
    outcome: str,
    deployment_id: str | None,
    duration_unit: str,
) -> str:
    repo_url = record.repository_url.rstrip("/")
    pr = record.pull_request_number
    rows: list[tuple[str, str]] = [
        ("Outcome", cell(outcome)),
        ("iftrue deployment id", cell(deployment_id) if deployment_id else "—"),
        ("Title", cell(record.title)),
        ("Status", f"`{record.status}`"),
        ("Commit", link(record.commit_id[:12], f"{repo_url}/commit/{record.commit_id}")),
        ("Branch", cell(record.branch)),
        ("Pull request", link(f"#{pr}", f"{repo_url}/pull/{pr}") if pr else "none found (0)"),
        ("Commits", str(record.commits_count)),
        (
            "Duration",
            "—" if record.deployment_duration is None else f"{record.deployment_duration} {duration_unit}",
        ),
        ("Fix / hotfix / forced", f"{record.is_fix} / {record.is_hotfix} / {record.is_forced}".lower()),
        ("Member id", cell(record.member_id)),
        ("GitHub deployment node id", cell(record.deployment_node_id or "—")),
        ("Repository", link(repo_url, repo_url)),
        ("Link", link(record.url, record.url) if record.url else "—"),
    ]
    lines = ["### iftrue deployment", "", "| Field | Value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    if record.changelog:
        lines += ["", "<details><summary>Changelog</summary>", "", cell(record.changelog), "", "</details>"]
    return "\n".join(lines) + "\n\n"


def publish(
    commands: WorkflowCommands,
    record: DeploymentRecord | None,
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


# Rows of the backfill's summary table: a few hundred bytes each, well under GitHub's 1 MiB with the
# lines after them. Beyond it, only the rows of failures are written; the log has every record.
SUMMARY_ROWS = 1000


def backfill_header(source: str, since: str) -> str:
    return (
        f"### iftrue backfill: {source} since {cell(since)}\n\n"
        "| # | Deployment | Commit | Pull request | Commits | Status | Outcome |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
    )


def backfill_row(index: int, outcome: Outcome, record: DeploymentRecord | None) -> str:
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
    commands.add_summary("\n".join(lines) + "\n\n")
