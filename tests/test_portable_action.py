"""The portable action's steps, run with bash as the runner runs a composite action, from a
workspace that a pull request could have filled: a ``hashlib.py`` beside the checkout's files and a
``sitecustomize.py`` on ``PYTHONPATH``, each writing out whatever token it can see. Every Python the
action runs is isolated (``-I``), and only its last step has the tokens: nothing is written.

This needs ``pip`` to reach the package index the machine is configured with (PyPI), as the
action does; tests/test_examples_act.py runs the same action under act, in a container.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import GITHUB_TOKEN, IFTRUE_TOKEN, ROOT, event_payload, github_env, parse_outputs
from tests.standins.iftrue import IftrueStandIn

ACTION_YML = ROOT / "portable" / "action.yml"
TOKENS = ("INPUT_IFTRUE_TOKEN", "INPUT_GITHUB_TOKEN", "INPUT_IFTRUE-TOKEN", "GITHUB_TOKEN")
# What a pull request adds to the repository: code that writes out every token it can see.
THIEF = """\
import os
with open({leak!r}, "a") as _out:
    _out.write({name!r} + ": " + repr({{k: v for k, v in os.environ.items() if "TOKEN" in k}}) + "\\n")
"""
# ... and then become the module it shadows, so that nothing looks wrong.
IMPOSTOR = """
import importlib.util, sys, sysconfig
_spec = importlib.util.spec_from_file_location(__name__, sysconfig.get_paths()["stdlib"] + "/" + __name__ + ".py")
_real = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_real)
sys.modules[__name__] = _real
"""
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


@dataclass
class Composite:
    """Runs the steps of a composite action.yml one after the other, as the runner does: each
    step's `env` with its expressions evaluated, `run` under `bash --noprofile --norc -eo pipefail`."""

    action_dir: Path
    env: dict[str, str]
    inputs: dict[str, str]
    workspace: Path
    log: list[str] = field(default_factory=list)

    def run(self, action_yml: str) -> int:
        data = yaml.safe_load(action_yml)
        inputs = {name: str((spec or {}).get("default", "")) for name, spec in data["inputs"].items()}
        inputs.update(self.inputs)
        steps: dict[str, dict[str, str]] = {}
        for number, step in enumerate(data["runs"]["steps"]):
            outputs = self.workspace.parent / f"output-{number}"
            outputs.write_text("")
            env = {**self.env, "GITHUB_OUTPUT": str(outputs)}
            for name, value in (step.get("env") or {}).items():
                env[name] = self.evaluate(str(value), inputs, steps)
            script = self.workspace.parent / f"step-{number}.sh"
            script.write_text(step["run"])
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                env=env,
                cwd=self.workspace,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            self.log.append(f"--- step {step.get('id')} exit {done.returncode}\n{done.stdout}{done.stderr}")
            if done.returncode != 0:
                return done.returncode
            if step.get("id"):
                steps[step["id"]] = parse_outputs(outputs.read_text())
        return 0

    def evaluate(self, text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression == "github.token":
                return GITHUB_TOKEN
            if expression.startswith("inputs."):
                return self.evaluate(inputs[expression.removeprefix("inputs.")], inputs, steps)
            step, _, name = expression.removeprefix("steps.").partition(".outputs.")
            return steps.get(step, {}).get(name, "")

        return EXPRESSION.sub(value, text)


@pytest.fixture
def attacked(tmp_path: Path, iftrue: IftrueStandIn) -> Composite:
    """A checkout of this action, a runner's environment, and a workspace with the thieves in it."""
    action_dir = _mkdir(tmp_path / "action")
    for name in ("entrypoint.py", "requirements.txt"):
        shutil.copy2(ROOT / name, action_dir / name)
    shutil.copytree(ROOT / "src", action_dir / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "portable", action_dir / "portable")
    workspace = _mkdir(tmp_path / "workspace")
    leak = tmp_path / "leaked.txt"
    (workspace / "hashlib.py").write_text(THIEF.format(leak=str(leak), name="hashlib.py") + IMPOSTOR)
    evil = _mkdir(workspace / "tools")
    (evil / "sitecustomize.py").write_text(THIEF.format(leak=str(leak), name="sitecustomize.py"))
    env = github_env(workspace, "push", {**event_payload("push-branch-created"), "ref": "refs/heads/master"})
    env.update(
        {
            "RUNNER_TEMP": str(_mkdir(tmp_path / "runner-temp")),
            "GITHUB_ACTION_PATH": str(action_dir / "portable"),
            "PYTHONPATH": str(evil),  # as a workflow may set it for its own tools
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(tmp_path)),
            **{name: value for name, value in os.environ.items() if name.startswith("PIP_")},
        }
    )
    return Composite(action_dir, env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url}, workspace)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def leaked(composite: Composite) -> str:
    leak = composite.workspace.parent / "leaked.txt"
    return leak.read_text() if leak.exists() else ""


def test_only_the_last_step_has_the_tokens() -> None:
    steps: list[dict[str, Any]] = yaml.safe_load(ACTION_YML.read_text())["runs"]["steps"]
    for step in steps[:-1]:
        text = yaml.safe_dump(step)
        assert "token" not in text.lower(), step.get("name")
    assert "INPUT_IFTRUE_TOKEN" in steps[-1]["env"] and "INPUT_GITHUB_TOKEN" in steps[-1]["env"]


def test_workspace_code_never_runs_and_sees_no_token(attacked: Composite, iftrue: IftrueStandIn) -> None:
    """Before: `python3 -c 'import hashlib…'`, `-m venv` and `-m pip` ran with PYTHONPATH honoured
    and INPUT_IFTRUE_TOKEN in their environment: sitecustomize.py wrote the iftrue token out. And
    the marker under RUNNER_TEMP was trusted as found."""
    action = ACTION_YML.read_text()
    returncode = attacked.run(action)
    assert leaked(attacked) == ""
    assert returncode == 0, "\n".join(attacked.log)
    assert len(iftrue.records) == 1  # the last step still had what it needs
    assert "Installing the action's pinned packages into " in "\n".join(attacked.log)

    # A second report in the job trusts the marker the action wrote: nothing is installed again.
    attacked.log.clear()
    assert attacked.run(action) == 0, "\n".join(attacked.log)
    assert "Installing" not in "\n".join(attacked.log) and len(iftrue.records) == 2

    # A marker that does not record this Python's and lock file's hash is not trusted: the
    # environment is made again, and the python planted in it never runs.
    venv = next(Path(attacked.env["RUNNER_TEMP"]).glob("iftrue-deploy-*"))
    python = venv / "bin" / "python"
    python.unlink()
    python.write_text(f"#!/bin/sh\nenv > {attacked.workspace.parent / 'leaked.txt'}\n")
    python.chmod(0o755)
    (venv / ".installed").write_text("0" * 64 + "\n")
    attacked.log.clear()
    assert attacked.run(action) == 0, "\n".join(attacked.log)
    assert leaked(attacked) == "", "\n".join(attacked.log)
    assert "Installing the action's pinned packages into " in "\n".join(attacked.log)
    assert len(iftrue.records) == 3


def test_seeded_bug_a_python_without_isolation_is_caught(attacked: Composite) -> None:
    """The thieves work: one `-I` dropped and the token-free step's Python runs sitecustomize.py."""
    text = ACTION_YML.read_text()
    seeded = text.replace('"$python" -I -c \'import hashlib', '"$python" -c \'import hashlib', 1)
    assert seeded != text
    attacked.run(seeded)
    assert "sitecustomize.py: " in leaked(attacked)
