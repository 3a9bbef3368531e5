"""The GitHub-lookup scenarios, shared by tests/e2e/test_github_lookups.py and bench/.

A fake repository's history (``build_repo``), the real payloads from tests/fixtures/events pointed
at it, one builder per scenario (stand-in set-up plus the event to run, as a ``Call``), the
request budget per trigger, and ``report()``, which runs entrypoint.py as GitHub runs it.
The tests hold each scenario's record and request count; the benchmark counts its requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.conftest import GITHUB_TOKEN, IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

# Requests per run allowed by the issue "Derive what the payload lacks from GitHub".
BUDGET = {
    "inputs": 0,
    "pull_request": 2,
    "push": 3,
    "push-extra": 4,
    "release": 5,
    "deployment_status": 4,
    "deployment": 5,  # + the current run attempt's start
    "workflow_run": 3,
    "workflow_dispatch": 6,
}
REPO_URL = "https://github.com/Codertocat/Hello-World"
RUN_ID = 30433642


def ago(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def github_standin() -> GitHubStandIn:
    """A started GitHub stand-in, as the tests' ``github`` fixture gives it."""
    return GitHubStandIn(token=GITHUB_TOKEN, html_url="https://github.com").start()


@dataclass
class Repo:
    """A fake repository's history: two deployed pull requests, then the one being deployed."""

    github: GitHubStandIn
    initial: str
    login: str  # PR 10, squash-merged and deployed successfully
    crash_fix: str  # PR 11, a bug fix, squash-merged
    deployed_fix: str  # deployment of crash_fix failed
    head: str  # PR 12, merge commit, the one being deployed


def build_repo(github: GitHubStandIn) -> Repo:
    initial = github.add_commit("Initial commit")
    login = github.add_commit("Add login page (#10)")
    github.add_pull(10, "Add login page", "feature/login", login, labels=["enhancement"], commits=3)
    github.add_deployment(login, statuses=["in_progress", "success"])
    crash_fix = github.add_commit("Stop the crash on save (#11)")
    github.add_pull(11, "Stop the crash on save", "bugfix/crash-on-save", crash_fix, labels=["Bug"], commits=2)
    github.add_deployment(crash_fix, statuses=["failure"])
    github.add_commit("Second commit of the payments branch")
    head = github.add_commit("Merge pull request #12 from Codertocat/feature/payments")
    github.add_pull(12, "Payments", "feature/payments", head, labels=["feature"], commits=4)
    github.add_run(RUN_ID, ago(5))
    return Repo(github, initial, login, crash_fix, crash_fix, head)


def action_inputs(iftrue: IftrueStandIn, **inputs: str) -> dict[str, str]:
    """The inputs `report` gives: iftrue token and URL, GitHub token, then ``inputs`` (``_`` → ``-``)."""
    given = {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, "github-token": GITHUB_TOKEN}
    given.update({k.replace("_", "-"): v for k, v in inputs.items()})
    return given


def report(
    tmp_path: Path,
    iftrue: IftrueStandIn,
    github: GitHubStandIn,
    event_name: str,
    payload: dict[str, Any] | None,
    *,
    sha: str | None = None,
    github_ref: str = "refs/heads/master",
    api_prefix: str = "",
    env_extra: dict[str, str] | None = None,
    **inputs: str,
) -> ActionRun:
    env = github_env(tmp_path, event_name, payload, sha=sha, ref=github_ref, api_url=github.url + api_prefix)
    env.update(env_extra or {})
    github.reset_requests()
    run = run_action(env, action_inputs(iftrue, **inputs))
    assert "Traceback" not in run.stdout + run.stderr
    return run


def push_payload(before: str, after: str, messages: list[tuple[str, str]], **changes: Any) -> dict[str, Any]:
    """The real push payload, pointed at the stand-in's commits."""
    payload = event_payload("push-branch-created")
    commits = []
    for sha, message in messages:
        commit = json.loads(json.dumps(payload["commits"][0]))
        commit.update(id=sha, message=message, url=f"{REPO_URL}/commit/{sha}")
        commits.append(commit)
    payload.update(
        before=before, after=after, created=False, commits=commits, head_commit=commits[-1] if commits else None
    )
    payload.update(changes)
    return payload


def release_payload(tag: str, release_id: int, published_at: str) -> dict[str, Any]:
    payload = event_payload("release-published")
    payload["release"].update(tag_name=tag, name=f"Version {tag}", id=release_id, published_at=published_at, body=None)
    return payload


