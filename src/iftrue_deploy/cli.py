"""``iftrue-deploy``: the action as a command-line program, for other CI systems and laptops.

Every action input is a flag (``--dry-run``, ``--is-fix true``, …) and an environment variable
(``IFTRUE_TOKEN``, ``IFTRUE_API_URL``, ``IFTRUE_DRY_RUN``, …); a flag wins over its variable. The
flags become the ``INPUT_*`` and ``GITHUB_*`` variables the action reads, so the program behaves
exactly as the action does. Outside GitHub Actions it reads only the ``GITHUB_*`` variables listed
below, and asks the GitHub API only when it has both a repository and a token.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .settings import (
    DEFAULT_API_URL,
    InputError,
    parse_api_url,
    parse_backfill_since,
    parse_bool,
    parse_choice,
    parse_commit_sha,
    parse_non_negative,
    parse_status,
    parse_whole,
)


@dataclass(frozen=True)
class Option:
    name: str  # the action input's id
    help: str
    default: str | None = None
    check: Callable[[str, str], object] | None = None
    env: str | None = None  # the variable that sets it; IFTRUE_<NAME> unless given

    @property
    def variable(self) -> str:
        return self.env or "IFTRUE_" + self.name.upper().replace("-", "_")


def _bool(name: str, value: str) -> object:
    return parse_bool(name, value)


def _choice(*choices: str) -> Callable[[str, str], object]:
    return lambda name, value: parse_choice(name, value, choices)


# One entry per action input (tests/test_cli.py checks them against action.yml).
OPTIONS: tuple[Option, ...] = (
    Option("iftrue-token", "the iftrue JWT; required unless --dry-run", env="IFTRUE_TOKEN"),
    Option("api-url", "base URL of the iftrue API", DEFAULT_API_URL, parse_api_url),
    Option("github-token", "token for the GitHub REST API; with --repository, enables lookups", env="GITHUB_TOKEN"),
    Option("title", "title of the deployment"),
    Option("changelog", "changelog of the deployment"),
    Option("url", "link to the deployment's details"),
    Option("branch", "branch that was merged to production"),
    Option("commit-id", "full 40-character SHA of the deployed commit", check=parse_commit_sha),
    Option("deployment-duration", "duration of the deployment, in --duration-unit", check=parse_non_negative),
    Option("is-fix", "true or false", check=_bool),
    Option("is-hotfix", "true or false", check=_bool),
    Option("is-forced", "true or false", check=_bool),
    Option("commits-count", "number of commits in the deployment", check=parse_whole),
    Option("repository-url", "URL of the repository"),
    Option("member-id", "ID of the member who deployed (required outside GitHub unless the event has a sender)"),
    Option("pull-request-number", "number of the deployed pull request", check=parse_whole),
    Option("deployment-node-id", "node id of the GitHub Deployment"),
    Option(
        "status", "succes, in_progress or fail (also success, failure, pending, cancelled, skipped)", check=parse_status
    ),
    Option("ref", "a tag, branch or SHA to report (resolved through the GitHub API)"),
    Option("environment", "GitHub environment whose deployments are looked up or created", "production"),
    Option("create-github-deployment", "create a GitHub Deployment when the commit has none", "false", _bool),
    Option("fix-labels", "comma-separated pull request labels that mark a fix", "bug,fix"),
    Option("hotfix-labels", "comma-separated pull request labels that mark a hotfix", "hotfix"),
    Option("duration-unit", "unit of deployment_duration", "minutes", _choice("minutes", "seconds")),
    Option(
        "dry-run", "derive and print the record, send nothing (true/false; --dry-run alone means true)", "false", _bool
    ),
    Option("fail-on-error", "false turns a failure to report into a warning and exit 0", "true", _bool),
    Option(
        "backfill-since",
        "a date YYYY-MM-DD or a tag: report every past deployment since then",
        check=parse_backfill_since,
    ),
    Option("backfill-source", "what a backfill walks", "releases", _choice("releases", "deployments")),
)

# GitHub context flags: (flag, variable, help).
CONTEXT: tuple[tuple[str, str, str], ...] = (
    ("repository", "GITHUB_REPOSITORY", "OWNER/REPO on GitHub"),
    ("event", "GITHUB_EVENT_PATH", "a GitHub event payload (JSON file) to derive from"),
    ("event-name", "GITHUB_EVENT_NAME", "the event's name (push, release, pull_request, …)"),
    ("sha", "GITHUB_SHA", "the commit the event is about"),
    ("git-ref", "GITHUB_REF", "the ref the event is about, e.g. refs/heads/main"),
    ("github-api-url", "GITHUB_API_URL", "GitHub API base URL (GitHub Enterprise Server: https://HOST/api/v3)"),
    ("github-server-url", "GITHUB_SERVER_URL", "GitHub web URL, for links"),
    ("output", "GITHUB_OUTPUT", "append the outputs to this file (name=value lines)"),
    ("summary", "GITHUB_STEP_SUMMARY", "append the Markdown summary to this file"),
)


def checked(option: Option) -> Callable[[str], str]:
    def check(value: str) -> str:
        if option.check is not None and value.strip():
            try:
                option.check(option.name, value.strip())
            except InputError as error:
                raise argparse.ArgumentTypeError(error.problem) from None
        return value

    check.__name__ = option.name  # argparse names the type in its message
    return check


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iftrue-deploy",
        description="Report a deployment to iftrue, deriving the pull request, commits, branch, duration and flags.",
        epilog="Each option can also be set by the environment variable named in brackets; the option wins.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fields = parser.add_argument_group("deployment settings (the action's inputs)")
    for option in OPTIONS:
        default = f" (default: {option.default})" if option.default is not None else ""
        kwargs: dict[str, object] = {
            "dest": option.name.replace("-", "_"),
            "metavar": "VALUE",
            "type": checked(option),
            "help": f"{option.help}{default} [{option.variable}]",
        }
        if option.name == "dry-run":
            kwargs.update(nargs="?", const="true")
        fields.add_argument(f"--{option.name}", **kwargs)  # type: ignore[arg-type]
    context = parser.add_argument_group("GitHub context (read from these variables in GitHub Actions)")
    for flag, variable, text in CONTEXT:
        context.add_argument(f"--{flag}", dest=flag.replace("-", "_"), metavar="VALUE", help=f"{text} [{variable}]")
    return parser


def environ_for(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment the action would see: INPUT_* from flags or IFTRUE_* variables."""
    result: dict[str, str] = {"PATH": environ.get("PATH", "")}
    in_actions = environ.get("GITHUB_ACTIONS") == "true"
    if in_actions:
        result.update({k: v for k, v in environ.items() if k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))})
    for option in OPTIONS:
        value = getattr(args, option.name.replace("-", "_"))
        if value is None:
            value = environ.get(option.variable)
        if value is not None:
            result[f"INPUT_{option.name.upper()}"] = value
    for flag, variable, _text in CONTEXT:
        value = getattr(args, flag.replace("-", "_"))
        if value is None:
            value = environ.get(variable)
        if value:
            result[variable] = value
    if "IFTRUE_RETRY_BASE_DELAY" in environ:
        result["IFTRUE_RETRY_BASE_DELAY"] = environ["IFTRUE_RETRY_BASE_DELAY"]
    if result.get("GITHUB_REF", "").startswith("refs/"):
        result.setdefault("GITHUB_REF_NAME", result["GITHUB_REF"].split("/", 2)[-1])
    return result


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    args = build_parser().parse_args(argv)
    from .main import main as action_main

    return action_main(environ_for(args, environ))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
