"""Reading an event payload that may lack fields, or hold nulls or the wrong types.

Only the trigger adapters (:mod:`iftrue_deploy.trigger`) read payloads; everything after them
reads the frozen facts they make.
"""

from __future__ import annotations

import re
from typing import Any

from .facts import PullRequestFacts

SHA_RE = re.compile(r"[0-9a-f]{40}")
NULL_SHA = "0" * 40


def obj(value: Any, *path: str) -> dict[str, Any] | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, dict) else None


def text(value: Any, *path: str) -> str | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, str) and value != "" else None


def whole(value: Any, *path: str) -> int | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def flag(value: Any, *path: str) -> bool:
    for key in path:
        if not isinstance(value, dict):
            return False
        value = value.get(key)
    return value is True


def items(value: Any, *path: str) -> list[dict[str, Any]]:
    """The objects of a list (anything else in it is ignored)."""
    for key in path:
        if not isinstance(value, dict):
            return []
        value = value.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def is_sha(value: str | None) -> bool:
    return value is not None and SHA_RE.fullmatch(value) is not None


def sha_or_none(value: str | None) -> str | None:
    return value.lower() if value is not None and is_sha(value.lower()) else None


def branch_of(ref: str | None) -> str | None:
    """The branch a ref names (``main`` or ``refs/heads/main``); None for a SHA or no ref."""
    if ref is None or ref == "" or is_sha(ref.lower()):
        return None
    return ref.removeprefix("refs/heads/")


def subject(message: str | None) -> str | None:
    """The first line of a commit message."""
    if not message or not message.strip():
        return None
    return message.strip().splitlines()[0].strip() or None


def pull_request(pr: dict[str, Any] | None) -> PullRequestFacts | None:
    number = whole(pr, "number")
    if pr is None or number is None:
        return None
    return PullRequestFacts(
        number=number,
        title=text(pr, "title") or "",
        head_branch=text(pr, "head", "ref") or "",
        labels=tuple(name for label in items(pr, "labels") if (name := text(label, "name"))),
        merge_commit_sha=text(pr, "merge_commit_sha"),
        merged=flag(pr, "merged") or text(pr, "merged_at") is not None,
        commits=whole(pr, "commits"),
        html_url=text(pr, "html_url"),
    )
