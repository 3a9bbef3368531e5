"""The gateway's answers, kept for the run so that a fact two fields need costs one request.

A failure is kept too (asking again would fail again, and cost time). At most
:data:`CACHE_ENTRIES` answers are kept, the least recently used going first: a single run asks a
handful of questions, a backfill thousands.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from ..facts import GitHubUnavailable

CACHE_ENTRIES = 256

R = TypeVar("R")


class AnswerCache:
    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self._entries = entries
        self._answers: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, key: tuple[Any, ...], fetch: Callable[[], R]) -> R:
        """The kept answer to ``key``, else ``fetch()``'s (a GitHubUnavailable is kept and raised)."""
        if key in self._answers:
            self._answers.move_to_end(key)  # recently used: kept
            kept = self._answers[key]
            if isinstance(kept, GitHubUnavailable):
                raise kept
            return kept  # type: ignore[no-any-return]
        try:
            value = fetch()
        except GitHubUnavailable as error:
            self._keep(key, error)
            raise
        self._keep(key, value)
        return value

    def _keep(self, key: tuple[Any, ...], value: Any) -> None:
        self._answers[key] = value
        if len(self._answers) > self._entries:
            self._answers.popitem(last=False)
