"""The iftrue client: one POST, retried only where a retry cannot record the deployment twice."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

DEPLOYMENT_PATH = "/v1/organization/deployment"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


class ReportError(Exception):
    """The deployment could not be reported. The message is safe to show (no token)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 20.0
    # Total time spent waiting between attempts; a Retry-After beyond it ends the retries.
    budget: float = 60.0


@dataclass(frozen=True)
class Sent:
    response: dict[str, Any]
    attempts: int


class NoCrossHostAuthSession(requests.Session):
    """A session that drops the Authorization header when a redirect leaves the original host.

    requests already does this for a change of hostname; this also covers a change of scheme or
    port, so that the token never travels to another service or in clear text.
    """

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        old = urlsplit(response.request.url or "")
        new = urlsplit(prepared_request.url or "")
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            prepared_request.headers.pop("Authorization", None)
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]


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
    ) -> None:
        self._url = api_url.rstrip("/") + DEPLOYMENT_PATH
        self._read_timeout = read_timeout
        self._token = token
        self._session = session if session is not None else NoCrossHostAuthSession()
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._log = log

    def send(self, payload: dict[str, Any]) -> Sent:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "iftrue-deploy-action",
        }
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            retry_after: str | None = None
            try:
                response = self._session.post(
                    self._url, data=body, headers=headers, timeout=(CONNECT_TIMEOUT, self._read_timeout)
                )
            except requests.exceptions.ConnectTimeout:
                problem = f"could not connect to {self._url} within {CONNECT_TIMEOUT:g} s"
            except requests.exceptions.ReadTimeout:
                # The request was sent: iftrue may have recorded it. It has no idempotency key,
                # so a blind retry could record this deployment twice.
                raise ReportError(
                    f"iftrue did not answer within {self._read_timeout:g} s after the deployment was sent; "
                    "it may or may not have been recorded, and it was not sent again because iftrue "
                    "has no idempotency key and a retry could record it twice. Check iftrue before "
                    "re-running this job."
                ) from None
            except requests.exceptions.ConnectionError as error:
                if _was_sent(error):
                    raise ReportError(
                        "the connection to iftrue broke after the deployment was sent; it may or may "
                        "not have been recorded, and it was not sent again because a retry could "
                        "record it twice. Check iftrue before re-running this job."
                    ) from None
                problem = f"could not connect to {self._url} ({_reason(error)})"
            except requests.exceptions.RequestException as error:
                raise ReportError(f"the request to iftrue failed: {_reason(error)}") from None
            else:
                if response.status_code < 300:
                    return Sent(_json_body(response), attempt)
                if response.status_code not in RETRY_STATUSES:
                    raise ReportError(_http_problem(response))
                problem = _http_problem(response)
                retry_after = response.headers.get("Retry-After")
            delay = self._delay(attempt, retry_after)
            if attempt < self._policy.attempts and waited + delay <= self._policy.budget:
                self._log(
                    f"iftrue: {problem}; retrying in {delay:.1f} s (attempt {attempt + 1} of {self._policy.attempts})"
                )
                self._sleep(delay)
                waited += delay
                continue
            raise ReportError(f"{problem}; gave up after {attempt} attempt(s)")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after is not None:
            seconds = _retry_after_seconds(retry_after)
            if seconds is not None:
                return seconds
        backoff = min(self._policy.max_delay, self._policy.base_delay * 2 ** (attempt - 1))
        return random.uniform(backoff / 2, backoff)  # noqa: S311 - jitter, not cryptography


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # rare: only for an HTTP-date Retry-After

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _was_sent(error: requests.exceptions.ConnectionError) -> bool:
    """A reset or a closed connection after the request went out (not a refused connect)."""
    text = repr(error)
    return (
        any(
            marker in text
            for marker in ("RemoteDisconnected", "ConnectionResetError", "ProtocolError", "IncompleteRead")
        )
        and "NewConnectionError" not in text
    )


def _reason(error: Exception) -> str:
    text = str(error)
    if "Connection refused" in text or "NewConnectionError" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "NameResolutionError" in text:
        return "host name not found"
    return text.splitlines()[0][:200] if text else type(error).__name__


def _json_body(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise ReportError(
            f"iftrue answered HTTP {response.status_code} with a body that is not JSON "
            f"({_snippet(response.text)!r}); the deployment was probably recorded, but its id is unknown"
        ) from None
    if not isinstance(data, dict):
        raise ReportError(
            f"iftrue answered HTTP {response.status_code} with unexpected JSON: {_snippet(response.text)!r}"
        )
    return data


def _http_problem(response: requests.Response) -> str:
    message = _iftrue_message(response)
    hint = {
        400: "the record was rejected as invalid",
        401: "the iftrue token was not accepted; check the iftrue-token secret",
        403: "the iftrue token may not record deployments for this organization",
        404: "the endpoint was not found; check api-url",
        422: "the record was rejected as invalid",
        429: "iftrue is rate limiting",
    }.get(response.status_code, "iftrue is unavailable" if response.status_code >= 500 else "unexpected answer")
    suffix = f": {message}" if message else ""
    return f"iftrue answered HTTP {response.status_code} ({hint}){suffix}"


def _iftrue_message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return _snippet(response.text)
    if isinstance(data, dict):
        for key in ("message", "error", "detail", "errors"):
            if data.get(key):
                value = data[key]
                return value if isinstance(value, str) else json.dumps(value)[:300]
    return _snippet(json.dumps(data))


def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