def deployment_payload(name: str, deployment: dict[str, Any], sha: str, **more: Any) -> dict[str, Any]:
    """A real deployment or deployment_status payload, pointed at a stand-in deployment."""
    payload = event_payload(name)
    payload["deployment"].update(sha=sha, id=deployment["id"], node_id=deployment["node_id"], **more)
    return payload


def every_field_inputs(repo: Repo) -> dict[str, str]:
    """Every record field as an input (names with underscores, as `report` takes them)."""
    return {
        "title": "t",
        "changelog": "c",
        "url": "https://x.example",
        "branch": "b",
        "commit_id": repo.head,
        "deployment_duration": "3",
        "is_fix": "false",
        "is_hotfix": "false",
        "is_forced": "false",
        "commits_count": "1",
        "repository_url": REPO_URL,
        "member_id": "1",
        "pull_request_number": "12",
        "deployment_node_id": "DE_1",
        "status": "success",
    }


# --- one builder per scenario: the stand-in's set-up, and the event that reports it ---


@dataclass
class Call:
    """One run of the action: its event and payload, GITHUB_SHA and GITHUB_REF, extra inputs."""

    event: str
    payload: dict[str, Any]
    sha: str
    github_ref: str = "refs/heads/master"
    inputs: dict[str, str] = field(default_factory=dict)
    commits: tuple[str, ...] = ()  # the commits the builder added, oldest first
    deployment: dict[str, Any] | None = None  # the stand-in deployment the event is about


def report_call(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, call: Call) -> ActionRun:
    # call.inputs are action inputs only, never report()'s own keywords (env_extra, api_prefix).
    event, payload, sha, ref, inputs = call.event, call.payload, call.sha, call.github_ref, call.inputs
    return report(tmp_path, iftrue, github, event, payload, sha=sha, github_ref=ref, **inputs)  # type: ignore[arg-type]


def every_field_given(github: GitHubStandIn, repo: Repo) -> Call:
    payload = push_payload(repo.login, repo.head, [(repo.head, "m")])
    return Call("push", payload, repo.head, inputs=every_field_inputs(repo))


def merged_pull_request(github: GitHubStandIn, repo: Repo) -> Call:
    payload = event_payload("pull_request-closed-merged")
    payload["pull_request"]["merge_commit_sha"] = repo.head
    github.add_deployment(repo.head, statuses=["success"])
    return Call("pull_request", payload, repo.head)


def push_of_a_merge_commit(github: GitHubStandIn, repo: Repo) -> Call:
    github.add_deployment(repo.head, statuses=["in_progress"])
    payload = push_payload(
        repo.crash_fix,
        repo.head,
        [
            ("b" * 40, "Second commit of the payments branch"),
            (repo.head, "Merge pull request #12 from Codertocat/feature/payments"),
        ],
    )
    return Call("push", payload, repo.head)


def push_of_a_squash_merge(github: GitHubStandIn, repo: Repo) -> Call:
    payload = push_payload(repo.login, repo.crash_fix, [(repo.crash_fix, "Stop the crash on save (#11)")])
    return Call("push", payload, repo.crash_fix)


def direct_push(github: GitHubStandIn, repo: Repo) -> Call:
    direct = github.add_commit("Bump the version\n\nNo PR for this one.")
    payload = push_payload(repo.head, direct, [(direct, "Bump the version\n\nNo PR for this one.")])
    return Call("push", payload, direct, commits=(direct,))


def forced_push(github: GitHubStandIn, repo: Repo) -> Call:
    payload = push_payload(
        repo.login, repo.head, [(repo.head, "Merge pull request #12 from Codertocat/feature/payments")], forced=True
    )
    return Call("push", payload, repo.head)


def push_creating_a_branch(github: GitHubStandIn, repo: Repo) -> Call:
    github.create_branch("release/2024-06", repo.head)
    one = github.add_commit("Pin the payment provider", branch="release/2024-06")
    two = github.add_commit("Release notes", branch="release/2024-06")
    payload = push_payload("0" * 40, two, [(two, "Release notes")], created=True, ref="refs/heads/release/2024-06")
    return Call("push", payload, two, github_ref="refs/heads/release/2024-06", commits=(one, two))


def push_over_the_payload_cap(github: GitHubStandIn, repo: Repo) -> Call:
    return Call("push", push_payload(repo.initial, repo.head, [(repo.head, "x")] * 2048), repo.head)


