"""Each CI snippet in examples/ci/ run as its CI system would run it, in a container from its image.

The commands are read from the snippet file itself (so the file and the test cannot drift): the
GitLab job's `script`, the Jenkinsfile's `sh '''…'''`, the CircleCI job's `run` commands, the
Buildkite step's `command` (with `$$` turned into `$`, as the agent does on upload). They run in
the snippet's image with that system's shell, the variables that system sets, and IFTRUE_TOKEN;
IFTRUE_API_URL points them at the local iftrue stand-in (`--network host`). The snippets install
`iftrue-deploy~=1.0` with pip: the wheel built from this working tree is offered to pip in a
mounted folder (PIP_FIND_LINKS), its dependencies come from PyPI. No git program, no GitHub.

The container engine here has only `python:3.X-slim` images (and stand-ins for them), so the
CircleCI snippet's `cimg/python:3.13` is run on `python:3.13-slim`: the closest image with the same
Python, which the test says in its id. Marked `container`; skipped without an engine (failed on CI).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from tests.conftest import IFTRUE_TOKEN
from tests.docker_engine import docker, skip_without_engine
from tests.standins.iftrue import IftrueStandIn
from tests.wheel import ROOT, build_wheel

pytestmark = pytest.mark.container

SNIPPETS = ROOT / "examples" / "ci"
SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
RUN_TIMEOUT = 600
# The image a snippet names → the image it runs on here (the engine has only python slim images).
STAND_INS = {"cimg/python:3.13": "python:3.13-slim"}


@dataclass(frozen=True)
class Job:
    image: str
    shell: tuple[str, ...]
    script: str
    env: dict[str, str] = field(default_factory=dict)
    workdir: str | None = None  # where the CI system puts the checkout, when the snippet reads it


def gitlab() -> Job:
    job = yaml.safe_load((SNIPPETS / "gitlab-ci.yml").read_text())["report-deployment"]
    # The runner runs the script lines in bash (sh where there is none), stopping at the first failure.
    return Job(job["image"], ("bash", "-e", "-c"), "\n".join(job["script"]), dict(job["variables"]))


def jenkins() -> Job:
    text = (SNIPPETS / "Jenkinsfile").read_text()
    image = re.search(r"docker \{ image '([^']+)' \}", text)
    scripts = re.findall(r"sh '''(.*?)'''", text, re.S)
    env = dict(re.findall(r"^\s*(\w+) = '([^']*)'$", text, re.M))
    assert image and len(scripts) == 1, "the Jenkinsfile has one docker agent and one sh '''…''' step"
    # Groovy drops a backslash-newline inside the string; Jenkins runs the rest with `sh -xe`.
    return Job(image.group(1), ("sh", "-xe", "-c"), scripts[0].replace("\\\n", ""), env)


def circleci() -> Job:
    job = yaml.safe_load((SNIPPETS / "circleci-config.yml").read_text())["jobs"]["report-deployment"]
    commands = [step["run"]["command"] for step in job["steps"] if isinstance(step, dict) and "run" in step]
    # CircleCI's default shell for `run`.
    return Job(job["docker"][0]["image"], ("/bin/bash", "-eo", "pipefail", "-c"), "\n".join(commands))


def buildkite() -> Job:
    steps = yaml.safe_load((SNIPPETS / "buildkite-pipeline.yml").read_text())["steps"]
    (step,) = [s for s in steps if isinstance(s, dict) and "command" in s]
    (plugin,) = [p for p in step["plugins"] if next(iter(p)).startswith("docker#")]
    docker_options = next(iter(plugin.values()))
    # The agent interpolates the pipeline on upload; `$$` is a literal `$` left for the shell.
    script = "\n".join(step["command"]).replace("$$", "$")
    # The docker plugin mounts the checkout at /workdir and runs the command with `/bin/sh -e -c`.
    return Job(docker_options["image"], ("/bin/sh", "-e", "-c"), script, dict(step["env"]), "/workdir")


# What each CI system sets for the job (a deployment of commit SHA on main), as its docs name it.
CI_VARIABLES = {
    "gitlab": {
        "CI_COMMIT_SHA": SHA,
        "CI_COMMIT_REF_NAME": "main",
        "CI_COMMIT_BRANCH": "main",
        "CI_DEFAULT_BRANCH": "main",
        "GITLAB_USER_ID": "4242",
        "CI_PROJECT_URL": "https://gitlab.example.com/acme/shop",
        "CI_COMMIT_TITLE": "Add the cart (#12)",
        "CI_PIPELINE_URL": "https://gitlab.example.com/acme/shop/-/pipelines/7",
    },
    "jenkins": {
        "WORKSPACE": "/workspace",
        "GIT_COMMIT": SHA,
        "BRANCH_NAME": "main",
        "BUILD_USER_ID": "jenkins-7",
        "GIT_URL": "https://github.com/acme/shop.git",
        "BUILD_URL": "https://jenkins.example.com/job/shop/12/",
    },
    "circleci": {
        "CIRCLE_SHA1": SHA,
        "CIRCLE_BRANCH": "main",
        "CIRCLE_USERNAME": "octo",
        "CIRCLE_BUILD_URL": "https://app.circleci.com/pipelines/github/acme/shop/9",
        "CIRCLE_PROJECT_USERNAME": "acme",
        "CIRCLE_PROJECT_REPONAME": "shop",
    },
    "buildkite": {
        "BUILDKITE_BRANCH": "main",
        "BUILDKITE_BUILD_CREATOR_EMAIL": "octo@example.com",
        "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/shop/builds/3",
    },
}
# What the record says, from those variables (and, for Buildkite, from the checkout).
EXPECTED = {
    "gitlab": {
        "commit_id": SHA,
        "branch": "main",
        "member_id": "4242",
        "repository_url": "https://gitlab.example.com/acme/shop",
        "title": "Add the cart (#12)",
        "url": "https://gitlab.example.com/acme/shop/-/pipelines/7",
        "pull_request_number": 0,
    },
    "jenkins": {
        "commit_id": SHA,
        "branch": "main",
        "member_id": "jenkins-7",
        "repository_url": "https://github.com/acme/shop",
        "url": "https://jenkins.example.com/job/shop/12/",
    },
    "circleci": {
        "commit_id": SHA,
        "branch": "main",
        "member_id": "octo",
        "repository_url": "https://github.com/acme/shop",
        "url": "https://app.circleci.com/pipelines/github/acme/shop/9",
    },
    "buildkite": {
        "branch": "main",
        "member_id": "octo@example.com",
        "repository_url": "https://github.com/acme/shop",
        "url": "https://buildkite.com/acme/shop/builds/3",
    },
}
JOBS = {"gitlab": gitlab, "jenkins": jenkins, "circleci": circleci, "buildkite": buildkite}


def test_each_snippet_installs_the_package_from_pypi_by_its_major() -> None:
    """Not from git (python slim images have none), and the same major as the release."""
    for name, read in JOBS.items():
        script = read().script
        assert 'install --quiet "iftrue-deploy~=1.0"' in script or '"iftrue-deploy~=1.0"' in script, name
        assert "git+" not in script and "github.com/iftrue" not in script, name


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    skip_without_engine("the CI snippet tests need")
    folder = tmp_path_factory.mktemp("wheels")
    build_wheel(folder)
    return folder


@pytest.fixture(scope="module")
def pip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pip cache for the module's containers: the dependencies are downloaded once."""
    return tmp_path_factory.mktemp("pip-cache")


