"""The command-line program: the same settings as flags and as IFTRUE_* variables."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.conftest import EVENTS, GITHUB_TOKEN, IFTRUE_TOKEN, ROOT, parse_outputs
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

from iftrue_deploy import __version__
from iftrue_deploy.inputs import INPUTS

SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Runs `python -m iftrue_deploy` in a clean environment: no GITHUB_* variable at all, and (unless
    `cwd` is one) outside any git checkout."""
    full = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "iftrue_deploy", *args],
        env=full,
        cwd=cwd or tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com").start()
    yield standin
    standin.stop()


def test_help_lists_every_setting_with_its_default_and_variable() -> None:
    done = cli("--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for spec in INPUTS:
        assert f"--{spec.name}" in text
        assert f"[{spec.variable}]" in text
        if spec.default is not None:
            assert f"(default: {spec.default})" in text
    for variable in ("IFTRUE_TOKEN", "GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH"):
        assert variable in text


def test_version() -> None:
    done = cli("--version")
    assert (done.returncode, done.stdout) == (0, f"iftrue-deploy {__version__}\n")
    assert __version__ == "1.0.0"


def test_a_full_record_from_flags_alone(iftrue: IftrueStandIn) -> None:
    done = cli(
        "--api-url",
        iftrue.url,
        "--commit-id",
        SHA,
        "--member-id",
        "jenkins-7",
        "--repository",
        "acme/shop",
        "--branch",
        "feature/cart",
        "--title",
        "Cart v2",
        "--pull-request-number",
        "41",
        "--is-fix",
        "false",
        "--deployment-duration",
        "4.5",
        "--status",
        "success",
        "--url",
        "https://ci.example.com/job/9",
        env={"IFTRUE_TOKEN": IFTRUE_TOKEN},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert iftrue.records == [
        {
            "title": "Cart v2",
            "url": "https://ci.example.com/job/9",
            "branch": "feature/cart",
            "commit_id": SHA,
            "deployment_duration": 4.5,
            "is_fix": False,
            "is_hotfix": False,
            "is_forced": False,
            "commits_count": 0,
            "repository_url": "https://github.com/acme/shop",
            "member_id": "jenkins-7",
            "pull_request_number": 41,
            "status": "succes",
        }
    ]
    # Outside GitHub Actions: plain lines, no workflow commands, and the token is nowhere.
    assert "::" not in done.stdout
    assert IFTRUE_TOKEN not in done.stdout + done.stderr
    assert "Reported to iftrue as deployment" in done.stdout


def test_settings_from_environment_variables(iftrue: IftrueStandIn, tmp_path: Path) -> None:
    output = tmp_path / "out"
    env = {
        "IFTRUE_TOKEN": IFTRUE_TOKEN,
        "IFTRUE_API_URL": iftrue.url,
        "IFTRUE_COMMIT_ID": SHA,
        "IFTRUE_MEMBER_ID": "m",
        "IFTRUE_REPOSITORY_URL": "https://gitlab.example.com/acme/shop",
        "IFTRUE_BRANCH": "main",
        "IFTRUE_IS_HOTFIX": "true",
        "IFTRUE_DRY_RUN": "false",
        "IFTRUE_PULL_REQUEST_NUMBER": "0",
    }
    done = cli("--title", "from a flag", "--output", str(output), env={**env, "IFTRUE_TITLE": "from the environment"})
    assert done.returncode == 0, done.stdout + done.stderr
    record = iftrue.records[0]
    assert record["title"] == "from a flag"
    assert record["is_hotfix"] is True
    assert record["repository_url"] == "https://gitlab.example.com/acme/shop"
    assert parse_outputs(output.read_text())["deployment-id"]


def test_dry_run_flag_alone(iftrue: IftrueStandIn) -> None:
    event = EVENTS / "pull_request-closed-merged.json"
    done = cli("--event", str(event), "--event-name", "pull_request", "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert iftrue.requests == []
    start = done.stdout.index("{")
    record = json.loads(done.stdout[start : done.stdout.index("\n}", start) + 2])
    assert record["pull_request_number"] == 2 and record["branch"] == "changes"


BAD_VALUES = [
    ("is-fix", "maybe", "expected true or false, got 'maybe'"),
    ("commits-count", "-2", "expected a whole number of 0 or more"),
    ("deployment-duration", "nan", "expected a number of 0 or more"),
    ("status", "done", "expected succes, in_progress or fail"),
    ("api-url", "http://example.com", "expected an https:// URL"),
    ("backfill-source", "tags", "expected one of releases, deployments"),
    ("commit-id", "abc", "expected a full 40-character commit SHA"),
    ("dry-run", "yes", "expected true or false"),
    ("read-timeout", "0", "expected a number of seconds greater than 0, got '0'"),
    ("retry-base-delay", "-1", "expected a number of seconds greater than 0"),
    ("read-timeout", "inf", "expected a number of seconds greater than 0"),
]


def one_line_error(done: subprocess.CompletedProcess[str], names: str, problem: str) -> None:
    """Exit 2, and stderr is exactly one line that names the flag and its variable."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"iftrue-deploy: error: {names}: "), done.stderr
    assert problem in done.stderr
    assert "${{" not in done.stdout + done.stderr and "usage:" not in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("name", "value", "problem"), BAD_VALUES)
def test_bad_flag_value_is_one_line_naming_flag_and_variable(
    iftrue: IftrueStandIn, name: str, value: str, problem: str
) -> None:
    spec = next(s for s in INPUTS if s.name == name)
    done = cli("--api-url", iftrue.url, f"--{name}", value, env={"IFTRUE_TOKEN": IFTRUE_TOKEN})
    one_line_error(done, f"--{name} / {spec.variable}", problem)
    assert iftrue.requests == []


@pytest.mark.parametrize(("name", "value", "problem"), BAD_VALUES)
def test_bad_variable_value_is_the_same_line(iftrue: IftrueStandIn, name: str, value: str, problem: str) -> None:
    spec = next(s for s in INPUTS if s.name == name)
    done = cli(env={"IFTRUE_TOKEN": IFTRUE_TOKEN, "IFTRUE_API_URL": iftrue.url, spec.variable: value})
    one_line_error(done, f"--{name} / {spec.variable}", problem)
    assert iftrue.requests == []


def test_missing_token_speaks_of_flags_not_secrets() -> None:
    done = cli("--commit-id", SHA)
    one_line_error(done, "--iftrue-token / IFTRUE_TOKEN", "required")


@pytest.mark.parametrize("token", ["ab cd.ef.gh", "abc.def\nghi.jkl", "abc.def\tx.y"])
def test_token_with_blanks_or_control_characters_is_named_not_echoed(token: str) -> None:
    done = cli("--commit-id", SHA, env={"IFTRUE_TOKEN": token})
    one_line_error(done, "--iftrue-token / IFTRUE_TOKEN", "blanks or control characters")
    assert "abc" not in done.stderr + done.stdout


def test_api_url_password_is_not_echoed() -> None:
    done = cli("--api-url", "http://user:hunter2@example.com", env={"IFTRUE_TOKEN": IFTRUE_TOKEN})
    one_line_error(done, "--api-url / IFTRUE_API_URL", "'http://***@example.com'")
    assert "hunter2" not in done.stderr


@pytest.mark.parametrize(
    ("args", "problem"),
    [(["--bogus"], "unrecognized arguments: --bogus"), (["--is-fix"], "argument --is-fix: expected one argument")],
)
def test_bad_flag_is_one_line(args: list[str], problem: str) -> None:
    done = cli(*args)
    assert done.returncode == 2
    assert done.stderr == f"iftrue-deploy: error: {problem} (see --help)\n"


def test_missing_member_id_outside_github(iftrue: IftrueStandIn) -> None:
    done = cli(
        "--api-url",
        iftrue.url,
        "--commit-id",
        SHA,
        "--repository",
        "acme/shop",
        "--branch",
        "main",
        env={"IFTRUE_TOKEN": IFTRUE_TOKEN},
    )
    assert done.returncode == 1
    assert "error: --member-id / IFTRUE_MEMBER_ID: could not be derived" in done.stdout
    assert "Input '" not in done.stdout
    assert iftrue.requests == []


def test_read_timeout_from_a_variable_is_honoured(tmp_path: Path) -> None:
    """iftrue that never answers: IFTRUE_READ_TIMEOUT (and the flag) bound the wait."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        args = ["--api-url", url, "--commit-id", SHA, "--member-id", "m", "--branch", "main"]
        env = {"IFTRUE_TOKEN": IFTRUE_TOKEN, "IFTRUE_REPOSITORY_URL": "https://x.example/r"}
        done = cli(*args, env={**env, "IFTRUE_READ_TIMEOUT": "0.3"})
        assert done.returncode == 1
        assert "did not answer within 0.3 s" in done.stdout, done.stdout
        done = cli(*args, "--read-timeout", "0.2", env=env)
        assert "did not answer within 0.2 s" in done.stdout, done.stdout


# --- a dry run in a git checkout -----------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    """The git program builds the test's checkouts; the code under test reads them without it."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def checkout(path: Path, branch: str = "feature/cart", remote: str = "git@github.com:acme/shop.git") -> str:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    git(path, "commit", "-q", "--allow-empty", "-m", "Add the cart")
    git(path, "remote", "add", "origin", remote)
    return git(path, "rev-parse", "HEAD")


def dry_run_record(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert done.returncode == 0, done.stdout + done.stderr
    start = done.stdout.index("\n{\n") + 1  # the payload, after the explained lines
    record: dict[str, object] = json.loads(done.stdout[start : done.stdout.index("\n}", start) + 2])
    return record


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git program to build a checkout")


@needs_git
def test_dry_run_alone_in_a_checkout(tmp_path: Path) -> None:
    sha = checkout(tmp_path / "shop")
    (tmp_path / "shop" / "src").mkdir()
    done = cli("--dry-run", cwd=tmp_path / "shop" / "src")
    record = dry_run_record(done)
    assert (record["commit_id"], record["branch"], record["repository_url"]) == (
        sha,
        "feature/cart",
        "https://github.com/acme/shop",
    )
    assert record["member_id"] == "dry-run"
    assert "give --member-id / IFTRUE_MEMBER_ID to send" in done.stdout
    assert f"From the git checkout: commit {sha}, branch feature/cart, repository acme/shop" in done.stdout


@needs_git
def test_an_event_that_names_the_commit_takes_no_commit_from_the_checkout(tmp_path: Path) -> None:
    """The notices say only what the record used: the merged pull request names its merge commit
    and branch; the checkout gives the repository only."""
    sha = checkout(tmp_path)
    event = str(ROOT / "examples" / "events" / "pull_request-merged.json")
    done = cli("--dry-run", "--event", event, "--event-name", "pull_request", cwd=tmp_path)
    record = dry_run_record(done)
    assert (record["commit_id"], record["branch"]) == ("c4295bd74fb0f4fda03689c3df3f2803b658fd85", "changes")
    read = [line for line in done.stdout.splitlines() if "From the git checkout" in line]
    assert read == ["notice: From the git checkout: repository acme/shop on https://github.com."]
    assert sha not in done.stdout
    # A release event names no commit (GITHUB_SHA does, in GitHub Actions): the checkout's is used.
    release = tmp_path / "release.json"
    release.write_text((ROOT / "tests" / "fixtures" / "events" / "release-released.json").read_text())
    done = cli("--dry-run", "--event", str(release), "--event-name", "release", cwd=tmp_path)
    assert dry_run_record(done)["commit_id"] == sha
    assert f"From the git checkout: commit {sha}" in done.stdout


@needs_git
def test_flags_and_variables_win_over_the_checkout(tmp_path: Path) -> None:
    checkout(tmp_path)
    args = ["--dry-run", "--repository", "acme/other", "--member-id", "m", "--sha", SHA]
    # Another commit than the checkout's: the checkout's branch says nothing about it.
    done = cli(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert "error: --branch / IFTRUE_BRANCH: could not be derived" in done.stdout
    record = dry_run_record(cli(*args, env={"IFTRUE_BRANCH": "hotfix/1"}, cwd=tmp_path))
    assert (record["commit_id"], record["branch"], record["repository_url"], record["member_id"]) == (
        SHA,
        "hotfix/1",
        "https://github.com/acme/other",
        "m",
    )


@needs_git
def test_packed_refs_and_an_enterprise_https_remote(tmp_path: Path) -> None:
    sha = checkout(tmp_path, "main", "https://token:secret@ghe.example.com/acme/shop.git")
    git(tmp_path, "pack-refs", "--all")
    assert not (tmp_path / ".git" / "refs" / "heads" / "main").exists()
    record = dry_run_record(cli("--dry-run", cwd=tmp_path))
    assert (record["commit_id"], record["branch"], record["repository_url"]) == (
        sha,
        "main",
        "https://ghe.example.com/acme/shop",
    )


@needs_git
def test_worktree_style_git_file(tmp_path: Path) -> None:
    """A `.git` file (`gitdir: …`) and a gitdir with `commondir`, the layout `git worktree add` makes."""
    main_sha = checkout(tmp_path / "repo", "main")
    git(tmp_path / "repo", "commit", "-q", "--allow-empty", "-m", "Release")
    git(tmp_path / "repo", "branch", "release/2", "HEAD")
    git(tmp_path / "repo", "reset", "-q", "--hard", main_sha)
    release_sha = git(tmp_path / "repo", "rev-parse", "release/2")
    admin = tmp_path / "repo" / ".git" / "worktrees" / "release"
    admin.mkdir(parents=True)
    (admin / "HEAD").write_text("ref: refs/heads/release/2\n")
    (admin / "commondir").write_text("../..\n")
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / ".git").write_text(f"gitdir: {admin}\n")
    record = dry_run_record(cli("--dry-run", cwd=tmp_path / "release"))
    assert (record["commit_id"], record["branch"], record["repository_url"]) == (
        release_sha,
        "release/2",
        "https://github.com/acme/shop",
    )


@needs_git
def test_detached_head_without_a_branch_anywhere_names_branch(tmp_path: Path) -> None:
    sha = checkout(tmp_path)
    git(tmp_path, "checkout", "-q", "--detach")
    done = cli("--dry-run", cwd=tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: --branch / IFTRUE_BRANCH: could not be derived (no pull request, pushed branch or "
        "--git-ref / GITHUB_REF); set it"
    ], done.stdout
    assert done.stdout.splitlines()[-1].startswith("error:")  # notices first, the error last
    assert "unknown" not in done.stdout
    record = dry_run_record(cli("--dry-run", "--branch", "main", cwd=tmp_path))
    assert (record["commit_id"], record["branch"]) == (sha, "main")


def test_lookups_need_a_repository_and_a_token(iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    sha = github.add_commit("Add search (#7)")
    github.add_pull(7, "Add search", "feature/search", sha, labels=["fix"], commits=2)
    args = ["--api-url", iftrue.url, "--commit-id", sha, "--member-id", "m", "--github-api-url", github.url]
    # A token without a repository: nothing is asked of GitHub (and the branch must be given).
    done = cli(
        *args,
        "--branch",
        "main",
        env={
            "IFTRUE_TOKEN": IFTRUE_TOKEN,
            "GITHUB_TOKEN": GITHUB_TOKEN,
            "IFTRUE_REPOSITORY_URL": "https://x.example/r",
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert github.requests == []
    # With both: the pull request, its branch, labels and commits come from the API.
    done = cli(
        *args,
        "--repository",
        "Codertocat/Hello-World",
        env={"IFTRUE_TOKEN": IFTRUE_TOKEN, "GITHUB_TOKEN": GITHUB_TOKEN},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    record = iftrue.records[-1]
    assert (record["pull_request_number"], record["branch"], record["is_fix"], record["title"]) == (
        7,
        "feature/search",
        True,
        "Add search",
    )
    assert github.requests


# --- where the GitHub token goes -----------------------------------------------------------------


class ForeignHost:
    """A git host that is not GitHub (GitLab, say) on 127.0.0.1: it logs every request it gets."""

    def __init__(self) -> None:
        requests: list[tuple[str, str, str | None]] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def answer(self) -> None:
                requests.append((self.command, self.path, self.headers.get("Authorization")))
                body = b'{"message":"404 Project Not Found"}'
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = answer  # noqa: N815

        self.requests = requests
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def gitlab() -> Iterator[ForeignHost]:
    host = ForeignHost()
    yield host
    host.stop()


@needs_git
def test_a_remote_on_another_host_never_gets_the_github_token(tmp_path: Path, gitlab: ForeignHost) -> None:
    """Before: with origin on a host that is not github.com, that host was taken for a GitHub
    Enterprise Server, and `GET /api/v3/repos/acme/shop/commits/…/pulls` went to it with
    `Authorization: token ghs_…`."""
    sha = checkout(tmp_path, "main", f"{gitlab.url}/acme/shop.git")
    done = cli("--dry-run", env={"GITHUB_TOKEN": GITHUB_TOKEN}, cwd=tmp_path)
    record = dry_run_record(done)
    assert gitlab.requests == []
    # The dry run still works: the name and web address from the remote, the rest said.
    assert (record["commit_id"], record["branch"], record["repository_url"]) == (
        sha,
        "main",
        f"{gitlab.url}/acme/shop",
    )
    notices = [line for line in done.stdout.splitlines() if line.startswith("notice: The GitHub token")]
    assert notices == [
        f"notice: The GitHub token is not sent: the repository is on {gitlab.url}, not github.com, and no GitHub "
        "API URL was given (for a GitHub Enterprise Server, give --github-api-url / GITHUB_API_URL: "
        "https://HOST/api/v3); fields the event does not carry fall back without the GitHub API."
    ], done.stdout
    assert "pull_request_number is 0" in done.stdout
    assert GITHUB_TOKEN not in done.stdout + done.stderr


@needs_git
@pytest.mark.parametrize(
    "remote",
    ["git@gitlab.com:acme/shop.git", "https://bitbucket.org/acme/shop.git", "ssh://git@mirror.example/acme/shop"],
)
def test_no_remote_gives_an_api_url(tmp_path: Path, gitlab: ForeignHost, remote: str) -> None:
    checkout(tmp_path, "main", remote)
    done = cli("--dry-run", env={"GITHUB_TOKEN": GITHUB_TOKEN}, cwd=tmp_path)
    dry_run_record(done)
    assert "notice: The GitHub token is not sent: the repository is on https://" in done.stdout
    assert "goes to" not in done.stdout


@needs_git
def test_an_explicit_api_url_is_where_the_token_goes_and_is_said(
    tmp_path: Path, github: GitHubStandIn, gitlab: ForeignHost
) -> None:
    """A GitHub Enterprise Server: the remote gives the name, the flag the API URL."""
    sha = checkout(tmp_path, "main", f"{gitlab.url}/Codertocat/Hello-World.git")
    github.add_commit("Add search (#7)", sha=sha)
    github.add_pull(7, "Add search", "feature/search", sha)
    done = cli("--dry-run", "--github-api-url", github.url, env={"GITHUB_TOKEN": GITHUB_TOKEN}, cwd=tmp_path)
    record = dry_run_record(done)
    assert record["pull_request_number"] == 7
    assert gitlab.requests == []
    assert github.requests and all(r.header("Authorization") == f"token {GITHUB_TOKEN}" for r in github.requests)
    assert f"notice: The GitHub token goes to {github.url} (given by --github-api-url / GITHUB_API_URL)" in done.stdout


def test_the_default_api_is_not_announced_and_a_bad_api_url_is_refused(tmp_path: Path) -> None:
    done = cli("--dry-run", "--commit-id", SHA, "--member-id", "m", "--branch", "main", "--repository", "a/b")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The GitHub token" not in done.stdout
    for url in ("http://api.example.com", "https://user:s3cret/x@api.example.com"):
        done = cli("--dry-run", "--github-api-url", url, env={"GITHUB_TOKEN": GITHUB_TOKEN})
        one_line_error(done, "--github-api-url / GITHUB_API_URL", "expected")
        assert "s3cret" not in done.stderr
