"""The action's settings: step inputs and the runner's ``GITHUB_*`` environment, parsed once.

GitHub hands a Docker action each input as ``INPUT_<ID upper-cased>`` with hyphens kept, sends
unset inputs as empty strings and does not enforce ``required``. Everything is validated here,
and every problem is an :class:`InputError` that names the input and what was expected.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Literal
from urllib.parse import urlsplit

ApiStatus = Literal["succes", "in_progress", "fail"]
DurationUnit = Literal["minutes", "seconds"]
BackfillSource = Literal["releases", "deployments"]

DEFAULT_API_URL = "https://api.iftrue.co"

# Words users type, or pass from ${{ job.status }}, mapped onto the API's own spelling.
# None means "this run describes no deployment": nothing is reported.
STATUS_WORDS: dict[str, ApiStatus | None] = {
    "succes": "succes",
    "success": "succes",
    "successful": "succes",
    "succeeded": "succes",
    "in_progress": "in_progress",
    "in-progress": "in_progress",
    "pending": "in_progress",
    "queued": "in_progress",
    "started": "in_progress",
    "fail": "fail",
    "failure": "fail",
    "failed": "fail",
    "error": "fail",
    "cancelled": None,
    "canceled": None,
    "skipped": None,
}


class InputError(ValueError):
    """A step input (or the event file) is not what the action can use."""

    def __init__(self, name: str, problem: str, kind: str = "Input") -> None:
        super().__init__(f"{kind} '{name}': {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True)
class FieldOverrides:
    """Record fields given explicitly as inputs. ``None`` means "derive it"."""

    title: str | None = None
    changelog: str | None = None
    url: str | None = None
    branch: str | None = None
    commit_id: str | None = None
    deployment_duration: float | None = None
    is_fix: bool | None = None
    is_hotfix: bool | None = None
    is_forced: bool | None = None
    commits_count: int | None = None
    repository_url: str | None = None
    member_id: str | None = None
    pull_request_number: int | None = None
    deployment_node_id: str | None = None
    status: ApiStatus | None = None
    # True when the `status` input was cancelled/skipped: report nothing.
    status_skipped: str | None = None


@dataclass(frozen=True)
class RunnerEnv:
    """What the GitHub runner (or another CI) says about the run, from ``GITHUB_*`` variables."""

    event_name: str = ""
    event_path: str = ""
    sha: str = ""
    ref: str = ""
    ref_name: str = ""
    repository: str = ""
    server_url: str = "https://github.com"
    api_url: str = "https://api.github.com"
    run_id: str = ""
    run_attempt: str = ""
    actor_id: str = ""
    workflow_ref: str = ""
    workspace: str = ""

    @property
    def run_url(self) -> str | None:
        if not (self.repository and self.run_id):
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"


@dataclass(frozen=True)
class Settings:
    iftrue_token: str | None = field(repr=False)
    github_token: str | None = field(repr=False)
    api_url: str = DEFAULT_API_URL
    overrides: FieldOverrides = field(default_factory=FieldOverrides)
    ref: str | None = None
    environment: str = "production"
    create_github_deployment: bool = False
    fix_labels: tuple[str, ...] = ("bug", "fix")
    hotfix_labels: tuple[str, ...] = ("hotfix",)
    duration_unit: DurationUnit = "minutes"
    dry_run: bool = False
    fail_on_error: bool = True
    backfill_since: str | None = None
    backfill_source: BackfillSource = "releases"
    runner: RunnerEnv = field(default_factory=RunnerEnv)
    # First back-off of the iftrue retries and the read timeout, in seconds
    # (IFTRUE_RETRY_BASE_DELAY, IFTRUE_READ_TIMEOUT: for tests and unusual networks).
    retry_base_delay: float = 1.0
    read_timeout: float = 30.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        inputs = ActionInputs(environ)
        settings = settings_from_inputs(inputs, runner_from_environ(environ))
        raw_delay = environ.get("IFTRUE_RETRY_BASE_DELAY", "").strip()
        if raw_delay:
            settings = replace(settings, retry_base_delay=parse_non_negative("IFTRUE_RETRY_BASE_DELAY", raw_delay))
        raw_timeout = environ.get("IFTRUE_READ_TIMEOUT", "").strip()
        if raw_timeout:
            settings = replace(settings, read_timeout=parse_non_negative("IFTRUE_READ_TIMEOUT", raw_timeout))
        return settings


class ActionInputs:
    """Reads ``INPUT_*`` variables the way GitHub writes them for a Docker action."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def get(self, name: str) -> str | None:
        upper = name.upper()
        for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
            value = self._environ.get(key)
            if value is not None and value.strip() != "":
                return value.strip()
        return None


def runner_from_environ(environ: Mapping[str, str]) -> RunnerEnv:
    def get(name: str, default: str = "") -> str:
        return environ.get(name, "").strip() or default

    return RunnerEnv(
        event_name=get("GITHUB_EVENT_NAME"),
        event_path=get("GITHUB_EVENT_PATH"),
        sha=get("GITHUB_SHA"),
        ref=get("GITHUB_REF"),
        ref_name=get("GITHUB_REF_NAME"),
        repository=get("GITHUB_REPOSITORY"),
        server_url=get("GITHUB_SERVER_URL", "https://github.com").rstrip("/"),
        api_url=get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        run_id=get("GITHUB_RUN_ID"),
        run_attempt=get("GITHUB_RUN_ATTEMPT"),
        actor_id=get("GITHUB_ACTOR_ID"),
        workflow_ref=get("GITHUB_WORKFLOW_REF"),
        workspace=get("GITHUB_WORKSPACE"),
    )


