"""The wiring, and nothing else: settings → event → trigger facts → GitHub gateway → ONE iftrue
client → one deployment (:mod:`.run`) or a backfill (:mod:`.backfill`)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from .client import Budget, IftrueClient, RetryPolicy
from .client.bounds import GITHUB_LOOKUPS_SECONDS, GITHUB_REQUEST_SECONDS
from .derive import Lookups, options_from
from .facts import GitHubFacts
from .gateway import PyGithubFacts
from .github_api import NoGitHubApi
from .interrupt import DELIVERY, Interrupted, cancellable
from .run import run_once
from .settings import ActionInputs, InputError, Settings
from .trigger import read_trigger
from .vocabulary import named
from .workflow import WorkflowCommands

MAX_EVENT_BYTES = 25 * 1024 * 1024


def load_event(path: str) -> dict[str, Any]:
    """The event payload; an empty path (outside GitHub Actions) means no event."""
    if not path:
        return {}
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_EVENT_BYTES + 1)
    except OSError as error:
        raise InputError(path, f"could not be read ({error.strerror or error})", kind="Event file") from None
    if len(raw) > MAX_EVENT_BYTES:
        raise InputError(path, "is larger than 25 MB; expected a GitHub event payload", kind="Event file")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise InputError(
            path, "is nested too deeply to read; expected a GitHub event payload", kind="Event file"
        ) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError(
            path, f"is not valid JSON ({error}); expected a GitHub event payload", kind="Event file"
        ) from None
    if not isinstance(payload, dict):
        raise InputError(path, "holds JSON that is not an object; expected a GitHub event payload", kind="Event file")
    return payload


def github_gateway(settings: Settings) -> tuple[GitHubFacts | None, str, str | None]:
    """The gateway to the GitHub API (PyGithub is imported on its first question), or None with
    the reason; and a notice for the user when they should know."""
    runner, api = settings.runner, settings.github_api
    fallback = "fields the event does not carry fall back without the GitHub API"
    if not settings.github_token:
        empty = f"{named('github-token')} is empty"
        return None, empty, f"{empty[:1].upper()}{empty[1:]}: {fallback}."
    if not runner.repository:
        return None, f"no repository is known ({named('repository')})", None
    if isinstance(api, NoGitHubApi):
        return (
            None,
            f"the GitHub token is not sent: {api.reason}",
            f"The GitHub token is not sent: {api.reason}; {fallback}.",
        )
    # All lookups of one deployment share 30 s; a backfill's requests have 30 s each.
    total = None if settings.backfill_since else GITHUB_LOOKUPS_SECONDS
    budget = Budget(GITHUB_REQUEST_SECONDS, total)
    return PyGithubFacts(api, settings.github_token, runner.repository, budget), "", api.announcement


def iftrue_client(settings: Settings, commands: WorkflowCommands) -> IftrueClient | None:
    """The one client of a run; none in a dry run, which sends nothing."""
    if settings.dry_run or settings.iftrue_token is None:
        return None
    return IftrueClient(
        settings.api_url,
        settings.iftrue_token,
        policy=RetryPolicy(base_delay=settings.retry_base_delay),
        read_timeout=settings.read_timeout,
        log=commands.info,
    )


def main(
    environ: Mapping[str, str] | None = None,
    stream: TextIO | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    environ = os.environ if environ is None else environ
    commands = WorkflowCommands(
        environ.get("GITHUB_OUTPUT", ""),
        environ.get("GITHUB_STEP_SUMMARY", ""),
        stream,
        plain=environ.get("GITHUB_ACTIONS") != "true",
    )
    DELIVERY.reset()
    try:
        with cancellable():
            return _main(environ, commands, now)
    except Interrupted as stop:
        commands.error(f"Cancelled by {stop.name}: {DELIVERY.describe()}.")
        return stop.exit_code


def _main(environ: Mapping[str, str], commands: WorkflowCommands, now: Callable[[], datetime]) -> int:
    # Mask before anything else is printed, even before the inputs are validated.
    raw_inputs = ActionInputs(environ)
    commands.mask(raw_inputs.get("iftrue-token"))
    commands.mask(raw_inputs.get("github-token"))
    try:
        settings = Settings.from_environ(environ)
        payload = load_event(settings.runner.event_path)
    except InputError as error:
        commands.error(str(error))
        return 1
    github, why_not, notice = github_gateway(settings)
    client = iftrue_client(settings, commands)
    try:
        if settings.backfill_since:
            from .backfill import Backfill  # long runs only: not imported for one deployment

            if github is None:
                problem = InputError(
                    "backfill-since", f"a backfill reads the history from the GitHub API, but {why_not}"
                )
                commands.error(str(problem))
                return 1
            if notice:
                commands.notice(notice)
            return Backfill(settings, payload, github, client, commands, now).run()
        if notice:
            commands.notice(notice)
        given = settings.overrides
        trigger = read_trigger(payload, settings.runner, settings.ref, given.commit_id)
        lookups = Lookups(github, settings.environment, why_not)
        return run_once(given, trigger, lookups, options_from(settings), client, commands, now, settings.fail_on_error)
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        message = f"Unexpected error: {type(error).__name__}: {error}"
        if settings.fail_on_error:
            commands.error(message)
            return 1
        commands.warning(message)
        return 0
