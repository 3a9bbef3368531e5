"""How the deployment is described: title, changelog, link (README "Where each field comes from")."""

from __future__ import annotations

from ..record import CHANGELOG_CAP, TITLE_CAP, cap
from ..settings import FieldOverrides
from .deployed import Deployed

CHANGELOG_ITEMS = 20


def title(given: FieldOverrides, deployed: Deployed) -> str:
    if given.title:
        return cap(given.title, TITLE_CAP)
    release = deployed.trigger.release
    candidate = release.name or release.tag if release is not None else None
    pr = deployed.pull_request
    if not candidate and pr is not None and pr.title:
        candidate = pr.title
    if not candidate:
        candidate = deployed.subject
    return cap(candidate or f"Deploy {deployed.commit_id[:7]}", TITLE_CAP)


def changelog(given: FieldOverrides, deployed: Deployed) -> str | None:
    if given.changelog:
        return cap(given.changelog, CHANGELOG_CAP)
    trigger = deployed.trigger
    body = trigger.release.body if trigger.release is not None else None
    if body and body.strip():
        return cap(body, CHANGELOG_CAP)
    subjects: tuple[str, ...] = ()  # pragma: no mutate (None is as empty: only its truth is read unless set)
    comparison = deployed.comparison
    if trigger.push is not None and deployed.push_lists_every_commit:
        subjects = trigger.push.subjects
    elif comparison is not None:
        subjects = comparison.subjects
    if not subjects:
        return None
    shown = [f"- {s}" for s in subjects[:CHANGELOG_ITEMS]]
    total = comparison.total_commits if comparison is not None else len(subjects)
    if total > len(shown):
        shown.append(f"- … and {total - len(shown)} more")
    return cap("\n".join(shown), CHANGELOG_CAP)


def url(given: FieldOverrides, deployed: Deployed) -> str | None:
    return given.url or deployed.trigger.url or deployed.trigger.run_url
