"""What kind of deployment it is: fix, hotfix, forced (README "Where each field comes from")."""

from __future__ import annotations

import re

from ..settings import FieldOverrides
from .deployed import Deployed

FIX_TITLE_RE = re.compile(r"^fix(\([^)]*\))?!?:", re.IGNORECASE)
REVERT_RE = re.compile(r'^Revert "')


def is_fix(given: FieldOverrides, deployed: Deployed, labels: tuple[str, ...], branch: str, title: str) -> bool:
    if given.is_fix is not None:
        return given.is_fix
    pr = deployed.pull_request
    if pr is not None and set(pr.labels) & set(labels):
        return True
    if branch.lower().startswith(("fix/", "bugfix/")):
        return True
    titles = [pr.title if pr is not None else None, title, deployed.subject if pr is None else None]
    return any(t and (FIX_TITLE_RE.match(t) or REVERT_RE.match(t)) for t in titles)


def is_hotfix(given: FieldOverrides, deployed: Deployed, labels: tuple[str, ...], branch: str) -> bool:
    if given.is_hotfix is not None:
        return given.is_hotfix
    pr = deployed.pull_request
    if pr is not None and set(pr.labels) & set(labels):
        return True
    return branch.lower().startswith("hotfix/")


def is_forced(given: FieldOverrides, deployed: Deployed) -> bool:
    if given.is_forced is not None:
        return given.is_forced
    push = deployed.trigger.push
    # GitHub sends forced: true for some pushes that create a branch or tag: nothing was overwritten.
    return push is not None and push.forced and not push.created
