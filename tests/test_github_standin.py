"""The GitHub stand-in, exercised through PyGithub itself (so its shapes are what PyGithub expects)."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from github import Auth, Github
from github.GithubException import (
    BadCredentialsException,
    GithubException,
    RateLimitExceededException,
    UnknownObjectException,
)
from github.Repository import Repository
from tests.standins.github import GitHubStandIn

TOKEN = "ghs_standInTokenForTests0123456789abcdef"
REPO = "Codertocat/Hello-World"


@pytest.fixture
def standin() -> Iterator[GitHubStandIn]:
    server = GitHubStandIn(token=TOKEN).start()
    yield server
    server.stop()


def client(base_url: str, token: str = TOKEN, **kwargs: Any) -> Github:
    return Github(
        base_url=base_url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,
        **kwargs,
    )


@pytest.fixture(params=["", "/api/v3"], ids=["root", "ghes-prefix"])
def repo(request: pytest.FixtureRequest, standin: GitHubStandIn) -> Repository:
    return client(standin.url + request.param).get_repo(REPO)


def history(standin: GitHubStandIn) -> dict[str, str]:
    """v1.0.0 → two commits → merge of #7 (master); a feature branch off the tag."""
    shas = {"root": standin.add_commit("Initial commit")}
    shas["tagged"] = standin.add_commit("Release prep")
    standin.add_release("v1.0.0", shas["tagged"], published_at="2024-01-01T10:00:00Z")
    shas["a"] = standin.add_commit("Add a")
    shas["b"] = standin.add_commit("Add b")
    shas["merge"] = standin.add_commit("Fix the login bug (#7)")
    standin.create_branch("feature", shas["tagged"])
    shas["feature"] = standin.add_commit("Feature work", branch="feature")
    standin.add_pull(7, "Fix the login bug", "fix/login", shas["merge"], labels=["bug", "hotfix"], commits=3)
    return shas


def test_pull_of_a_commit_and_its_fields(standin: GitHubStandIn, repo: Repository) -> None:
    shas = history(standin)
    pulls = list(repo.get_commit(shas["merge"]).get_pulls())
    assert [p.number for p in pulls] == [7]
    assert list(repo.get_commit(shas["a"]).get_pulls()) == []
    pull = repo.get_pull(7)
    assert (pull.commits, pull.merged, pull.head.ref, pull.merge_commit_sha) == (3, True, "fix/login", shas["merge"])
    assert [label.name for label in pull.labels] == ["bug", "hotfix"]
    assert pull.merged_at is not None and pull.merged_at.tzinfo is not None
    assert pull.url.startswith(standin.url)
    assert standin.count("GET", "/pulls/7") == 1  # lazy: get_pull costs nothing until a field is read


def test_commit_and_commit_counts(standin: GitHubStandIn, repo: Repository) -> None:
    shas = history(standin)
    head = repo.get_commit("master")
    assert head.sha == "master"  # lazy: the sha is the ref given until the commit is fetched
    assert head.commit.message == "Fix the login bug (#7)" and head.sha == shas["merge"]
    assert repo.get_commit(shas["merge"]).commit.message == "Fix the login bug (#7)"
    assert repo.compare("v1.0.0", shas["merge"]).total_commits == 3
    comparison = repo.compare(shas["root"], "master")
    assert (comparison.status, comparison.ahead_by, comparison.total_commits) == ("ahead", 4, 4)
    assert [c.sha for c in comparison.commits] == [shas["tagged"], shas["a"], shas["b"], shas["merge"]]
    assert repo.compare("feature", "master").status == "diverged"
    assert repo.compare("master", "master").status == "identical"
    assert repo.get_commits(sha="v1.0.0").totalCount == 2
    assert repo.get_commits(sha="master").totalCount == 5
    assert [c.sha for c in repo.get_commits(sha="feature")] == [shas["feature"], shas["tagged"], shas["root"]]
    with pytest.raises(UnknownObjectException):
        _ = repo.compare("v9.9.9", "master").total_commits
    with pytest.raises(GithubException) as raised:
        _ = repo.get_commit("0" * 40).commit
    assert raised.value.status == 422


