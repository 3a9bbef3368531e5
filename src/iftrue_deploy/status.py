"""The one status vocabulary (README "Inputs" and "Where each field comes from").

iftrue spells success ``succes``. Every mapping here answers ``None`` for "this is not a
deployment outcome": the caller reports nothing and says why; nothing here raises.
"""

from __future__ import annotations

from typing import Literal

ApiStatus = Literal["succes", "in_progress", "fail"]

# Words the `status` input accepts: the API's own, and what users type or pass from
# ${{ job.status }}. None: this run describes no deployment.
INPUT_WORDS: dict[str, ApiStatus | None] = {
    "succes": "succes",
    "success": "succes",
    "successful": "succes",
    "succeeded": "succes",
    "in_progress": "in_progress",
    "in-progress": "in_progress",
    "pending": "in_progress",
    "queued": "in_progress",
    "started": "in_progress",
    "fail": "fail",
    "failure": "fail",
    "failed": "fail",
    "error": "fail",
    "cancelled": None,
    "canceled": None,
    "skipped": None,
}

# A GitHub deployment status's final `state`. The others are no outcome: `queued`, `pending` and
# `in_progress` come before a final one (iftrue has no update call, so reporting them would count
# one deployment two or three times), and `inactive` is a success superseded later.
DEPLOYMENT_STATES: dict[str, ApiStatus] = {"success": "succes", "failure": "fail", "error": "fail"}
NOT_FINAL_STATES = ("queued", "pending", "in_progress")
# A deployment whose latest status is one of these succeeded: GitHub turns a success "inactive"
# when a newer deployment succeeds.
SUCCESSFUL_STATES = ("success", "inactive")

# A completed workflow run's `conclusion`. cancelled, skipped and stale are no outcome.
RUN_CONCLUSIONS: dict[str, ApiStatus] = {
    "success": "succes",
    "neutral": "succes",
    "failure": "fail",
    "timed_out": "fail",
    "startup_failure": "fail",
    "action_required": "in_progress",
}

# What a GitHub Deployment status is called for each API status (when the action creates one).
GITHUB_STATE: dict[ApiStatus, str] = {"succes": "success", "fail": "failure", "in_progress": "in_progress"}


def from_deployment_state(state: str) -> ApiStatus | None:
    return DEPLOYMENT_STATES.get(state)


def from_run(conclusion: str | None, status: str | None) -> ApiStatus | None:
    """A workflow run's outcome; a run without a conclusion is in progress unless completed."""
    if conclusion is None:
        return "in_progress" if status != "completed" else "succes"
    return RUN_CONCLUSIONS.get(conclusion)