def release_after_a_previous_release(github: GitHubStandIn, repo: Repo) -> Call:
    github.add_release("v1.0.0", repo.login, published_at="2024-05-01T10:00:00Z")
    github.add_release("v1.1.0-rc.1", repo.crash_fix, prerelease=True, published_at="2024-05-02T10:00:00Z")
    github.add_release("v1.1.0", repo.head, published_at="2024-05-03T10:00:00Z")  # the new one itself
    current = max(github.releases)
    payload = release_payload("v1.1.0", current, "2024-05-03T10:00:00Z")
    return Call("release", payload, repo.head, github_ref="refs/tags/v1.1.0")


def first_release(github: GitHubStandIn, repo: Repo) -> Call:
    github.add_release("v0.1.0", repo.head, published_at="2024-05-03T10:00:00Z")
    payload = release_payload("v0.1.0", max(github.releases), "2024-05-03T10:00:00Z")
    return Call("release", payload, repo.head, github_ref="refs/tags/v0.1.0")


def deployment_status_after_a_failed_one(github: GitHubStandIn, repo: Repo) -> Call:
    deployment = github.add_deployment(repo.head, statuses=["in_progress", "success"])
    payload = deployment_payload("deployment_status-success", deployment, repo.head)
    return Call("deployment_status", payload, repo.head, deployment=deployment)


def deployment_status_after_a_success(github: GitHubStandIn, repo: Repo) -> Call:
    # The previous deployment succeeded and was made inactive by a later one, as GitHub does.
    github.add_deployment(repo.crash_fix, statuses=["success", "inactive"])
    deployment = github.add_deployment(repo.head, statuses=["success"])
    payload = deployment_payload("deployment_status-success", deployment, repo.head)
    return Call("deployment_status", payload, repo.head, deployment=deployment)


def deployment_created(github: GitHubStandIn, repo: Repo) -> Call:
    # Created three days ago, deployed by this run attempt (started 5 minutes ago): a re-run must
    # not report the days in between.
    deployment = github.add_deployment(repo.crash_fix, created_at=ago(3 * 24 * 60))
    payload = deployment_payload("deployment-created", deployment, repo.crash_fix, created_at=deployment["created_at"])
    return Call("deployment", payload, repo.crash_fix, deployment=deployment)


def workflow_run_with_its_pull_request(github: GitHubStandIn, repo: Repo) -> Call:
    payload = event_payload("workflow_run-completed-with-pr")
    payload["workflow_run"].update(head_sha=repo.crash_fix)
    payload["workflow_run"]["pull_requests"][0]["number"] = 11
    payload["workflow_run"]["pull_requests"][0]["head"]["sha"] = repo.crash_fix  # its own pull request
    payload["repository"]["html_url"] = REPO_URL
    return Call("workflow_run", payload, repo.crash_fix)


def workflow_run_from_a_fork(github: GitHubStandIn, repo: Repo) -> Call:
    payload = event_payload("workflow_run-completed-success")
    payload["workflow_run"].update(head_sha=repo.head)
    payload["repository"]["html_url"] = REPO_URL
    return Call("workflow_run", payload, repo.head)


def workflow_dispatch_with_a_ref(github: GitHubStandIn, repo: Repo) -> Call:
    github.add_tag("v1.0.1", repo.crash_fix)
    payload = event_payload("workflow_dispatch")
    payload["repository"]["html_url"] = REPO_URL
    return Call("workflow_dispatch", payload, repo.head, github_ref="refs/heads/main", inputs={"ref": "v1.0.1"})


def run_backfill(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, **inputs: str) -> ActionRun:
    """A backfill from a workflow_dispatch run, against the stand-ins (inputs as keyword_names)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    payload = event_payload("workflow_dispatch")
    payload["repository"]["html_url"] = REPO_URL
    env = github_env(tmp_path, "workflow_dispatch", payload, ref="refs/heads/main", api_url=github.url)
    env["IFTRUE_RETRY_BASE_DELAY"] = "0.01"
    given = {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, "github-token": GITHUB_TOKEN}
    given.update({k.replace("_", "-"): v for k, v in inputs.items()})
    github.reset_requests()
    run = run_action(env, given, timeout=120)
    assert "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    return run


def sent(run: ActionRun, iftrue: IftrueStandIn) -> dict[str, Any]:
    """The one record iftrue received, which is also the `payload` output."""
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(iftrue.records) == 1, iftrue.requests
    record = iftrue.records[0]
    assert json.loads(run.outputs["payload"]) == record
    return record
