"""``iftrue-deploy``: the action as a command-line program, for other CI systems and laptops.

Every setting in :data:`inputs.INPUTS` is a flag (``--dry-run``, ``--is-fix true``, …) and an
environment variable (``IFTRUE_TOKEN``, ``IFTRUE_API_URL``, ``IFTRUE_DRY_RUN``, …); a flag wins over
its variable. The flags become the ``INPUT_*`` and ``GITHUB_*`` variables the action reads, so the
program behaves exactly as the action does, and every message names the flag and its variable.
Outside GitHub Actions it reads only the ``GITHUB_*`` variables listed below, and what neither
they nor the flags give (commit, branch, repository) from the git checkout it runs in.

Exit codes: 0 reported (or nothing to report, or a dry run); 1 not reported (the record could not
be derived or iftrue refused it); 2 a bad flag or variable.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from . import __version__
from .checkout import read_checkout
from .inputs import CONTEXT, INPUTS, InputError
from .settings import Settings
from .vocabulary import COMMAND_LINE, setting, speaking

# What a dry run reports for a field that nothing gives (member_id, repository_url): visibly not real.
DRY_RUN_PLACEHOLDER = "dry-run"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not the whole usage: the usage is what --help is for."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="iftrue-deploy",
        description="Report a deployment to iftrue, deriving the pull request, commits, branch, duration and flags.",
        epilog=(
            "Each option can also be set by the environment variable named in brackets; the option wins.\n"
            "Exit codes: 0 reported, nothing to report or a dry run; 1 not reported; 2 a bad option or variable."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"iftrue-deploy {__version__}")
    fields = parser.add_argument_group("deployment settings (the action's inputs)")
    tuning = parser.add_argument_group("tuning (environment variables in the action)")
    for spec in INPUTS:
        default = f" (default: {spec.default})" if spec.default is not None else ""
        group = fields if spec.action_input else tuning
        help_text = f"{spec.help}{default} [{spec.variable}]"
        dest = spec.name.replace("-", "_")
        if spec.name == "dry-run":
            group.add_argument(f"--{spec.name}", dest=dest, metavar="VALUE", nargs="?", const="true", help=help_text)
        else:
            group.add_argument(f"--{spec.name}", dest=dest, metavar="VALUE", help=help_text)
    context = parser.add_argument_group("GitHub context (read from these variables in GitHub Actions)")
    for c in CONTEXT:
        context.add_argument(
            f"--{c.flag}", dest=c.flag.replace("-", "_"), metavar="VALUE", help=f"{c.help} [{c.variable}]"
        )
    return parser


def environ_for(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment the action would see: INPUT_* from flags or IFTRUE_* variables."""
    result: dict[str, str] = {"PATH": environ.get("PATH", "")}
    if environ.get("GITHUB_ACTIONS") == "true":
        result.update({k: v for k, v in environ.items() if k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))})
    for spec in INPUTS:
        value = getattr(args, spec.name.replace("-", "_"))
        if value is None:
            value = environ.get(spec.variable)
        if value is not None:
            result[f"INPUT_{spec.name.upper()}" if spec.action_input else spec.variable] = value
    for c in CONTEXT:
        value = getattr(args, c.flag.replace("-", "_"))
        if value is None:
            value = environ.get(c.variable)
        if value:
            result[c.variable] = value
    if result.get("GITHUB_REF", "").startswith("refs/"):
        result.setdefault("GITHUB_REF_NAME", result["GITHUB_REF"].split("/", 2)[-1])
    return result


def event_names_commit(settings: Settings) -> bool:
    """Whether the event file names the deployed commit (a merged pull request's merge commit, a
    push's `after`, …): then the record does not use the checkout's, and nothing says it does.
    Asked of the event's own adapter (:mod:`.trigger`), the one place that knows."""
    if not settings.runner.event_path:
        return False
    from .main import load_event
    from .trigger import read_trigger

    try:
        payload = load_event(settings.runner.event_path)
    except InputError:
        return False  # the action says what is wrong with the file
    return read_trigger(payload, replace(settings.runner, sha="")).sha is not None


