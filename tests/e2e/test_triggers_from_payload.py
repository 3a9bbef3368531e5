"""Every trigger, end to end, from its real payload alone (no GitHub token: no API lookups).

Each test runs entrypoint.py as its own process with the environment the runner gives a Docker
action and checks every field of the record that the payload determines, what reached the iftrue
stand-in, the outputs file and the step summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.standins.iftrue import IftrueStandIn

RUN_URL = "https://github.com/Codertocat/Hello-World/actions/runs/30433642"


def report(
    tmp_path: Path,
    iftrue: IftrueStandIn,
    event_name: str,
    fixture: str | dict[str, Any] | None,
    *,
    sha: str | None = None,
    ref: str = "refs/heads/master",
    repository: str = "Codertocat/Hello-World",
    **inputs: str,
) -> ActionRun:
    payload = event_payload(fixture) if isinstance(fixture, str) else fixture
    env = github_env(tmp_path, event_name, payload, sha=sha, ref=ref, repository=repository)
    given = {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, "github-token": ""}
    given.update({k.replace("_", "-"): v for k, v in inputs.items()})
    return run_action(env, given)


def only_record(run: ActionRun, iftrue: IftrueStandIn) -> dict[str, Any]:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert len(iftrue.records) == 1, iftrue.requests
    record = iftrue.records[0]
    # The outputs describe exactly what was sent and what iftrue answered.
    assert json.loads(run.outputs["payload"]) == record
    answer = json.loads(run.outputs["response"])
    assert run.outputs["deployment-id"] == answer["id"]
    assert run.outputs["status"] == record["status"]
    assert run.outputs["pull-request-number"] == str(record["pull_request_number"])
    assert run.outputs["commits-count"] == str(record["commits_count"])
    assert "### iftrue deployment" in run.summary
    assert answer["id"] in run.summary
    return record


def assert_skipped(run: ActionRun, iftrue: IftrueStandIn, why: str) -> None:
    assert run.returncode == 0, run.stdout + run.stderr
    assert iftrue.requests == []
    notices = run.commands("notice")
    assert any(why in line for line in notices), notices
    assert run.outputs == {"status": "skipped"}


def test_push_that_creates_the_default_branch(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "push", "push-branch-created")
    record = only_record(run, iftrue)
    assert record == {
        "title": "Initial commit",
        "changelog": "- Initial commit",
        "url": RUN_URL,
        "branch": "master",
        "commit_id": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 1,
        "repository_url": "https://github.com/Codertocat/Hello-World",
        "member_id": "21031067",
        "pull_request_number": 0,
        "status": "succes",
    }
    # No PR could be looked up without a token: a warning says pull_request_number is 0.
    assert any("pull_request_number is 0" in line for line in run.commands("warning"))
    assert (
        "[6113728f27ae](https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246)"
        in run.summary
    )


def test_forced_push_with_squash_subject(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    payload = event_payload("push-branch-created")
    payload.update(created=False, forced=True, before="ec26c3e57ca3a959ca5aad62de7213c562f8c821")
    payload["head_commit"]["message"] = "fix: stop the crash on save (#42)\n\nLonger body."
    run = report(tmp_path, iftrue, "push", payload)
    record = only_record(run, iftrue)
    assert record["is_forced"] is True
    assert record["pull_request_number"] == 42
    assert record["is_fix"] is True
    assert record["title"] == "fix: stop the crash on save (#42)"


def test_push_that_deletes_a_ref_is_not_reported(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "push", "push-branch-deleted-tag", ref="refs/tags/simple-tag")
    assert_skipped(run, iftrue, "deleted")


def test_merged_pull_request(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(
        tmp_path, iftrue, "pull_request", "pull_request-closed-merged", sha="ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    )
    record = only_record(run, iftrue)
    assert record == {
        "title": "Update the README with new information.",
        "url": RUN_URL,
        "branch": "changes",
        "commit_id": "c4295bd74fb0f4fda03689c3df3f2803b658fd85",
        "is_fix": True,  # labelled "bug"
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 1,
        "repository_url": "https://github.com/Codertocat/Hello-World",
        "member_id": "21031067",
        "pull_request_number": 2,
        "status": "succes",
    }
    assert "[#2](https://github.com/Codertocat/Hello-World/pull/2)" in run.summary


@pytest.mark.parametrize("fixture", ["pull_request-closed", "pull_request-opened"])
def test_pull_request_that_is_not_a_merge_is_not_reported(tmp_path: Path, iftrue: IftrueStandIn, fixture: str) -> None:
    run = report(tmp_path, iftrue, "pull_request", fixture)
    assert_skipped(run, iftrue, "not a merge")


def test_published_release(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "release", "release-published", ref="refs/tags/0.0.1")
    record = only_record(run, iftrue)
    assert record == {
        "title": "0.0.1",  # the release has no name: its tag
        "url": "https://github.com/Codertocat/Hello-World/releases/tag/0.0.1",
        "branch": "master",  # target_commitish
        "commit_id": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 0,
        "repository_url": "https://github.com/Codertocat/Hello-World",
        "member_id": "21031067",
        "pull_request_number": 0,
        "status": "succes",
    }


def test_release_body_becomes_the_changelog(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    payload = event_payload("release-released")
    payload["release"].update(name="v2.0 — Ünïcode | pipes", body="## Changes\n* one\n* two")
    run = report(tmp_path, iftrue, "release", payload, ref="refs/tags/0.0.1")
    record = only_record(run, iftrue)
    assert record["title"] == "v2.0 — Ünïcode | pipes"
    assert record["changelog"] == "## Changes\n* one\n* two"
    assert "v2.0 — Ünïcode \\| pipes" in run.summary


@pytest.mark.parametrize(
    ("fixture", "why"),
    [("release-created", "'created'"), ("release-prereleased", "'prereleased'")],
)
def test_release_that_is_not_published_is_not_reported(
    tmp_path: Path, iftrue: IftrueStandIn, fixture: str, why: str
) -> None:
    run = report(tmp_path, iftrue, "release", fixture, ref="refs/tags/0.0.1")
    assert_skipped(run, iftrue, why)


def test_draft_release_is_not_reported(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    payload = event_payload("release-published")
    payload["release"]["draft"] = True
    run = report(tmp_path, iftrue, "release", payload, ref="refs/tags/0.0.1")
    assert_skipped(run, iftrue, "draft")


def test_deployment_status_success(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "deployment_status", "deployment_status-success", duration_unit="seconds")
    record = only_record(run, iftrue)
    assert record == {
        "title": "Deploy f95f852",
        "url": RUN_URL,  # the status has an empty target_url
        "branch": "master",
        "commit_id": "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        "deployment_duration": 2,  # status 15:20:55 − deployment 15:20:53
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 0,
        "repository_url": "https://github.com/Codertocat/Hello-World",
        "member_id": "21031067",
        "pull_request_number": 0,
        "deployment_node_id": "MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY=",
        "status": "succes",
    }


def test_deployment_status_in_progress_is_not_a_deployment(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    # iftrue cannot change a record: reporting in_progress and then success would count two.
    run = report(tmp_path, iftrue, "deployment_status", "deployment_status-in_progress")
    assert_skipped(run, iftrue, "'in_progress', not final")


def test_deployment_status_in_progress_with_the_status_input(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "deployment_status", "deployment_status-in_progress", status="in_progress")
    record = only_record(run, iftrue)
    assert record["status"] == "in_progress"
    assert record["deployment_duration"] == round(10 / 60, 2)  # 01:28:30 → 01:28:40
    assert record["url"] == "https://github.com/Codertocat/Hello-World/runs/145988746?check_suite_focus=true"
    assert record["deployment_node_id"] == "MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY="


@pytest.mark.parametrize(("state", "expected"), [("failure", "fail"), ("error", "fail"), ("success", "succes")])
def test_deployment_status_states(tmp_path: Path, iftrue: IftrueStandIn, state: str, expected: str) -> None:
    payload = event_payload("deployment_status-success")
    payload["deployment_status"]["state"] = state
    record = only_record(report(tmp_path, iftrue, "deployment_status", payload), iftrue)
    assert record["status"] == expected


@pytest.mark.parametrize("state", ["queued", "pending"])
def test_deployment_status_not_final_is_not_reported(tmp_path: Path, iftrue: IftrueStandIn, state: str) -> None:
    payload = event_payload("deployment_status-success")
    payload["deployment_status"]["state"] = state
    assert_skipped(report(tmp_path, iftrue, "deployment_status", payload), iftrue, f"{state!r}, not final")


def test_inactive_deployment_status_is_not_reported(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    payload = event_payload("deployment_status-success")
    payload["deployment_status"]["state"] = "inactive"
    assert_skipped(report(tmp_path, iftrue, "deployment_status", payload), iftrue, "'inactive'")


def test_deployment_created(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "deployment", "deployment-created", duration_unit="seconds")
    record = only_record(run, iftrue)
    assert record["commit_id"] == "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
    assert record["deployment_node_id"] == "MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY="
    assert record["branch"] == "master"
    assert record["member_id"] == "21031067"
    assert record["status"] == "succes"
    # Not from the deployment's creation (2019-05-15) to now, which a re-run would inflate: from the
    # current run attempt's start, which only the GitHub API knows (test_github_lookups times it).
    assert "deployment_duration" not in record


def test_completed_workflow_run(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "workflow_run", "workflow_run-completed-success", repository="octo-org/octo-repo")
    record = only_record(run, iftrue)
    assert record == {
        "title": "build(test): check workflow run event payload",
        "url": "https://github.com/octo-org/octo-repo/actions/runs/289782451",
        "branch": "master",
        "commit_id": "3484a3fb816e0859fd6e1cea078d76385ff50625",
        "deployment_duration": 0,  # started and updated at the same second
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 0,
        "repository_url": "https://github.com/octo-org/octo-repo",
        "member_id": "15669918",
        "pull_request_number": 0,
        "status": "succes",
    }


def test_workflow_run_with_its_pull_request(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    payload = event_payload("workflow_run-completed-with-pr")
    run_sha = payload["workflow_run"]["head_sha"]
    payload["workflow_run"]["pull_requests"][0]["head"]["sha"] = run_sha  # changed: the PR's head is the run's
    run = report(tmp_path, iftrue, "workflow_run", payload, repository="octo-org/octo-repo")
    record = only_record(run, iftrue)
    assert record["pull_request_number"] == 2
    assert record["branch"] == "changes"


def test_workflow_run_ignores_a_listed_pull_request_of_another_commit(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    # As GitHub sent it: pull request #2 shares the run's branch, but its head is another commit.
    run = report(tmp_path, iftrue, "workflow_run", "workflow_run-completed-with-pr", repository="octo-org/octo-repo")
    record = only_record(run, iftrue)
    assert record["pull_request_number"] == 0
    assert record["branch"] == "master"


@pytest.mark.parametrize(
    ("conclusion", "expected"), [("failure", "fail"), ("timed_out", "fail"), ("neutral", "succes")]
)
def test_workflow_run_conclusions(tmp_path: Path, iftrue: IftrueStandIn, conclusion: str, expected: str) -> None:
    payload = event_payload("workflow_run-completed-success")
    payload["workflow_run"]["conclusion"] = conclusion
    record = only_record(report(tmp_path, iftrue, "workflow_run", payload, repository="octo-org/octo-repo"), iftrue)
    assert record["status"] == expected


@pytest.mark.parametrize("conclusion", ["cancelled", "skipped"])
def test_cancelled_or_skipped_workflow_run_is_not_reported(
    tmp_path: Path, iftrue: IftrueStandIn, conclusion: str
) -> None:
    payload = event_payload("workflow_run-completed-success")
    payload["workflow_run"]["conclusion"] = conclusion
    run = report(tmp_path, iftrue, "workflow_run", payload, repository="octo-org/octo-repo")
    assert_skipped(run, iftrue, conclusion)


def test_requested_workflow_run_is_not_reported(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "workflow_run", "workflow_run-requested", repository="octo-org/octo-repo")
    assert_skipped(run, iftrue, "has not completed")


def test_workflow_dispatch(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    sha = "9e602444f49b8b69c3a9a51fa97a115f3d323508"
    run = report(
        tmp_path,
        iftrue,
        "workflow_dispatch",
        "workflow_dispatch",
        sha=sha,
        ref="refs/heads/main",
        repository="octo-org/octo-repo",
    )
    record = only_record(run, iftrue)
    assert record == {
        "title": "Deploy 9e60244",
        "url": "https://github.com/octo-org/octo-repo/actions/runs/30433642",
        "branch": "main",
        "commit_id": sha,
        "is_fix": False,
        "is_hotfix": False,
        "is_forced": False,
        "commits_count": 0,
        "repository_url": "https://github.com/octo-org/octo-repo",
        "member_id": "25328754",
        "pull_request_number": 0,
        "status": "succes",
    }


def test_any_other_event_from_github_variables_alone(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    run = report(tmp_path, iftrue, "schedule", {"schedule": "30 5 * * 1"}, sha=sha, ref="refs/heads/hotfix/db-timeouts")
    record = only_record(run, iftrue)
    assert record["commit_id"] == sha
    assert record["branch"] == "hotfix/db-timeouts"
    assert record["is_hotfix"] is True
    assert record["member_id"] == "583231"  # GITHUB_ACTOR_ID
    assert record["repository_url"] == "https://github.com/Codertocat/Hello-World"


def test_every_field_given_as_input_wins(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    inputs = {
        "title": "Manual",
        "changelog": "notes",
        "url": "https://example.com/d/1",
        "branch": "feature/x",
        "commit_id": "A" * 40,
        "deployment_duration": "12.5",
        "is_fix": "TRUE",
        "is_hotfix": "true",
        "is_forced": "True",
        "commits_count": "7",
        "repository_url": "https://github.com/o/r",
        "member_id": "m-1",
        "pull_request_number": "99",
        "deployment_node_id": "DE_x",
        "status": "failure",
    }
    run = report(tmp_path, iftrue, "push", "push-branch-created", **inputs)
    record = only_record(run, iftrue)
    assert record == {
        "title": "Manual",
        "changelog": "notes",
        "url": "https://example.com/d/1",
        "branch": "feature/x",
        "commit_id": "a" * 40,
        "deployment_duration": 12.5,
        "is_fix": True,
        "is_hotfix": True,
        "is_forced": True,
        "commits_count": 7,
        "repository_url": "https://github.com/o/r",
        "member_id": "m-1",
        "pull_request_number": 99,
        "deployment_node_id": "DE_x",
        "status": "fail",
    }
    assert run.commands("warning") == []


@pytest.mark.parametrize("status", ["cancelled", "skipped"])
def test_cancelled_job_status_is_not_reported(tmp_path: Path, iftrue: IftrueStandIn, status: str) -> None:
    run = report(tmp_path, iftrue, "push", "push-branch-created", status=status)
    assert_skipped(run, iftrue, status)


def test_dry_run_sends_nothing_but_writes_outputs(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    run = run_action(env, {"dry-run": "true", "api-url": iftrue.url})
    assert run.returncode == 0, run.stdout
    assert iftrue.requests == []
    assert json.loads(run.outputs["payload"])["commit_id"] == "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
    assert run.outputs["deployment-id"] == ""
    assert "dry run" in run.summary
    assert "Dry run: nothing was sent" in run.stdout


def test_unicode_and_newlines_are_kept_in_the_record_and_escaped_in_the_log(
    tmp_path: Path, iftrue: IftrueStandIn
) -> None:
    payload = event_payload("pull_request-closed-merged")
    payload["pull_request"]["title"] = "50% off 🚀\n::error::injected | cell"
    payload["pull_request"]["head"]["ref"] = "feature/ünïcode"
    run = report(tmp_path, iftrue, "pull_request", payload)
    record = only_record(run, iftrue)
    assert record["title"] == "50% off 🚀\n::error::injected | cell"
    assert record["branch"] == "feature/ünïcode"
    assert not any(line.startswith("::error::injected") for line in run.stdout.splitlines())
    assert run.commands("error") == []
    assert json.loads(run.outputs["payload"])["title"] == record["title"]
    assert "50% off 🚀<br>::error::injected \\| cell" in run.summary


def test_push_of_a_tag_reports_the_default_branch(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    run = report(tmp_path, iftrue, "push", "push-tag-created", ref="refs/tags/simple-tag")
    record = only_record(run, iftrue)
    assert record["branch"] == "master"
    assert record["commit_id"] == "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
