"""Cancelling the step: SIGTERM or SIGINT ends the run within 2 s, also as PID 1 (the container
case, where a signal without a handler is ignored), says whether iftrue recorded the deployment,
exits non-zero and prints no traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.conftest import ENTRYPOINT, IFTRUE_TOKEN, event_payload, github_env
from tests.standins.iftrue import Fault, IftrueStandIn


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def wait_for(self, text: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert time.monotonic() < deadline, f"{text!r} never appeared in {self.lines}"
            assert self.process.poll() is None, f"exited early: {self.lines}"
            time.sleep(0.02)

    def stop_with(self, signum: int, pid: int | None = None) -> tuple[int, float]:
        started = time.monotonic()
        os.kill(pid or self.process.pid, signum)
        code = self.process.wait(timeout=10)
        return code, time.monotonic() - started


@pytest.fixture
def start(tmp_path: Path, iftrue: IftrueStandIn) -> Iterator[object]:
    processes: list[subprocess.Popen[str]] = []

    def launch(prefix: list[str] | None = None) -> Running:
        env = github_env(tmp_path, "push", event_payload("push-branch-created"))
        env.update(
            {"PATH": os.environ.get("PATH", ""), "INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN, "INPUT_API-URL": iftrue.url}
        )
        process = subprocess.Popen(
            [*(prefix or []), sys.executable, str(ENTRYPOINT)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
        )
        processes.append(process)
        running = Running(process)

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                running.lines.append(line.rstrip("\n"))

        threading.Thread(target=read, daemon=True).start()
        return running

    yield launch
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def finished(running: Running) -> str:
    time.sleep(0.1)  # the reader thread takes the last lines
    return "\n".join(running.lines)


@pytest.mark.parametrize(("signum", "exit_code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_a_retry_wait_ends_the_run(start, iftrue: IftrueStandIn, signum: int, exit_code: int) -> None:  # type: ignore[no-untyped-def]
    iftrue.faults.append(Fault(503, b'{"message": "down"}', {"Retry-After": "30"}))
    running = start()
    running.wait_for("retrying in 30.0 s")
    code, seconds = running.stop_with(signum)
    out = finished(running)
    assert code == exit_code and seconds < 2
    name = signal.Signals(signum).name
    assert f"::error::Cancelled by {name}: iftrue has not recorded the deployment." in out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out
    assert len(iftrue.requests) == 1


def test_a_signal_while_the_deployment_is_in_flight_says_it_may_be_recorded(start, iftrue: IftrueStandIn) -> None:  # type: ignore[no-untyped-def]
    iftrue.faults.append(Fault(kind="delay", delay=20))
    running = start()
    assert iftrue.arrived.wait(15)
    code, seconds = running.stop_with(signal.SIGTERM)
    out = finished(running)
    assert code == 143 and seconds < 2
    assert "::error::Cancelled by SIGTERM: the deployment was being sent to iftrue: it may have been recorded." in out
    assert "Traceback" not in out


def unshare_works() -> str | None:
    if shutil.which("unshare") is None:
        return "no `unshare` (util-linux) on PATH"
    probe = subprocess.run(
        ["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return f"`unshare --pid --fork` is not allowed here: {probe.stderr.strip()[:200]}"
    return None


def namespaced_pid_1(unshare: subprocess.Popen[str]) -> int:
    """The host's PID of the process that is PID 1 inside the new namespace (unshare's child)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        children = Path(f"/proc/{unshare.pid}/task/{unshare.pid}/children").read_text().split()
        if children:
            pid = int(children[0])
            nspid = [line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("NSpid:")]
            assert nspid and nspid[0].split()[-1] == "1", nspid
            return pid
        time.sleep(0.02)
    raise AssertionError("unshare started no child")


def test_as_pid_1_sigterm_is_handled_not_ignored(start, iftrue: IftrueStandIn) -> None:  # type: ignore[no-untyped-def]
    why_not = unshare_works()
    if why_not:
        pytest.skip(why_not)
    iftrue.faults.append(Fault(503, b'{"message": "down"}', {"Retry-After": "30"}))
    running = start(["unshare", "--pid", "--fork", "--mount-proc"])
    running.wait_for("retrying in 30.0 s")
    code, seconds = running.stop_with(signal.SIGTERM, namespaced_pid_1(running.process))
    out = finished(running)
    assert seconds < 2, out
    assert code == 143, out
    assert "::error::Cancelled by SIGTERM: iftrue has not recorded the deployment." in out
    assert "Traceback" not in out
