"""What iftrue answered, as it may be shown: capped, one line, without credentials."""

from __future__ import annotations

import json
import time
from typing import Any

from ..quoting import text_without_userinfo, url_without_userinfo
from ..vocabulary import setting

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
    """A URL as it may be shown: without user name or password, whatever characters they hold."""
    return url_without_userinfo(url)


def _strip_userinfo(text: str) -> str:
    return text_without_userinfo(text)


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


def _quote(text: str) -> str:
    """Text from elsewhere, as it may be quoted in a message: one line, at most 1 KiB."""
    return capped(" ".join(text.split()), MAX_QUOTE_BYTES)


def _accepted_body(text: str, cut: bool) -> tuple[dict[str, Any], str]:
    """iftrue's answer to an accepted record (a 2xx), and why it gives no id when it does not: the
    record is stored either way, so none of this is a failure (a failed step invites a duplicate)."""
    if cut:
        return {}, f"its answer is longer than {MAX_ANSWER_BYTES // 1024} KiB and was not read past that"
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return {}, f"its answer is not JSON ({_quote(text[:200])!r})"
    if not isinstance(data, dict):
        return {}, f"its answer is not a JSON object ({_quote(text[:200])!r})"
    if data.get("id") is None:
        return data, "its answer has no id"
    return data, ""


def _http_problem(status: int, text: str) -> str:
    message = _iftrue_message(text)
    hint = {
        400: "the record was rejected as invalid",
        401: f"the iftrue token was not accepted; check {setting('iftrue-token')}",
        403: "the iftrue token may not record deployments for this organization",
        404: f"the endpoint was not found; check {setting('api-url')}",
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
