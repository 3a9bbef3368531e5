"""What kind of deployment it is: fix, hotfix, forced (README "Where each field comes from")."""

from __future__ import annotations

import re

from ..facts import PullRequestFacts
from ..settings import FieldOverrides
from .because import INPUT, Derived, quoted
from .deployed import Deployed

FIX_TITLE_RE = re.compile(r"^fix(\([^)]*\))?!?:", re.IGNORECASE)
REVERT_RE = re.compile(r'^Revert "')


def matching_label(pr: PullRequestFacts | None, labels: tuple[str, ...]) -> str | None:
    """The pull request's first label among ``labels``, as GitHub spells it: GitHub keeps a label's
    case ("Bug", "HotFix"), so labels match whatever their case."""
    wanted = {label.casefold() for label in labels}
    return next((label for label in pr.labels if label.casefold() in wanted), None) if pr is not None else None


def is_fix(
    given: FieldOverrides, deployed: Deployed, labels: tuple[str, ...], branch: str, title: str
) -> Derived[bool]:
    if given.is_fix is not None:
        return Derived(given.is_fix, INPUT)
    pr = deployed.pull_request
    label = matching_label(pr, labels)
    if pr is not None and label is not None:
        return Derived(True, f"label {quoted(label)} on pull request #{pr.number}")
    if branch.lower().startswith(("fix/", "bugfix/")):
        return Derived(True, f"branch {quoted(branch)}")
    titles = [
        (  # without a pull request its title is None: its "" label is never said
            f"title of pull request #{pr.number}" if pr is not None else "",  # pragma: no mutate
            pr.title if pr is not None else None,
        ),
        ("title", title),
        ("commit subject", deployed.subject if pr is None else None),
    ]
    for what, text in titles:
        if not text:
            continue
        if match := FIX_TITLE_RE.match(text):
            return Derived(True, f"{what} {quoted(match.group(0) + ' …')}")
        if REVERT_RE.match(text):
            return Derived(True, f"a revert: {what} {quoted(text[:8] + '…')}")
    return Derived(False, "no fix label, `fix/` branch, `fix:` title or revert")


def is_hotfix(given: FieldOverrides, deployed: Deployed, labels: tuple[str, ...], branch: str) -> Derived[bool]:
    if given.is_hotfix is not None:
        return Derived(given.is_hotfix, INPUT)
    pr = deployed.pull_request
    label = matching_label(pr, labels)
    if pr is not None and label is not None:
        return Derived(True, f"label {quoted(label)} on pull request #{pr.number}")
    if branch.lower().startswith("hotfix/"):
        return Derived(True, f"branch {quoted(branch)}")
    if deployed.going_back == "rollback":
        return Derived(True, f"a rollback: the compare from {deployed.compare_from.what} says `behind`")
    base = deployed.compare_from
    if base.deployed and deployed.comparison is not None:
        return Derived(False, f"no hotfix label or `hotfix/` branch; the compare from {base.what} is no rollback")
    return Derived(False, "no hotfix label or `hotfix/` branch (and no compare with the previous deployment)")


def is_forced(given: FieldOverrides, deployed: Deployed) -> Derived[bool]:
    if given.is_forced is not None:
        return Derived(given.is_forced, INPUT)
    push = deployed.trigger.push
    if push is None:
        return Derived(False, "not a push")
    if push.forced and push.created:
        # GitHub sends forced: true for some pushes that create a branch or tag: nothing was overwritten.
        return Derived(False, "push payload: `forced`, but the push created the ref")
    return Derived(push.forced, "push payload: `forced`" if push.forced else "push payload: not forced")
