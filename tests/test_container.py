"""The action's Docker image, built from the Dockerfile and run the way the GitHub runner runs it.

The runner starts a Docker action with the workspace, the event file and the file-command files
mounted under /github, every input as ``INPUT_<NAME>`` (hyphens kept) and the ``GITHUB_*``
variables pointing at the in-container paths. These tests do the same against the local iftrue
stand-in (reached over ``--network host``; it listens on 127.0.0.1).

They need a Docker-compatible engine (``docker info`` must work) and are skipped otherwise;
on CI (``CI=true``) they fail instead. The base image defaults to ``python:3.13-slim`` (the tag,
not the Dockerfile's digest pin, so that a local stand-in can serve it); set
IFTRUE_TEST_PYTHON_IMAGE to build from another one.

    python3 dev.py test tests/test_container.py -v -s
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import IFTRUE_TOKEN, event_payload, github_env, parse_outputs
from tests.docker_engine import PYTHON_IMAGE, build_action_image, docker, skip_without_engine
from tests.standins.iftrue import IftrueStandIn

pytestmark = pytest.mark.container

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "tests" / "fixtures" / "events"
RUN_TIMEOUT = 180
MB = 1_000_000
# The image's own layers (dependencies and code) on top of the base image.
MAX_ADDED_BYTES = 60 * MB


@pytest.fixture(scope="session")
def engine() -> None:
    skip_without_engine("the container tests need")


@dataclass(frozen=True)
class BuiltImage:
    tag: str
    build_seconds: float


@pytest.fixture(scope="session")
def image(engine: None) -> Iterator[BuiltImage]:
    """Builds the action image once per session; removes the tag afterwards."""
    tag = f"iftrue-deploy-test:{uuid.uuid4().hex[:12]}"
    seconds = build_action_image(tag, ROOT)
    print(f"\nbuilt {tag} from {PYTHON_IMAGE} in {seconds:.1f} s")
    yield BuiltImage(tag, seconds)
    docker("image", "rm", "--force", tag)


@dataclass
class ContainerRun:
    returncode: int
    stdout: str
    stderr: str
    outputs_raw: str
    outputs: dict[str, str]
    summary: str

    def commands(self, kind: str) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith(f"::{kind}")]


def pick_event() -> tuple[str, dict[str, Any], str, str]:
    """The merged pull request event if the fixtures have it, else a pushed branch.

    Returns (event name, payload, GITHUB_SHA, GITHUB_REF) as the runner would set them.
    """
    if (EVENTS / "pull_request-closed-merged.json").exists():
        event = event_payload("pull_request-closed-merged")
        pr = event["pull_request"]
        # On a merged pull request's `closed` event, the runner checks out the base branch at the
        # merge commit.
        return "pull_request", event, pr["merge_commit_sha"], f"refs/heads/{pr['base']['ref']}"
    event = event_payload("push-branch-created")
    return "push", event, event["after"], event["ref"]


def run_container(
    image: BuiltImage,
    tmp_path: Path,
    event_name: str,
    event: dict[str, Any],
    inputs: dict[str, str],
    *,
    sha: str,
    ref: str,
) -> ContainerRun:
    """``docker run`` with the runner's mounts, paths and environment."""
    workspace = tmp_path / "workspace"
    workflow = tmp_path / "workflow"
    file_commands = tmp_path / "file_commands"
    home = tmp_path / "home"
    for directory in (workspace, workflow, file_commands, home):
        directory.mkdir()
    # github_env writes event.json into the directory it is given: the one mounted at /github/workflow.
    env = github_env(workflow, event_name, event, sha=sha, ref=ref)
    for leftover in ("github_output", "step_summary"):
        (workflow / leftover).unlink(missing_ok=True)
    step = uuid.uuid4()
    output_name, summary_name = f"set_output_{step}", f"step_summary_{step}"
    (file_commands / output_name).touch()
    (file_commands / summary_name).touch()
    env.update(
        {
            "HOME": "/github/home",
            "GITHUB_EVENT_PATH": "/github/workflow/event.json",
            "GITHUB_OUTPUT": f"/github/file_commands/{output_name}",
            "GITHUB_STEP_SUMMARY": f"/github/file_commands/{summary_name}",
            "GITHUB_WORKSPACE": "/github/workspace",
            # The runner passes its own (host) path here; it is not mounted into the container.
            "RUNNER_TEMP": "/home/runner/work/_temp",
        }
    )
    for name, value in inputs.items():
        env[f"INPUT_{name.upper()}"] = value

    name = f"iftrue-deploy-test-{uuid.uuid4().hex[:12]}"
    args = [
        "run",
        "--name", name,
        "--network", "host",
        "--workdir", "/github/workspace",
        "-v", f"{workspace}:/github/workspace",
        "-v", f"{workflow}:/github/workflow",
        "-v", f"{file_commands}:/github/file_commands",
        "-v", f"{home}:/github/home",
    ]  # fmt: skip
    # Like the runner: `-e NAME` only, the value comes from the docker client's environment, so
    # that no secret appears on a command line.
    for key in env:
        args += ["-e", key]
    args.append(image.tag)
    # The runner uses `docker run --rm`; here the container is removed explicitly instead,
    # because through podman's Docker API `docker run --rm` reports exit 0 whatever the
    # container's exit code was (podman#18889).
    try:
        done = docker(*args, timeout=RUN_TIMEOUT, env={**os.environ, **env})
        state = docker("container", "inspect", "--format", "{{.State.ExitCode}}", name)
    finally:
        docker("container", "rm", "--force", name)
    if done.returncode == 125 or state.returncode != 0:
        pytest.fail(f"the container did not run (exit {done.returncode}):\n{done.stderr}\n{state.stderr}")
    assert int(state.stdout.strip()) == done.returncode, "docker run and the container disagree on the exit code"
    outputs_raw = (file_commands / output_name).read_text()
    return ContainerRun(
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        outputs_raw=outputs_raw,
        outputs=parse_outputs(outputs_raw),
        summary=(file_commands / summary_name).read_text(),
    )


