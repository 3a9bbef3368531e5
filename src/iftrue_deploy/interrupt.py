"""Cancellation and the report's deadline: signals that end a run quickly, even as PID 1.

As a container's PID 1 the process gets no default action for SIGTERM or SIGINT, so without a
handler `docker stop` (and a cancelled job) waits 10 s and kills it mid-sentence. The handlers
raise :class:`Interrupted` in the main thread, which also breaks a retry's ``time.sleep`` or a
blocked socket read; :data:`DELIVERY` says what the interrupted run had done by then.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

CANCEL_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Interrupted(BaseException):
    """A cancel signal arrived. A BaseException, so that no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # 143 for SIGTERM, 130 for SIGINT, as shells report them


class TimeUp(BaseException):
    """The report's deadline passed (raised by :func:`deadline` in the main thread)."""


@dataclass
class Delivery:
    """What has reached iftrue so far, for the message of a cancelled run."""

    in_flight: bool = False
    recorded: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.in_flight = False
        self.recorded.clear()

    def describe(self) -> str:
        if self.in_flight:
            return "the deployment was being sent to iftrue: it may have been recorded. Check iftrue before re-running this job"
        if self.recorded:
            ids = ", ".join(self.recorded[-3:])
            return f"iftrue had already recorded {len(self.recorded)} deployment(s) (last id(s): {ids})"
        return "iftrue has not recorded the deployment"


DELIVERY = Delivery()


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    # A second signal while the first is being reported must not cut the report short.
    for number in CANCEL_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    raise Interrupted(signum)


@contextmanager
def cancellable() -> Iterator[None]:
    """SIGTERM and SIGINT raise :class:`Interrupted` inside the block (main thread only)."""
    if not _in_main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in CANCEL_SIGNALS}
    for number in CANCEL_SIGNALS:
        signal.signal(number, _raise_interrupted)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _raise_time_up(_signum: int, _frame: FrameType | None) -> None:
    raise TimeUp


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raises :class:`TimeUp` in the block after `seconds`, even inside a blocked connect or read.

    Socket timeouts are per read, so a server that trickles one byte at a time never trips them;
    a real-time alarm does. Outside the main thread no alarm can be set, and the caller's own
    clock checks between reads are the only bound.
    """
    if not _in_main_thread() or seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
