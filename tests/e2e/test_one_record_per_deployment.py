"""Issue 11: one deployment is one record, end to end from real payloads through entrypoint.py.

Re-runs are timed from their own attempt, non-final deployment statuses and events that describe
no deployment send nothing (and ask GitHub nothing), one release publication is one record
whichever release types the workflow listens to, only the run's own pull request counts, a push
that creates a ref is not forced, and a merge subject names the branch when the pull request
cannot be fetched.

Payloads are copied unchanged into tests/fixtures/events (origins in tests/fixtures/README.md);
where a test changes a field in memory it says which.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import GITHUB_TOKEN, IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.scenarios import sent as only_record
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

# GitHub requests per run for what issue 11 changed; the README "Performance" table keeps the rest.
BUDGET = {
    # README's 4 for a `deployment` event, plus GET /actions/runs/{id}/attempts/{n} for the duration.
    "deployment": 5,
    # A first release whose commit has no pull request: the README's 5, plus the commit's message
    # (for the pull request number), plus reading which release types the workflow listens to when
    # its file is not in the workspace (GET /contents/{path}; its path is in GITHUB_WORKFLOW_REF).
    "release": 7,
    # An event that describes no deployment, when the payload alone says so.
    "skipped": 0,
}
RUN_ID = 30433642  # GITHUB_RUN_ID in tests.conftest.github_env
NOTICE_SKIPPED = {"status": "skipped"}  # the outputs of a run that reported nothing


def ago(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def standins() -> Iterator[dict[str, GitHubStandIn]]:
    """GitHub stand-ins by repository full name, created on demand, stopped at the end."""
    started: dict[str, GitHubStandIn] = {}
    yield started
    for standin in started.values():
        standin.stop()


def github_for(standins: dict[str, GitHubStandIn], repository: str) -> GitHubStandIn:
    if repository not in standins:
        owner, name = repository.split("/")
        standins[repository] = GitHubStandIn(owner, name, token=GITHUB_TOKEN, html_url="https://github.com").start()
    return standins[repository]


def report(
    tmp_path: Path,
    iftrue: IftrueStandIn,
    github: GitHubStandIn | None,
    event_name: str,
    payload: dict[str, Any],
    *,
    sha: str | None = None,
    github_ref: str = "refs/heads/master",
    repository: str = "Codertocat/Hello-World",
    env_extra: dict[str, str] | None = None,
    **inputs: str,
) -> ActionRun:
    """One run of entrypoint.py; with ``github`` None the github-token input is empty."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    api_url = github.url if github is not None else "https://api.github.invalid"
    env = github_env(tmp_path, event_name, payload, sha=sha, ref=github_ref, repository=repository, api_url=api_url)
    env.update(env_extra or {})
    given = {
        "iftrue-token": IFTRUE_TOKEN,
        "api-url": iftrue.url,
        "github-token": GITHUB_TOKEN if github is not None else "",
    }
    given.update({k.replace("_", "-"): v for k, v in inputs.items()})
    if github is not None:
        github.reset_requests()
    run = run_action(env, given)
    assert "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    return run


def assert_not_reported(run: ActionRun, iftrue: IftrueStandIn, github: GitHubStandIn | None, why: str) -> None:
    """A notice (matching the regex ``why``), exit 0, nothing sent, nothing asked of GitHub."""
    assert run.returncode == 0, run.stdout + run.stderr
    assert iftrue.requests == [], [r.body for r in iftrue.requests]
    if github is not None:
        assert len(github.requests) == BUDGET["skipped"], [f"{r.method} {r.path}" for r in github.requests]
    notices = run.commands("notice")
    assert any(re.search(why, line) for line in notices), notices
    assert run.outputs == NOTICE_SKIPPED, run.outputs


def duration_about(record: dict[str, Any], minutes: float) -> None:
    assert minutes - 0.1 <= record["deployment_duration"] <= minutes + 0.5, record


# --- re-runs: a duration "to now" starts at the current attempt's start ---


