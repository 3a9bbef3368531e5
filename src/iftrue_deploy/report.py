"""What the user sees of a record: the log lines, the step outputs and the step summary."""

from __future__ import annotations

import json
from typing import Any

from .client import capped
from .markup import cell, link
from .record import DeploymentRecord

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
