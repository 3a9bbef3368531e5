"""A request that failed, said in words: the one describer of network failures, for iftrue and
GitHub alike ("could not connect to api.github.com (host name not found)"), never a raw exception
such as "ConnectionError: HTTPSConnectionPool(host=…".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests

from .answers import _quote, _strip_userinfo

_MARKERS = (
    ("RemoteDisconnected", "closed without an answer"),
    ("ConnectionResetError", "connection reset"),
    ("IncompleteRead", "answer cut short"),
    ("BrokenPipe", "broken pipe"),
)


class OutOfTime(requests.exceptions.Timeout):
    """The time a request was given ran out (a stalled or trickled answer). The message says how long."""


class AnswerTooLarge(requests.exceptions.RequestException):
    """An answer longer than its cap; what is over the cap was not read."""


def never_connected(error: Exception) -> bool:
    """Plainly a failed connect (refused, DNS, a connect timeout): nothing was sent."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    text = repr(error)
    return "NewConnectionError" in text or "NameResolutionError" in text


def failure_reason(error: Exception) -> str:
    """Why a request failed, in a few words ("connection refused", "host name not found")."""
    text = str(error)
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "NameResolutionError" in text:
        return "host name not found"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        match = re.search(r"certificate verify failed: ([^()'\"]*)", text)
        return "certificate verify failed" + (f": {match.group(1).strip()}" if match else "")
    for marker, words in _MARKERS:
        if marker in text:
            return words
    return _quote(_strip_userinfo(text)) if text else type(error).__name__


def describe_failure(error: Exception, where: str | None = None) -> str:
    """A failed request as one line for the user: what happened and with which host.

    ``where`` names the other side; by default the host the request went to.
    """
    where = where or _host_of(error)
    if isinstance(error, (OutOfTime, AnswerTooLarge)):
        return f"{where}: {error}"
    if never_connected(error):
        if isinstance(error, requests.exceptions.ConnectTimeout):
            return f"could not connect to {where} in time"
        return f"could not connect to {where} ({failure_reason(error)})"
    if isinstance(error, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in str(error):
            return (
                f"the TLS certificate of {where} was not accepted ({failure_reason(error)}); behind a corporate "
                "CA, set REQUESTS_CA_BUNDLE to a bundle with it (see README)"
            )
        return f"the TLS connection to {where} failed ({failure_reason(error)})"
    if isinstance(error, requests.exceptions.ReadTimeout):
        return f"{where} stopped answering (no data for a while)"
    if isinstance(error, requests.exceptions.ProxyError):
        return f"the proxy to {where} failed ({failure_reason(error)})"
    if isinstance(error, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return f"the connection to {where} broke ({failure_reason(error)})"
    return f"the request to {where} failed ({failure_reason(error)})"


def _host_of(error: Exception) -> str:
    request = getattr(error, "request", None)
    url = getattr(request, "url", None)
    if isinstance(url, str):
        try:
            parts = urlsplit(url)
            if parts.hostname:
                default = {"http": 80, "https": 443}.get(parts.scheme)
                return parts.hostname + (f":{parts.port}" if parts.port and parts.port != default else "")
        except ValueError:
            pass
    return "the server"
