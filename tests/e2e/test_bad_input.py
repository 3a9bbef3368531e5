"""Bad input: one clear ::error line that names the input, exit 1, nothing sent."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from tests.conftest import IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.standins.iftrue import IftrueStandIn

BAD_INPUTS = [
    ("is-fix", "yes"),
    ("is-hotfix", "1"),
    ("is-forced", "on"),
    ("dry-run", "maybe"),
    ("fail-on-error", "no"),
    ("create-github-deployment", "y"),
    ("deployment-duration", "-3"),
    ("deployment-duration", "ten"),
    ("deployment-duration", "nan"),
    ("commits-count", "1.5"),
    ("commits-count", "-1"),
    ("pull-request-number", "#12"),
    ("status", "done"),
    ("duration-unit", "hours"),
    ("backfill-source", "tags"),
    ("backfill-since", "2024-13-45"),
    ("commit-id", "abc123"),
    ("api-url", "ftp://api.iftrue.co"),
    ("api-url", "http://api.iftrue.co"),
    ("api-url", "not a url"),
]


def one_error(run: ActionRun, iftrue: IftrueStandIn, mentions: str) -> str:
    assert run.returncode == 1, run.stdout + run.stderr
    errors = run.commands("error")
    assert len(errors) == 1, run.stdout
    assert mentions in errors[0]
    assert iftrue.requests == []
    assert "Traceback" not in run.stdout + run.stderr
    return errors[0]


@pytest.mark.parametrize(("name", "value"), BAD_INPUTS)
def test_bad_input_is_named(tmp_path: Path, iftrue: IftrueStandIn, name: str, value: str) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    inputs = {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, name: value}
    error = one_error(run_action(env, inputs), iftrue, f"'{name}'")
    assert "expected" in error


def test_missing_token(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    error = one_error(run_action(env, {"api-url": iftrue.url, "iftrue-token": "  "}), iftrue, "'iftrue-token'")
    assert "required" in error


@pytest.mark.parametrize("variable", ["IFTRUE_READ_TIMEOUT", "IFTRUE_RETRY_BASE_DELAY"])
def test_tuning_variable_of_zero_is_named(tmp_path: Path, iftrue: IftrueStandIn, variable: str) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env[variable] = "0"
    error = one_error(run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url}), iftrue, variable)
    assert "greater than 0, got '0'" in error


def test_token_with_a_line_break_is_named_not_echoed(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    token = IFTRUE_TOKEN[:30] + "\n" + IFTRUE_TOKEN[30:]
    run = run_action(env, {"iftrue-token": token, "api-url": iftrue.url})
    error = one_error(run, iftrue, "'iftrue-token': contains blanks or control characters")
    assert IFTRUE_TOKEN[:30] not in error and IFTRUE_TOKEN[30:] not in error


def test_api_url_password_is_not_echoed(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    run = run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": "http://deploy:hunter2@example.com"})
    one_error(run, iftrue, "'api-url'")
    assert "hunter2" not in run.stdout + run.stderr


def test_underscore_form_of_an_input_is_read_too(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env["INPUT_IFTRUE_TOKEN"] = IFTRUE_TOKEN
    env["INPUT_API_URL"] = iftrue.url
    run = run_action(env, {"is_fix": "true"})
    assert run.returncode == 0, run.stdout
    assert iftrue.records[0]["is_fix"] is True


def test_unreadable_event_file(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    missing = str(tmp_path / "nowhere" / "event.json")
    env = github_env(tmp_path, "push", missing)
    error = one_error(run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url}), iftrue, missing)
    assert "could not be read" in error


@pytest.mark.parametrize(
    ("content", "problem"),
    [("{not json", "not valid JSON"), ("[1, 2]", "not an object"), ("\xff\xfe", "not valid JSON")],
)
def test_invalid_event_file(tmp_path: Path, iftrue: IftrueStandIn, content: str, problem: str) -> None:
    path = tmp_path / "event.json"
    path.write_bytes(content.encode("latin-1"))
    env = github_env(tmp_path, "push", str(path))
    error = one_error(run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url}), iftrue, "event.json")
    assert problem in error


def test_unreachable_iftrue_fails_the_step(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env["IFTRUE_RETRY_BASE_DELAY"] = "0.01"
    inputs = {"iftrue-token": IFTRUE_TOKEN, "api-url": f"http://127.0.0.1:{port}"}
    run = run_action(env, inputs)
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "connection refused" in errors[0], run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    run = run_action(env, {**inputs, "fail-on-error": "false"})
    assert run.returncode == 0
    assert run.commands("error") == []
    assert any("connection refused" in line for line in run.commands("warning"))
