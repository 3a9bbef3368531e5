"""`docker stop` during a retry wait: the action, PID 1 of its container, stops within 5 s (not
after docker's 10 s grace period and a SIGKILL) and says the deployment was not recorded."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from tests.conftest import IFTRUE_TOKEN, event_payload, github_env
from tests.docker_engine import docker
from tests.standins.iftrue import Fault, IftrueStandIn
from tests.test_container import BuiltImage, engine, image  # noqa: F401 - the session's image fixtures

pytestmark = pytest.mark.container


def test_docker_stop_during_a_retry_wait_is_quick(
    image: BuiltImage,  # noqa: F811
    tmp_path: Path,
    iftrue: IftrueStandIn,
) -> None:
    iftrue.faults.append(Fault(503, b'{"message": "down"}', {"Retry-After": "60"}))
    workflow = tmp_path / "workflow"
    workflow.mkdir()
    env = github_env(workflow, "push", event_payload("push-branch-created"))
    env.update(
        {
            "GITHUB_EVENT_PATH": "/github/workflow/event.json",
            "GITHUB_OUTPUT": "",
            "GITHUB_STEP_SUMMARY": "",
            "GITHUB_WORKSPACE": "/github/workspace",
            "INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN,
            "INPUT_API-URL": iftrue.url,
            "INPUT_GITHUB-TOKEN": "",
        }
    )
    name = f"iftrue-deploy-stop-{uuid.uuid4().hex[:12]}"
    args = ["run", "--detach", "--name", name, "--network", "host", "-v", f"{workflow}:/github/workflow"]
    for key in env:
        args += ["-e", key]
    started = docker(*args, image.tag, env={**os.environ, **env})
    try:
        assert started.returncode == 0, started.stderr
        deadline = time.monotonic() + 60
        while "retrying in 60.0 s" not in docker("logs", name).stdout:
            assert time.monotonic() < deadline, docker("logs", name).stdout
            time.sleep(0.2)
        began = time.monotonic()
        stopped = docker("stop", "--time", "10", name)
        seconds = time.monotonic() - began
        assert stopped.returncode == 0, stopped.stderr
        logs = docker("logs", name)
        state = docker("container", "inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
    finally:
        docker("container", "rm", "--force", name)
    assert seconds < 5, f"docker stop took {seconds:.1f} s"
    assert state == "143"
    assert "::error::Cancelled by SIGTERM: iftrue has not recorded the deployment." in logs.stdout
    assert "Traceback" not in logs.stdout + logs.stderr
    assert len(iftrue.requests) == 1
