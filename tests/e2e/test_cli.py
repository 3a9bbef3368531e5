"""The command-line program: the same settings as flags and as IFTRUE_* variables."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import EVENTS, GITHUB_TOKEN, IFTRUE_TOKEN, ROOT, parse_outputs
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

from iftrue_deploy.cli import OPTIONS

SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs `python -m iftrue_deploy` in a clean environment: no GITHUB_* variable at all."""
    full = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "iftrue_deploy", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com").start()
    yield standin
    standin.stop()


def test_help_lists_every_setting_with_its_default_and_variable() -> None:
    done = cli("--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for option in OPTIONS:
        assert f"--{option.name}" in text
        assert f"[{option.variable}]" in text
        if option.default is not None:
            assert f"(default: {option.default})" in text
    for variable in ("IFTRUE_TOKEN", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH"):
        assert variable in text


def test_options_are_the_action_inputs() -> None:
    action = (ROOT / "action.yml").read_text()
    inputs_block = action.split("\ninputs:\n", 1)[1].split("\noutputs:\n", 1)[0]
    names = re.findall(r"^  ([a-z][a-z-]*):\s*$", inputs_block, flags=re.MULTILINE)
    assert [o.name for o in OPTIONS] == names


def test_a_full_record_from_flags_alone(iftrue: IftrueStandIn) -> None:
    done = cli(
        "--api-url",
        iftrue.url,
        "--commit-id",
        SHA,
        "--member-id",
        "jenkins-7",
        "--repository",
        "acme/shop",
        "--branch",
        "feature/cart",
        "--title",
        "Cart v2",
        "--pull-request-number",
        "41",
        "--is-fix",
        "false",
        "--deployment-duration",
        "4.5",
        "--status",
        "success",
        "--url",
        "https://ci.example.com/job/9",
        env={"IFTRUE_TOKEN": IFTRUE_TOKEN},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert iftrue.records == [
        {
            "title": "Cart v2",
            "url": "https://ci.example.com/job/9",
            "branch": "feature/cart",
            "commit_id": SHA,
            "deployment_duration": 4.5,
            "is_fix": False,
            "is_hotfix": False,
            "is_forced": False,
            "commits_count": 0,
            "repository_url": "https://github.com/acme/shop",
            "member_id": "jenkins-7",
            "pull_request_number": 41,
            "status": "succes",
        }
    ]
    # Outside GitHub Actions: plain lines, no workflow commands, and the token is nowhere.
    assert "::" not in done.stdout
    assert IFTRUE_TOKEN not in done.stdout + done.stderr
    assert "Reported to iftrue as deployment" in done.stdout


def test_settings_from_environment_variables(iftrue: IftrueStandIn, tmp_path: Path) -> None:
    output = tmp_path / "out"
    env = {
        "IFTRUE_TOKEN": IFTRUE_TOKEN,
        "IFTRUE_API_URL": iftrue.url,
        "IFTRUE_COMMIT_ID": SHA,
        "IFTRUE_MEMBER_ID": "m",
        "IFTRUE_REPOSITORY_URL": "https://gitlab.example.com/acme/shop",
        "IFTRUE_BRANCH": "main",
        "IFTRUE_IS_HOTFIX": "true",
        "IFTRUE_DRY_RUN": "false",
        "IFTRUE_PULL_REQUEST_NUMBER": "0",
    }
    done = cli("--title", "from a flag", "--output", str(output), env={**env, "IFTRUE_TITLE": "from the environment"})
    assert done.returncode == 0, done.stdout + done.stderr
    record = iftrue.records[0]
    assert record["title"] == "from a flag"
    assert record["is_hotfix"] is True
    assert record["repository_url"] == "https://gitlab.example.com/acme/shop"
    assert parse_outputs(output.read_text())["deployment-id"]


def test_dry_run_flag_alone(iftrue: IftrueStandIn) -> None:
    event = EVENTS / "pull_request-closed-merged.json"
    done = cli("--event", str(event), "--event-name", "pull_request", "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert iftrue.requests == []
    start = done.stdout.index("{")
    record = json.loads(done.stdout[start : done.stdout.index("\n}", start) + 2])
    assert record["pull_request_number"] == 2 and record["branch"] == "changes"


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--is-fix", "maybe", "argument --is-fix: expected true or false, got 'maybe'"),
        ("--commits-count", "-2", "argument --commits-count: expected a whole number of 0 or more"),
        ("--status", "done", "argument --status: expected succes, in_progress or fail"),
        ("--api-url", "http://example.com", "argument --api-url: expected an https:// URL"),
        ("--backfill-source", "tags", "argument --backfill-source: expected one of releases, deployments"),
    ],
)
def test_bad_flag_value_is_one_clear_error(iftrue: IftrueStandIn, flag: str, value: str, message: str) -> None:
    done = cli("--api-url", iftrue.url, flag, value, env={"IFTRUE_TOKEN": IFTRUE_TOKEN})
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and message in errors[0], done.stderr
    assert iftrue.requests == []


def test_missing_member_id_outside_github(iftrue: IftrueStandIn) -> None:
    done = cli(
        "--api-url", iftrue.url, "--commit-id", SHA, "--repository", "acme/shop", env={"IFTRUE_TOKEN": IFTRUE_TOKEN}
    )
    assert done.returncode == 1
    assert "error: Input 'member-id'" in done.stdout
    assert iftrue.requests == []


def test_lookups_need_a_repository_and_a_token(iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    sha = github.add_commit("Add search (#7)")
    github.add_pull(7, "Add search", "feature/search", sha, labels=["fix"], commits=2)
    args = ["--api-url", iftrue.url, "--commit-id", sha, "--member-id", "m", "--github-api-url", github.url]
    # A token without a repository: nothing is asked of GitHub.
    done = cli(
        *args,
        env={
            "IFTRUE_TOKEN": IFTRUE_TOKEN,
            "GITHUB_TOKEN": GITHUB_TOKEN,
            "IFTRUE_REPOSITORY_URL": "https://x.example/r",
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert github.requests == []
    # With both: the pull request, its branch, labels and commits come from the API.
    done = cli(
        *args,
        "--repository",
        "Codertocat/Hello-World",
        env={"IFTRUE_TOKEN": IFTRUE_TOKEN, "GITHUB_TOKEN": GITHUB_TOKEN},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    record = iftrue.records[-1]
    assert (record["pull_request_number"], record["branch"], record["is_fix"], record["title"]) == (
        7,
        "feature/search",
        True,
        "Add search",
    )
    assert github.requests
