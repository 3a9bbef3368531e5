"""The GitHub stand-in's workflow-runs listing, ``GET /repos/{o}/{r}/actions/workflows/{file}/runs``,
as GitHub's OpenAPI description gives it (``tests/fixtures/github/workflow-run-paginated.json``):
``{"total_count", "workflow_runs": [workflow-run, …]}``, newest first, with the ``branch``,
``status`` (a status or a conclusion) and ``created`` (GitHub's date search syntax: ``<=T``,
``>=T``, ``<T``, ``>T``, ``A..B``, a day) filters, and GitHub's cap of 1,000 results for a
filtered listing. Each run is rendered as ``GET /actions/runs/{id}`` renders it, with its
workflow's path and its own ``updated_at``.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.standins.github import GitHubStandIn, Request, _Answer, _Ctx

PAGINATED = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures/github/workflow-run-paginated.json").read_text()
)
FILTERED_CAP = 1000
FILTERS = ("actor", "branch", "check_suite_id", "created", "event", "head_sha", "status")


def add_workflow_run(
    github: GitHubStandIn,
    run_id: int,
    *,
    workflow: str = "deploy.yml",
    conclusion: str | None = "success",
    status: str = "completed",
    head_sha: str | None = None,
    branch: str | None = None,
    created_at: str,
    started_at: str | None = None,
    updated_at: str | None = None,
    attempt: int = 1,
    event: str = "push",
) -> dict[str, Any]:
    """A run of ``workflow`` (its file name): created, started (its last attempt: later than the
    creation for a re-run) and last updated (its end, once completed)."""
    from tests.standins.github import iso

    started = started_at or created_at
    record = github.add_run(
        run_id,
        started,
        attempt,
        {n: created_at for n in range(1, attempt)},
        status=status,
        conclusion=conclusion,
        head_sha=head_sha,
        head_branch=branch,
        event=event,
        name=workflow.removesuffix(".yml").removesuffix(".yaml").capitalize(),
        run_number=run_id,
        created_at=created_at,
    )
    record["workflow"] = workflow
    record["updated_at"] = iso(updated_at or started)
    return record


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def created_matches(query: str, created: str) -> bool:
    """GitHub's date qualifiers: ``<=T``, ``>=T``, ``<T``, ``>T``, ``A..B`` (both included), or a day."""
    at = _at(created)

    def point(text: str, end: bool = False) -> datetime:
        text = text.strip()
        if len(text) == 10:  # a day: from its start, or to its end
            day = _at(text + "T00:00:00+00:00")
            return day + timedelta(days=1, microseconds=-1) if end else day
        return _at(text)

    for op in ("<=", ">=", "<", ">"):
        if query.startswith(op):
            bound = point(query[len(op) :], end=op in ("<=", ">"))
            return {"<=": at <= bound, ">=": at >= bound, "<": at < bound, ">": at > bound}[op]
    if ".." in query:
        low, high = query.split("..", 1)
        return (low in ("", "*") or at >= point(low)) and (high in ("", "*") or at <= point(high, end=True))
    return point(query) <= at <= point(query, end=True)


def list_workflow_runs(github: GitHubStandIn, request: Request, ctx: _Ctx, workflow: str) -> _Answer:
    from tests.standins.github import _Answer

    query = ctx.query
    runs = [r for r in github.runs.values() if workflow in (r.get("workflow"), str(r.get("workflow_id")))]
    if query.get("branch"):
        runs = [r for r in runs if r["head_branch"] == query["branch"]]
    if query.get("status"):
        wanted = query["status"]
        runs = [r for r in runs if wanted in (r["status"], r["conclusion"])]
    if query.get("created"):
        runs = [r for r in runs if created_matches(query["created"], r["created_at"])]
    runs.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    total = len(runs)
    if any(query.get(name) for name in FILTERS):
        runs = runs[:FILTERED_CAP]  # GitHub: "up to 1,000 results for each search" with these filters
    chunk, headers = github._paginate(runs, ctx)
    body = copy.deepcopy(PAGINATED)
    body["total_count"] = total
    body["workflow_runs"] = [render(github, request, ctx, r) for r in chunk]
    return _Answer(200, body, headers)


def render(github: GitHubStandIn, request: Request, ctx: _Ctx, run: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = github._get_run(request, ctx, str(run["id"])).body
    workflow = run.get("workflow", "build.yml")
    out.update(path=f".github/workflows/{workflow}", updated_at=run.get("updated_at", out["updated_at"]))
    return out
