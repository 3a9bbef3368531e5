"""iftrue having a bad day: retried where safe, never two records, never a traceback."""

from __future__ import annotations

import io
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import ENTRYPOINT, IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.standins.iftrue import Fault, IftrueStandIn

from iftrue_deploy.main import main


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


def test_503_twice_then_success_records_once(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults += [Fault(503), Fault(503)]
    run = send(tmp_path, iftrue)
    assert run.returncode == 0, run.stdout
    assert [r.answered for r in iftrue.requests] == [503, 503, 201]
    assert len(iftrue.records) == 1


def test_429_without_retry_after_backs_off(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(429, b'{"message": "slow down"}'))
    run = send(tmp_path, iftrue)
    assert run.returncode == 0, run.stdout
    assert [r.answered for r in iftrue.requests] == [429, 201]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_and_gateway_errors_are_not_retried(tmp_path: Path, iftrue: IftrueStandIn, status: int) -> None:
    # A gateway may answer 502/504 after iftrue stored the record: a retry could record it twice.
    iftrue.faults.append(Fault(status, b"<html>Bad Gateway</html>"))
    run = send(tmp_path, iftrue)
    assert run.returncode == 1
    assert [r.answered for r in iftrue.requests] == [status]
    errors = run.commands("error")
    assert len(errors) == 1 and f"HTTP {status}" in errors[0] and "may have been recorded" in errors[0]
    assert "retrying" not in run.stdout


def test_500_is_not_retried(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(500, b'{"message": "database is down"}'))
    run = send(tmp_path, iftrue)
    assert run.returncode == 1
    assert len(iftrue.requests) == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "HTTP 500" in errors[0] and "database is down" in errors[0]


def test_retries_are_bounded(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults += [Fault(503) for _ in range(8)]
    run = send(tmp_path, iftrue)
    assert run.returncode == 1
    assert len(iftrue.requests) == 5
    errors = run.commands("error")
    assert len(errors) == 1 and "gave up after 5 attempt(s)" in errors[0]


def test_connection_reset_after_sending_is_not_retried(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(kind="close"))
    run = send(tmp_path, iftrue)
    assert run.returncode == 1
    assert len(iftrue.requests) == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "may have been recorded" in errors[0] and "twice" in errors[0]


def test_read_timeout_after_sending_is_not_retried(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(kind="delay", delay=3))
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env["IFTRUE_READ_TIMEOUT"] = "0.5"
    run = run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url})
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1
    assert "did not answer within 0.5 s" in errors[0] and "could record it twice" in errors[0]
    assert "Traceback" not in run.stdout + run.stderr


@pytest.fixture
def reset_mid_request() -> Iterator[tuple[str, list[int]]]:
    """A server that reads the headers and a little of the body, then resets the connection while
    the client is still writing the rest (its small receive buffer makes the client wait)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    attempts: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            attempts.append(1)
            received = b""
            while b"\r\n\r\n" not in received or len(received) < received.index(b"\r\n\r\n") + 1000:
                chunk = connection.recv(1024)
                if not chunk:
                    break
                received += chunk
            time.sleep(0.2)  # the client is blocked in its write by now
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()  # a reset, not a clean close

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", attempts
    stop.set()
    thread.join(2)
    listener.close()


def test_a_connection_broken_while_the_record_is_written_is_not_retried(
    tmp_path: Path, reset_mid_request: tuple[str, list[int]]
) -> None:
    # Part of the record reached iftrue: it may have been recorded, so it is not sent again.
    url, attempts = reset_mid_request
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env.update({"INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN, "INPUT_API-URL": url, "IFTRUE_RETRY_BASE_DELAY": "0.01"})
    # 8 MB of record, more than the sockets' buffers hold: the client is still writing at the reset.
    # In-process, because an environment variable holds at most 128 kB.
    env["INPUT_URL"] = "https://ci.example.com/" + "x" * 8_000_000
    stream = io.StringIO()
    code = main(env, stream)
    assert code == 1
    assert len(attempts) == 1
    errors = [line for line in stream.getvalue().split("\n") if line.startswith("::error::")]
    assert len(errors) == 1 and "may have been recorded" in errors[0], errors


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_an_error_that_names_where_it_pointed(tmp_path: Path, iftrue: IftrueStandIn, status: int) -> None:
    elsewhere = IftrueStandIn(IFTRUE_TOKEN).start()
    try:
        target = elsewhere.url.replace("://", "://admin:hunter2@") + "/v1/organization/deployment"
        iftrue.faults.append(Fault(status, b"", {"Location": target}))
        run = send(tmp_path, iftrue)
        assert run.returncode == 1
        assert len(iftrue.requests) == 1 and elsewhere.requests == []  # not followed, not as a GET either
        errors = run.commands("error")
        assert len(errors) == 1 and f"HTTP {status}" in errors[0]
        shown = elsewhere.url.replace("://", "://***@")  # the userinfo said to be there, never shown
        assert f"{shown}/v1/organization/deployment" in errors[0]
        assert "hunter2" not in run.stdout + run.summary and "admin" not in run.stdout
    finally:
        elsewhere.stop()


def test_token_typed_into_a_field_is_scrubbed_from_outputs_and_summary(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    # run_action scans every run for the token; here it reaches the record itself.
    run = send(tmp_path, iftrue, title=f"oops {IFTRUE_TOKEN}")
    assert run.returncode == 0
    assert iftrue.records[0]["title"] == f"oops {IFTRUE_TOKEN}"
    assert "oops ***" in run.outputs["payload"] and "oops ***" in run.summary


def test_unwritable_outputs_after_iftrue_accepted_are_a_warning(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    # A failed step here invites a re-run, and a re-run records the deployment twice.
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        blocked = tmp_path / f"{name}-is-a-directory"
        blocked.mkdir()
        env[name] = str(blocked)
    env.update({"PATH": os.environ.get("PATH", ""), "INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN, "INPUT_API-URL": iftrue.url})
    # Not run_action: it reads the outputs and summary files afterwards.
    run = subprocess.run([sys.executable, str(ENTRYPOINT)], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout
    assert len(iftrue.records) == 1
    assert IFTRUE_TOKEN not in run.stdout.replace(f"::add-mask::{IFTRUE_TOKEN}", "") + run.stderr
    lines = run.stdout.split("\n")
    reported = next(i for i, line in enumerate(lines) if line.startswith("Reported to iftrue as deployment "))
    warnings = [i for i, line in enumerate(lines) if line.startswith("::warning::Could not write")]
    assert len(warnings) == 2 and reported < min(warnings)
    assert "::error::" not in run.stdout and "Unexpected error" not in run.stdout