def test_rerun_of_a_deployment_event_is_timed_from_its_attempt(
    tmp_path: Path, iftrue: IftrueStandIn, standins: dict[str, GitHubStandIn]
) -> None:
    """Rule: deployment_duration "to now" is from run_started_at of the current run attempt
    (GET /actions/runs/{GITHUB_RUN_ID}/attempts/{GITHUB_RUN_ATTEMPT}), for a `deployment` event too.
    The real payload's deployment was created 2019-05-15; today's code times from it (years)."""
    github = github_for(standins, "Codertocat/Hello-World")
    payload = event_payload("deployment-created")  # unchanged
    sha = payload["deployment"]["sha"]
    github.add_commit("Deploy to production", sha=sha)
    github.add_run(RUN_ID, ago(7), attempt=2, attempts={1: ago(3 * 24 * 60)}, event="deployment", head_sha=sha)
    run = report(tmp_path, iftrue, github, "deployment", payload, sha=sha, env_extra={"GITHUB_RUN_ATTEMPT": "2"})
    record = only_record(run, iftrue)
    duration_about(record, 7)
    assert github.count("GET", f"/actions/runs/{RUN_ID}/attempts/2") == 1
    assert github.count("GET", f"/actions/runs/{RUN_ID}/attempts/1") == 0
    assert len(github.requests) <= BUDGET["deployment"], [f"{r.method} {r.path}" for r in github.requests]


def test_deployment_event_without_a_github_token_has_no_duration(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Rule: with no attempt start to time from, deployment_duration is omitted, never measured
    from deployment.created_at (2019 in the real payload: today over a million minutes)."""
    run = report(tmp_path, iftrue, None, "deployment", event_payload("deployment-created"))
    record = only_record(run, iftrue)
    assert "deployment_duration" not in record, record["deployment_duration"]


@pytest.mark.parametrize(
    ("event_name", "fixture"), [("deployment", "deployment-created"), ("push", "push-branch-created")]
)
def test_duration_to_now_is_never_negative(
    tmp_path: Path, iftrue: IftrueStandIn, standins: dict[str, GitHubStandIn], event_name: str, fixture: str
) -> None:
    """Rule: never negative: an attempt whose start is ahead of this machine's clock gives 0."""
    github = github_for(standins, "Codertocat/Hello-World")
    github.add_run(RUN_ID, ago(-3), event=event_name)
    record = only_record(report(tmp_path, iftrue, github, event_name, event_payload(fixture)), iftrue)
    assert record["deployment_duration"] == 0


# --- deployment_status: only final states are deployments ---


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("success", "succes"),  # deployment_status-success, unchanged
        ("failure", "fail"),  # deployment_status-success with state changed in memory
        ("error", "fail"),  # likewise
    ],
)
def test_final_deployment_status_is_reported(tmp_path: Path, iftrue: IftrueStandIn, state: str, expected: str) -> None:
    """Rule: deployment_status `success` → `succes`, `failure`/`error` → `fail`."""
    payload = event_payload("deployment_status-success")
    payload["deployment_status"]["state"] = state
    record = only_record(report(tmp_path, iftrue, None, "deployment_status", payload), iftrue)
    assert record["status"] == expected
    assert record["deployment_duration"] == 0.03  # status 15:20:55 − deployment 15:20:53


@pytest.mark.parametrize(
    ("fixture", "state"),
    [
        ("deployment_status-in_progress", None),  # unchanged
        ("deployment_status-in_progress", "queued"),  # state changed in memory
        ("deployment_status-in_progress", "pending"),  # state changed in memory
        ("deployment_status-success", "inactive"),  # state changed in memory
    ],
    ids=["in_progress", "queued", "pending", "inactive"],
)
def test_deployment_status_that_is_not_final_is_not_reported(
    tmp_path: Path, iftrue: IftrueStandIn, standins: dict[str, GitHubStandIn], fixture: str, state: str | None
) -> None:
    """Rule: `queued`, `pending`, `in_progress` (and `inactive`) are not reported unless the `status`
    input is given: a notice, exit 0, nothing sent, output status=skipped, no GitHub request
    (iftrue has no update call: one deployment would otherwise count two or three times)."""
    github = github_for(standins, "Codertocat/Hello-World")
    payload = event_payload(fixture)
    if state is not None:
        payload["deployment_status"]["state"] = state
    shown = state or payload["deployment_status"]["state"]
    run = report(tmp_path, iftrue, github, "deployment_status", payload)
    assert_not_reported(run, iftrue, github, re.escape(shown))