# --- parsers: each takes the input's name so that its error can say which input was wrong ---


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
        raise InputError(name, f"expected a number of 0 or more, got {shorten(value)!r}") from None
    if not number >= 0 or number == float("inf"):  # also rejects NaN
        raise InputError(name, f"expected a number of 0 or more, got {shorten(value)!r}")
    return number


def parse_status(name: str, value: str) -> tuple[ApiStatus | None, bool]:
    """Returns (api status, skipped)."""
    key = value.lower()
    if key not in STATUS_WORDS:
        raise InputError(
            name,
            "expected succes, in_progress or fail (or success, failure, pending, cancelled, "
            f"skipped, as ${{{{ job.status }}}} gives), got {shorten(value)!r}",
        )
    mapped = STATUS_WORDS[key]
    return mapped, mapped is None


def parse_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value.lower() not in choices:
        raise InputError(name, f"expected one of {', '.join(choices)}, got {shorten(value)!r}")
    return value.lower()


def parse_commit_sha(name: str, value: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{40}", value):
        raise InputError(name, f"expected a full 40-character commit SHA, got {shorten(value)!r}")
    return value.lower()


def parse_api_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(name, f"expected an https:// URL such as {DEFAULT_API_URL}, got {shorten(value)!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError(
            name,
            f"expected an https:// URL (plain http is allowed only for loopback addresses), got {shorten(value)!r}",
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InputError(name, "expected a base URL without credentials, query or fragment")
    return value.rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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


def parse_labels(value: str) -> tuple[str, ...]:
    return tuple(label.strip().lower() for label in value.split(",") if label.strip())


def parse_backfill_since(name: str, value: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InputError(name, f"expected a date YYYY-MM-DD or a tag, got {shorten(value)!r}") from None
    return value


def shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def settings_from_inputs(inputs: ActionInputs, runner: RunnerEnv) -> Settings:
    """Validates every input; raises InputError for the first one that is wrong."""
    opt = inputs.get

    def flag(name: str) -> bool | None:
        raw = opt(name)
        return None if raw is None else parse_bool(name, raw)

    def whole(name: str) -> int | None:
        raw = opt(name)
        return None if raw is None else parse_whole(name, raw)

    status: ApiStatus | None = None
    skipped: str | None = None
    raw_status = opt("status")
    if raw_status is not None:
        status, is_skipped = parse_status("status", raw_status)
        skipped = raw_status.lower() if is_skipped else None

    raw_duration = opt("deployment-duration")
    raw_commit = opt("commit-id")
    overrides = FieldOverrides(
        title=opt("title"),
        changelog=opt("changelog"),
        url=opt("url"),
        branch=opt("branch"),
        commit_id=None if raw_commit is None else parse_commit_sha("commit-id", raw_commit),
        deployment_duration=(None if raw_duration is None else parse_non_negative("deployment-duration", raw_duration)),
        is_fix=flag("is-fix"),
        is_hotfix=flag("is-hotfix"),
        is_forced=flag("is-forced"),
        commits_count=whole("commits-count"),
        repository_url=opt("repository-url"),
        member_id=opt("member-id"),
        pull_request_number=whole("pull-request-number"),
        deployment_node_id=opt("deployment-node-id"),
        status=status,
        status_skipped=skipped,
    )

    dry_run = flag("dry-run") or False
    iftrue_token = opt("iftrue-token")
    if iftrue_token is None and not dry_run:
        raise InputError(
            "iftrue-token",
            "required (the iftrue JWT, e.g. ${{ secrets.IFTRUE_TOKEN }}) unless dry-run is true",
        )
    if iftrue_token is not None:
        check_jwt("iftrue-token", iftrue_token)
    raw_url = opt("api-url")
    raw_since = opt("backfill-since")
    unit = parse_choice("duration-unit", opt("duration-unit") or "minutes", ("minutes", "seconds"))
    source = parse_choice("backfill-source", opt("backfill-source") or "releases", ("releases", "deployments"))
    fail_on_error = flag("fail-on-error")
    return Settings(
        iftrue_token=iftrue_token,
        github_token=opt("github-token"),
        api_url=DEFAULT_API_URL if raw_url is None else parse_api_url("api-url", raw_url),
        overrides=overrides,
        ref=opt("ref"),
        environment=opt("environment") or "production",
        create_github_deployment=flag("create-github-deployment") or False,
        fix_labels=parse_labels(opt("fix-labels") or "bug,fix"),
        hotfix_labels=parse_labels(opt("hotfix-labels") or "hotfix"),
        duration_unit="seconds" if unit == "seconds" else "minutes",
        dry_run=dry_run,
        fail_on_error=True if fail_on_error is None else fail_on_error,
        backfill_since=None if raw_since is None else parse_backfill_since("backfill-since", raw_since),
        backfill_source="deployments" if source == "deployments" else "releases",
        runner=runner,
    )
