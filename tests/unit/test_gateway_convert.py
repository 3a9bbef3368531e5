"""What the gateway makes of GitHub's answers (gateway/convert.py): the API's objects as
GitHub's OpenAPI description shows them (tests/fixtures/github) turned into plain facts, its
refusals into a message and a time to ask again, and the retries it allows on a GET."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from github import Github, GithubException
from github.Deployment import Deployment
from github.DeploymentStatus import DeploymentStatus
from github.GitRelease import GitRelease
from github.PullRequest import PullRequest
from tests.conftest import GITHUB_TOKEN
from tests.standins.github import GitHubStandIn

from iftrue_deploy.client import BoundedAdapter, Budget, new_session
from iftrue_deploy.facts import Comparison, DeploymentFacts, DeploymentStatusFacts, PullRequestFacts, ReleaseFacts
from iftrue_deploy.gateway import RETRY_STATUSES
from iftrue_deploy.gateway.convert import (
    comparison,
    deployment,
    deployment_status,
    describe,
    pull_request,
    rate_limit_reset,
    release,
    retry_after,
    run_start,
)

API = Path(__file__).resolve().parent.parent / "fixtures" / "github"
NOW = 1_700_000_000.0


def answer(name: str) -> Any:
    data = json.loads((API / name).read_text())
    return data[0] if isinstance(data, list) else data


def test_a_release_as_the_api_describes_it() -> None:
    raw = Github().create_from_raw_data(GitRelease, answer("release.json"))
    assert release(raw) == ReleaseFacts(
        id=1,
        tag="v1.0.0",
        name="v1.0.0",
        body="Description of the release",
        html_url="https://github.com/octocat/Hello-World/releases/v1.0.0",
        draft=False,
        prerelease=False,
        published_at=datetime(2013, 2, 27, 19, 35, 32, tzinfo=UTC),
        target_commitish="master",
        author_id=1,
    )


def test_a_release_without_name_body_target_or_author() -> None:
    data = {**answer("release.json"), "name": None, "body": None, "target_commitish": None, "author": None}
    facts = release(Github().create_from_raw_data(GitRelease, data))
    assert (facts.name, facts.body, facts.target_commitish, facts.author_id) == ("", "", "", None)


def test_a_deployment_as_the_api_describes_it() -> None:
    raw = Github().create_from_raw_data(Deployment, answer("deployment-simple-example.json"))
    assert deployment(raw) == DeploymentFacts(
        id=1,
        node_id="MDEwOkRlcGxveW1lbnQx",
        sha="a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d",
        ref="topic-branch",
        environment="production",
        created_at=datetime(2012, 7, 20, 1, 19, 13, tzinfo=UTC),
        creator_id=1,
    )
    data = {**answer("deployment-simple-example.json"), "creator": None}
    assert deployment(Github().create_from_raw_data(Deployment, data)).creator_id is None


def test_a_deployment_status_as_the_api_describes_it() -> None:
    raw = Github().create_from_raw_data(DeploymentStatus, answer("deployment-status.json"))
    assert deployment_status(raw) == DeploymentStatusFacts(
        state="success",
        created_at=datetime(2012, 7, 20, 1, 19, 13, tzinfo=UTC),
        target_url="https://example.com/deployment/42/output",
    )
    data = {**answer("deployment-status.json"), "state": "failure", "target_url": None, "created_at": None}
    facts = deployment_status(Github().create_from_raw_data(DeploymentStatus, data))
    assert facts == DeploymentStatusFacts(state="failure", created_at=None, target_url=None)


# The compare answer: GitHub lists at most 250 commits and counts all of them in total_commits.

HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e"


def test_a_comparison_as_the_api_describes_it() -> None:
    assert comparison(answer("commit-comparison.json"), HEAD) == Comparison(
        total_commits=1, subjects=("Fix all the bugs",), head_message="Fix all the bugs", status="behind"
    )


def listed_commit(n: int, message: Any = None) -> dict[str, Any]:
    commit = answer("commit-comparison.json")["commits"][0]
    text = f"\n  Change {n}\n\nWhy it changed.\n" if message is None else message
    return {**commit, "sha": f"{n:040x}", "commit": {**commit["commit"], "message": text}}


def test_a_long_comparison_counts_every_commit_and_reads_the_subjects_of_the_listed_ones() -> None:
    commits = [listed_commit(n) for n in range(250)]
    data = {**answer("commit-comparison.json"), "status": "ahead", "total_commits": 300, "commits": commits}
    facts = comparison(data, "f" * 40)  # the head is beyond the first page
    assert facts.total_commits == 300
    assert facts.subjects == tuple(f"Change {n}" for n in range(250))
    assert (facts.head_message, facts.status) == (None, "ahead")


def test_a_comparison_skips_what_has_no_message_and_keeps_the_head_message_whole() -> None:
    commits: list[Any] = [
        "not a commit",
        {"sha": "a" * 40, "commit": None},
        listed_commit(1, message=""),
        listed_commit(2, message=" \n "),
        {"sha": "b" * 40},
        listed_commit(3, message="\n First line\nsecond line"),
        listed_commit(4, message="Deploy it\n\nBody text"),
    ]
    data = {"status": "diverged", "total_commits": 7, "commits": commits}
    assert comparison(data, f"{4:040x}") == Comparison(
        total_commits=7,
        subjects=("First line", "Deploy it"),
        head_message="Deploy it\n\nBody text",
        status="diverged",
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"status": "identical", "total_commits": 0, "commits": []}, Comparison(0, (), None, "identical")),
        ({"status": "identical", "total_commits": 0, "commits": None}, Comparison(0, (), None, "identical")),
        ({"status": "unknown", "total_commits": 0}, Comparison(0, (), None, None)),
        ({"total_commits": 2, "commits": [listed_commit(1), "x"]}, Comparison(2, ("Change 1",), None, None)),
        ({"total_commits": 1, "commits": [{"sha": HEAD, "commit": None}]}, Comparison(1, (), None, None)),
        ({"total_commits": 1, "commits": [{"sha": HEAD}]}, Comparison(1, (), None, None)),
    ],
)
def test_a_comparison_without_commits_head_or_a_known_status(data: dict[str, Any], expected: Comparison) -> None:
    assert comparison(data, HEAD) == expected


@pytest.mark.parametrize("total", ["300", None, 3.0])
def test_a_comparison_whose_total_is_not_a_number_is_refused(total: Any) -> None:
    with pytest.raises(TypeError, match=r"^total_commits is not a number$"):
        comparison({"status": "ahead", "total_commits": total, "commits": []}, HEAD)


# When a workflow run (attempt) started


def test_a_run_starts_at_run_started_at_else_at_its_creation() -> None:
    run = answer("workflow-run.json")
    started = {**run, "run_started_at": "2020-01-22T19:40:00Z", "created_at": "2020-01-22T19:33:08Z"}
    assert run_start(started) == datetime(2020, 1, 22, 19, 40, tzinfo=UTC)
    for missing in ({k: v for k, v in run.items() if k != "run_started_at"}, {**run, "run_started_at": "soon"}):
        assert run_start({**missing, "created_at": "2020-01-22T19:33:08Z"}) == datetime(
            2020, 1, 22, 19, 33, 8, tzinfo=UTC
        )


def test_a_run_without_any_start_time_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^the run has no start time$"):
        run_start({"id": 1, "run_started_at": None, "created_at": "yesterday"})


def test_a_pull_request_as_the_api_describes_it() -> None:
    raw = Github().create_from_raw_data(PullRequest, answer("pull-request.json"))
    assert pull_request(raw, with_commits=True) == PullRequestFacts(
        number=1347,
        title="Amazing new feature",
        head_branch="new-topic",
        labels=("bug",),
        merge_commit_sha="e5bd3914e2e596debea16f433f57875b5b90bcd6",
        merged=True,
        commits=3,
        html_url="https://github.com/octocat/Hello-World/pull/1347",
    )
    assert pull_request(raw, with_commits=False).commits is None  # a listing does not carry it


def test_a_listed_pull_request_has_no_commit_count_and_labels_keep_their_case() -> None:
    data = answer("pull-request-simple-items.json")
    data = {**data, "title": None, "merged_at": None, "labels": [{**data["labels"][0], "name": "HotFix"}]}
    data["head"] = {**data["head"], "ref": None}
    facts = pull_request(Github().create_from_raw_data(PullRequest, data), with_commits=False)
    assert (facts.title, facts.head_branch, facts.labels, facts.merged, facts.commits) == (
        "",
        "",
        ("HotFix",),  # matched in any case by the flags rule, shown as GitHub spells it
        False,
        None,
    )


# GitHub's refusals


def test_a_refusal_is_described_by_its_status_and_message() -> None:
    assert describe(GithubException(404, {"message": "Not Found"}, None)) == "HTTP 404: Not Found"
    assert describe(GithubException(502, "<html>Bad gateway</html>", None)) == "HTTP 502"
    assert describe(GithubException(500, None, None)) == "HTTP 500"


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"Retry-After": "30"}, 30.0),
        (403, {"retry-after": "5"}, 5.0),
        (403, {"Retry-After": "soon"}, None),
        (403, {}, None),
        (503, {"Retry-After": "30"}, None),  # not a rate limit: the gateway's own retry handles it
    ],
)
def test_retry_after_is_read_on_a_rate_limit_refusal_only(
    status: int, headers: dict[str, str], expected: float | None
) -> None:
    assert retry_after(GithubException(status, {"message": "x"}, headers)) == expected


def test_a_refusal_with_no_requests_left_is_a_rate_limit_whatever_it_says() -> None:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW + 900))}
    assert rate_limit_reset(GithubException(403, {"message": "Forbidden"}, headers), NOW) == NOW + 900


def test_a_rate_limit_without_a_reset_is_asked_again_in_a_minute() -> None:
    error = GithubException(403, {"message": "API rate limit exceeded"}, {"X-RateLimit-Remaining": "0"})
    assert rate_limit_reset(error, NOW) == NOW + 60


# The retries the gateway's bounded adapter allows: a GET once more after a 5xx, nothing else.


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN).start()
    yield standin
    standin.stop()


def get(github: GitHubStandIn, method: str = "GET") -> requests.Response:
    adapter = BoundedAdapter(Budget(30, None), connect_retries=1, retry_statuses=RETRY_STATUSES)
    with new_session({}, adapter=adapter) as session:
        return session.request(method, f"{github.url}/rate_limit", headers={"Authorization": f"token {GITHUB_TOKEN}"})


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_get_answered_5xx_is_asked_once_more_and_its_last_answer_kept(github: GitHubStandIn, status: int) -> None:
    github.fail("/rate_limit", status, times=5)
    assert get(github).status_code == status
    assert github.count(path_contains="/rate_limit") == 2


def test_a_get_is_asked_again_at_once_even_if_a_5xx_says_retry_after(github: GitHubStandIn) -> None:
    github.fail("/rate_limit", 503, headers={"Retry-After": "30"}, times=1)
    started = time.monotonic()
    assert get(github).status_code == 200
    assert time.monotonic() - started < 10


def test_other_refusals_and_other_methods_are_not_asked_again(github: GitHubStandIn) -> None:
    github.fail("/rate_limit", 403, times=1)
    assert get(github).status_code == 403
    for method in ("POST", "PUT"):
        github.fail("/rate_limit", 502, times=5, method=method)
        assert get(github, method).status_code == 502
    assert github.count(path_contains="/rate_limit") == 3


def test_a_get_whose_answer_broke_off_is_not_asked_again(github: GitHubStandIn) -> None:
    github.disconnect("/rate_limit", times=5)
    with pytest.raises(requests.exceptions.RequestException):
        get(github)
    assert github.count(path_contains="/rate_limit") == 1
