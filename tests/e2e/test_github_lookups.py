"""What the payload lacks, derived from the GitHub API: every trigger end to end against the GitHub
stand-in, every field of the record checked, and the number of API requests held to the budget.

The payloads are the real ones from @octokit/webhooks-examples; where a test points one at the
stand-in's fake repository it changes only the SHAs, refs and numbers it names.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from tests import scenarios
from tests.conftest import event_payload
from tests.scenarios import BUDGET, REPO_URL, RUN_ID, Repo, ago, push_payload, report, report_call, sent
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn


def within_budget(github: GitHubStandIn, trigger: str) -> int:
    used = len(github.requests)
    assert used <= BUDGET[trigger], [f"{r.method} {r.path}" for r in github.requests]
    return used


def duration_about(record: dict[str, Any], minutes: float) -> None:
    assert minutes - 0.1 <= record["deployment_duration"] <= minutes + 0.5, record


def node_id_of(github: GitHubStandIn, sha: str) -> str:
    return next(str(d["node_id"]) for d in github.deployments.values() if d["sha"] == sha)


# --- push ---


def test_push_of_a_merge_commit(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.push_of_a_merge_commit(github, repo))
    record = sent(run, iftrue)
    within_budget(github, "push")
    duration_about(record, 5)
    assert record == {
        "title": "Payments",
        "changelog": "- Second commit of the payments branch\n- Merge pull request #12 from Codertocat/feature/payments",
        "url": f"{REPO_URL}/actions/runs/{RUN_ID}",
        "branch": "feature/payments",
        "commit_id": repo.head,
        "deployment_duration": record["deployment_duration"],
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 2,
        "repository_url": REPO_URL,
        "member_id": "21031067",
        "pull_request_number": 12,
        "deployment_node_id": node_id_of(github, repo.head),
        "status": "succes",
    }
    assert run.commands("warning") == []


def test_push_of_a_squash_merge_with_a_bug_label(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.push_of_a_squash_merge(github, repo))
    record = sent(run, iftrue)
    assert within_budget(github, "push") == 3
    assert record["pull_request_number"] == 11
    assert record["title"] == "Stop the crash on save"
    assert record["branch"] == "bugfix/crash-on-save"
    assert record["is_fix"] is True  # label "Bug", matched case-insensitively, and a bugfix/ branch
    assert record["commits_count"] == 1
    assert record["deployment_node_id"] == node_id_of(github, repo.crash_fix)


def test_push_of_a_rebase_merge_prefers_the_merged_pull_request(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    rebased = github.add_commit("Tidy the settings page")
    # The commit also sits on an open pull request; the merged one whose merge commit it is wins.
    github.add_pull(20, "WIP: settings redesign", "feature/settings-v2", None, merged=False, commits=9)
    github.associate(rebased, 20)
    github.add_pull(21, "Tidy the settings page", "hotfix/settings", rebased, labels=["cleanup"], commits=1)
    payload = push_payload(repo.head, rebased, [(rebased, "Tidy the settings page")])
    record = sent(report(tmp_path, iftrue, github, "push", payload, sha=rebased), iftrue)
    within_budget(github, "push")
    assert record["pull_request_number"] == 21
    assert record["branch"] == "hotfix/settings"
    assert record["is_hotfix"] is True and record["is_fix"] is False


def test_direct_push_with_no_pull_request(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.direct_push(github, repo))
    record = sent(run, iftrue)
    within_budget(github, "push")
    assert record["pull_request_number"] == 0
    assert record["title"] == "Bump the version"
    assert record["branch"] == "master"
    assert "deployment_node_id" not in record
    assert any("pull_request_number is 0" in w for w in run.commands("warning"))
    assert any("No GitHub Deployment was found" in n for n in run.commands("notice"))


def test_forced_push_counts_commits_with_a_compare(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    record = sent(report_call(tmp_path, iftrue, github, scenarios.forced_push(github, repo)), iftrue)
    within_budget(github, "push-extra")
    assert github.count("GET", "/compare/") == 1
    assert record["is_forced"] is True
    assert record["commits_count"] == 3  # crash_fix, second commit, head
    assert record["changelog"].splitlines() == [
        "- Stop the crash on save (#11)",
        "- Second commit of the payments branch",
        "- Merge pull request #12 from Codertocat/feature/payments",
    ]


def test_push_that_creates_a_branch_counts_from_the_default_branch(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    call = scenarios.push_creating_a_branch(github, repo)
    one, two = call.commits
    record = sent(report_call(tmp_path, iftrue, github, call), iftrue)
    within_budget(github, "push-extra")
    assert record["commits_count"] == 2
    assert record["branch"] == "release/2024-06"
    assert one != two


def test_push_over_the_payload_cap_counts_with_a_compare(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = sent(report_call(tmp_path, iftrue, github, scenarios.push_over_the_payload_cap(github, repo)), iftrue)
    within_budget(github, "push-extra")
    assert record["commits_count"] == 4  # from the compare, not the 2048 listed


# --- pull_request ---


def test_merged_pull_request(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.merged_pull_request(github, repo))
    record = sent(run, iftrue)
    within_budget(github, "pull_request")
    duration_about(record, 5)
    assert record == {
        "title": "Update the README with new information.",
        "url": f"{REPO_URL}/actions/runs/{RUN_ID}",
        "branch": "changes",
        "commit_id": repo.head,
        "deployment_duration": record["deployment_duration"],
        "is_fix": True,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 1,
        "repository_url": REPO_URL,
        "member_id": "21031067",
        "pull_request_number": 2,
        "deployment_node_id": node_id_of(github, repo.head),
        "status": "succes",
    }


# --- release ---


def test_release_counts_commits_since_the_previous_release(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.release_after_a_previous_release(github, repo))
    record = sent(run, iftrue)
    within_budget(github, "release")
    duration_about(record, 5)
    assert record == {
        "title": "Version v1.1.0",
        "changelog": "- Stop the crash on save (#11)\n- Second commit of the payments branch\n- Merge pull request #12 from Codertocat/feature/payments",
        "url": "https://github.com/Codertocat/Hello-World/releases/tag/0.0.1",
        "branch": "feature/payments",
        "commit_id": repo.head,
        "deployment_duration": record["deployment_duration"],
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 3,  # v1.0.0...v1.1.0, skipping the prerelease
        "repository_url": REPO_URL,
        "member_id": "21031067",
        "pull_request_number": 12,
        "status": "succes",
    }
    compares = [r.path for r in github.requests if "/compare/" in r.path]
    assert compares == [
        "/repos/Codertocat/Hello-World/compare/v1.0.0...v1.1.0".replace("v1.1.0", repo.head, 1)[::1]
    ] or compares[0].endswith(f"v1.0.0...{repo.head}")


def test_first_release_counts_every_commit(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    record = sent(report_call(tmp_path, iftrue, github, scenarios.first_release(github, repo)), iftrue)
    within_budget(github, "release")
    assert record["commits_count"] == 5  # the whole history up to the tag


# --- deployment_status and deployment ---


def test_deployment_status_counts_from_the_previous_successful_deployment(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    call = scenarios.deployment_status_after_a_failed_one(github, repo)
    deployment = call.deployment
    run = report_call(tmp_path, iftrue, github, call)
    record = sent(run, iftrue)
    # The budget, plus one request: the failed deployment in between had to be checked and skipped.
    assert len(github.requests) == BUDGET["deployment_status"] + 1
    assert github.count("GET", "/statuses") == 2
    assert record == {
        "title": "Payments",
        "changelog": "- Stop the crash on save (#11)\n- Second commit of the payments branch\n- Merge pull request #12 from Codertocat/feature/payments",
        "url": f"{REPO_URL}/actions/runs/{RUN_ID}",
        "branch": "feature/payments",
        "commit_id": repo.head,
        "deployment_duration": 0.03,  # 2 s in minutes
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 3,  # since the last successful deployment (login); the failed one does not count
        "repository_url": REPO_URL,
        "member_id": "21031067",
        "pull_request_number": 12,
        "deployment_node_id": deployment["node_id"],
        "status": "succes",
    }


def test_deployment_status_after_a_successful_deployment(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    # The previous deployment succeeded and was made inactive by a later one, as GitHub does.
    call = scenarios.deployment_status_after_a_success(github, repo)
    record = sent(report_call(tmp_path, iftrue, github, call), iftrue)
    assert within_budget(github, "deployment_status") == 4
    assert record["commits_count"] == 2  # since crash_fix


def test_deployment_event(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    call = scenarios.deployment_created(github, repo)
    deployment = call.deployment
    record = sent(report_call(tmp_path, iftrue, github, call), iftrue)
    # The budget, plus one request: the commit's own earlier deployment (it failed) had to be
    # checked, since only its status tells a retry from a redeploy of the deployed commit.
    assert len(github.requests) == BUDGET["deployment"] + 1, [f"{r.method} {r.path}" for r in github.requests]
    assert github.count("GET", "/statuses") == 2
    duration_about(record, 5)
    assert github.count("GET", path_contains=f"/actions/runs/{RUN_ID}/attempts/1") == 1
    assert record["pull_request_number"] == 11
    assert record["is_fix"] is True
    assert record["commits_count"] == 1  # since login
    assert record["deployment_node_id"] == deployment["node_id"]


# --- workflow_run ---


def test_workflow_run_with_its_pull_request(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    call = scenarios.workflow_run_with_its_pull_request(github, repo)
    record = sent(report_call(tmp_path, iftrue, github, call), iftrue)
    within_budget(github, "workflow_run")
    assert record["pull_request_number"] == 11
    assert record["title"] == "Stop the crash on save"
    assert record["is_fix"] is True
    assert record["commits_count"] == 2  # the pull request's
    assert record["deployment_node_id"] == node_id_of(github, repo.crash_fix)
    assert record["url"] == "https://github.com/octo-org/octo-repo/actions/runs/289782451"


def test_workflow_run_from_a_fork_with_empty_pull_requests(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    call = scenarios.workflow_run_from_a_fork(github, repo)
    assert call.payload["workflow_run"]["pull_requests"] == []
    record = sent(report_call(tmp_path, iftrue, github, call), iftrue)
    assert within_budget(github, "workflow_run") == 3
    assert record["pull_request_number"] == 12
    assert record["branch"] == "feature/payments"
    assert record["commits_count"] == 4


# --- workflow_dispatch ---


def test_workflow_dispatch_with_a_ref(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.workflow_dispatch_with_a_ref(github, repo))
    record = sent(run, iftrue)
    within_budget(github, "workflow_dispatch")
    assert record["commit_id"] == repo.crash_fix
    assert record["pull_request_number"] == 11
    assert record["branch"] == "bugfix/crash-on-save"
    assert record["commits_count"] == 1  # since the last successful deployment (login)
    assert record["deployment_node_id"] == node_id_of(github, repo.crash_fix)


def test_workflow_dispatch_with_an_unknown_ref_is_an_input_error(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    run = report(
        tmp_path, iftrue, github, "workflow_dispatch", event_payload("workflow_dispatch"), **{"ref": "no-such-tag"}
    )
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "'ref'" in errors[0] and "no-such-tag" in errors[0]
    assert iftrue.requests == []


# --- inputs, creation, re-runs, Enterprise Server ---


def test_every_field_given_makes_no_request(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    sent(report_call(tmp_path, iftrue, github, scenarios.every_field_given(github, repo)), iftrue)
    assert within_budget(github, "inputs") == 0


def test_create_github_deployment(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    payload = push_payload(
        repo.crash_fix, repo.head, [(repo.head, "Merge pull request #12 from Codertocat/feature/payments")]
    )
    run = report(
        tmp_path, iftrue, github, "push", payload, sha=repo.head, create_github_deployment="true", status="failure"
    )
    record = sent(run, iftrue)
    assert len(github.posted_deployments) == 1
    body = github.posted_deployments[0]
    assert body["required_contexts"] == [] and body["auto_merge"] is False
    assert body["environment"] == "production" and body["ref"] == repo.head
    assert [s["state"] for s in github.posted_statuses] == ["failure"]
    assert github.posted_statuses[0]["target_url"] == f"{REPO_URL}/actions/runs/{RUN_ID}"
    assert record["deployment_node_id"] == node_id_of(github, repo.head)
    assert record["status"] == "fail"


def test_dry_run_creates_no_github_deployment(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    payload = push_payload(repo.crash_fix, repo.head, [(repo.head, "m")])
    run = report(
        tmp_path, iftrue, github, "push", payload, sha=repo.head, create_github_deployment="true", dry_run="true"
    )
    assert run.returncode == 0
    assert github.posted_deployments == [] and iftrue.requests == []
    assert any("would be created" in n for n in run.commands("notice"))


def test_rerun_is_timed_from_its_own_attempt(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    github.add_run(RUN_ID, ago(2), attempt=2, attempts={1: ago(60)})
    payload = push_payload(repo.crash_fix, repo.head, [(repo.head, "m")])
    run = report(tmp_path, iftrue, github, "push", payload, sha=repo.head, env_extra={"GITHUB_RUN_ATTEMPT": "2"})
    duration_about(sent(run, iftrue), 2)
    assert github.count("GET", f"/actions/runs/{RUN_ID}/attempts/2") == 1


def test_enterprise_server_api_prefix(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    payload = push_payload(repo.login, repo.crash_fix, [(repo.crash_fix, "Stop the crash on save (#11)")])
    record = sent(report(tmp_path, iftrue, github, "push", payload, sha=repo.crash_fix, api_prefix="/api/v3"), iftrue)
    assert record["pull_request_number"] == 11
    assert github.requests and all(r.prefix == "/api/v3" for r in github.requests)


def test_empty_github_token_makes_no_request(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    payload = push_payload(repo.login, repo.crash_fix, [(repo.crash_fix, "Stop the crash on save (#11)")])
    run = report(tmp_path, iftrue, github, "push", payload, sha=repo.crash_fix, github_token="")
    record = sent(run, iftrue)
    assert github.requests == []
    assert record["pull_request_number"] == 11  # from the squash subject
    assert any("'github-token' is empty" in n for n in run.commands("notice"))


# --- GitHub trouble never loses the deployment ---


@pytest.mark.parametrize(
    ("fault", "expect"),
    [
        (lambda g: g.fail(r"/commits/[0-9a-f]+/pulls$", 404), "HTTP 404"),
        (lambda g: g.fail(r"/commits/[0-9a-f]+/pulls$", 500, times=5), "HTTP 500"),
        (lambda g: g.rate_limit(r".*"), "rate limit"),
        (lambda g: g.rate_limit(r".*", status=429), "rate limit"),
        (lambda g: g.truncate(r"/commits/[0-9a-f]+/pulls$"), "unreadable"),
        (
            lambda g: g.disconnect(r"/commits/[0-9a-f]+/pulls$", times=5),
            "broke (closed without an answer)",
        ),
        # Found in the merge: urllib3's own ProtocolError escaped the capped read, past the gateway.
        (lambda g: g.cut(r"/commits/[0-9a-f]+/pulls$", times=5), "broke (answer cut short)"),
    ],
    ids=["404", "500", "403-rate-limit", "429-rate-limit", "truncated-json", "disconnect", "cut"],
)
def test_github_trouble_falls_back_and_still_reports(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo, fault: Any, expect: str
) -> None:
    fault(github)
    payload = push_payload(repo.login, repo.crash_fix, [(repo.crash_fix, "Stop the crash on save (#11)")])
    started = time.monotonic()
    run = report(tmp_path, iftrue, github, "push", payload, sha=repo.crash_fix)
    elapsed = time.monotonic() - started
    record = sent(run, iftrue)
    assert record["pull_request_number"] == 11  # from the squash subject
    warnings = run.commands("warning")
    assert any(expect.lower() in w.lower() for w in warnings), warnings
    assert elapsed < 30  # a rate limit an hour away is not waited for


@pytest.mark.parametrize("status", [403, 429])
def test_a_short_secondary_rate_limit_is_waited_for(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo, status: int
) -> None:
    """429 too: urllib3, left to itself, "retries" a 429 with Retry-After, finds no retry left and
    raises, so that the gateway never saw the answer and fell back at once."""
    github.fail(
        r"/commits/[0-9a-f]+/pulls$",
        status,
        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."},
        {"Retry-After": "1"},
    )
    payload = push_payload(repo.head, repo.crash_fix, [(repo.crash_fix, "no number in this subject")])
    run = report(tmp_path, iftrue, github, "push", payload, sha=repo.crash_fix)
    record = sent(run, iftrue)
    assert record["pull_request_number"] == 11  # found on the second try, after one second
    assert github.count("GET", "/pulls") == 2
    assert run.commands("warning") == []
