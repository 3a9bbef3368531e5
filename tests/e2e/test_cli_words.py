"""The command line speaks its own words (README "Command line"): every message names flags and
IFTRUE_* variables, never the action's inputs, and suggests no GITHUB_* variable it does not read;
the notices come before the error that ends a run; a dry run in a checkout whose origin is no
GitHub remote prints its record, naming what it could not derive."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import EVENTS, IFTRUE_TOKEN, ROOT
from tests.e2e.test_cli import SHA, checkout, cli, dry_run_record, git, needs_git
from tests.standins.iftrue import Fault, IftrueStandIn

from iftrue_deploy.inputs import INPUTS

# The action's input names that are no ordinary words (`branch`, `status`, `url` … are).
INPUT_WORDS = [spec.name for spec in INPUTS if "-" in spec.name]
# Variables the command line does not read: suggesting them would change nothing.
UNREAD = ("GITHUB_REF_NAME", "GITHUB_ACTOR_ID", "INPUT_", "${{")


def action_words(text: str) -> list[str]:
    """Every place where the output speaks the action's language instead of the command line's
    (a quoted value such as the placeholder 'dry-run' is no input's name)."""
    found = [
        f"bare input {name!r}"
        for name in INPUT_WORDS
        if re.search(rf"(?<![-\w'\"]){re.escape(name)}(?![-\w'\"])", text)
    ]
    found += [f"names {word}" for word in UNREAD if word in text]
    found += ["says Input '…'"] if "Input '" in text else []
    # GITHUB_SHA and GITHUB_REPOSITORY are read, as the variables of --sha and --repository only.
    found += [f"bare {v}" for v in ("GITHUB_SHA", "GITHUB_REPOSITORY") if re.search(rf"(?<!/ ){v}\b", text)]
    return found


def errors_last(done: subprocess.CompletedProcess[str]) -> None:
    lines = [line for line in done.stdout.splitlines() if line.startswith(("error:", "warning:", "notice:"))]
    first_error = next(i for i, line in enumerate(lines) if line.startswith("error:"))
    assert all(line.startswith("error:") for line in lines[first_error:]), done.stdout


def test_the_words_test_sees_action_words() -> None:
    """The checker itself: each kind of action word it must catch."""
    assert action_words("set pull-request-number to report one")
    assert action_words("no sender in the event and no GITHUB_ACTOR_ID")
    assert action_words("(no GITHUB_SHA)")
    assert action_words("Input 'is-fix': expected true or false")
    assert action_words("give --commit-id / IFTRUE_COMMIT_ID or --sha / GITHUB_SHA") == []


@needs_git
def test_dry_run_in_a_checkout_whose_origin_is_a_local_path(tmp_path: Path) -> None:
    sha = checkout(tmp_path / "shop", "main", remote=str(tmp_path / "upstream.git"))
    done = cli("--dry-run", cwd=tmp_path / "shop")
    record = dry_run_record(done)
    assert (record["commit_id"], record["branch"]) == (sha, "main")
    assert (record["repository_url"], record["member_id"]) == ("dry-run", "dry-run")
    assert "repository_url is the placeholder 'dry-run'" in done.stdout
    assert "give --repository-url / IFTRUE_REPOSITORY_URL to send" in done.stdout
    assert "give --member-id / IFTRUE_MEMBER_ID to send" in done.stdout
    assert action_words(done.stdout + done.stderr) == []


@needs_git
def test_a_real_run_there_stops_naming_the_flag_and_sends_nothing(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    checkout(tmp_path, "main", remote=str(tmp_path / "upstream.git"))
    done = cli("--api-url", iftrue.url, "--member-id", "m", cwd=tmp_path, env={"IFTRUE_TOKEN": IFTRUE_TOKEN})
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "error: --repository-url / IFTRUE_REPOSITORY_URL: could not be derived "
        "(no repository in the event or --repository / GITHUB_REPOSITORY); set it"
    )
    assert iftrue.requests == []


@needs_git
def test_a_dry_run_given_everything_has_no_placeholder(tmp_path: Path) -> None:
    checkout(tmp_path, "main", remote=str(tmp_path / "upstream.git"))
    args = ["--dry-run", "--member-id", "7", "--repository-url", "https://gitlab.example.com/acme/shop"]
    done = cli(*args, cwd=tmp_path)
    record = dry_run_record(done)
    assert (record["repository_url"], record["member_id"]) == ("https://gitlab.example.com/acme/shop", "7")
    assert "placeholder" not in done.stdout


def test_missing_member_and_commit_suggest_only_what_the_command_line_reads(iftrue: IftrueStandIn) -> None:
    base = ["--api-url", iftrue.url, "--repository", "acme/shop", "--branch", "main"]
    env = {"IFTRUE_TOKEN": IFTRUE_TOKEN}
    done = cli(*base, "--commit-id", SHA, env=env)  # outside any checkout: no member id
    assert done.stdout.splitlines()[-1] == (
        "error: --member-id / IFTRUE_MEMBER_ID: could not be derived (no sender in the event); set it"
    )
    done = cli(*base, "--member-id", "m", env=env)  # no commit anywhere
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "error: --commit-id / IFTRUE_COMMIT_ID: no commit is named (not by the event or --sha / GITHUB_SHA); "
        "give --commit-id / IFTRUE_COMMIT_ID or --ref / IFTRUE_REF"
    )
    assert action_words(done.stdout + done.stderr) == []
    assert iftrue.requests == []


