"""Every setting of the action, once: its name, default, parser, help and command-line variable.

``INPUTS`` is the one table. The action reads each entry from ``INPUT_<NAME>`` (settings.py), the
command-line program makes a flag ``--<name>`` and a variable from it (cli.py), and a test checks
it against action.yml. Each parser takes the setting's name so that its :class:`InputError` can
say which setting was wrong; how that name is shown depends on who runs the code (:func:`naming`).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Generic, Literal, TypeVar
from urllib.parse import urlsplit

from .status import INPUT_WORDS, ApiStatus

T_co = TypeVar("T_co", covariant=True)
DurationUnit = Literal["minutes", "seconds"]
BackfillSource = Literal["releases", "deployments"]

DEFAULT_API_URL = "https://api.iftrue.co"


class InputError(ValueError):
    """A setting (or the event file) is not what the action can use."""

    def __init__(self, name: str, problem: str, kind: str = "Input") -> None:
        super().__init__(name, problem)
        self.name = name
        self.problem = problem
        self.kind = kind

    def __str__(self) -> str:
        label = _label.get()(self.name) if self.kind == "Input" else f"{self.kind} '{self.name}'"
        return f"{label}: {self.problem}"


def action_label(name: str) -> str:
    """How the action names a setting: ``Input 'is-fix'``, or the variable that is no input."""
    spec = BY_NAME.get(name)
    if spec is not None and not spec.action_input:
        return f"Variable {spec.variable}"
    return f"Input '{name}'"


def cli_label(name: str) -> str:
    """How the command-line program names a setting: ``--is-fix / IFTRUE_IS_FIX``."""
    spec = BY_NAME.get(name)
    return f"Input '{name}'" if spec is None else f"--{spec.name} / {spec.variable}"


_label: ContextVar[Callable[[str], str]] = ContextVar("input_label", default=action_label)


@contextmanager
def naming(label: Callable[[str], str]) -> Iterator[None]:
    """Every InputError shown inside the block names its setting with ``label``, wherever it was
    raised (the command-line program runs the whole action inside ``naming(cli_label)``)."""
    token = _label.set(label)
    try:
        yield
    finally:
        _label.reset(token)


# --- parsers: (name, value) -> the value; an InputError names the setting -----------------------


def shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def without_userinfo(url: str) -> str:
    """The URL with any ``user:password@`` replaced by ``***@``, for quoting it in a message."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*@", r"\1***@", url, count=1)


def parse_text(name: str, value: str) -> str:
    return value


