"""How the deployment is described: title, changelog, link (README "Where each field comes from")."""

from __future__ import annotations

from ..record import CHANGELOG_CAP, TITLE_CAP, cap
from ..settings import FieldOverrides
from .because import INPUT, Derived, short
from .deployed import Deployed

CHANGELOG_ITEMS = 20


def title(given: FieldOverrides, deployed: Deployed) -> Derived[str]:
    if given.title:
        return Derived(cap(given.title, TITLE_CAP), INPUT)
    release = deployed.trigger.release
    if release is not None and (release.name or release.tag):
        return Derived(
            cap(release.name or release.tag or "", TITLE_CAP),  # pragma: no mutate (a name or a tag is there)
            "release name" if release.name else "release tag",
        )
    pr = deployed.pull_request
    if pr is not None and pr.title:
        return Derived(cap(pr.title, TITLE_CAP), f"title of pull request #{pr.number}")
    if deployed.subject:
        return Derived(cap(deployed.subject, TITLE_CAP), "first line of the commit message")
    return Derived(f"Deploy {short(deployed.commit_id)}", "no release, pull request or commit message: `Deploy <sha7>`")


def changelog(given: FieldOverrides, deployed: Deployed) -> Derived[str | None]:
    if given.changelog:
        return Derived(cap(given.changelog, CHANGELOG_CAP), INPUT)
    trigger = deployed.trigger
    body = trigger.release.body if trigger.release is not None else None
    if body and body.strip():
        return Derived(cap(body, CHANGELOG_CAP), "release body")
    subjects: tuple[str, ...] = ()  # pragma: no mutate (None is as empty: only its truth is read unless set)
    comparison = deployed.comparison
    if trigger.push is not None and deployed.push_lists_every_commit:
        subjects, source = trigger.push.subjects, f"push payload: {commits(trigger.push.count)}"
    elif comparison is not None:
        subjects, source = comparison.subjects, compared(deployed, comparison.total_commits)
    else:
        source = f"no compare: {deployed.compare_from.what}"
    if not subjects:
        return Derived(None, f"left out: no commit subjects ({source})")
    shown = [f"- {s}" for s in subjects[:CHANGELOG_ITEMS]]
    total = comparison.total_commits if comparison is not None else len(subjects)
    if total > len(shown):
        shown.append(f"- … and {total - len(shown)} more")
    return Derived(cap("\n".join(shown), CHANGELOG_CAP), f"commit subjects: {source}")


def url(given: FieldOverrides, deployed: Deployed) -> Derived[str | None]:
    if given.url:
        return Derived(given.url, INPUT)
    trigger = deployed.trigger
    if trigger.url:
        return Derived(trigger.url, url_origin(deployed))
    if trigger.run_url:
        return Derived(trigger.run_url, "this workflow run's page")
    return Derived(None, "left out: no release, deployment status or workflow run to link to")


def url_origin(deployed: Deployed) -> str:
    trigger = deployed.trigger
    if trigger.url_from:
        return trigger.url_from
    if trigger.release is not None:
        return "the release page"
    return "`deployment_status.target_url`"


def commits(count: int) -> str:
    return f"{count} commit" + ("" if count == 1 else "s")


def compared(deployed: Deployed, total: int) -> str:
    """The README's words for a compare: "compare from the previous deployment abc1234 (4 commits)"."""
    return f"compare from {deployed.compare_from.what} ({commits(total)})"
