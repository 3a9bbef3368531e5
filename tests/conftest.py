"""Shared fixtures: the local stand-ins and a runner that starts the action the way GitHub does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.standins.iftrue import IftrueStandIn

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EVENTS = FIXTURES / "events"
ENTRYPOINT = ROOT / "entrypoint.py"
# Looks like a JWT (three base64url parts) and expires in 2286, so that token checks accept it.
IFTRUE_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJvcmctdGVzdCIsImV4cCI6OTk5OTk5OTk5OX0."
    "c2lnbmF0dXJlLW5vdC1jaGVja2VkLWJ5LXRoZS1hY3Rpb24"
)
GITHUB_TOKEN = "ghs_standInTokenForTests0123456789abcdef"
DEPLOY_WORKFLOW = """\
name: Deploy
on:
  push:
    branches: [master, main]
  release:
    types: [published]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: iftrue/deployment-action@v1
"""


def event_payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return data


def parse_outputs(text: str) -> dict[str, str]:
    """Reads a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` heredocs."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            i += 1
            while lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            outputs[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


@dataclass
class ActionRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    outputs_raw: str
    summary: str

    def commands(self, kind: str) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith(f"::{kind}")]


def github_env(
    tmp_path: Path,
    event_name: str,
    event: dict[str, Any] | str | None,
    *,
    sha: str | None = None,
    ref: str = "refs/heads/master",
    repository: str = "Codertocat/Hello-World",
    api_url: str = "https://api.github.invalid",
) -> dict[str, str]:
    """The environment the runner gives a Docker action (minus INPUT_ variables)."""
    if isinstance(event, dict):
        event_path = tmp_path / "event.json"
        event_path.write_text(json.dumps(event))
        path = str(event_path)
    elif isinstance(event, str):
        path = event
    else:
        path = ""
    # The running workflow's file, as a checkout in the workspace has it: which `release` types it
    # listens to decides which of a release's `published`/`released` pair is the record.
    workflow = tmp_path / ".github" / "workflows" / "deploy.yml"
    if not workflow.exists():
        workflow.parent.mkdir(parents=True, exist_ok=True)
        workflow.write_text(DEPLOY_WORKFLOW)
    output = tmp_path / "github_output"
    summary = tmp_path / "step_summary"
    output.touch()
    summary.touch()
    env = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": path,
        "GITHUB_SHA": sha or "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "GITHUB_REF": ref,
        "GITHUB_REF_NAME": ref.rsplit("/", 1)[-1],
        "GITHUB_REPOSITORY": repository,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_API_URL": api_url,
        "GITHUB_RUN_ID": "30433642",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_ACTOR_ID": "583231",
        "GITHUB_WORKFLOW_REF": f"{repository}/.github/workflows/deploy.yml@{ref}",
        "GITHUB_WORKSPACE": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
    }
    return env


def run_action(env: dict[str, str], inputs: dict[str, str], timeout: float = 60) -> ActionRun:
    """Runs entrypoint.py as its own process, with inputs as `INPUT_<NAME>` (hyphens kept)."""
    full = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **env}
    for name, value in inputs.items():
        full[f"INPUT_{name.upper()}"] = value
    done = subprocess.run(
        [sys.executable, str(ENTRYPOINT)],
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=env.get("GITHUB_WORKSPACE"),
        check=False,
    )
    outputs_raw = Path(env["GITHUB_OUTPUT"]).read_text() if env.get("GITHUB_OUTPUT") else ""
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text() if env.get("GITHUB_STEP_SUMMARY") else ""
    run = ActionRun(done.returncode, done.stdout, done.stderr, parse_outputs(outputs_raw), outputs_raw, summary)
    # Every end-to-end run, whatever it tests, is also scanned for leaked tokens.
    secrets = [full.get(name, "") for name in ("INPUT_IFTRUE-TOKEN", "INPUT_IFTRUE_TOKEN", "INPUT_GITHUB-TOKEN")]
    leaks = leaked(run, [s.strip() for s in secrets if len(s.strip()) >= 8])
    assert not leaks, f"tokens leaked: {leaks}"
    return run


def leaked(run: ActionRun, secrets: list[str]) -> list[str]:
    """Where any secret appears in stdout, stderr, the outputs file or the summary, except on the
    ``::add-mask::`` line that hides it from the log."""
    places = []
    for secret in secrets:
        for line in run.stdout.splitlines():
            if secret in line and line != f"::add-mask::{secret}":
                places.append(f"stdout: {line[:80]}")
        for name, text in (("stderr", run.stderr), ("outputs", run.outputs_raw), ("summary", run.summary)):
            if secret in text:
                places.append(name)
    return places


@pytest.fixture
def iftrue() -> Iterator[IftrueStandIn]:
    standin = IftrueStandIn(IFTRUE_TOKEN).start()
    yield standin
    standin.stop()