def base_inputs(iftrue: IftrueStandIn) -> dict[str, str]:
    # The runner sends inputs the workflow leaves unset as empty strings; an empty github-token
    # keeps the GitHub API out of the test.
    return {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, "github-token": ""}


def capture_answers(iftrue: IftrueStandIn, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Keeps what the stand-in answers, so that outputs can be compared with it."""
    answers: list[dict[str, Any]] = []
    original = iftrue.handle

    def handle(path: str, headers: dict[str, str], body: Any) -> tuple[int, dict[str, Any]]:
        status, answer = original(path, headers, body)
        answers.append(answer)
        return status, answer

    monkeypatch.setattr(iftrue, "handle", handle)
    return answers


def test_reports_a_deployment_from_the_container(
    image: BuiltImage, tmp_path: Path, iftrue: IftrueStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = capture_answers(iftrue, monkeypatch)
    event_name, event, sha, ref = pick_event()

    run = run_container(image, tmp_path, event_name, event, base_inputs(iftrue), sha=sha, ref=ref)

    assert run.returncode == 0, f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert run.commands("error") == [], run.stdout
    assert "Traceback" not in run.stderr, run.stderr

    assert len(iftrue.records) == 1, iftrue.requests
    record = iftrue.records[0]
    if event_name == "pull_request":
        pr = event["pull_request"]
        expected_branch, expected_member = pr["head"]["ref"], str(pr["merged_by"]["id"])
    else:
        expected_branch, expected_member = event["ref"].removeprefix("refs/heads/"), str(event["sender"]["id"])
    assert record["commit_id"] == sha
    assert record["branch"] == expected_branch
    assert record["member_id"] == expected_member
    assert record["repository_url"] == event["repository"]["html_url"]
    assert record["status"] == "succes"
    assert iftrue.requests[0].headers.get("Authorization") == f"Bearer {IFTRUE_TOKEN}"

    assert len(answers) == 1
    assert run.outputs["deployment-id"] == answers[0]["id"]
    assert json.loads(run.outputs["payload"]) == record
    assert json.loads(run.outputs["response"]) == answers[0]
    assert run.outputs["status"] == "succes"

    assert "### iftrue deployment" in run.summary
    assert answers[0]["id"] in run.summary

    # The token is printed once, to be masked, and nowhere else.
    token_lines = [line for line in run.stdout.splitlines() if IFTRUE_TOKEN in line]
    assert token_lines == [f"::add-mask::{IFTRUE_TOKEN}"], run.stdout
    assert IFTRUE_TOKEN not in run.stderr
    assert IFTRUE_TOKEN not in run.outputs_raw
    assert IFTRUE_TOKEN not in run.summary


def test_bad_input_fails_the_step_without_sending(image: BuiltImage, tmp_path: Path, iftrue: IftrueStandIn) -> None:
    event_name, event, sha, ref = pick_event()
    inputs = {**base_inputs(iftrue), "is-fix": "maybe"}

    run = run_container(image, tmp_path, event_name, event, inputs, sha=sha, ref=ref)

    assert run.returncode == 1, f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    errors = run.commands("error")
    assert len(errors) == 1, run.stdout
    assert "is-fix" in errors[0]
    assert "Traceback" not in run.stderr, run.stderr
    assert iftrue.requests == []
    assert iftrue.records == []


def image_size(reference: str) -> int:
    inspected = docker("image", "inspect", "--format", "{{.Size}}", reference)
    assert inspected.returncode == 0, inspected.stderr
    return int(inspected.stdout.strip())


def test_image_size(image: BuiltImage) -> None:
    size = image_size(image.tag)
    base = image_size(PYTHON_IMAGE)
    added = size - base
    print(
        f"\nimage {image.tag}: {size / MB:.1f} MB; base {PYTHON_IMAGE}: {base / MB:.1f} MB; "
        f"added by the action: {added / MB:.1f} MB; build took {image.build_seconds:.1f} s"
    )
    assert 0 < added < MAX_ADDED_BYTES


def test_image_config(image: BuiltImage) -> None:
    """Runs as root (no USER), from an absolute exec-form entrypoint, outside /github/workspace."""
    inspected = docker("image", "inspect", "--format", "{{json .Config}}", image.tag)
    assert inspected.returncode == 0, inspected.stderr
    config = json.loads(inspected.stdout)
    assert config.get("User") in (None, "", "root", "0")
    entrypoint = config.get("Entrypoint") or []
    assert entrypoint and all(not re.match(r"^/github/", part) for part in entrypoint)
    assert entrypoint[-1] == "/app/entrypoint.py"
    env = dict(item.split("=", 1) for item in config.get("Env") or [])
    assert env.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert env.get("PYTHONUNBUFFERED") == "1"