def test_pagination_follows_link_headers(standin: GitHubStandIn) -> None:
    for i in range(7):
        standin.add_commit(f"commit {i}")
    repo = client(standin.url + "/api/v3", per_page=3).get_repo(REPO)
    assert [c.commit.message for c in repo.get_commits()] == [f"commit {i}" for i in reversed(range(7))]
    pages = [r.query.get("page") for r in standin.requests if r.path.endswith("/commits")]
    assert pages == [None, "2", "3"]
    assert all(r.prefix == "/api/v3" for r in standin.requests)


def test_workflow_run_and_attempts(standin: GitHubStandIn, repo: Repository) -> None:
    standin.add_run(30433642, "2024-02-01T10:00:00Z", attempt=2, attempts={1: "2024-02-01T09:00:00Z"})
    run = repo.get_workflow_run(30433642)
    assert run.run_started_at == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert (run.run_attempt, run.status) == (2, "in_progress")
    assert run.get_attempt(1).run_started_at == datetime(2024, 2, 1, 9, tzinfo=UTC)
    with pytest.raises(UnknownObjectException):
        _ = repo.get_workflow_run(1).run_started_at


def test_deployments_and_statuses(standin: GitHubStandIn, repo: Repository) -> None:
    shas = history(standin)
    standin.add_deployment(shas["tagged"], created_at="2024-01-01T10:00:00Z", statuses=["in_progress", "success"])
    standin.add_deployment(shas["a"], environment="staging", created_at="2024-01-02T10:00:00Z")
    standin.add_deployment(shas["b"], created_at="2024-01-03T10:00:00Z", statuses=["failure"])
    production = list(repo.get_deployments(environment="production"))
    assert [d.sha for d in production] == [shas["b"], shas["tagged"]]
    assert [s.state for s in production[1].get_statuses()] == ["success", "in_progress"]
    assert [d.sha for d in repo.get_deployments(sha=shas["a"])] == [shas["a"]]

    created = repo.create_deployment(
        ref=shas["merge"], environment="production", auto_merge=False, required_contexts=[], description="Deploy"
    )
    assert created.sha == shas["merge"] and created.node_id.startswith("DE_")
    status = created.create_status("success", description="Deployed")
    assert status.state == "success"
    assert standin.posted_deployments[-1]["auto_merge"] is False
    assert standin.posted_statuses[-1] == {"state": "success", "description": "Deployed", "deployment_id": created.id}
    newest = next(iter(repo.get_deployments(environment="production")))
    assert newest.id == created.id
    assert [s.state for s in newest.get_statuses()] == ["success"]


def test_releases_newest_first(standin: GitHubStandIn, repo: Repository) -> None:
    shas = history(standin)
    standin.add_release("v1.1.0", shas["merge"], published_at="2024-03-01T00:00:00Z", body="Notes")
    standin.add_release("v1.2.0-rc1", shas["merge"], draft=True, created_at="2024-03-02T00:00:00Z")
    releases = list(repo.get_releases())
    assert [r.tag_name for r in releases] == ["v1.2.0-rc1", "v1.1.0", "v1.0.0"]
    assert repo.get_release("v1.1.0").body == "Notes"
    assert releases[1].published_at == datetime(2024, 3, 1, tzinfo=UTC)


def test_faults(standin: GitHubStandIn, repo: Repository) -> None:
    history(standin)
    standin.fail(r"/pulls/7$", 404)
    with pytest.raises(UnknownObjectException):
        _ = repo.get_pull(7).title
    assert repo.get_pull(7).title == "Fix the login bug"  # the fault was used up

    standin.rate_limit(r"/pulls/", times=2)
    for _ in range(2):
        with pytest.raises(RateLimitExceededException) as raised:
            _ = repo.get_pull(7).title
        assert raised.value.headers is not None and raised.value.headers["x-ratelimit-remaining"] == "0"
    standin.rate_limit(r"/pulls/", times=1, status=429)
    with pytest.raises(GithubException) as limited:  # PyGithub only maps 403 to RateLimitExceededException
        _ = repo.get_pull(7).title
    assert limited.value.status == 429

    standin.truncate(r"/commits$")
    with pytest.raises(ValueError):  # json.JSONDecodeError, not a GithubException
        list(repo.get_commits())
    standin.fail(r"/releases", 502, method="GET")
    with pytest.raises(GithubException) as failed:
        list(repo.get_releases())
    assert failed.value.status == 502