def parse_bool(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise InputError(name, f"expected true or false, got {shorten(value)!r}")


def parse_whole(name: str, value: str) -> int:
    if not re.fullmatch(r"\+?\d+", value):
        raise InputError(name, f"expected a whole number of 0 or more, got {shorten(value)!r}")
    return int(value)


def parse_non_negative(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 <= number < float("inf"):  # also rejects NaN
        raise InputError(name, f"expected a number of 0 or more, got {shorten(value)!r}")
    return number


def parse_seconds(name: str, value: str) -> float:
    """A positive, finite number of seconds (a timeout or a delay: 0 would mean "never wait")."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 < number < float("inf"):
        raise InputError(name, f"expected a number of seconds greater than 0, got {shorten(value)!r}")
    return number


def parse_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value.lower() not in choices:
        raise InputError(name, f"expected one of {', '.join(choices)}, got {shorten(value)!r}")
    return value.lower()


def parse_duration_unit(name: str, value: str) -> DurationUnit:
    return "seconds" if parse_choice(name, value, ("minutes", "seconds")) == "seconds" else "minutes"


def parse_backfill_source(name: str, value: str) -> BackfillSource:
    return "deployments" if parse_choice(name, value, ("releases", "deployments")) == "deployments" else "releases"


def parse_commit_sha(name: str, value: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{40}", value):
        raise InputError(name, f"expected a full 40-character commit SHA, got {shorten(value)!r}")
    return value.lower()


def parse_api_url(name: str, value: str) -> str:
    shown = shorten(without_userinfo(value))
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(name, f"expected an https:// URL such as {DEFAULT_API_URL}, got {shown!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError(
            name, f"expected an https:// URL (plain http is allowed only for loopback addresses), got {shown!r}"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InputError(name, f"expected a base URL without credentials, query or fragment, got {shown!r}")
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
    except (ValueError, UnicodeDecodeError):
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
            f"the values of the job's status), got {shorten(value)!r}",
        )
    mapped = INPUT_WORDS[key]
    return mapped, mapped is None


def parse_labels(name: str, value: str) -> tuple[str, ...]:
    return tuple(label.strip().lower() for label in value.split(",") if label.strip())


def parse_backfill_since(name: str, value: str) -> str:
    """A date, a tag, or ``deployment:<id>`` (after that GitHub Deployment; README "Backfill")."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
        elif value.startswith("deployment:") and not re.fullmatch(r"deployment:[0-9]+", value):
            raise ValueError(value)
    except ValueError:
        raise InputError(
            name, f"expected a date YYYY-MM-DD, a tag or deployment:<id>, got {shorten(value)!r}"
        ) from None
    return value


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputSpec(Generic[T_co]):
    name: str  # the action input's id, and the flag's name
    default: str | None  # as action.yml gives it; None: derived, or empty
    parse: Callable[[str, str], T_co]
    help: str
    variable: str = ""  # the command-line program's variable; IFTRUE_<NAME> when empty
    action_input: bool = True  # False: a tuning read from `variable` by the action too, no input

    def __post_init__(self) -> None:
        if not self.variable:
            object.__setattr__(self, "variable", "IFTRUE_" + self.name.upper().replace("-", "_"))

    def given(self, raw: str | None) -> T_co | None:
        """The value set by the user, parsed; None when unset."""
        return None if raw is None else self.parse(self.name, raw)

    def value(self, raw: str | None) -> T_co:
        """The value set by the user, else the default, parsed."""
        text = raw if raw is not None else self.default
        if text is None:
            raise LookupError(f"{self.name} has no default")
        return self.parse(self.name, text)


IFTRUE_TOKEN = InputSpec(
    "iftrue-token", None, parse_iftrue_token, "the iftrue JWT; required unless a dry run", "IFTRUE_TOKEN"
)
API_URL = InputSpec("api-url", DEFAULT_API_URL, parse_api_url, "base URL of the iftrue API")
GITHUB_TOKEN = InputSpec(
    "github-token",
    None,
    parse_token,
    "token for the GitHub REST API; with a repository, enables lookups",
    "GITHUB_TOKEN",
)
TITLE = InputSpec("title", None, parse_text, "title of the deployment")
CHANGELOG = InputSpec("changelog", None, parse_text, "changelog of the deployment")
URL = InputSpec("url", None, parse_text, "link to the deployment's details")
BRANCH = InputSpec("branch", None, parse_text, "branch that was merged to production")
COMMIT_ID = InputSpec("commit-id", None, parse_commit_sha, "full 40-character SHA of the deployed commit")
DEPLOYMENT_DURATION = InputSpec(
    "deployment-duration", None, parse_non_negative, "duration of the deployment, in --duration-unit"
)
IS_FIX = InputSpec("is-fix", None, parse_bool, "true or false")
IS_HOTFIX = InputSpec("is-hotfix", None, parse_bool, "true or false")
IS_FORCED = InputSpec("is-forced", None, parse_bool, "true or false")
COMMITS_COUNT = InputSpec("commits-count", None, parse_whole, "number of commits in the deployment")
REPOSITORY_URL = InputSpec("repository-url", None, parse_text, "URL of the repository")
MEMBER_ID = InputSpec("member-id", None, parse_text, "iftrue ID of the member who deployed")
PULL_REQUEST_NUMBER = InputSpec("pull-request-number", None, parse_whole, "number of the deployed pull request")
DEPLOYMENT_NODE_ID = InputSpec("deployment-node-id", None, parse_text, "node id of the GitHub Deployment")
# The status words are read by settings.parse_status (the vocabulary lives with them).
STATUS = InputSpec(
    "status", None, parse_status, "succes, in_progress or fail (also success, failure, pending, cancelled, skipped)"
)
REF = InputSpec("ref", None, parse_text, "a tag, branch or SHA to report (resolved through the GitHub API)")
ENVIRONMENT = InputSpec("environment", "production", parse_text, "GitHub environment of the deployments")
CREATE_GITHUB_DEPLOYMENT = InputSpec(
    "create-github-deployment", "false", parse_bool, "create a GitHub Deployment when the commit has none"
)
FIX_LABELS = InputSpec("fix-labels", "bug,fix", parse_labels, "comma-separated pull request labels of a fix")
HOTFIX_LABELS = InputSpec("hotfix-labels", "hotfix", parse_labels, "comma-separated pull request labels of a hotfix")
DURATION_UNIT = InputSpec("duration-unit", "minutes", parse_duration_unit, "minutes or seconds")
DRY_RUN = InputSpec("dry-run", "false", parse_bool, "derive and print the record, send nothing (alone: true)")
FAIL_ON_ERROR = InputSpec("fail-on-error", "true", parse_bool, "false turns a failure to report into a warning")
BACKFILL_SINCE = InputSpec(
    "backfill-since", None, parse_backfill_since, "a date YYYY-MM-DD, a tag or deployment:<id>: report what came since"
)
BACKFILL_SOURCE = InputSpec("backfill-source", "releases", parse_backfill_source, "releases or deployments")
READ_TIMEOUT = InputSpec("read-timeout", "30", parse_seconds, "seconds to wait for iftrue's answer", action_input=False)
RETRY_BASE_DELAY = InputSpec(
    "retry-base-delay", "1", parse_seconds, "seconds before the first retry (then doubled)", action_input=False
)

# In action.yml's order; the tunings, which are no action inputs, last.
INPUTS: tuple[InputSpec[object], ...] = (
    IFTRUE_TOKEN,
    API_URL,
    GITHUB_TOKEN,
    TITLE,
    CHANGELOG,
    URL,
    BRANCH,
    COMMIT_ID,
    DEPLOYMENT_DURATION,
    IS_FIX,
    IS_HOTFIX,
    IS_FORCED,
    COMMITS_COUNT,
    REPOSITORY_URL,
    MEMBER_ID,
    PULL_REQUEST_NUMBER,
    DEPLOYMENT_NODE_ID,
    STATUS,
    REF,
    ENVIRONMENT,
    CREATE_GITHUB_DEPLOYMENT,
    FIX_LABELS,
    HOTFIX_LABELS,
    DURATION_UNIT,
    DRY_RUN,
    FAIL_ON_ERROR,
    BACKFILL_SINCE,
    BACKFILL_SOURCE,
    READ_TIMEOUT,
    RETRY_BASE_DELAY,
)
BY_NAME: dict[str, InputSpec[object]] = {spec.name: spec for spec in INPUTS}
