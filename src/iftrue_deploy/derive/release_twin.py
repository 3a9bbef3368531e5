"""One record per release publication (README "Events that describe no deployment").

GitHub sends `published` and then `released` for a release that is not a prerelease; for a
prerelease only `published`; for a prerelease promoted later only `released`. A workflow on
`release` with both types (or none, which is every type) would report a full release twice. So a
`published` event of a full release is reported only when the running workflow does not also
listen to `released`, which is read from the workflow file: from the checkout in the workspace
when it is there (no request), else through the API at the commit that ran (one request). When
the file cannot be read or parsed, the `published` event is not reported (a notice says how to
report it): a record too many would corrupt the figures silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..trigger import TriggerFacts
from ..vocabulary import setting
from .lookups import Lookups

EVERY_TYPE = frozenset({"*"})


def twin_skip(trigger: TriggerFacts, lookups: Lookups) -> str | None:
    """Why this `published` event is not the record (its `released` twin is), or None."""
    release = trigger.release
    if release is None or not release.may_have_twin:
        return None
    types = listened_release_types(trigger, lookups)
    if types is None:
        return (
            "This `published` event is for a full release, which GitHub also sends as `released`, and "
            "the workflow's release types could not be read; nothing was reported, so that the release "
            "is not counted twice. Run the workflow on `release: types: [released]` (and `prereleased` "
            f"for prereleases), or give {setting('commit-id')} to report this event."
        )
    if types is EVERY_TYPE or "released" in types:
        return (
            "This `published` event is for a full release: the workflow also runs on its `released` "
            "event, which reports it; nothing was reported here."
        )
    return None


def listened_release_types(trigger: TriggerFacts, lookups: Lookups) -> frozenset[str] | None:
    """The `release` types the running workflow listens to (EVERY_TYPE when it names none)."""
    if not trigger.workflow_ref or "@" not in trigger.workflow_ref:
        return None
    # At the first "@": a tag or branch may hold one (`@scope/pkg@1.2.0`, `renovate/@types/node`).
    where, _, ref = trigger.workflow_ref.partition("@")
    parts = where.split("/", 2)  # OWNER/REPO/.github/workflows/FILE.yml
    if len(parts) < 3:
        return None
    path = parts[2]
    text = read_local(trigger.workspace, path)
    if text is None:
        text = lookups.file_text(path, trigger.sha or ref)
    return None if text is None else release_types(text)


def read_local(workspace: str | None, path: str) -> str | None:
    if not workspace:
        return None
    try:
        return (Path(workspace) / path).read_text(encoding="utf-8")  # pragma: no mutate (the tests' locale is UTF-8)
    except (OSError, UnicodeDecodeError):
        return None


def release_types(workflow: str) -> frozenset[str] | None:
    import yaml  # only for a full release's `published` event

    try:
        document = yaml.safe_load(workflow)
    except yaml.YAMLError:
        return None
    if not isinstance(document, dict):
        return None
    triggers: Any = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true
    if triggers == "release" or (isinstance(triggers, list) and "release" in triggers):
        return EVERY_TYPE
    if not isinstance(triggers, dict) or "release" not in triggers:
        return None
    release = triggers["release"]
    types = release.get("types") if isinstance(release, dict) else None
    if types is None:
        return EVERY_TYPE
    if isinstance(types, str):
        return frozenset({types})
    if isinstance(types, list) and all(isinstance(t, str) for t in types):
        return frozenset(types)
    return None
