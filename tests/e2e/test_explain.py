"""Every field explained (README "Where each field comes from"), and a rollback counted as the
recovery it is (README "Rollbacks and redeploys"): the `explain` output, the dry-run print, the
summary column and the backfill's progress lines, end to end against the stand-ins."""

from __future__ import annotations

import json
from pathlib import Path

from tests import scenarios
from tests.conftest import IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.runner_commands import injected
from tests.scenarios import BUDGET, REPO_URL, Repo, deployment_payload, report, report_call, sent
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn
from tests.summary_checks import summary_problems

from iftrue_deploy.record import DeploymentRecord

FIELDS = list(DeploymentRecord.model_fields)
SUCCES = "the event carries no outcome: `succes`"


def explained(run: ActionRun) -> dict[str, str]:
    """The `explain` output: every field of the record, in its order, each with a reason."""
    reasons: dict[str, str] = json.loads(run.outputs["explain"])
    assert list(reasons) == FIELDS
    assert all(reasons.values())
    return reasons


def notices(run: ActionRun) -> list[str]:
    return [line.removeprefix("::notice::") for line in run.commands("notice")]


# --- the explain output of each kind of trigger ---


def test_explain_a_push(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.push_of_a_merge_commit(github, repo))
    sent(run, iftrue)
    why = explained(run)
    assert why["commit_id"] == "the push's `after`"
    assert why["commits_count"] == "push payload: 2 commits"
    assert why["changelog"] == "commit subjects: push payload: 2 commits"
    assert why["is_forced"] == "push payload: not forced"
    assert (
        why["pull_request_number"]
        == f"pull request #12, merged as commit {repo.head[:7]} (GitHub's list for the commit)"
    )
    assert why["title"] == why["branch"].replace("head branch", "title") == "title of pull request #12"
    assert why["deployment_duration"].startswith("run attempt 1 started ")
    assert why["deployment_node_id"] == "GitHub Deployment 3 of the commit in 'production'"
    assert why["status"] == SUCCES


def test_explain_a_merged_pull_request(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.merged_pull_request(github, repo))
    record = sent(run, iftrue)
    why = explained(run)
    assert (record["is_fix"], why["is_fix"]) == (True, "label `bug` on pull request #2")
    assert why["commit_id"] == "`pull_request.merge_commit_sha`"
    assert why["commits_count"] == why["pull_request_number"] == "the event's pull request #2"
    assert why["changelog"] == "left out: no commit subjects (no compare: the pull request counts its own commits)"
    assert why["is_hotfix"] == "no hotfix label or `hotfix/` branch (and no compare with the previous deployment)"
    assert why["url"] == "this workflow run's page"
    assert why["repository_url"] == "the event's `repository.html_url`"
    assert why["member_id"] == "the event's `sender.id`"


def test_explain_a_release(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo) -> None:
    run = report_call(tmp_path, iftrue, github, scenarios.release_after_a_previous_release(github, repo))
    record = sent(run, iftrue)
    why = explained(run)
    assert (record["commits_count"], why["commits_count"]) == (
        3,
        "compare from the previous release `v1.0.0` (3 commits)",
    )
    assert why["title"] == "release name"
    assert why["url"] == "the release page"
    assert why["commit_id"] == "the commit of tag `v1.1.0`"
    assert why["deployment_node_id"] == "left out: no GitHub Deployment of the commit in 'production'"
    assert why["is_hotfix"] == (
        "no hotfix label or `hotfix/` branch; the compare from the previous release `v1.0.0` is no rollback"
    )


def test_explain_a_backfill(tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn) -> None:
    first = github.add_commit("Initial commit")
    github.add_release("v1.0.0", first, published_at="2024-01-10T10:00:00Z")
    fix = github.add_commit("Stop the crash (#10)")
    github.add_pull(10, "Stop the crash", "main", fix, labels=["Bug"], commits=1)
    github.add_release("v1.1.0", fix, published_at="2024-02-10T10:00:00Z")
    run = scenarios.run_backfill(tmp_path, iftrue, github, backfill_since="2024-02-01")
    assert run.returncode == 0, run.stdout
    by_label = json.loads(run.outputs["explain"])
    assert list(by_label) == ["v1.1.0"]
    why = by_label["v1.1.0"]
    assert list(why) == FIELDS
    assert why["commits_count"] == "compare from the previous release `v1.0.0` (1 commit)"
    assert why["is_fix"] == "label `Bug` on pull request #10"
    assert why["commit_id"] == "the commit of tag `v1.1.0`"
    assert why["deployment_duration"] == "left out: another deployment than this run's, with no times of its own"
    progress = [line for line in run.stdout.splitlines() if line.startswith("[1/1] v1.1.0: reported as ")]
    assert len(progress) == 1
    assert progress[0].endswith(
        " — commits_count 1 (compare from the previous release `v1.0.0` (1 commit)); "
        "pull_request_number 10 (pull request #10, merged as commit " + fix[:7] + " (GitHub's list for the commit)); "
        "is_fix true (label `Bug` on pull request #10)"
    )


# --- rollbacks and redeploys ---


def rolled_back_from(github: GitHubStandIn, repo: Repo) -> dict[str, object]:
    """The head is deployed (successfully): what follows deploys an older commit."""
    return github.add_deployment(repo.head, statuses=["in_progress", "success"])