@pytest.fixture
def checkout(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A checkout as Buildkite leaves it: commit SHA-like HEAD (detached) of a github.com origin."""
    if shutil.which("git") is None:
        pytest.skip("needs the git program (on the host) to make the checkout")
    path = tmp_path / "checkout"
    path.mkdir()
    env = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": str(tmp_path)}
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *identity, *args], cwd=path, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    git("init", "-q", "-b", "main")
    git("commit", "-q", "--allow-empty", "-m", "Add the cart")
    git("remote", "add", "origin", "git@github.com:acme/shop.git")
    git("checkout", "-q", "--detach")
    yield path, git("rev-parse", "HEAD")


@pytest.mark.parametrize(
    "system",
    [name if name != "circleci" else pytest.param(name, id="circleci-on-python-3.13-slim") for name in JOBS],
)
def test_the_snippet_reports_from_its_image(
    system: str, wheels: Path, pip_cache: Path, iftrue: IftrueStandIn, request: pytest.FixtureRequest
) -> None:
    job = JOBS[system]()
    image = STAND_INS.get(job.image, job.image)
    expected = dict(EXPECTED[system])
    mounts = ["-v", f"{wheels}:/wheels:ro", "-v", f"{pip_cache}:/root/.cache/pip"]
    if job.workdir:
        path, sha = request.getfixturevalue("checkout")
        mounts += ["-v", f"{path}:{job.workdir}", "--workdir", job.workdir]
        expected["commit_id"] = sha
    env = {
        **job.env,
        **CI_VARIABLES[system],
        "IFTRUE_TOKEN": IFTRUE_TOKEN,
        "IFTRUE_API_URL": iftrue.url,  # the stand-in instead of https://api.iftrue.co
        "PIP_FIND_LINKS": "/wheels",  # the wheel built from this tree, as if it were on PyPI
    }
    if system == "jenkins":
        mounts += ["--tmpfs", env["WORKSPACE"]]
    variables = [option for name, value in env.items() for option in ("-e", f"{name}={value}")]
    name = f"iftrue-snippet-{system}-{uuid.uuid4().hex[:8]}"
    try:
        done = docker(
            "run", "--rm", "--name", name, "--network", "host", *mounts, *variables, image, *job.shell, job.script,
            timeout=RUN_TIMEOUT,
        )  # fmt: skip
    finally:
        docker("rm", "--force", name)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "Reported to iftrue as deployment" in done.stdout, log
    (record,) = iftrue.records
    assert {key: record.get(key) for key in expected} == expected, log
    assert IFTRUE_TOKEN not in log
    assert "Traceback" not in log
