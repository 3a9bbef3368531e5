"""iftrue having a bad day: retried where safe, never two records, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.standins.iftrue import Fault, IftrueStandIn


def send(tmp_path: Path, iftrue: IftrueStandIn, **inputs: str) -> ActionRun:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env["IFTRUE_RETRY_BASE_DELAY"] = "0.01"  # keeps the back-off short in tests; the policy is the same
    run = run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, **inputs})
    assert "Traceback" not in run.stdout + run.stderr
    return run


def test_503_then_success_records_once(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(503))
    run = send(tmp_path, iftrue)
    assert run.returncode == 0, run.stdout
    assert [r.answered for r in iftrue.requests] == [503, 201]
    assert len(iftrue.records) == 1
    assert "retrying" in run.stdout


def test_429_with_retry_after_is_honoured(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(429, b'{"message": "Too Many Requests"}', {"Retry-After": "1"}))
    run = send(tmp_path, iftrue)
    assert run.returncode == 0, run.stdout
    assert [r.answered for r in iftrue.requests] == [429, 201]
    assert "retrying in 1.0 s" in run.stdout


def test_401_is_not_retried_and_shows_iftrue_message(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = send(tmp_path, iftrue, **{"iftrue-token": "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjk5OTk5OTk5OTl9.d3Jvbmc"})
    assert run.returncode == 1
    assert len(iftrue.requests) == 1
    errors = run.commands("error")
    assert len(errors) == 1
    assert "HTTP 401" in errors[0] and "Unauthorized: invalid token" in errors[0]


def test_422_is_not_retried_and_shows_iftrue_message(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(422, b'{"message": "member_id is not a member of this organization"}'))
    run = send(tmp_path, iftrue)
    assert run.returncode == 1
    assert len(iftrue.requests) == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "member_id is not a member of this organization" in errors[0]


def test_failure_is_a_warning_when_fail_on_error_is_false(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(422, b'{"message": "rejected"}'))
    run = send(tmp_path, iftrue, **{"fail-on-error": "false"})
    assert run.returncode == 0
    assert run.commands("error") == []
    assert any("rejected" in line for line in run.commands("warning"))
    assert "not reported" in run.summary