@pytest.mark.parametrize(
    ("state", "given", "expected"),
    [
        ("in_progress", "in_progress", "in_progress"),
        ("queued", "queued", "in_progress"),
        ("pending", "success", "succes"),
    ],
)
def test_deployment_status_that_is_not_final_with_the_status_input(
    tmp_path: Path, iftrue: IftrueStandIn, state: str, given: str, expected: str
) -> None:
    """Rule: with the `status` input given, a non-final deployment_status is reported with it."""
    payload = event_payload("deployment_status-in_progress")
    payload["deployment_status"]["state"] = state  # in_progress is the fixture's own
    record = only_record(report(tmp_path, iftrue, None, "deployment_status", payload, status=given), iftrue)
    assert record["status"] == expected


# --- events that describe no deployment ---


def _from_pull_request(payload: dict[str, Any]) -> None:
    payload["workflow_run"]["event"] = "pull_request"


def _from_pull_request_target(payload: dict[str, Any]) -> None:
    payload["workflow_run"]["event"] = "pull_request_target"


def _from_a_fork(payload: dict[str, Any]) -> None:
    # A run of a fork's branch (a pull request from a fork that ran `push`-less CI upstream).
    payload["workflow_run"]["event"] = "pull_request"
    head = payload["workflow_run"]["head_repository"]
    head.update(full_name="octocat/octo-repo", fork=True)
    head["owner"]["login"] = "octocat"


def _fork_on_push(payload: dict[str, Any]) -> None:
    # Only the head repository differs: the run came from another repository.
    payload["workflow_run"]["head_repository"]["full_name"] = "octocat/octo-repo"


def _unchanged(payload: dict[str, Any]) -> None:
    pass


MERGE_GROUP = event_payload("merge_group-checks_requested")["merge_group"]
REVIEWED = event_payload("pull_request_review-submitted")["pull_request"]
# (id, event name, fixture, change made in memory, GITHUB_SHA, GITHUB_REF, GITHUB_REPOSITORY, notice regex)
NOT_DEPLOYMENTS: list[tuple[str, str, str, Callable[[dict[str, Any]], None], str | None, str, str, str]] = [
    (
        "workflow_run-not-completed",
        "workflow_run",
        "workflow_run-requested",
        _unchanged,
        None,
        "refs/heads/master",
        "octo-org/octo-repo",
        r"(?i)complet",
    ),
    (
        "workflow_run-by-pull_request",
        "workflow_run",
        "workflow_run-completed-success",
        _from_pull_request,
        None,
        "refs/heads/master",
        "octo-org/octo-repo",
        r"pull_request",
    ),
    (
        "workflow_run-by-pull_request_target",
        "workflow_run",
        "workflow_run-completed-success",
        _from_pull_request_target,
        None,
        "refs/heads/master",
        "octo-org/octo-repo",
        r"pull_request_target",
    ),
    (
        "workflow_run-from-a-fork",
        "workflow_run",
        "workflow_run-completed-success",
        _from_a_fork,
        None,
        "refs/heads/master",
        "octo-org/octo-repo",
        r"(?i)fork|another repository|octocat/octo-repo|pull_request",
    ),
    (
        "workflow_run-from-another-repository",
        "workflow_run",
        "workflow_run-completed-success",
        _fork_on_push,
        None,
        "refs/heads/master",
        "octo-org/octo-repo",
        r"(?i)fork|another repository|octocat/octo-repo",
    ),
    (
        "pull_request_review",
        "pull_request_review",
        "pull_request_review-submitted",
        _unchanged,
        REVIEWED["merge_commit_sha"],  # the open pull request's test merge commit
        f"refs/pull/{REVIEWED['number']}/merge",
        "Codertocat/Hello-World",
        r"refs/pull/",
    ),
    (
        "pull_request_review_comment",
        "pull_request_review_comment",
        "pull_request_review_comment-created",
        _unchanged,
        REVIEWED["merge_commit_sha"],
        f"refs/pull/{REVIEWED['number']}/merge",
        "Codertocat/Hello-World",
        r"refs/pull/",
    ),
    (
        "merge_group",
        "merge_group",
        "merge_group-checks_requested",
        _unchanged,
        MERGE_GROUP["head_sha"],
        MERGE_GROUP["head_ref"],
        "octo-org/octo-repo",
        r"(?i)merge.?group|merge queue",
    ),
]


