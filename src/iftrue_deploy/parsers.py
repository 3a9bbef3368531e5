"""The parsers of the settings, each ``(name, value) -> value``, and the one error they raise.

An :class:`InputError` names the setting that was wrong, in the words of where the program runs
(:mod:`.vocabulary`): ``Input 'is-fix'`` in the action, ``--is-fix / IFTRUE_IS_FIX`` in the CLI.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import time
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from . import vocabulary
from .quoting import quoted, url_without_userinfo
from .status import INPUT_WORDS, ApiStatus

DurationUnit = Literal["minutes", "seconds"]
BackfillSource = Literal["releases", "deployments", "runs"]

DEFAULT_API_URL = "https://api.iftrue.co"


class InputError(ValueError):
    """A setting (or the event file) is not what the action can use."""

    def __init__(self, name: str, problem: str, kind: str = "Input") -> None:
        super().__init__(name, problem)
        self.name = name
        self.problem = problem
        self.kind = kind

    def __str__(self) -> str:
        label = vocabulary.label(self.name) if self.kind == "Input" else f"{self.kind} '{self.name}'"
        return f"{label}: {self.problem}"


# --- parsers: (name, value) -> the value; an InputError names the setting -----------------------


def parse_text(name: str, value: str) -> str:
    return value


def parse_bool(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise InputError(name, f"expected true or false, got {quoted(value)}")


def parse_whole(name: str, value: str) -> int:
    if not re.fullmatch(r"\+?\d+", value):
        raise InputError(name, f"expected a whole number of 0 or more, got {quoted(value)}")
    return int(value)


def parse_non_negative(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 <= number < float("inf"):  # also rejects NaN
        raise InputError(name, f"expected a number of 0 or more, got {quoted(value)}")
    return number


def parse_seconds(name: str, value: str) -> float:
    """A positive, finite number of seconds (a timeout or a delay: 0 would mean "never wait")."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 < number < float("inf"):
        raise InputError(name, f"expected a number of seconds greater than 0, got {quoted(value)}")
    return number


def parse_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value.lower() not in choices:
        raise InputError(name, f"expected one of {', '.join(choices)}, got {quoted(value)}")
    return value.lower()


def parse_duration_unit(name: str, value: str) -> DurationUnit:
    return "seconds" if parse_choice(name, value, ("minutes", "seconds")) == "seconds" else "minutes"


BACKFILL_SOURCES: dict[str, BackfillSource] = {"releases": "releases", "deployments": "deployments", "runs": "runs"}


def parse_backfill_source(name: str, value: str) -> BackfillSource:
    return BACKFILL_SOURCES[parse_choice(name, value, tuple(BACKFILL_SOURCES))]


def parse_commit_sha(name: str, value: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{40}", value):
        raise InputError(name, f"expected a full 40-character commit SHA, got {quoted(value)}")
    return value.lower()


def parse_api_url(name: str, value: str) -> str:
    """An https base URL (http for loopback addresses), with no credentials, query or fragment.

    Any "@" is refused: in ``https://user:pa/ss@host`` the password holds "/", and urlsplit then
    sees no credentials but a host "user" with the port "pa"; only the user can tell which was meant.
    """
    shown = quoted(url_without_userinfo(value))
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(name, f"expected an https:// URL such as {DEFAULT_API_URL}, got {shown}")
    if "@" in value or parts.query or parts.fragment:
        raise InputError(name, f"expected a base URL without credentials, query or fragment, got {shown}")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise InputError(name, f"expected host[:port] after the scheme, got {shown}") from None
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError(
            name, f"expected an https:// URL (plain http is allowed only for loopback addresses), got {shown}"
        )
    return value.rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_token(name: str, value: str) -> str:
    """A token is one word of printable characters; it is never quoted back."""
    if any(char.isspace() or not char.isprintable() for char in value):
        raise InputError(name, "contains blanks or control characters (such as a line break); expected the token alone")
    return value


def parse_iftrue_token(name: str, value: str) -> str:
    check_jwt(name, parse_token(name, value))
    return value


def check_jwt(name: str, token: str, now: float | None = None) -> None:
    """The iftrue token must be a JWT that has not expired. The signature is iftrue's to check.

    Decoded by hand (base64url JSON) rather than with PyJWT: PyJWT imports `cryptography` where it
    is installed, which costs more start-up time than the whole check is worth.
    """
    parts = token.split(".")
    problem = "expected the iftrue JWT (three base64url parts separated by dots), got something else"
    if len(parts) != 3 or not all(re.fullmatch(r"[A-Za-z0-9_-]+", part) for part in parts[:2]):
        raise InputError(name, problem)
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; RecursionError: nested deep
        raise InputError(name, problem) from None
    if not isinstance(claims, dict):
        raise InputError(name, problem)
    expires = claims.get("exp")
    if isinstance(expires, (int, float)) and not isinstance(expires, bool):
        current = time.time() if now is None else now
        if expires <= current:
            when = datetime.fromtimestamp(expires, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
            raise InputError(name, f"the iftrue token expired on {when}; ask the iftrue team for a new one")


def parse_status(name: str, value: str) -> tuple[ApiStatus | None, bool]:
    """(the API's status, whether the word means "report nothing")."""
    key = value.lower()
    if key not in INPUT_WORDS:
        raise InputError(
            name,
            "expected succes, in_progress or fail (or success, failure, pending, cancelled, skipped: "
            f"the values of the job's status), got {quoted(value)}",
        )
    mapped = INPUT_WORDS[key]
    return mapped, mapped is None


def parse_labels(name: str, value: str) -> tuple[str, ...]:
    return tuple(label.strip().lower() for label in value.split(",") if label.strip())
