"""A backfill paced by GitHub's rate limit (README "Backfill"): before every request, listing
pages included, the rate limit of the last answer is read (no extra request); with fewer than
:data:`RESERVE` requests left, or after GitHub refused one, the backfill waits for the reset when it
is at most :data:`MAX_PAUSE` away and otherwise stops with :class:`RateLimited`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from .facts import RateLimited

# Keep this many requests in hand: a record costs a few, and a refused one would make its field
# fall back.
RESERVE = 20
# Longest wait for a reset; beyond it the backfill stops and says how to continue.
MAX_PAUSE = 15 * 60
# GitHub's reset is in whole seconds: wait one more so the first request is in the new window.
MARGIN = 1.0


def wait_before(remaining: int, reset_at: float, now: float, reserve: int = RESERVE) -> float:
    """Seconds to wait before the next request: none while the reserve is in hand or once the
    reset has passed (the headers of the last answer are then out of date)."""
    if remaining >= reserve or reset_at <= now:
        return 0.0
    return reset_at - now + MARGIN


def clock_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%H:%M:%S")


class RateLimitPacer:
    """The :class:`~iftrue_deploy.facts.Pacer` of a backfill: waits out a near reset, saying how
    long, and stops at a far one; prints a line per page listed."""

    def __init__(
        self,
        info: Callable[[str], None],
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_pause: float = MAX_PAUSE,
    ) -> None:
        self.info, self.sleep, self.clock, self.max_pause = info, sleep, clock, max_pause

    def before(self, remaining: int, reset_at: float) -> None:
        self._wait(remaining, reset_at, wait_before(remaining, reset_at, self.clock()))

    def refused(self, reset_at: float) -> None:
        self._wait(0, reset_at, max(0.0, reset_at - self.clock()) + MARGIN)

    def _wait(self, remaining: int, reset_at: float, wait: float) -> None:
        if wait <= 0:
            return
        if wait > self.max_pause:
            raise RateLimited(
                f"GitHub's rate limit has {remaining} requests left and resets at {clock_time(reset_at)} UTC, "
                f"in {wait / 60:.0f} min: longer than a backfill waits ({self.max_pause / 60:.0f} min)"
            )
        self.info(
            f"GitHub rate limit: {remaining} requests left; "
            f"waiting {wait:.0f} s until it resets at {clock_time(reset_at)} UTC."
        )
        self.sleep(wait)

    def listed(self, what: str, page: int, count: int) -> None:
        self.info(f"Listing {what}: page {page} read, {count} so far.")
