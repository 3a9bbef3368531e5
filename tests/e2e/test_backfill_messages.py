"""Issue 17: a backfill's errors in the words of where it runs: the action's inputs, or the CLI's
flags and variables; one sentence each; a network failure said as the iftrue client says it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import GITHUB_TOKEN
from tests.e2e.test_cli import cli
from tests.scenarios import run_backfill as backfill
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

OFFLINE = "https://api.github.invalid"  # .invalid never resolves (RFC 2606)


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN).start()
    yield standin
    standin.stop()


def one_error(text: str) -> str:
    lines = [line for line in text.splitlines() if "error" in line.lower()]
    assert len(lines) == 1, text
    return lines[0]


def test_without_a_token_the_action_names_its_inputs(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    run = backfill(tmp_path, iftrue, github, backfill_since="2024-02-01", github_token="")
    assert run.returncode == 1
    (error,) = run.commands("error")
    assert error == (
        "::error::Input 'backfill-since': a backfill reads the history from the GitHub API, but input 'github-token' is empty"
    )
    assert github.requests == [] and iftrue.requests == []


def test_without_a_token_the_cli_names_its_flags_and_variables() -> None:
    done = cli("--dry-run", "--backfill-since", "2024-01-01", "--repository", "octo-org/octo-repo")
    assert done.returncode == 1
    error = one_error(done.stdout + done.stderr)
    assert "--backfill-since / IFTRUE_BACKFILL_SINCE" in error and "--github-token / GITHUB_TOKEN is empty" in error
    assert "Input '" not in error and "input '" not in error and ".." not in error


def test_without_a_repository_the_cli_names_its_flag() -> None:
    done = cli("--dry-run", "--backfill-since", "2024-01-01", "--github-token", "ghs_x")
    assert done.returncode == 1
    assert "no repository is known (--repository / GITHUB_REPOSITORY)" in one_error(done.stdout + done.stderr)


def test_runs_without_a_workflow_in_the_cli() -> None:
    done = cli("--dry-run", "--backfill-since", "2024-01-01", "--backfill-source", "runs")
    assert done.returncode == 2
    error = one_error(done.stdout + done.stderr)
    assert "--backfill-workflow / IFTRUE_BACKFILL_WORKFLOW: required with --backfill-source runs" in error


def test_offline_is_said_as_the_iftrue_client_says_it() -> None:
    done = cli(
        "--dry-run",
        "--backfill-since",
        "2024-01-01",
        "--repository",
        "octo-org/octo-repo",
        "--github-token",
        "ghs_x",
        "--github-api-url",
        OFFLINE,
    )
    assert done.returncode == 1
    error = one_error(done.stdout + done.stderr)
    assert error.endswith(
        "The backfill could not list past releases: could not connect to api.github.invalid (host name not found)."
    ), error
    assert "HTTPSConnectionPool" not in done.stdout + done.stderr and "ghs_x" not in done.stdout + done.stderr
