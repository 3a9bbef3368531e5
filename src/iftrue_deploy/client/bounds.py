"""The bounds a request is held to, whatever the server (or a proxy in front of it) does: a time
that covers the whole exchange, a trickled answer included, and a cap on what is read of the answer.

:class:`BoundedAdapter` holds every request of a session to a :class:`Budget`: the GitHub gateway
sends every request through one (PyGithub's lazy completions included), so that all lookups of
one deployment end within :data:`GITHUB_LOOKUPS_SECONDS` and no answer is read past
:data:`MAX_GITHUB_ANSWER_BYTES`. :func:`read_capped` is the capped read the iftrue client shares.

Socket timeouts are per read: a server that sends one byte every two seconds never trips them.
The time is therefore kept by a real-time alarm over the whole exchange
(:func:`iftrue_deploy.interrupt.deadline`, main thread) and by the clock between the reads of
the body, each of which returns what one ``recv`` brought (any thread).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import requests
import urllib3
from urllib3.util.retry import Retry

from ..interrupt import TimeUp, deadline
from .failures import AnswerTooLarge, OutOfTime
from .transport import _StageMarkingAdapter

MIB = 1024 * 1024
MAX_GITHUB_ANSWER_BYTES = 10 * MIB
# All GitHub requests of one deployment, waits for a short rate limit included. With the iftrue
# report's 85 s and the start-up, a run ends within 120 s.
GITHUB_LOOKUPS_SECONDS = 30.0
# Any one GitHub request (a backfill has no total, only this).
GITHUB_REQUEST_SECONDS = 30.0
CONNECT_SECONDS = 5.0
READ_SECONDS = 10.0  # without a byte from the server
CHUNK = 64 * 1024
RETRY_PAUSE = 0.3


class Budget:
    """The time a session's requests may take: ``per_request`` seconds for each, and ``total``
    seconds for all of them from the first one (None: no total, as in a backfill)."""

    def __init__(
        self, per_request: float, total: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_request = per_request
        self.total = total
        self.clock = clock
        self._ends: float | None = None

    def left(self) -> float:
        """Seconds left of the total (infinite without one, or before the first request)."""
        if self._ends is None:
            return math.inf if self.total is None else self.total
        return self._ends - self.clock()

    def for_request(self) -> float:
        """Seconds the next request may take (not positive: none, the total is spent)."""
        if self.total is not None and self._ends is None:
            self._ends = self.clock() + self.total
        return min(self.per_request, self.left())

    def out_of_time(self, seconds: float) -> str:
        """Why a request given ``seconds`` ended without its answer."""
        if seconds <= 0:
            return f"not asked: the {self.total:g} s for all GitHub lookups of this deployment were spent"
        if self.total is not None and self.left() <= 0.05:
            return f"no complete answer within the {self.total:g} s for all GitHub lookups of this deployment"
        return f"no complete answer within {seconds:g} s"


def read_capped(response: requests.Response, limit: int, left: Callable[[], float]) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of the body (decoded), and whether there was more. Raises
    :class:`TimeUp` once ``left()`` is not positive: each read returns what one ``recv`` brought
    (``read1``), so a trickle cannot hold a read open (the alarm covers the main thread; this, any)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := _read1(response):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
        if left() <= 0:
            raise TimeUp
    response.raw.release_conn()  # read to the end: the connection may be kept alive
    return b"".join(chunks), False


def _read1(response: requests.Response) -> bytes:
    """One ``recv``'s worth of the body. urllib3's own errors become the requests exceptions that
    ``iter_content`` would raise, so that every caller's ``except RequestException`` sees an answer
    that broke off (a 201 cut short is a deployment recorded, never an "Unexpected error")."""
    try:
        return response.raw.read1(CHUNK)
    except urllib3.exceptions.ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error, request=response.request) from None
    except urllib3.exceptions.DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error, request=response.request) from None
    except urllib3.exceptions.SSLError as error:
        raise requests.exceptions.SSLError(error, request=response.request) from None
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.exceptions.ConnectionError(error, request=response.request) from None


class BoundedAdapter(_StageMarkingAdapter):
    """Every request in its budget's time, its answer read here (at most ``limit`` bytes) so that
    nothing after it reads an unbounded body.

    A broken connect is tried once more (urllib3, ``connect_retries``); a GET answered with one
    of ``retry_statuses`` is asked once more here, after its capped answer was read (urllib3 would
    read the whole of an error answer before retrying).
    """

    def __init__(
        self,
        budget: Budget,
        limit: int = MAX_GITHUB_ANSWER_BYTES,
        connect_retries: int = 0,
        retry_statuses: frozenset[int] = frozenset(),
    ) -> None:
        # Only a broken connect is urllib3's to retry. Without respect_retry_after_header=False it
        # would also "retry" a 429/503 that carries Retry-After, find no status retry left and raise,
        # so that the gateway never saw GitHub's answer (its rate-limit wait, its message).
        retry = Retry(
            total=connect_retries,
            connect=connect_retries,  # pragma: no mutate (total= alone bounds a connect retry as well)
            read=0,
            status=0,  # pragma: no mutate (no status_forcelist: a status is never retried by this)
            redirect=0,  # pragma: no mutate (requests asks urllib3 never to follow a redirect)
            respect_retry_after_header=False,  # pragma: no mutate (status=0 alone also stops it)
            raise_on_status=False,  # pragma: no mutate (read only once a status retry ran out: none is)
        )
        super().__init__(max_retries=retry)
        self.budget = budget
        self.limit = limit
        self.retry_statuses = retry_statuses

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,  # pragma: no mutate (ignored: every exchange streams its answer)
        timeout: Any = None,
        **kwargs: Any,
    ) -> requests.Response:
        response = self._exchange(request, kwargs)
        if response.status_code in self.retry_statuses and request.method == "GET":
            time.sleep(RETRY_PAUSE)
            response = self._exchange(request, kwargs)
        return response

    def _exchange(self, request: requests.PreparedRequest, kwargs: dict[str, Any]) -> requests.Response:
        seconds = self.budget.for_request()
        if seconds <= 0:
            raise OutOfTime(self.budget.out_of_time(seconds), request=request)
        clock = self.budget.clock
        started = clock()
        timeout = (min(CONNECT_SECONDS, seconds), min(READ_SECONDS, seconds))
        try:
            with deadline(seconds):
                # pragma: no mutate start (HTTPAdapter.send ignores stream: urllib3 never preloads)
                response = super().send(request, stream=True, timeout=timeout, **kwargs)
                # pragma: no mutate end
                try:
                    body, cut = read_capped(response, self.limit, lambda: seconds - (clock() - started))
                finally:
                    response.close()  # after a complete read: back to the pool, kept alive
        except TimeUp:
            raise OutOfTime(self.budget.out_of_time(seconds), request=request) from None
        if cut:
            raise AnswerTooLarge(
                f"answered with more than {self.limit // MIB} MiB (HTTP {response.status_code}); "
                "no more than that is read",
                request=request,
            )
        response._content = body  # what requests would have read itself, had it been asked to
        return response