@pytest.mark.parametrize(
    ("event", "name", "says"),
    [
        ("pull_request-opened.json", "pull_request", "not a merge"),
        ("deployment_status-in_progress.json", "deployment_status", "set --status / IFTRUE_STATUS to report"),
    ],
)
def test_skip_notices_speak_flags(event: str, name: str, says: str) -> None:
    done = cli("--dry-run", "--event", str(EVENTS / event), "--event-name", name, "--git-ref", "refs/heads/main")
    assert done.returncode == 0, done.stdout + done.stderr
    assert says in done.stdout
    assert action_words(done.stdout + done.stderr) == []


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (Fault(401, b'{"message": "Unauthorized"}'), "check --iftrue-token / IFTRUE_TOKEN"),
        (Fault(404, b'{"message": "Not found"}'), "check --api-url / IFTRUE_API_URL"),
        (Fault(302, b"", {"Location": "https://elsewhere.example/"}), "Set --api-url / IFTRUE_API_URL to"),
    ],
)
def test_iftrue_answers_speak_flags(iftrue: IftrueStandIn, fault: Fault, says: str) -> None:
    iftrue.faults.append(fault)
    args = ["--api-url", iftrue.url, "--commit-id", SHA, "--member-id", "m", "--branch", "main"]
    done = cli(*args, "--repository", "acme/shop", env={"IFTRUE_TOKEN": IFTRUE_TOKEN})
    assert done.returncode == 1
    assert says in done.stdout.splitlines()[-1], done.stdout
    assert action_words(done.stdout + done.stderr) == []


def test_fail_on_error_false_speaks_the_flag(iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(422, b'{"message": "rejected"}'))
    args = ["--api-url", iftrue.url, "--commit-id", SHA, "--member-id", "m", "--branch", "main"]
    done = cli(*args, "--repository", "acme/shop", "--fail-on-error", "false", env={"IFTRUE_TOKEN": IFTRUE_TOKEN})
    assert done.returncode == 0
    assert "(with --fail-on-error false, this still succeeds)" in done.stdout
    assert action_words(done.stdout + done.stderr) == []


@needs_git
def test_notices_come_before_the_error(tmp_path: Path) -> None:
    checkout(tmp_path)
    git(tmp_path, "checkout", "-q", "--detach")
    done = cli("--dry-run", cwd=tmp_path)
    assert done.returncode == 1
    errors_last(done)
    assert "github-token / GITHUB_TOKEN is empty" in done.stdout
    assert action_words(done.stdout + done.stderr) == []


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`iftrue-deploy --dry-run | head -1`: the pipe closes after the first line."""
    event = EVENTS / "pull_request-closed-merged.json"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src")}
    with subprocess.Popen(
        [sys.executable, "-m", "iftrue_deploy", "--dry-run", "--event", str(event), "--event-name", "pull_request"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        process.stdout.close()  # the reader goes away; the program still has lines to print
        stderr = process.stderr.read()
        code = process.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert code in (0, 1)