def test_a_rollback_by_workflow_dispatch_with_ref(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    rolled_back_from(github, repo)
    github.add_tag("v1.0.0", repo.login)
    payload = event_payload("workflow_dispatch")
    payload["repository"]["html_url"] = REPO_URL
    run = report(tmp_path, iftrue, github, "workflow_dispatch", payload, sha=repo.head, ref="v1.0.0")
    record = sent(run, iftrue)
    assert len(github.requests) <= BUDGET["workflow_dispatch"], [f"{r.method} {r.path}" for r in github.requests]
    assert github.count("GET", "/compare/") == 1
    assert (record["commit_id"], record["is_hotfix"], record["commits_count"]) == (repo.login, True, 0)
    rollback = f"a rollback: the compare from the previous deployment {repo.head[:7]} says `behind`"
    why = explained(run)
    assert why["is_hotfix"] == why["commits_count"] == rollback
    assert why["commit_id"] == "the `ref` input `v1.0.0`"
    assert (
        f"This deployment is a rollback from {repo.head[:7]} to {repo.login[:7]} (the commit is an ancestor of "
        "what was deployed): it brings no new commit, and is a hotfix unless is-hotfix says otherwise."
    ) in notices(run)
    assert "changelog" not in record and why["changelog"].startswith("left out: no commit subjects (compare from")


def test_a_rollback_by_a_deployment_event_for_an_older_commit(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    rolled_back_from(github, repo)
    deployment = github.add_deployment(repo.login)
    payload = deployment_payload("deployment-created", deployment, repo.login)
    run = report_call(tmp_path, iftrue, github, scenarios.Call("deployment", payload, repo.login))
    record = sent(run, iftrue)
    assert (record["is_hotfix"], record["commits_count"]) == (True, 0)
    assert record["deployment_node_id"] == deployment["node_id"]
    why = explained(run)
    assert why["is_hotfix"] == f"a rollback: the compare from the previous deployment {repo.head[:7]} says `behind`"
    assert why["commit_id"] == "`deployment.sha`"
    assert any(
        n.startswith(f"This deployment is a rollback from {repo.head[:7]} to {repo.login[:7]}") for n in notices(run)
    )


def test_a_redeploy_of_the_deployed_commit(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    rolled_back_from(github, repo)
    payload = event_payload("workflow_dispatch")
    payload["repository"]["html_url"] = REPO_URL
    run = report(tmp_path, iftrue, github, "workflow_dispatch", payload, sha=repo.head)
    record = sent(run, iftrue)
    assert (record["is_hotfix"], record["commits_count"]) == (False, 0)
    assert github.count("GET", "/compare/") == 0  # the same commit: nothing to ask
    why = explained(run)
    assert why["commits_count"] == "a redeploy of the deployed commit: no new commit"
    assert why["commit_id"] == "GITHUB_SHA"
    assert f"This deployment is a redeploy of the deployed commit {repo.head[:7]}: it brings no new commit." in notices(
        run
    )


def test_a_deployment_after_the_deployed_commit_is_no_rollback(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn, repo: Repo
) -> None:
    github.add_deployment(repo.login, statuses=["success"])
    payload = event_payload("workflow_dispatch")
    payload["repository"]["html_url"] = REPO_URL
    run = report(tmp_path, iftrue, github, "workflow_dispatch", payload, sha=repo.head)
    record = sent(run, iftrue)
    assert (record["is_hotfix"], record["commits_count"]) == (False, 3)
    assert not [n for n in notices(run) if "rollback" in n or "redeploy" in n]


# --- shown inertly: the dry-run print and the summary column ---

HOSTILE = "[x](http://e.example) <img src=x> ::error::PWNED"  # short enough to be quoted whole


def test_reasons_quoting_the_event_stay_inert(tmp_path: Path) -> None:
    """A label and a branch quoted in a reason are data: no link, image, HTML or command."""
    payload = event_payload("pull_request-closed-merged")
    payload["pull_request"]["labels"] = [{"name": HOSTILE}]
    payload["pull_request"]["head"]["ref"] = "fix/" + HOSTILE
    env = github_env(tmp_path, "pull_request", payload)
    run = run_action(env, {"dry-run": "true", "github-token": "", "hotfix-labels": HOSTILE})
    assert run.returncode == 0, run.stdout
    why = explained(run)
    assert why["is_hotfix"] == f"label `{HOSTILE}` on pull request #2"
    assert why["is_fix"].startswith("branch `fix/[x](http://e.example) <img")
    assert injected(run.stdout) == []
    assert summary_problems(run.summary) == []
    assert "| Hotfix | true | label \\`\\[x\\](http:\u200b//e.example) &lt;img" in run.summary
    printed = [line for line in run.stdout.splitlines() if line.lstrip().startswith("is_hotfix ")]
    assert len(printed) == 1 and printed[0].endswith(f"label `{HOSTILE}` on pull request #2")


def test_the_dry_run_prints_one_aligned_line_a_field(tmp_path: Path) -> None:
    env = github_env(tmp_path, "pull_request", event_payload("pull_request-closed-merged"))
    run = run_action(env, {"dry-run": "true", "github-token": "", "iftrue-token": IFTRUE_TOKEN})
    assert run.returncode == 0, run.stdout
    lines = run.stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("::group::Deployment record"))) + 2
    printed = lines[start : start + len(FIELDS)]
    assert [line.split()[0] for line in printed] == FIELDS
    why = explained(run)
    columns = {line.index(why[name]) for name, line in zip(FIELDS, printed, strict=True)}
    assert len(columns) == 1  # the reasons start in one column
    assert printed[FIELDS.index("is_fix")].split()[:3] == ["is_fix", "true", "label"]
    assert printed[FIELDS.index("changelog")].split()[:4] == ["changelog", "(left", "out)", "left"]
