"""Where the deployment comes from: branch, pull request number, commits count (README "Where
each field comes from")."""

from __future__ import annotations

import re

from ..settings import FieldOverrides, InputError
from ..vocabulary import came_from, either, runner, setting
from .because import INPUT, Derived, quoted, short
from .deployed import Deployed
from .describe import commits, compared

SQUASH_RE = re.compile(r"\(#(\d+)\)\s*$")
MERGE_RE = re.compile(r"^Merge pull request #(\d+)\b")
MERGE_FROM_RE = re.compile(r"^Merge pull request #\d+ from [^/\s]+/(\S+)")


def pull_request_number(given: FieldOverrides, deployed: Deployed) -> Derived[int]:
    if given.pull_request_number is not None:
        return Derived(given.pull_request_number, INPUT)
    found = deployed.found_pull_request
    if found.value is not None:
        return Derived(found.value.number, found.reason)
    message = deployed.subject
    if message:
        for pattern, kind in ((SQUASH_RE, "squash"), (MERGE_RE, "merge")):
            match = pattern.search(message)
            if match:
                shown = f"… {match.group(0)}" if kind == "squash" else match.group(0)
                return Derived(int(match.group(1)), f"{kind} subject {quoted(shown)}")
    deployed.lookups.notes.warn(
        f"No pull request was found for commit {short(deployed.commit_id)}; pull_request_number is 0. "
        f"Set {setting('pull-request-number')} to report one."
    )
    return Derived(0, f"none found: {found.reason}")


def branch(given: FieldOverrides, deployed: Deployed) -> Derived[str]:
    if given.branch:
        return Derived(given.branch, INPUT)
    pr = deployed.pull_request
    if pr is not None and pr.head_branch:
        return Derived(pr.head_branch, f"head branch of pull request #{pr.number}")
    if pr is None and deployed.subject and (merged := MERGE_FROM_RE.match(deployed.subject)):
        # the pull request's head branch, from GitHub's merge subject
        return Derived(merged.group(1), f"merge subject {quoted(merged.group(0))}")
    trigger = deployed.trigger
    if trigger.branch_hint:
        return Derived(trigger.branch_hint, branch_origin(deployed))
    pushed = trigger.pushed_ref
    if pushed and pushed.startswith("refs/heads/"):
        return Derived(pushed.removeprefix("refs/heads/"), "the pushed branch")
    if pushed and pushed.startswith("refs/tags/") and trigger.default_branch:
        # a tag is no branch: the repository's default is the best guess
        return Derived(trigger.default_branch, "the repository's default branch (a tag was pushed)")
    if trigger.ref_name:
        return Derived(trigger.ref_name, came_from("GITHUB_REF_NAME"))
    if trigger.default_branch:
        return Derived(trigger.default_branch, "the repository's default branch")
    where = either("pull request", "pushed branch", runner("GITHUB_REF_NAME"))
    raise InputError("branch", f"could not be derived (no {where}); set it")


def branch_origin(deployed: Deployed) -> str:
    trigger = deployed.trigger
    if trigger.branch_from:
        return trigger.branch_from
    if trigger.release is not None:
        return "the release's `target_commitish`"
    return "`deployment.ref`"


def commits_count(given: FieldOverrides, deployed: Deployed) -> Derived[int]:
    if given.commits_count is not None:
        return Derived(given.commits_count, INPUT)
    trigger = deployed.trigger
    if trigger.pull_request is not None and trigger.pull_request.commits is not None:
        return Derived(trigger.pull_request.commits, f"the event's pull request #{trigger.pull_request.number}")
    if trigger.push is not None and deployed.push_lists_every_commit:
        return Derived(trigger.push.count, f"push payload: {commits(trigger.push.count)}")
    comparison = deployed.comparison
    if comparison is not None:
        back = deployed.going_back
        if back == "rollback":
            return Derived(0, f"a rollback: the compare from {deployed.compare_from.what} says `behind`")
        if back == "redeploy":
            return Derived(0, "a redeploy of the deployed commit: no new commit")
        return Derived(comparison.total_commits, compared(deployed, comparison.total_commits))
    tag = trigger.release.tag if trigger.release is not None else None
    if tag is not None and deployed.previous_release_tag is None:
        counted = deployed.lookups.count_commits(deployed.commit_id, up_to=tag)
        if counted is not None:
            return Derived(counted, f"the first release: every commit up to tag {quoted(tag)}")
    pr = deployed.complete_pull_request
    if pr is not None and pr.commits is not None:
        return Derived(pr.commits, f"pull request #{pr.number}")
    if trigger.push is not None and trigger.push.count:
        return Derived(trigger.push.count, f"push payload: {commits(trigger.push.count)} (no compare)")
    deployed.lookups.notes.notice("The number of commits could not be derived; commits_count is 0.")
    return Derived(0, f"none found: {deployed.compare_from.what}")
