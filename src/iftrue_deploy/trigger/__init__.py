"""Each trigger read once (README "Where each field comes from" and "Events that describe no
deployment"): one adapter per event turns its payload into a frozen :class:`TriggerFacts`.

Nothing after this module reads the payload or asks which event this is: the field rules in
:mod:`iftrue_deploy.derive` read these facts, and ask GitHub only for what they lack.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .. import payload as p
from ..settings import RunnerEnv
from ..vocabulary import setting
from .events import adapter_for, context
from .facts import Previous, Push, Release, Span, TriggerFacts

__all__ = ["Previous", "Push", "Release", "Span", "TriggerFacts", "for_ref", "read_trigger", "with_commit"]

# Their closed-and-merged event is a deployment even though GITHUB_REF is refs/pull/N/merge.
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
VERSION_TAG_RE = re.compile(r"v?\d+(\.\d+)*([-+.].*)?")


def read_trigger(
    payload: dict[str, Any], runner: RunnerEnv, ref: str | None = None, commit_id: str | None = None
) -> TriggerFacts:
    """The event's facts; with `ref` or `commit-id`, what they say replaces what the event names."""
    base = context(payload, runner)
    if ref:
        return for_ref(base, ref, commit_id)
    adapter = adapter_for(runner.event_name)
    facts = adapter(payload, runner, base) if adapter else base
    if commit_id:
        return with_commit(facts, commit_id)
    if facts.skip is None and runner.ref.startswith("refs/pull/") and runner.event_name not in PULL_REQUEST_EVENTS:
        # Reviews, comments, checks of an open pull request: GITHUB_SHA is a test merge, never deployed.
        return replace(
            facts,
            skip=f"The run is about an open pull request ({runner.ref}), not a deployment; nothing was "
            f"reported (give {setting('ref')} or {setting('commit-id')} to report what was deployed).",
        )
    return facts


def for_ref(base: TriggerFacts, ref: str, commit_id: str | None = None) -> TriggerFacts:
    """Another deployment than this run's: only the context stays (and no duration is timed)."""
    sha = commit_id or p.sha_or_none(ref)
    return replace(
        base,
        sha=sha,
        commit_from=None if sha is None else "input" if commit_id else "the `ref` input",
        ref=None if sha else ref,
        branch_hint=ref.removeprefix("refs/heads/") if looks_like_branch(ref) else None,
        branch_from="the `ref` input" if looks_like_branch(ref) else None,
        time_this_run=False,
    )


def with_commit(facts: TriggerFacts, commit_id: str) -> TriggerFacts:
    """This run's deployment, of the given commit: what the event says of its own commit goes."""
    return replace(
        facts,
        sha=commit_id,
        commit_from="input",
        pull_request=None,
        listed_pull_request=None,
        counts_from_pull_request=False,
        push=None,
        head_message=None,
        skip=None,
        release=None if facts.release is None else replace(facts.release, may_have_twin=False),
    )


def looks_like_branch(ref: str) -> bool:
    """A `ref` input names a branch unless it is a SHA, a tag ref, or a version-like tag name."""
    if ref.startswith("refs/heads/"):
        return True
    return not (p.is_sha(ref.lower()) or ref.startswith("refs/") or VERSION_TAG_RE.fullmatch(ref))
