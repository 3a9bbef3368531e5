"""Where the deployment comes from: branch, pull request number, commits count (README "Where
each field comes from")."""

from __future__ import annotations

import re

from ..settings import FieldOverrides, InputError
from ..vocabulary import either, runner, setting
from .deployed import Deployed

SQUASH_RE = re.compile(r"\(#(\d+)\)\s*$")
MERGE_RE = re.compile(r"^Merge pull request #(\d+)\b")
MERGE_FROM_RE = re.compile(r"^Merge pull request #\d+ from [^/\s]+/(\S+)")


def pull_request_number(given: FieldOverrides, deployed: Deployed) -> int:
    if given.pull_request_number is not None:
        return given.pull_request_number
    if deployed.pull_request is not None:
        return deployed.pull_request.number
    message = deployed.subject
    if message:
        for pattern in (SQUASH_RE, MERGE_RE):
            match = pattern.search(message)
            if match:
                return int(match.group(1))
    deployed.lookups.notes.warn(
        f"No pull request was found for commit {deployed.commit_id[:7]}; pull_request_number is 0. "
        f"Set {setting('pull-request-number')} to report one."
    )
    return 0


def branch(given: FieldOverrides, deployed: Deployed) -> str:
    if given.branch:
        return given.branch
    pr = deployed.pull_request
    if pr is not None and pr.head_branch:
        return pr.head_branch
    if pr is None and deployed.subject and (merged := MERGE_FROM_RE.match(deployed.subject)):
        return merged.group(1)  # the pull request's head branch, from GitHub's merge subject
    trigger = deployed.trigger
    if trigger.branch_hint:
        return trigger.branch_hint
    pushed = trigger.pushed_ref
    if pushed and pushed.startswith("refs/heads/"):
        return pushed.removeprefix("refs/heads/")
    if pushed and pushed.startswith("refs/tags/") and trigger.default_branch:
        return trigger.default_branch  # a tag is no branch: the repository's default is the best guess
    found = trigger.ref_name or trigger.default_branch
    if found:
        return found
    where = either("pull request", "pushed branch", runner("GITHUB_REF_NAME"))
    raise InputError("branch", f"could not be derived (no {where}); set it")


def commits_count(given: FieldOverrides, deployed: Deployed) -> int:
    if given.commits_count is not None:
        return given.commits_count
    trigger = deployed.trigger
    if trigger.pull_request is not None and trigger.pull_request.commits is not None:
        return trigger.pull_request.commits
    if trigger.push is not None and deployed.push_lists_every_commit:
        return trigger.push.count
    if deployed.comparison is not None:
        return deployed.comparison.total_commits
    tag = trigger.release.tag if trigger.release is not None else None
    if tag is not None and deployed.previous_release_tag is None:
        counted = deployed.lookups.count_commits(deployed.commit_id, up_to=tag)
        if counted is not None:
            return counted
    pr = deployed.complete_pull_request
    if pr is not None and pr.commits is not None:
        return pr.commits
    if trigger.push is not None and trigger.push.count:
        return trigger.push.count
    deployed.lookups.notes.notice("The number of commits could not be derived; commits_count is 0.")
    return 0