def test_file_contents_at_a_ref(standin: GitHubStandIn, repo: Repository) -> None:
    text = "name: Deploy\non:\n  release:\n    types: [published]\n" + "# padding\n" * 10
    standin.add_file(".github/workflows/deploy.yml", text)
    standin.add_file(".github/workflows/deploy.yml", "on: push\n", ref="refs/tags/v1")
    content = repo.get_contents(".github/workflows/deploy.yml")
    assert not isinstance(content, list)
    assert content.decoded_content.decode() == text
    assert (content.name, content.path, content.size, content.encoding) == (
        "deploy.yml",
        content.path,
        len(text),
        "base64",
    )
    assert "\n" in content.content  # wrapped at 60 characters, as GitHub does
    tagged = repo.get_contents(".github/workflows/deploy.yml", ref="refs/tags/v1")
    assert not isinstance(tagged, list) and tagged.decoded_content == b"on: push\n"
    assert repo.get_contents(".github/workflows/deploy.yml", ref="main").decoded_content.decode() == text  # type: ignore[union-attr]
    with pytest.raises(UnknownObjectException):
        repo.get_contents(".github/workflows/missing.yml")
    assert [r.query.get("ref") for r in standin.requests if "/contents/" in r.path] == [
        None,
        "refs/tags/v1",
        "main",
        None,
    ]


def test_rate_limit_counts_down_then_answers_403(standin: GitHubStandIn, repo: Repository) -> None:
    history(standin)
    standin.set_rate_limit(2, reset_in=3600)
    assert repo.get_pull(7).title == "Fix the login bug"
    remaining, _limit = repo._requester.rate_limiting  # what the last answer's headers said
    assert remaining == 1
    assert repo.get_pull(7).merged is True  # the last allowed request
    with pytest.raises(RateLimitExceededException) as raised:
        _ = repo.get_pull(7).title
    headers = raised.value.headers or {}
    assert headers["x-ratelimit-remaining"] == "0" and int(headers["x-ratelimit-reset"]) > 3000 + int(
        datetime.now(UTC).timestamp()
    )
    standin.set_rate_limit(0, reset_in=0.3)
    with pytest.raises(RateLimitExceededException):
        _ = repo.get_pull(7).title
    time.sleep(0.4)  # the reset time passed: a fresh window
    assert repo.get_pull(7).title == "Fix the login bug"
    assert repo._requester.rate_limiting[0] == 4999


def test_auth_is_required(standin: GitHubStandIn) -> None:
    history(standin)
    with pytest.raises(BadCredentialsException):
        _ = client(standin.url, token="ghs_wrong").get_repo(REPO).get_pull(7).title
    assert standin.requests[-1].status == 401
    assert standin.requests[-1].header("authorization") == "token ghs_wrong"
    bearer = urllib.request.Request(f"{standin.url}/repos/{REPO}/pulls/7", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(bearer, timeout=5) as response:
        assert json.loads(response.read())["number"] == 7
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        for header in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-GitHub-Request-Id"):
            assert response.headers[header]


def test_bodies_keep_github_shape(standin: GitHubStandIn) -> None:
    shas = history(standin)
    with open(__file__.replace("test_github_standin.py", "fixtures/github/pull-request.json")) as f:
        example = json.load(f)
    request = urllib.request.Request(
        f"{standin.url}/api/v3/repos/{REPO}/pulls/7", headers={"Authorization": f"token {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())
    assert set(body) == set(example)
    assert body["url"] == f"{standin.url}/api/v3/repos/{REPO}/pulls/7"
    assert body["base"]["repo"]["full_name"] == REPO
    assert body["merge_commit_sha"] == shas["merge"]
    assert body["merged_at"].endswith("Z")
    assert standin.count("GET", "/pulls/7") == 1 and standin.requests[-1].prefix == "/api/v3"
