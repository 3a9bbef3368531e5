"""What iftrue answered, as it may be shown: capped, one line, without credentials."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

MAX_ANSWER_BYTES = 1024 * 1024
MAX_QUOTE_BYTES = 1024
TRUNCATED = "… (truncated)"


class ReportError(Exception):
    """The deployment could not be reported. The message is safe to show (no token)."""


def capped(text: str, limit: int) -> str:
    """Text cut to at most `limit` UTF-8 bytes, visibly."""
    raw = text.encode(errors="replace")  # UTF-8, always
    if len(raw) <= limit:
        return text
    keep = limit - len(TRUNCATED.encode())
    return raw[: max(0, keep)].decode(errors="ignore") + TRUNCATED


def display_url(url: str) -> str:
    """A URL as it may be shown: without user name or password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _strip_userinfo(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _strip_userinfo(text: str) -> str:
    return re.sub(r"(?<=://)[^/\s@]*@", "", text)


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


def _never_connected(error: Exception) -> bool:
    """Without a stage mark (a SOCKS proxy): only what is plainly a failed connect."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    text = repr(error)
    return "NewConnectionError" in text or "NameResolutionError" in text


def _reason(error: Exception) -> str:
    text = str(error)
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text or "NameResolutionError" in text:
        return "host name not found"
    if "CERTIFICATE_VERIFY_FAILED" in text:
        match = re.search(r"certificate verify failed: ([^()'\"]*)", text)
        return "certificate verify failed" + (f": {match.group(1).strip()}" if match else "")
    for marker in ("RemoteDisconnected", "ConnectionResetError", "IncompleteRead", "BrokenPipe"):
        if marker in text:
            return marker
    return _quote(_strip_userinfo(text)) if text else type(error).__name__


def _quote(text: str) -> str:
    """Text from elsewhere, as it may be quoted in a message: one line, at most 1 KiB."""
    return capped(" ".join(text.split()), MAX_QUOTE_BYTES)


def _json_body(status: int, text: str, cut: bool) -> dict[str, Any]:
    if cut:
        raise ReportError(
            f"iftrue answered HTTP {status} with more than {MAX_ANSWER_BYTES // 1024} KiB; the deployment was "
            "probably recorded, but its id is unknown. Check iftrue before re-running this job"
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ReportError(
            f"iftrue answered HTTP {status} with a body that is not JSON ({_quote(text[:200])!r}); the deployment "
            "was probably recorded, but its id is unknown. Check iftrue before re-running this job"
        ) from None
    if not isinstance(data, dict):
        raise ReportError(f"iftrue answered HTTP {status} with unexpected JSON: {_quote(text[:200])!r}")
    return data


def _http_problem(status: int, text: str) -> str:
    message = _iftrue_message(text)
    hint = {
        400: "the record was rejected as invalid",
        401: "the iftrue token was not accepted; check the iftrue-token secret",
        403: "the iftrue token may not record deployments for this organization",
        404: "the endpoint was not found; check api-url",
        422: "the record was rejected as invalid",
        429: "iftrue is rate limiting",
        503: "iftrue is unavailable",
    }.get(status, "a server or gateway error" if status >= 500 else "unexpected answer")
    suffix = f": {message}" if message else ""
    return f"iftrue answered HTTP {status} ({hint}){suffix}"


def _iftrue_message(text: str) -> str:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return _quote(text)
    if isinstance(data, dict):
        for key in ("message", "error", "detail", "errors"):
            if data.get(key):
                value = data[key]
                said = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)  # pragma: no mutate
                return _quote(said)  # (the mark: ensure_ascii=None is as false)
    return _quote(json.dumps(data, ensure_ascii=False))  # pragma: no mutate (ensure_ascii=None is as false)
