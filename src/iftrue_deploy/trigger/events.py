"""One adapter per event: reads its payload once into :class:`TriggerFacts`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .. import payload as p
from ..facts import PullRequestFacts, parse_timestamp
from ..quoting import quoted
from ..settings import RunnerEnv
from ..status import NOT_FINAL_STATES, from_deployment_state, from_run
from ..vocabulary import setting
from .facts import Push, Release, Span, TriggerFacts

# GitHub's push payload lists at most this many commits; at the cap the list is incomplete.
PUSH_COMMITS_CAP = 2048


Adapter = Callable[[dict[str, Any], RunnerEnv, TriggerFacts], TriggerFacts]


def context(payload: dict[str, Any], runner: RunnerEnv) -> TriggerFacts:
    sender = p.whole(payload, "sender", "id")
    return TriggerFacts(
        name=runner.event_name,
        sha=p.sha_or_none(runner.sha),
        repository_url=p.text(payload, "repository", "html_url"),
        runner_repository_url=f"{runner.server_url}/{runner.repository}" if runner.repository else None,
        sender_id=None if sender is None else str(sender),
        actor_id=runner.actor_id or None,
        pushed_ref=(p.text(payload, "ref") if runner.event_name == "push" else runner.ref) or None,
        ref_name=runner.ref_name or None,
        default_branch=p.text(payload, "repository", "default_branch"),
        run_url=runner.run_url,
        run_id=runner.run_id or None,
        run_attempt=runner.run_attempt or None,
        workflow_ref=runner.workflow_ref or None,
        workspace=runner.workspace or None,
    )


def push(payload: dict[str, Any], runner: RunnerEnv, base: TriggerFacts) -> TriggerFacts:
    commits = p.items(payload, "commits")
    ref = p.text(payload, "ref")
    before = p.text(payload, "before")
    after = p.sha_or_none(p.text(payload, "after"))
    deleted = p.flag(payload, "deleted") or after == p.NULL_SHA
    return replace(
        base,
        sha=after or base.sha,
        commit_from="the push's `after`" if after else None,
        push=Push(
            subjects=tuple(s for c in commits if (s := p.subject(p.text(c, "message")))),
            count=len(commits),
            before=before,
            branch=ref.removeprefix("refs/heads/") if ref and ref.startswith("refs/heads/") else None,
            created=p.flag(payload, "created") or before == p.NULL_SHA,
            forced=p.flag(payload, "forced"),
            at_cap=len(commits) >= PUSH_COMMITS_CAP,
        ),
        head_message=p.text(payload, "head_commit", "message"),
        skip="The push deleted a branch or tag; nothing was reported." if deleted else None,
    )


def pull_request(payload: dict[str, Any], runner: RunnerEnv, base: TriggerFacts) -> TriggerFacts:
    raw = p.obj(payload, "pull_request")
    pr = p.pull_request(raw)
    merge_sha = p.sha_or_none(p.text(raw, "merge_commit_sha"))
    skip = None
    if runner.event_name in ("pull_request", "pull_request_target"):
        action = p.text(payload, "action")
        if action != "closed" or not (p.flag(raw, "merged") or p.text(raw, "merged_at")):
            skip = (
                f"The pull request event is {quoted(action)} and not a merge; nothing was reported "
                "(run on pull_request: types [closed] and it reports merged pull requests)."
            )
    return replace(
        base,
        sha=merge_sha or base.sha,
        commit_from="`pull_request.merge_commit_sha`" if merge_sha else None,
        pull_request=pr,
        counts_from_pull_request=pr is not None,
        skip=skip,
    )


def release(payload: dict[str, Any], runner: RunnerEnv, base: TriggerFacts) -> TriggerFacts:
    raw = p.obj(payload, "release")
    action = p.text(payload, "action")
    skip = None
    if action not in ("published", "released"):
        skip = f"The release event is {quoted(action)}, not published or released; nothing was reported."
    elif p.flag(raw, "draft"):
        skip = "The release is a draft; nothing was reported."
    target = p.text(raw, "target_commitish")
    return replace(
        base,
        release=Release(
            tag=p.text(raw, "tag_name"),
            name=p.text(raw, "name"),
            body=p.text(raw, "body"),
            id=p.whole(raw, "id"),
            published_at=parse_timestamp(p.text(raw, "published_at")),
            may_have_twin=action == "published" and not p.flag(raw, "prerelease"),
        ),
        branch_hint=p.branch_of(target),
        url=p.text(raw, "html_url"),
        skip=skip,
    )


def deployment(payload: dict[str, Any], runner: RunnerEnv, base: TriggerFacts) -> TriggerFacts:
    raw = p.obj(payload, "deployment")
    ref = p.text(raw, "ref")
    sha = p.sha_or_none(p.text(raw, "sha"))
    created = parse_timestamp(p.text(raw, "created_at"))
    facts = replace(
        base,
        sha=sha or base.sha,
        commit_from="`deployment.sha`" if sha else None,
        branch_hint=p.branch_of(ref),
        deployment_id=p.whole(raw, "id"),
        deployment_node_id=p.text(raw, "node_id"),
    )
    status = p.obj(payload, "deployment_status")
    if runner.event_name != "deployment_status":
        return facts
    state = p.text(status, "state")
    # Equivalent mutants: without the guard (only there for the types) a None state has no outcome either.
    outcome = None if state is None else from_deployment_state(state)  # pragma: no mutate
    at = parse_timestamp(p.text(status, "created_at"))
    return replace(
        facts,
        url=p.text(status, "target_url"),
        status=outcome,
        status_from=f"`deployment_status.state` {state}",
        no_outcome=None if state is None or outcome is not None else not_final(state),
        span=Span.between(created, at),
    )


def not_final(state: str) -> str:
    if state in NOT_FINAL_STATES:
        return (
            f"The deployment status is {quoted(state)}, not final; nothing was reported: iftrue cannot change a "
            "record once sent, so each status would count as one more deployment. Run on final states "
            f"only (success, failure, error), or set {setting('status')} to report this one."
        )
    return f"The deployment status is {quoted(state)}, which is not a deployment outcome; nothing was reported."


def workflow_run(payload: dict[str, Any], runner: RunnerEnv, base: TriggerFacts) -> TriggerFacts:
    run = p.obj(payload, "workflow_run")
    head_sha = p.sha_or_none(p.text(run, "head_sha"))
    conclusion, run_status = p.text(run, "conclusion"), p.text(run, "status")
    outcome = None if run is None else from_run(conclusion, run_status)
    started, updated = parse_timestamp(p.text(run, "run_started_at")), parse_timestamp(p.text(run, "updated_at"))
    return replace(
        base,
        sha=head_sha or base.sha,
        commit_from="`workflow_run.head_sha`" if head_sha else None,
        branch_hint=p.text(run, "head_branch"),
        branch_from="`workflow_run.head_branch`",
        listed_pull_request=run_pull_request(run, head_sha),
        counts_from_pull_request=True,
        head_message=p.text(run, "head_commit", "message"),
        url=p.text(run, "html_url"),
        url_from="`workflow_run.html_url` (the run that deployed)",
        status=outcome,
        status_from=f"`workflow_run.conclusion` {conclusion}",
        no_outcome=None
        if run is None or outcome is not None
        else f"The workflow run's conclusion is {quoted(conclusion)}; nothing was reported.",
        span=Span.between(started, updated),
        skip=None if run is None else run_skip(payload, run),
    )


def run_pull_request(run: dict[str, Any] | None, head_sha: str | None) -> PullRequestFacts | None:
    """GitHub lists every open pull request that shares the run's branch: only the one whose head
    is the run's commit is the run's own."""
    for item in p.items(run, "pull_requests"):
        if p.whole(item, "number") is not None and p.sha_or_none(p.text(item, "head", "sha")) == head_sha:
            return p.pull_request(item)
    return None


def run_skip(payload: dict[str, Any], run: dict[str, Any]) -> str | None:
    """Why a workflow run deployed nothing: not finished, a pull request's CI, or a fork's."""
    status, event = p.text(run, "status"), p.text(run, "event")
    if status != "completed":
        return (
            f"The workflow run has not completed (status {quoted(status)}); nothing was reported "
            "(run on workflow_run: types [completed] to report the deployment once it is done)."
        )
    if event in ("pull_request", "pull_request_target"):
        return (
            f"The workflow run was triggered by {event}: it tested a pull request and deployed nothing; "
            "nothing was reported."
        )
    head_repo, repo = p.text(run, "head_repository", "full_name"), p.text(payload, "repository", "full_name")
    if head_repo and repo and head_repo.lower() != repo.lower():
        return f"The workflow run came from another repository ({head_repo}, a fork); nothing was reported."
    return None


def merge_group(payload: dict[str, Any], runner: RunnerEnv, base: TriggerFacts) -> TriggerFacts:
    return replace(
        base, skip="A merge_group run checks a merge queue's candidate and deploys nothing; nothing was reported."
    )


ADAPTERS: dict[str, Adapter] = {
    "push": push,
    "release": release,
    "deployment": deployment,
    "deployment_status": deployment,
    "workflow_run": workflow_run,
    "merge_group": merge_group,
}


def adapter_for(event_name: str) -> Adapter | None:
    if event_name.startswith("pull_request"):
        return pull_request
    return ADAPTERS.get(event_name)
