"""The iftrue client: one POST, retried only where a retry cannot record the deployment twice.

iftrue has no idempotency key, so what is retried is decided by how far the request got:
- the connection never came up (refused, DNS, a TLS handshake that failed or stalled), 429, 503:
  nothing can have been recorded, so it is retried with back-off within the deadline;
- anything after the request went out (500, 502, 504, a reset, a read timeout): iftrue may have
  recorded it, so it is not sent again and the message says so.
How far a request got is marked by the connection itself (``_stage``), not guessed from the
exception: urllib3 reports a stalled TLS handshake as a *read* timeout.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import requests

from ..interrupt import DELIVERY, Interrupted, TimeUp, deadline
from ..vocabulary import setting
from .answers import (
    MAX_ANSWER_BYTES,
    ReportError,
    _accepted_body,
    _http_problem,
    _quote,
    _retry_after_seconds,
    capped,
    display_url,
)
from .bounds import BoundedAdapter, Budget, read_capped
from .failures import AnswerTooLarge, OutOfTime, describe_failure, failure_reason, never_connected
from .transport import _CONNECTING, _IDLE, _SENDING, _stage, new_session

__all__ = [
    "AnswerTooLarge",
    "BoundedAdapter",
    "Budget",
    "IftrueClient",
    "OutOfTime",
    "ReportError",
    "RetryPolicy",
    "Sent",
    "capped",
    "describe_failure",
    "display_url",
    "new_session",
    "read_capped",
]

DEPLOYMENT_PATH = "/v1/organization/deployment"
RETRY_STATUSES = frozenset({429, 503})
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
# The whole report, retries, waits and reading the answer included: with the start-up, the step
# ends within 90 s whatever iftrue does.
REPORT_DEADLINE = 85.0
MAY_HAVE_BEEN_RECORDED = (
    "it may have been recorded, and it was not sent again because iftrue has no idempotency key and a "
    "retry could record it twice. Check iftrue before re-running this job"
)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 20.0
    # Total time spent waiting between attempts; a Retry-After beyond it ends the retries.
    budget: float = 60.0


@dataclass(frozen=True)
class Sent:
    """iftrue accepted the record (a 2xx). ``id_unknown`` says why its answer gave no id, if it did not."""

    response: dict[str, Any]
    attempts: int
    id_unknown: str = ""


@dataclass(frozen=True)
class _TryAgain:
    problem: str
    retry_after: str | None = None


class IftrueClient:
    def __init__(
        self,
        api_url: str,
        token: str,
        session: requests.Session | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] = lambda _message: None,
        read_timeout: float = READ_TIMEOUT,
        report_deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = api_url.rstrip("/") + DEPLOYMENT_PATH  # pragma: no mutate ("XX/XX" strips slashes too)
        self._shown_url = display_url(self._url)
        self._read_timeout = read_timeout
        self._token = token
        self._session = session if session is not None else new_session()
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._log = log
        self._deadline = REPORT_DEADLINE if report_deadline is None else report_deadline
        self._clock = clock
        self._started = 0.0  # pragma: no mutate (send() sets it before any use)

    def send(self, payload: dict[str, Any]) -> Sent:
        body = json.dumps(payload, ensure_ascii=False).encode()  # pragma: no mutate (None is as false)
        self._started = self._clock()
        self._accepted = self._attempts = 0
        try:
            with deadline(self._deadline):
                sent = self._send(body)
        except TimeUp:
            if not self._accepted:
                raise ReportError(self._timed_out()) from None
            sent = Sent({}, self._attempts, f"its answer did not end within {self._deadline:g} s")
        except Interrupted:
            DELIVERY.in_flight = _stage.get() == _SENDING
            raise
        finally:
            _stage.set(_IDLE)
        DELIVERY.in_flight = False
        DELIVERY.recorded.append(str(sent.response.get("id", "(id unknown)")))
        return sent

    def _timed_out(self) -> str:
        if _stage.get() == _SENDING:
            return (
                f"iftrue did not finish answering within {self._deadline:g} s (the limit for the whole report) "
                f"after the deployment was sent; {MAY_HAVE_BEEN_RECORDED}"
            )
        return f"could not reach iftrue at {self._shown_url} within {self._deadline:g} s; nothing was recorded"

    def _left(self) -> float:
        return self._deadline - (self._clock() - self._started)

    def _send(self, body: bytes) -> Sent:
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Accept-Encoding": "identity",
            # A fresh connection per attempt (transport.py makes sure of it), closed after its answer.
            "Connection": "close",
            "User-Agent": "iftrue-deploy-action",
        }
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            self._attempts = attempt
            DELIVERY.in_flight = True
            outcome = self._attempt(body, headers)
            DELIVERY.in_flight = False
            _stage.set(_IDLE)  # answered: a cancel or the deadline in the wait below finds nothing in flight
            if isinstance(outcome, Sent):
                return Sent(outcome.response, attempt, outcome.id_unknown)
            delay = self._delay(attempt, outcome.retry_after)
            # Keep time for the next attempt to connect within the deadline.
            if attempt < self._policy.attempts and waited + delay <= self._policy.budget and delay < self._left() - 1:
                self._log(
                    f"iftrue: {outcome.problem}; retrying in {delay:.1f} s (attempt {attempt + 1} of {self._policy.attempts})"
                )
                self._sleep(delay)
                waited += delay
                continue
            raise ReportError(f"{outcome.problem}; gave up after {attempt} attempt(s); nothing was recorded")

    def _attempt(self, body: bytes, headers: dict[str, str]) -> Sent | _TryAgain:
        _stage.set(_IDLE)
        left = max(0.1, self._left())
        try:
            response = self._session.post(
                self._url,
                data=body,
                headers=headers,
                timeout=(min(CONNECT_TIMEOUT, left), min(self._read_timeout, left)),
                allow_redirects=False,  # pragma: no mutate (None is as false); a 301/302 would turn the POST into a GET that "succeeds"
                stream=True,
            )
        except requests.exceptions.RequestException as error:
            return self._not_answered(error)
        _stage.set(_SENDING)
        if response.status_code < 300:
            self._accepted = response.status_code  # recorded, whatever the rest of the answer does
        try:
            answer, cut = read_capped(response, MAX_ANSWER_BYTES, self._left)
        except requests.exceptions.RequestException as error:
            if response.status_code < 300:
                return Sent({}, 0, f"its answer broke off ({failure_reason(error)})")
            raise ReportError(
                f"iftrue answered HTTP {response.status_code} and its answer broke off ({failure_reason(error)}); "
                f"{MAY_HAVE_BEEN_RECORDED}"
            ) from None
        finally:
            response.close()
        return self._judge(response, answer, cut)

    def _not_answered(self, error: requests.exceptions.RequestException) -> _TryAgain:
        stage = _stage.get()
        reason = failure_reason(error)
        if stage == _CONNECTING or (stage == _IDLE and never_connected(error)):
            if isinstance(error, requests.exceptions.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(error):
                raise ReportError(
                    f"the TLS certificate of {self._shown_url} was not accepted ({reason}); nothing was sent. "
                    "If iftrue is reached through a corporate CA, set REQUESTS_CA_BUNDLE to a bundle with it (see README)"
                ) from None
            if isinstance(error, requests.exceptions.ReadTimeout):
                return _TryAgain(f"the TLS handshake with {self._shown_url} did not complete; nothing was sent")
            if isinstance(error, requests.exceptions.ConnectTimeout):
                return _TryAgain(f"could not connect to {self._shown_url} within {CONNECT_TIMEOUT:g} s")
            return _TryAgain(f"could not connect to {self._shown_url} ({reason})")
        if isinstance(error, requests.exceptions.ReadTimeout):
            raise ReportError(
                f"iftrue did not answer within {self._read_timeout:g} s after the deployment was sent; "
                f"{MAY_HAVE_BEEN_RECORDED}"
            ) from None
        raise ReportError(
            f"the connection to iftrue broke after the deployment was sent ({reason}); {MAY_HAVE_BEEN_RECORDED}"
        ) from None

    def _judge(self, response: requests.Response, answer: bytes, cut: bool) -> Sent | _TryAgain:
        status = response.status_code
        text = answer.decode(errors="replace")
        if status < 300:
            response_body, id_unknown = _accepted_body(text, cut)
            return Sent(response_body, 0, id_unknown)  # pragma: no mutate (_send counts the attempts)
        if status < 400:
            raise ReportError(self._redirect(response))
        problem = _http_problem(status, text)
        if status in RETRY_STATUSES:
            return _TryAgain(problem, response.headers.get("Retry-After"))  # pragma: no mutate (any case)
        if status >= 500:
            raise ReportError(f"{problem}; {MAY_HAVE_BEEN_RECORDED}")
        raise ReportError(problem)

    def _redirect(self, response: requests.Response) -> str:
        location = response.headers.get("Location", "").strip()  # pragma: no mutate (headers: any case)
        where = f"a redirect to {_quote(display_url(urljoin(self._url, location)))}" if location else "a redirect"
        return (
            f"iftrue answered HTTP {response.status_code} ({where}); the report does not follow redirects, "
            f"because a redirected POST can turn into a GET that records nothing. Set {setting('api-url')} to the "
            "address iftrue answers on"
        )

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            seconds = _retry_after_seconds(retry_after)
            if seconds is not None:
                return seconds
        backoff = min(self._policy.max_delay, self._policy.base_delay * 2 ** (attempt - 1))
        return random.uniform(backoff / 2, backoff)  # noqa: S311 - jitter, not cryptography
