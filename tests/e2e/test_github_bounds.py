"""GitHub (or a proxy in front of it) behaving badly on the wire: every GitHub request of a run
passes through one bounded session, so all lookups of one deployment end within 30 s, no answer
is read past 10 MiB, a list is read up to 100 items, and the deployment is still reported.

These run the real bounds (30 s, 10 MiB), against the GitHub stand-in's hostile behaviours.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from tests import scenarios
from tests.conftest import GITHUB_TOKEN, IFTRUE_TOKEN, event_payload, github_env, run_action
from tests.scenarios import Repo, build_repo, report, report_call, sent
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import Fault, IftrueStandIn
from tests.tls import make_ca

import iftrue_deploy.client
import iftrue_deploy.main
from iftrue_deploy.client import BoundedAdapter, Budget, OutOfTime, describe_failure, new_session
from iftrue_deploy.gateway import PyGithubFacts
from iftrue_deploy.main import github_gateway
from iftrue_deploy.settings import Settings

MB = 1_000_000
# The contract's 30 s for all GitHub lookups of one deployment, and what start-up and a loaded
# machine may add around them.
LOOKUPS = 30
SLACK = 15


def run_merge_push(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> tuple[float, list[str]]:
    """The push of a merge commit (several lookups); the seconds it took and its GitHub warnings."""
    started = time.monotonic()
    run = report_call(tmp_path, iftrue, github, scenarios.push_of_a_merge_commit(github, repo))
    elapsed = time.monotonic() - started
    record = sent(run, iftrue)  # the deployment is reported, whatever GitHub did
    assert record["commit_id"] == repo.head
    return elapsed, [w for w in run.commands("warning") if "GitHub API" in w]


def test_a_trickled_answer_ends_the_lookups_within_30_s(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    # Headers at once, then one byte every 2 s: no read ever waits long enough to time out.
    github.trickle(r".*", interval=2.0)
    elapsed, warnings = run_merge_push(tmp_path, iftrue, github, repo)
    assert LOOKUPS - 2 < elapsed < LOOKUPS + SLACK
    assert warnings, "each field that needed GitHub falls back with a warning"
    assert any(f"within the {LOOKUPS} s for all GitHub lookups" in w for w in warnings), warnings
    # Once the 30 s are spent, nothing more is asked.
    assert len(github.requests) <= 2, [r.path for r in github.requests]


@pytest.mark.parametrize(
    ("shape", "size", "expect"),
    [
        ("list", 12 * MB, "more than 10 MiB"),
        ("object", 12 * MB, "more than 10 MiB"),
        # The attack, under the cap: 125,000 items that carry only a `url`, each answered
        # with another such list (15.5 GB of memory and more than 300 s before).
        ("list", 10 * MB, "items for a page of 100; none is read"),
    ],
    ids=["list-over-10-MiB", "object-over-10-MiB", "10-MB-list-everywhere"],
)
def test_a_huge_answer_is_not_read(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo, shape: str, size: int, expect: str
) -> None:
    github.huge(r".*", size, shape=shape)  # every answer
    elapsed, warnings = run_merge_push(tmp_path, iftrue, github, repo)
    assert elapsed < LOOKUPS + SLACK
    assert any(expect in w for w in warnings), warnings
    assert len(github.requests) < 10, [r.path for r in github.requests]


def test_list_items_without_their_fields_are_completed_within_the_30_s(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    # A page of pull requests that carry only their `url`: PyGithub fetches it for each one read,
    # and each fetch takes 0.5 s: 50 s for the page, unless the completions share the 30 s too.
    github.huge(r"/commits/[0-9a-f]+/pulls$", items=100, item_path=f"/repos/{github.full_name}/pulls/12")
    github.delay(r"/pulls/12$", 0.5, times=100)
    elapsed, warnings = run_merge_push(tmp_path, iftrue, github, repo)
    assert LOOKUPS - 2 < elapsed < LOOKUPS + SLACK
    assert 20 < github.count("GET", path_regex=r"/pulls/12$") < 70
    assert any(f"the {LOOKUPS} s for all GitHub lookups" in w for w in warnings), warnings


def test_a_connection_failure_is_said_in_words(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"), api_url="http://127.0.0.1:9")
    run = run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, "github-token": GITHUB_TOKEN})
    assert run.returncode == 0 and len(iftrue.records) == 1
    warnings = [w for w in run.commands("warning") if "GitHub API" in w]
    assert warnings and all("could not connect to 127.0.0.1:9 (connection refused)" in w for w in warnings), warnings
    assert "HTTPConnectionPool" not in run.stdout and "Traceback" not in run.stdout + run.stderr


def test_both_tokens_are_masked_before_anything_else_is_printed(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.push_of_a_merge_commit(github, repo))
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    masks = [f"::add-mask::{IFTRUE_TOKEN}", f"::add-mask::{GITHUB_TOKEN}"]
    assert lines[:2] == masks, lines[:3]
    assert len(lines) > 2  # and something was printed after them


# --- the mechanism itself, in-process with short bounds: per request, in total, in any thread ---


def bounded(per_request: float, total: float | None) -> requests.Session:
    return new_session(adapter=BoundedAdapter(Budget(per_request, total)))


def timed(session: requests.Session, url: str) -> tuple[float, Exception | None]:
    started = time.monotonic()
    try:
        session.get(url)
    except requests.exceptions.RequestException as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_a_backfill_has_the_per_request_bound_and_no_total(github: GitHubStandIn, repo: Repo) -> None:
    session = bounded(per_request=1.0, total=None)
    url = f"{github.url}/repos/{github.full_name}/commits/{repo.head}"
    github.trickle(r"/commits/", interval=0.3, times=2)
    for _ in range(2):  # two trickled requests: 2 s in all, more than any one may take
        elapsed, error = timed(session, url)
        assert isinstance(error, OutOfTime) and 0.9 < elapsed < 1.5
        assert "no complete answer within 1 s" in describe_failure(error)
    assert timed(session, url) == (pytest.approx(0, abs=1), None)  # no total: still asked


def test_all_requests_share_the_total(github: GitHubStandIn, repo: Repo) -> None:
    session = bounded(per_request=10.0, total=1.0)
    url = f"{github.url}/repos/{github.full_name}/commits/{repo.head}"
    github.trickle(r"/commits/", interval=0.3, times=1)
    elapsed, error = timed(session, url)
    assert isinstance(error, OutOfTime) and 0.9 < elapsed < 1.5
    elapsed, error = timed(session, url)  # the stand-in would answer at once: not asked
    assert isinstance(error, OutOfTime) and elapsed < 0.1 and "not asked" in str(error)
    assert github.count("GET", "/commits/") == 1


def test_outside_the_main_thread_the_clock_between_reads_keeps_the_time(github: GitHubStandIn, repo: Repo) -> None:
    # No alarm can be set there; a trickle still ends at the first read past the time.
    session = bounded(per_request=1.0, total=None)
    github.trickle(r"/commits/", interval=0.3, times=1)
    result: list[tuple[float, Exception | None]] = []
    thread = threading.Thread(
        target=lambda: result.append(timed(session, f"{github.url}/repos/{github.full_name}/commits/{repo.head}"))
    )
    thread.start()
    thread.join(10)
    elapsed, error = result[0]
    assert isinstance(error, OutOfTime) and 0.9 < elapsed < 1.8


def test_trickled_headers_end_at_the_bound_too() -> None:
    # The status line and headers one byte at a time: before any body is read, only the alarm
    # over the whole exchange can stop it.
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 1000:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.1)
            except OSError:
                pass

    threading.Thread(target=serve, daemon=True).start()
    try:
        elapsed, error = timed(bounded(per_request=1.0, total=None), f"http://127.0.0.1:{listener.getsockname()[1]}/")
    finally:
        listener.close()
    assert isinstance(error, OutOfTime) and 0.9 < elapsed < 1.5


def test_a_backfill_gets_no_total_and_one_deployment_gets_30_s(tmp_path: Path) -> None:
    env = github_env(tmp_path, "workflow_dispatch", event_payload("workflow_dispatch"), api_url="http://127.0.0.1:9")
    env.update({"INPUT_DRY-RUN": "true", "INPUT_GITHUB-TOKEN": GITHUB_TOKEN})
    one, _why, _notice = github_gateway(Settings.from_environ(env))
    backfill, _why, _notice = github_gateway(Settings.from_environ({**env, "INPUT_BACKFILL-SINCE": "2024-01-01"}))
    assert isinstance(one, PyGithubFacts) and isinstance(backfill, PyGithubFacts)
    assert (one.budget.per_request, one.budget.total) == (LOOKUPS, LOOKUPS)
    assert (backfill.budget.per_request, backfill.budget.total) == (LOOKUPS, None)


@pytest.mark.parametrize("trusted", [True, False], ids=["SSL_CERT_FILE", "unknown-CA"])
def test_the_corporate_ca_applies_to_github_as_to_iftrue(tmp_path: Path, iftrue: IftrueStandIn, trusted: bool) -> None:
    ca = make_ca(tmp_path)
    github = GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com", tls=ca.server).start()
    try:
        call = scenarios.push_of_a_merge_commit(github, build_repo(github))
        env = {"SSL_CERT_FILE": str(ca.ca_file)} if trusted else {}
        run = report(tmp_path, iftrue, github, call.event, call.payload, sha=call.sha, env_extra=env)
    finally:
        github.stop()
    record = sent(run, iftrue)
    warnings = [w for w in run.commands("warning") if "GitHub API" in w]
    if trusted:
        assert warnings == [] and record["pull_request_number"] == 12
    else:
        assert warnings and all("not accepted" in w and "REQUESTS_CA_BUNDLE" in w for w in warnings), warnings


def test_a_whole_run_ends_within_the_sum_of_its_bounds(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GitHub and iftrue both trickle. The real bounds (30 s + 85 s, with start-up within 120 s)
    # would make this a two-minute test: the same code paths with 2 s each, in-process.
    monkeypatch.setattr(iftrue_deploy.main, "GITHUB_LOOKUPS_SECONDS", 2.0)
    monkeypatch.setattr(iftrue_deploy.client, "REPORT_DEADLINE", 2.0)
    github.trickle(r".*", interval=0.5)
    iftrue.faults.append(Fault(201, b'{"id": "' + b"1" * 200 + b'"}', kind="trickle", delay=0.5))
    call = scenarios.push_of_a_merge_commit(github, repo)
    env = github_env(tmp_path, call.event, call.payload, sha=call.sha, api_url=github.url)
    env.update({"INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN, "INPUT_API-URL": iftrue.url, "INPUT_GITHUB-TOKEN": GITHUB_TOKEN})
    stream = io.StringIO()
    started = time.monotonic()
    code = iftrue_deploy.main.main(env, stream)
    elapsed = time.monotonic() - started
    assert 4 <= elapsed < 4 + 2
    assert code == 0  # iftrue accepted it (201), only its answer never ended
    warnings = [line for line in stream.getvalue().split("\n") if line.startswith("::warning::")]
    assert any("2 s for all GitHub lookups" in w for w in warnings), warnings
    assert any("id is unknown" in w for w in warnings), warnings


def test_a_huge_github_message_is_quoted_up_to_1_kib(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    github.fail(r"/commits/[0-9a-f]+/pulls$", 404, {"message": "gone\n::error::" + "x" * 5 * MB})
    _elapsed, warnings = run_merge_push(tmp_path, iftrue, github, repo)
    quoted = [w for w in warnings if "HTTP 404" in w]
    assert len(quoted) == 1 and "gone ::error::xxx" in quoted[0] and quoted[0].endswith("… (truncated)); falling back.")
    assert len(quoted[0].encode()) < 2048
