"""Each past deployment as the event the action would have seen at the time (README "Backfill"):
a published release, a deployment reaching its final status, or the push a deploy workflow's run
deployed. The field rules then derive its record as for a live run."""

from __future__ import annotations

from dataclasses import replace

from .derive import Skip
from .facts import GitHubFacts, GitHubUnavailable
from .history import RUN_OUTCOMES, PastDeployment, PastRelease, PastRun
from .payload import branch_of
from .quoting import quoted
from .settings import InputError
from .status import from_deployment_state, from_run
from .trigger import Previous, Release, Span, TriggerFacts


def release_event(context: TriggerFacts, github: GitHubFacts, item: PastRelease) -> TriggerFacts:
    """A published release: the tag's commit, counted from the release before it."""
    r = item.release
    try:
        sha = github.commit(r.tag).sha
    except GitHubUnavailable as error:
        raise InputError("backfill-since", f"could not resolve the tag {quoted(r.tag)} to a commit ({error})") from None
    target = r.target_commitish
    return replace(
        context,
        name="release",
        sha=sha,
        release=Release(tag=r.tag, name=r.name or None, body=r.body or None, id=r.id, published_at=r.published_at),
        branch_hint=branch_of(target),
        url=r.html_url or None,
        previous=Previous(item.previous.tag if item.previous else None),
        sender_id=None if r.author_id is None else str(r.author_id),
        pushed_ref=f"refs/tags/{r.tag}",
        ref_name=r.tag,
    )


def deployment_event(context: TriggerFacts, past: PastDeployment) -> TriggerFacts:
    """A deployment that reached its final status, timed from its creation to that status."""
    d = past.deployment
    if past.problem is not None:
        raise InputError("backfill-since", f"could not read the statuses of deployment {d.id} ({past.problem})")
    if past.later:
        raise Skip("its final status came after the backfill started; the live workflow reports it")
    if not past.state:
        raise Skip(f"no final status yet (the latest is {past.latest})")
    start, end = d.created_at, past.status_at
    return replace(
        context,
        name="deployment_status",
        sha=d.sha,
        branch_hint=branch_of(d.ref),
        deployment_id=d.id,
        deployment_node_id=d.node_id or None,
        url=past.target_url,
        status=from_deployment_state(past.state),
        span=Span.between(start, end),
        previous=Previous(past.previous_success.sha if past.previous_success else None),
        sender_id=None if d.creator_id is None else str(d.creator_id),
        pushed_ref=d.ref,
        ref_name=d.ref.rsplit("/", 1)[-1],
    )


def run_event(context: TriggerFacts, past: PastRun) -> TriggerFacts:
    """A completed run of the deploy workflow: the push it deployed, timed by the run."""
    r = past.run
    return replace(
        context,
        name="push",
        sha=r.sha,
        commit_from=f"`head_sha` of run {r.id}",
        branch_hint=r.branch,
        branch_from=f"`head_branch` of run {r.id}",
        head_message=r.message,
        url=r.html_url or None,
        url_from=f"`html_url` of run {r.id} (the run that deployed)",
        status=from_run(RUN_OUTCOMES.get(r.conclusion or ""), r.status),
        status_from=f"the conclusion of run {r.id}, {quoted(r.conclusion)}",
        span=Span.between(r.started_at, r.updated_at),
        previous=Previous(past.previous_success.sha if past.previous_success else None),
        sender_id=None if r.actor_id is None else str(r.actor_id),
        pushed_ref=f"refs/heads/{r.branch}",
        ref_name=r.branch,
    )