# Each case of NOT_DEPLOYMENTS, as the test's parameters.
each_non_deployment = pytest.mark.parametrize(
    ("event_name", "fixture", "change", "sha", "ref", "repository", "why"),
    [case[1:] for case in NOT_DEPLOYMENTS],
    ids=[case[0] for case in NOT_DEPLOYMENTS],
)


@each_non_deployment
def test_event_that_describes_no_deployment(
    tmp_path: Path,
    iftrue: IftrueStandIn,
    standins: dict[str, GitHubStandIn],
    event_name: str,
    fixture: str,
    change: Callable[[dict[str, Any]], None],
    sha: str | None,
    ref: str,
    repository: str,
    why: str,
) -> None:
    """Rule: a workflow_run not completed, triggered by pull_request(_target) or from another
    repository (a fork), any event on a refs/pull/… ref, and merge_group describe no deployment:
    a notice, exit 0, nothing sent to iftrue and no GitHub request (the payload decides)."""
    github = github_for(standins, repository)
    payload = event_payload(fixture)
    change(payload)
    run = report(tmp_path, iftrue, github, event_name, payload, sha=sha, github_ref=ref, repository=repository)
    assert_not_reported(run, iftrue, github, why)


@each_non_deployment
def test_event_that_describes_no_deployment_with_commit_id_is_reported(
    tmp_path: Path,
    iftrue: IftrueStandIn,
    event_name: str,
    fixture: str,
    change: Callable[[dict[str, Any]], None],
    sha: str | None,
    ref: str,
    repository: str,
    why: str,
) -> None:
    """Rule: with the `commit-id` input naming what was deployed, each of these IS reported."""
    payload = event_payload(fixture)
    change(payload)
    deployed = "0123456789abcdef0123456789abcdef01234567"
    run = report(
        tmp_path, iftrue, None, event_name, payload, sha=sha, github_ref=ref, repository=repository, commit_id=deployed
    )
    record = only_record(run, iftrue)
    assert record["commit_id"] == deployed
    assert record["status"] in ("succes", "in_progress")


@pytest.mark.parametrize("case", ["workflow_run-from-a-fork", "pull_request_review", "merge_group"])
def test_event_that_describes_no_deployment_with_ref_is_reported(
    tmp_path: Path, iftrue: IftrueStandIn, standins: dict[str, GitHubStandIn], case: str
) -> None:
    """Rule: with the `ref` input naming what was deployed, these ARE reported (the tag's commit)."""
    _id, event_name, fixture, change, sha, ref, repository, _why = next(c for c in NOT_DEPLOYMENTS if c[0] == case)
    github = github_for(standins, repository)
    tagged = github.add_commit("Release 2.4.0")
    github.add_tag("v2.4.0", tagged)
    payload = event_payload(fixture)
    change(payload)
    run = report(
        tmp_path,
        iftrue,
        github,
        event_name,
        payload,
        sha=sha,
        github_ref=ref,
        repository=repository,
        **{"ref": "v2.4.0"},
    )
    record = only_record(run, iftrue)
    assert record["commit_id"] == tagged


