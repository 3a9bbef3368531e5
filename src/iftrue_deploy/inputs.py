"""Every setting of the action, once: its name, default, parser, help and command-line variable.

``INPUTS`` is the one table. The action reads each entry from ``INPUT_<NAME>`` (settings.py), the
command-line program makes a flag ``--<name>`` and a variable from it (cli.py), and a test checks
it against action.yml. ``CONTEXT`` is the runner's variables that the command line sets with
flags. Both give :mod:`.vocabulary` its words, so that every message names a setting as the
program running it reads it. The parsers live in :mod:`.parsers`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from . import vocabulary
from .github_api import SETTING as GITHUB_API_SETTING
from .github_api import VARIABLE as GITHUB_API_VARIABLE
from .parsers import (
    DEFAULT_API_URL,
    BackfillSource,
    DurationUnit,
    InputError,
    check_jwt,
    parse_api_url,
    parse_backfill_source,
    parse_bool,
    parse_commit_sha,
    parse_duration_unit,
    parse_iftrue_token,
    parse_labels,
    parse_non_negative,
    parse_seconds,
    parse_status,
    parse_text,
    parse_token,
    parse_whole,
)
from .quoting import quoted

__all__ = [
    "BY_NAME",
    "CONTEXT",
    "DEFAULT_API_URL",
    "INPUTS",
    "BackfillSource",
    "DurationUnit",
    "InputError",
    "InputSpec",
    "check_jwt",
    "parse_api_url",
    "parse_backfill_since",
    "parse_bool",
    "parse_non_negative",
    "parse_status",
    "parse_whole",
]

T_co = TypeVar("T_co", covariant=True)


def parse_backfill_since(name: str, value: str) -> str:
    """A date, a tag, ``deployment:<id>`` or ``run:<id>`` (after that GitHub Deployment or workflow
    run; README "Backfill")."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
        elif value.startswith(("deployment:", "run:")) and not re.fullmatch(r"(deployment|run):[0-9]+", value):
            raise ValueError(value)
    except ValueError:
        raise InputError(
            name, f"expected a date YYYY-MM-DD, a tag, deployment:<id> or run:<id>, got {quoted(value)}"
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
BRANCH = InputSpec(
    "branch", None, parse_text, "branch that was merged to production (backfill of runs: the production branch)"
)
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
    "backfill-since",
    None,
    parse_backfill_since,
    "a date YYYY-MM-DD, a tag, deployment:<id> or run:<id>: report what came since",
)
BACKFILL_SOURCE = InputSpec("backfill-source", "releases", parse_backfill_source, "releases, deployments or runs")
BACKFILL_WORKFLOW = InputSpec(
    "backfill-workflow", None, parse_text, "with backfill-source runs: the deploy workflow's file name, e.g. deploy.yml"
)
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
    BACKFILL_WORKFLOW,
    READ_TIMEOUT,
    RETRY_BASE_DELAY,
)
BY_NAME: dict[str, InputSpec[object]] = {spec.name: spec for spec in INPUTS}


@dataclass(frozen=True)
class ContextSpec:
    """A variable of the GitHub runner that the command line sets with a flag."""

    flag: str
    variable: str
    help: str


CONTEXT: tuple[ContextSpec, ...] = (
    ContextSpec("repository", "GITHUB_REPOSITORY", "OWNER/REPO on GitHub (default: the checkout's origin remote)"),
    ContextSpec("event", "GITHUB_EVENT_PATH", "a GitHub event payload (JSON file) to derive from"),
    ContextSpec("event-name", "GITHUB_EVENT_NAME", "the event's name (push, release, pull_request, …)"),
    ContextSpec("sha", "GITHUB_SHA", "the commit the event is about (default: the checkout's HEAD)"),
    ContextSpec(
        "git-ref", "GITHUB_REF", "the ref the event is about, e.g. refs/heads/main (default: the checkout's branch)"
    ),
    ContextSpec(
        "github-api-url", "GITHUB_API_URL", "GitHub API base URL (GitHub Enterprise Server: https://HOST/api/v3)"
    ),
    ContextSpec("github-server-url", "GITHUB_SERVER_URL", "GitHub web URL, for links"),
    ContextSpec("output", "GITHUB_OUTPUT", "append the outputs to this file (name=value lines)"),
    ContextSpec("summary", "GITHUB_STEP_SUMMARY", "append the Markdown summary to this file"),
)

Term = vocabulary.Term
vocabulary.define(Term(s.name, s.name, s.variable, None if s.action_input else s.variable) for s in INPUTS)
vocabulary.define(Term(c.variable, c.flag, c.variable, c.variable) for c in CONTEXT)
# GITHUB_REF_NAME is set from --git-ref; nothing on the command line sets GITHUB_ACTOR_ID (no Term: None).
vocabulary.define([Term("GITHUB_REF_NAME", "git-ref", "GITHUB_REF", "GITHUB_REF_NAME")])
# The repository as messages name it (`--repository / GITHUB_REPOSITORY`), and the GitHub API URL
# as a setting (github_api.py): the action's variables, the command line's flags.
vocabulary.define([Term("repository", "repository", "GITHUB_REPOSITORY", "GITHUB_REPOSITORY")])
vocabulary.define([Term(GITHUB_API_SETTING, "github-api-url", GITHUB_API_VARIABLE, GITHUB_API_VARIABLE)])
