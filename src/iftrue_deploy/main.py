"""Wires the pieces together: settings → event → derivation → record → iftrue → report."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from .facts import GitHubFacts, LazyGitHubFacts, NoGitHub
from .interrupt import DELIVERY, Interrupted, cancellable
from .settings import ActionInputs, InputError, Settings
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


def github_facts(settings: Settings) -> tuple[GitHubFacts, str | None]:
    """The gateway to the GitHub API, or a stand-in that says why there is none."""
    runner = settings.runner
    if not settings.github_token:
        return NoGitHub("github-token is empty"), (
            "github-token is empty: fields the event does not carry fall back without the GitHub API."
        )
    if not runner.repository:
        return NoGitHub("no repository (GITHUB_REPOSITORY) is known"), None
    token, repository = settings.github_token, runner.repository
    return LazyGitHubFacts(lambda: _pygithub(runner.api_url, token, repository)), None


def _pygithub(api_url: str, token: str, repository: str) -> GitHubFacts:
    from .gateway import PyGithubFacts  # PyGithub is imported only when a fact is asked for

    return PyGithubFacts(api_url, token, repository)


def main(
    environ: Mapping[str, str] | None = None,
    stream: TextIO | None = None,
    facts_factory: Callable[[Settings], tuple[GitHubFacts, str | None]] = github_facts,
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
            return _main(environ, commands, facts_factory, now)
    except Interrupted as stop:
        commands.error(f"Cancelled by {stop.name}: {DELIVERY.describe()}.")
        return stop.exit_code


def _main(
    environ: Mapping[str, str],
    commands: WorkflowCommands,
    facts_factory: Callable[[Settings], tuple[GitHubFacts, str | None]],
    now: Callable[[], datetime],
) -> int:
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
    from .run import run_once

    try:
        return run_once(settings, payload, commands, facts_factory, now)
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        message = f"Unexpected error: {type(error).__name__}: {error}"
        if settings.fail_on_error:
            commands.error(message)
            return 1
        commands.warning(message)
        return 0