def complete_from_checkout(env: dict[str, str], settings: Settings, cwd: Path) -> list[str]:
    """Fills in the commit, branch and repository from the git checkout where neither a flag, a
    variable nor the event gave them; returns what it read, to be said."""
    wants_commit = not (env.get("GITHUB_SHA") or settings.ref or settings.overrides.commit_id)
    wants_commit = wants_commit and not event_names_commit(settings)
    wants_branch = not (env.get("GITHUB_REF") or settings.ref or settings.overrides.branch)
    wants_repository = not env.get("GITHUB_REPOSITORY")
    if not (wants_commit or wants_branch or wants_repository):
        return []
    checkout = read_checkout(cwd)
    if checkout is None:
        return []
    read: list[str] = []
    if wants_commit and checkout.sha:
        env["GITHUB_SHA"] = checkout.sha
        read.append(f"commit {checkout.sha}")
    # The checkout's branch says nothing about another commit than its own.
    commit = settings.overrides.commit_id or env.get("GITHUB_SHA")
    if wants_branch and checkout.branch and commit == checkout.sha:
        env["GITHUB_REF"] = f"refs/heads/{checkout.branch}"
        env["GITHUB_REF_NAME"] = checkout.branch
        read.append(f"branch {checkout.branch}")
    if wants_repository and checkout.repository and checkout.server_url:
        # The name and the web address for links; never an API URL (github_api.py decides where
        # the GitHub token goes: without GITHUB_API_URL, a host that is not github.com gets none).
        env["GITHUB_REPOSITORY"] = checkout.repository
        env.setdefault("GITHUB_SERVER_URL", checkout.server_url)
        read.append(f"repository {checkout.repository} on {env['GITHUB_SERVER_URL']}")
    return [f"From the git checkout: {', '.join(read)}."] if read else []


def placeholders(env: dict[str, str], settings: Settings) -> list[str]:
    """A dry run prints its record even where nothing gives the member or the repository (no
    checkout knows an iftrue member id; a checkout whose origin is a local path names no
    repository): each gets a visible placeholder and a notice naming what a real run needs.
    Neither is derived through GitHub, so whether anything gives them is known before deriving."""
    if not settings.dry_run or settings.backfill_since or env.get("GITHUB_EVENT_PATH"):
        return []  # an event names its sender and its repository
    missing: list[tuple[str, str]] = []
    if not (settings.overrides.member_id or env.get("GITHUB_ACTOR_ID")):
        missing.append(("member-id", "no checkout knows your iftrue member id"))
    if not (settings.overrides.repository_url or env.get("GITHUB_REPOSITORY")):
        origin = "the checkout's origin remote"
        missing.append(("repository-url", f"neither {setting('GITHUB_REPOSITORY')} nor {origin} names a repository"))
    notices = []
    for name, why in missing:
        env[f"INPUT_{name.upper()}"] = DRY_RUN_PLACEHOLDER
        field = name.replace("-", "_")
        notices.append(
            f"Dry run: {field} is the placeholder {DRY_RUN_PLACEHOLDER!r} ({why}); give {setting(name)} to send."
        )
    return notices


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    args = build_parser().parse_args(argv)
    env = environ_for(args, environ)
    with speaking(COMMAND_LINE):  # also what the action says: `--member-id / IFTRUE_MEMBER_ID: …`
        try:
            settings = Settings.from_environ(env)
        except InputError as error:
            print(f"iftrue-deploy: error: {error}", file=sys.stderr)
            return 2
        for line in complete_from_checkout(env, settings, Path.cwd()) + placeholders(env, settings):
            print(f"notice: {line}", flush=True)
        from .main import main as action_main

        try:
            return action_main(env)
        except BrokenPipeError:
            # `iftrue-deploy --dry-run | head`: the reader has gone; no traceback, nothing more.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