def test_schedule_is_reported_for_github_sha_on_its_branch(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Rule: other events (here a real `schedule` payload, with the runner's GITHUB_SHA and
    GITHUB_REF of that run) report GITHUB_SHA on GITHUB_REF's branch."""
    payload = event_payload("schedule")  # unchanged: {"schedule": "0 0 * * 0", "workflow": …, repository, organization}
    sha = "ec79e417fc6287da879e336f2096fd23feb0fb16"  # GITHUB_SHA of the recorded run
    run = report(
        tmp_path,
        iftrue,
        None,
        "schedule",
        payload,
        sha=sha,
        github_ref="refs/heads/main",
        repository="re-organization-sandbox/sandbox-repo",
    )
    record = only_record(run, iftrue)
    assert record["commit_id"] == sha
    assert record["branch"] == "main"
    assert record["repository_url"] == "https://github.com/re-organization-sandbox/sandbox-repo"
    assert record["member_id"] == "583231"  # no sender in a schedule payload: GITHUB_ACTOR_ID
    assert record["status"] == "succes"


def test_repository_dispatch_is_reported(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Rule: `repository_dispatch` reports GITHUB_SHA on GITHUB_REF's (the default) branch."""
    payload = event_payload("repository_dispatch")  # unchanged
    sha = "9e602444f49b8b69c3a9a51fa97a115f3d323508"
    run = report(
        tmp_path,
        iftrue,
        None,
        "repository_dispatch",
        payload,
        sha=sha,
        github_ref="refs/heads/master",
        repository="octo-org/octo-repo",
    )
    record = only_record(run, iftrue)
    assert (record["commit_id"], record["branch"]) == (sha, "master")
    assert record["member_id"] == str(payload["sender"]["id"])


# --- releases: one record per publication, whatever the workflow listens to ---

# What GitHub delivers for each way a release comes about (GitHub docs, "release" webhook):
# publishing a full release sends created, published and released (identical payloads but for the
# action); publishing a prerelease sends created, published and prereleased; promoting a published
# prerelease to a full release later sends edited and released (published is not sent again).
DELIVERED = {
    "full release": ["created", "published", "released"],
    "prerelease": ["created", "published", "prereleased"],
    "prerelease promoted": ["edited", "released"],
}
# The workflow's `on: release: types:`; None is `on: release` with no types (every action).
SUBSCRIPTIONS: dict[str, list[str] | None] = {
    "published": ["published"],
    "released": ["released"],
    "both": ["published", "released"],
    "no types": None,
}
# Records iftrue must hold once every delivered event has run the action (one run per event).
# One publication is one record, whichever types the workflow listens to. A prerelease counts as a
# deployment when it is published (as the action reports it today), and its later promotion is
# a publication of its own: one more record. A workflow on `types: [published]` alone never runs
# for a promotion, and one on `[released]` alone never runs for a prerelease: 0, nothing to do.
# To stop counting prereleases, set the "prerelease" column to 0 (and say so in the README).
EXPECTED_RECORDS = {
    #  subscription    full release  prerelease  prerelease promoted
    "published": {"full release": 1, "prerelease": 1, "prerelease promoted": 0},
    "released": {"full release": 1, "prerelease": 0, "prerelease promoted": 1},
    "both": {"full release": 1, "prerelease": 1, "prerelease promoted": 1},
    "no types": {"full release": 1, "prerelease": 1, "prerelease promoted": 1},
}
WORKFLOW_PATH = ".github/workflows/sink.yml"


def workflow_yaml(types: list[str] | None) -> str:
    trigger = "  release:\n" if types is None else f"  release:\n    types: [{', '.join(types)}]\n"
    return (
        "name: Deploy\n"
        f"on:\n{trigger}"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    environment: production\n"
        "    steps:\n"
        "      - run: ./deploy.sh\n"
        "      - uses: iftrue/deployment-action@v1\n"
        "        with:\n"
        "          iftrue-token: ${{ secrets.IFTRUE_TOKEN }}\n"
    )


def release_delivery(scenario: str, action: str) -> tuple[dict[str, Any], str, str, str]:
    """(payload, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF) of one delivered release event."""
    if scenario == "full release":
        # @octokit/webhooks-examples: the same release 0.0.1 as created, published and released.
        fixture = {"created": "release-created", "published": "release-published", "released": "release-released"}
        payload = event_payload(fixture[action])
        return payload, "Codertocat/Hello-World", "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "refs/tags/0.0.1"
    # Recorded by a real workflow: release v1 published as a prerelease, then promoted (released).
    if scenario == "prerelease":
        payload = event_payload("release-published-prerelease")
    else:
        payload = event_payload("release-released-promoted")
    if payload["action"] != action:
        payload["action"] = action  # the companion events (created, prereleased, edited): action changed
        if action == "edited":
            payload["changes"] = {"body": {"from": ""}}
    return payload, "re-organization-sandbox/sandbox-repo", "fb56db1da674f9dca2af611cbd8abea4bcfb657c", "refs/tags/v1"


@pytest.mark.parametrize("scenario", list(DELIVERED))
@pytest.mark.parametrize("subscription", list(SUBSCRIPTIONS))
def test_one_record_per_release_publication(
    tmp_path: Path, iftrue: IftrueStandIn, standins: dict[str, GitHubStandIn], subscription: str, scenario: str
) -> None:
    """Rule: one publication of a release is one record, whichever of `published` and `released`
    (both, or no types at all) the workflow listens to. Each event GitHub delivers to the workflow
    runs entrypoint.py once, as its own workflow run; the workflow file (with its `on:`) is at
    GITHUB_WORKFLOW_REF and at the run's `path`, readable through the contents API."""
    types = SUBSCRIPTIONS[subscription]
    delivered = [a for a in DELIVERED[scenario] if types is None or a in types]
    for number, action in enumerate(delivered, start=1):
        payload, repository, sha, ref = release_delivery(scenario, action)
        github = github_for(standins, repository)
        if not github.files:
            github.add_commit("Release prep", sha=sha)
            github.add_release(
                ref.removeprefix("refs/tags/"), sha, prerelease=scenario == "prerelease", published_at=ago(30)
            )
            github.add_file(WORKFLOW_PATH, workflow_yaml(types))
        run_id = RUN_ID + number
        github.add_run(run_id, ago(1), event="release", name="Sink", head_sha=sha, head_branch=ref.rsplit("/", 1)[-1])
        env = {"GITHUB_RUN_ID": str(run_id), "GITHUB_WORKFLOW_REF": f"{repository}/{WORKFLOW_PATH}@{ref}"}
        run = report(
            tmp_path / f"run{number}-{action}",
            iftrue,
            github,
            "release",
            payload,
            sha=sha,
            github_ref=ref,
            repository=repository,
            env_extra=env,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert len(github.requests) <= BUDGET["release"], [f"{r.method} {r.path}" for r in github.requests]
        if run.outputs.get("status") == "skipped":
            assert run.commands("notice"), "a skipped release event says why"
    expected = EXPECTED_RECORDS[subscription][scenario]
    assert len(iftrue.records) == expected, (delivered, [r["title"] for r in iftrue.records])


# --- workflow_run: only the run's own pull request ---


def test_workflow_run_ignores_a_listed_pull_request_of_another_head(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Rule: of workflow_run.pull_requests only the entry whose head.sha is the run's head_sha is the
    run's pull request. In the real payload PR #2's head is ec26c3e…, the run's head_sha 3484a3f…
    (GitHub lists open pull requests that merely share the branch): no pull request, branch from
    workflow_run.head_branch."""
    payload = event_payload("workflow_run-completed-with-pr")  # unchanged
    run_ = payload["workflow_run"]
    assert run_["pull_requests"][0]["head"]["sha"] != run_["head_sha"]
    record = only_record(
        report(tmp_path, iftrue, None, "workflow_run", payload, repository="octo-org/octo-repo"), iftrue
    )
    assert record["pull_request_number"] == 0
    assert record["branch"] == "master"


def test_workflow_run_looks_up_the_commits_pull_request_instead(
    tmp_path: Path, iftrue: IftrueStandIn, standins: dict[str, GitHubStandIn]
) -> None:
    """Rule: when the listed pull request is not the run's, the commit's pull request is looked up."""
    github = github_for(standins, "octo-org/octo-repo")
    payload = event_payload("workflow_run-completed-with-pr")  # unchanged
    head = payload["workflow_run"]["head_sha"]
    github.add_commit("build(test): check workflow run event payload", sha=head)
    github.add_pull(7, "Check the workflow run payload", "feature/run-payload", head, commits=2)
    run = report(tmp_path, iftrue, github, "workflow_run", payload, sha=head, repository="octo-org/octo-repo")
    record = only_record(run, iftrue)
    assert record["pull_request_number"] == 7
    assert record["branch"] == "feature/run-payload"
    assert github.count("GET", "/pulls/2") == 0


def test_workflow_run_with_its_own_pull_request(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Rule: the entry whose head.sha is the run's head_sha is the run's pull request
    (head.sha set to the run's head_sha in memory)."""
    payload = event_payload("workflow_run-completed-with-pr")
    payload["workflow_run"]["pull_requests"][0]["head"]["sha"] = payload["workflow_run"]["head_sha"]
    record = only_record(
        report(tmp_path, iftrue, None, "workflow_run", payload, repository="octo-org/octo-repo"), iftrue
    )
    assert record["pull_request_number"] == 2
    assert record["branch"] == "changes"


# --- is_forced ---


@pytest.mark.parametrize(
    ("fixture", "ref"), [("push-branch-created", "refs/heads/master"), ("push-tag-created", "refs/tags/simple-tag")]
)
def test_push_that_creates_a_ref_is_not_forced(tmp_path: Path, iftrue: IftrueStandIn, fixture: str, ref: str) -> None:
    """Rule: is_forced is false when the push created the ref (`created: true`), even with
    `forced: true` (GitHub sends it for some creations; the real examples have forced false,
    so `forced` is set to true in memory)."""
    payload = event_payload(fixture)
    assert payload["created"] is True and payload["forced"] is False
    payload["forced"] = True
    record = only_record(report(tmp_path, iftrue, None, "push", payload, github_ref=ref), iftrue)
    assert record["is_forced"] is False


def test_forced_push_to_an_existing_branch_is_forced(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Rule: a forced push that did not create the ref stays forced (created false, forced true)."""
    payload = event_payload("push-branch-created")
    payload.update(created=False, forced=True, before="ec26c3e57ca3a959ca5aad62de7213c562f8c821")
    record = only_record(report(tmp_path, iftrue, None, "push", payload), iftrue)
    assert record["is_forced"] is True


# --- the branch from a merge subject when the pull request cannot be fetched ---


def merge_push(subject: str) -> dict[str, Any]:
    """The real push payload with its one commit's message set to a merge of a pull request."""
    payload = event_payload("push-branch-created")
    payload["created"] = False
    message = f"{subject}\n\nFix the crash on login"
    payload["commits"][0]["message"] = message
    payload["head_commit"]["message"] = message
    return payload


LOST_BRANCHES = [
    ("Merge pull request #3 from owner/fix/login-crash", 3, "fix/login-crash", True, False),
    ("Merge pull request #4 from acme-corp/hotfix/double-charge", 4, "hotfix/double-charge", False, True),
]


@pytest.mark.parametrize(("subject", "number", "branch", "is_fix", "is_hotfix"), LOST_BRANCHES)
def test_branch_from_a_merge_subject_without_a_github_token(
    tmp_path: Path, iftrue: IftrueStandIn, subject: str, number: int, branch: str, is_fix: bool, is_hotfix: bool
) -> None:
    """Rule: branch comes from a `Merge pull request #N from owner/branch` subject when the pull
    request could not be fetched (github-token empty)."""
    record = only_record(report(tmp_path, iftrue, None, "push", merge_push(subject)), iftrue)
    assert (record["pull_request_number"], record["branch"]) == (number, branch)
    assert (record["is_fix"], record["is_hotfix"]) == (is_fix, is_hotfix)


@pytest.mark.parametrize(("subject", "number", "branch", "is_fix", "is_hotfix"), LOST_BRANCHES)
def test_branch_from_a_merge_subject_when_github_answers_404(
    tmp_path: Path,
    iftrue: IftrueStandIn,
    standins: dict[str, GitHubStandIn],
    subject: str,
    number: int,
    branch: str,
    is_fix: bool,
    is_hotfix: bool,
) -> None:
    """Rule: likewise when GitHub answers 404 for the pull request lookups."""
    github = github_for(standins, "Codertocat/Hello-World")
    payload = merge_push(subject)
    github.add_commit(payload["head_commit"]["message"], sha=payload["after"])
    github.fail(r"/pulls", 404, times=20)
    record = only_record(report(tmp_path, iftrue, github, "push", payload, sha=payload["after"]), iftrue)
    assert (record["pull_request_number"], record["branch"]) == (number, branch)
    assert (record["is_fix"], record["is_hotfix"]) == (is_fix, is_hotfix)
