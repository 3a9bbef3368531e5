"""read_trigger, for_ref, with_commit: the real webhook payloads of tests/fixtures/events read into
TriggerFacts, one adapter at a time (README "Where each field comes from" and "Events that
describe no deployment")."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.conftest import event_payload

from iftrue_deploy.facts import PullRequestFacts
from iftrue_deploy.settings import RunnerEnv
from iftrue_deploy.trigger import Push, Release, Span, TriggerFacts, for_ref, read_trigger, with_commit

RUNNER_SHA = "9" * 40
GIVEN = "c" * 40


def runner(event_name: str, ref: str = "refs/heads/main") -> RunnerEnv:
    return RunnerEnv(
        event_name=event_name,
        sha=RUNNER_SHA.upper(),  # read case-insensitively
        ref=ref,
        ref_name=ref.rsplit("/", 1)[-1],
        repository="o/r",
        run_id="7",
        run_attempt="2",
        actor_id="99",
    )


def context(event_name: str, ref: str = "refs/heads/main", **kw: Any) -> TriggerFacts:
    """What every event gives: the context of the Codertocat fixtures and of `runner`."""
    defaults: dict[str, Any] = {
        "name": event_name,
        "sha": RUNNER_SHA,
        "repository_url": "https://github.com/Codertocat/Hello-World",
        "runner_repository_url": "https://github.com/o/r",
        "sender_id": "21031067",
        "actor_id": "99",
        "pushed_ref": ref,
        "ref_name": ref.rsplit("/", 1)[-1],
        "default_branch": "master",
        "run_url": "https://github.com/o/r/actions/runs/7",
        "run_id": "7",
        "run_attempt": "2",
    }
    defaults.update(kw)
    return TriggerFacts(**defaults)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def variant(name: str, *path: str, value: Any) -> dict[str, Any]:
    """A fixture with one field changed."""
    payload = copy.deepcopy(event_payload(name))
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


# push


def test_push_new_branch() -> None:
    facts = read_trigger(event_payload("push-branch-created"), runner("push", "refs/heads/ignored"))
    assert facts == context(
        "push",
        ref="refs/heads/master",  # the payload's ref, not GITHUB_REF
        ref_name="ignored",
        sha="6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        commit_from="the push's `after`",
        push=Push(subjects=("Initial commit",), count=1, before="0" * 40, branch="master", created=True, forced=False),
        head_message="Initial commit",
    )


def test_push_new_tag() -> None:
    facts = read_trigger(event_payload("push-tag-created"), runner("push"))
    assert facts.sha == "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
    assert facts.pushed_ref == "refs/tags/simple-tag"
    assert facts.push == Push(subjects=(), count=0, before="0" * 40, branch=None, created=True)
    assert facts.head_message == "Adding a .gitignore file"
    assert facts.skip is None


def test_push_forced() -> None:
    facts = read_trigger(variant("push-branch-created", "forced", value=True), runner("push"))
    assert facts.push is not None
    assert facts.push.forced is True


def test_push_at_githubs_cap_of_listed_commits() -> None:
    commits = [{"message": f"c{i}\n\nbody"} for i in range(2048)]
    facts = read_trigger(variant("push-branch-created", "commits", value=commits), runner("push"))
    assert facts.push is not None
    assert (facts.push.count, facts.push.at_cap, facts.push.subjects[-1]) == (2048, True, "c2047")


def test_push_deleting_a_ref_is_skipped() -> None:
    facts = read_trigger(event_payload("push-branch-deleted-tag"), runner("push"))
    assert facts.skip == "The push deleted a branch or tag; nothing was reported."


@pytest.mark.parametrize(
    ("field", "value"),
    [("deleted", True), ("after", "0" * 40)],  # either says so: GitHub sends both, a replay one
)
def test_push_deleting_a_ref_is_known_by_either_sign(field: str, value: Any) -> None:
    payload = event_payload("push-branch-created")
    payload.update({"deleted": False, field: value})
    assert read_trigger(payload, runner("push")).skip == "The push deleted a branch or tag; nothing was reported."


@pytest.mark.parametrize(
    ("created", "before", "expected"),
    [(True, "a" * 40, True), (False, "0" * 40, True), (False, "a" * 40, False)],
)
def test_push_creating_a_ref_is_known_by_either_sign(created: bool, before: str, expected: bool) -> None:
    payload = event_payload("push-branch-created")
    payload.update({"created": created, "before": before})
    facts = read_trigger(payload, runner("push"))
    assert facts.push is not None and facts.push.created is expected


def test_the_runs_workflow_and_workspace_are_kept() -> None:
    env = replace(runner("push"), workflow_ref="o/r/.github/workflows/deploy.yml@refs/heads/main", workspace="/w")
    facts = read_trigger(event_payload("push-branch-created"), env)
    assert (facts.workflow_ref, facts.workspace) == ("o/r/.github/workflows/deploy.yml@refs/heads/main", "/w")
    assert (read_trigger(event_payload("push-branch-created"), runner("push")).workflow_ref, facts.name) == (
        None,
        "push",
    )


# pull_request


@pytest.mark.parametrize(("merged", "merged_at"), [(None, "2019-05-15T15:21:18Z"), (True, None)])
def test_pull_request_merged_is_known_by_either_sign(merged: bool | None, merged_at: str | None) -> None:
    payload = event_payload("pull_request-closed-merged")
    payload["pull_request"].update({"merged": merged, "merged_at": merged_at})
    assert read_trigger(payload, runner("pull_request")).skip is None


def test_pull_request_merged() -> None:
    facts = read_trigger(event_payload("pull_request-closed-merged"), runner("pull_request", "refs/pull/2/merge"))
    sha = "c4295bd74fb0f4fda03689c3df3f2803b658fd85"
    assert facts == context(
        "pull_request",
        ref="refs/pull/2/merge",
        sha=sha,
        commit_from="`pull_request.merge_commit_sha`",
        pull_request=PullRequestFacts(
            number=2,
            title="Update the README with new information.",
            head_branch="changes",
            labels=("bug",),
            merge_commit_sha=sha,
            merged=True,
            commits=1,
            html_url="https://github.com/Codertocat/Hello-World/pull/2",
        ),
        counts_from_pull_request=True,
    )


@pytest.mark.parametrize(
    ("fixture", "event_name", "action"),
    [
        ("pull_request-closed", "pull_request", "closed"),
        ("pull_request-opened", "pull_request", "opened"),
        ("pull_request-opened", "pull_request_target", "opened"),
    ],
)
def test_pull_request_not_merged_is_skipped(fixture: str, event_name: str, action: str) -> None:
    facts = read_trigger(event_payload(fixture), runner(event_name))
    assert facts.skip == (
        f"The pull request event is {action!r} and not a merge; nothing was reported "
        "(run on pull_request: types [closed] and it reports merged pull requests)."
    )


# release


@pytest.mark.parametrize(("fixture", "twin"), [("release-published", True), ("release-released", False)])
def test_release(fixture: str, twin: bool) -> None:
    facts = read_trigger(event_payload(fixture), runner("release", "refs/tags/0.0.1"))
    assert facts == context(
        "release",
        ref="refs/tags/0.0.1",
        release=Release(
            tag="0.0.1", name=None, body=None, id=17372790, published_at=at("2019-05-15T15:20:53"), may_have_twin=twin
        ),
        branch_hint="master",
        url="https://github.com/Codertocat/Hello-World/releases/tag/0.0.1",
    )


def test_a_published_prerelease_has_no_twin() -> None:
    payload = variant("release-published", "release", "prerelease", value=True)
    facts = read_trigger(payload, runner("release"))
    assert facts.release is not None and facts.release.may_have_twin is False


@pytest.mark.parametrize(
    ("fixture", "action"), [("release-created", "created"), ("release-prereleased", "prereleased")]
)
def test_release_not_published_is_skipped(fixture: str, action: str) -> None:
    facts = read_trigger(event_payload(fixture), runner("release"))
    assert facts.skip == f"The release event is {action!r}, not published or released; nothing was reported."


def test_release_draft_is_skipped() -> None:
    facts = read_trigger(variant("release-published", "release", "draft", value=True), runner("release"))
    assert facts.skip == "The release is a draft; nothing was reported."


def test_release_target_sha_is_no_branch() -> None:
    payload = variant("release-published", "release", "target_commitish", value="a" * 40)
    assert read_trigger(payload, runner("release")).branch_hint is None


# deployment, deployment_status


def test_deployment() -> None:
    facts = read_trigger(event_payload("deployment-created"), runner("deployment"))
    assert facts == context(
        "deployment",
        sha="f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        commit_from="`deployment.sha`",
        branch_hint="master",
        deployment_id=145988746,
        deployment_node_id="MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY=",
        span=None,  # not from its creation: from the current run attempt, which a re-run restarts
    )


def test_deployment_status_success() -> None:
    facts = read_trigger(event_payload("deployment_status-success"), runner("deployment_status"))
    assert facts == context(
        "deployment_status",
        sha="f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        commit_from="`deployment.sha`",
        status_from="`deployment_status.state` success",
        branch_hint="master",
        deployment_id=145988746,
        deployment_node_id="MDEwOkRlcGxveW1lbnQxNDU5ODg3NDY=",
        span=Span(at("2019-05-15T15:20:53"), at("2019-05-15T15:20:55")),
        status="succes",
        url=None,  # target_url is ""
    )


def test_deployment_status_in_progress_is_not_final() -> None:
    facts = read_trigger(event_payload("deployment_status-in_progress"), runner("deployment_status"))
    assert facts.status is None
    assert facts.no_outcome == (
        "The deployment status is 'in_progress', not final; nothing was reported: iftrue cannot change a "
        "record once sent, so each status would count as one more deployment. Run on final states "
        "only (success, failure, error), or set status to report this one."
    )
    assert facts.url == "https://github.com/Codertocat/Hello-World/runs/145988746?check_suite_focus=true"
    assert facts.span == Span(at("2022-01-03T01:28:30"), at("2022-01-03T01:28:40"))
    assert facts.listed_pull_request is None  # its workflow_run is not read


@pytest.mark.parametrize(("state", "status"), [("failure", "fail"), ("error", "fail"), ("queued", None)])
def test_deployment_status_states(state: str, status: str) -> None:
    payload = variant("deployment_status-success", "deployment_status", "state", value=state)
    assert read_trigger(payload, runner("deployment_status")).status == status


def test_deployment_status_inactive_is_no_outcome() -> None:
    payload = variant("deployment_status-success", "deployment_status", "state", value="inactive")
    facts = read_trigger(payload, runner("deployment_status"))
    assert facts.status is None
    assert (
        facts.no_outcome
        == "The deployment status is 'inactive', which is not a deployment outcome; nothing was reported."
    )


def test_deployment_status_before_the_deployment_is_not_timed() -> None:
    payload = variant("deployment_status-success", "deployment_status", "created_at", value="2019-05-15T15:00:00Z")
    assert read_trigger(payload, runner("deployment_status")).span is None


# workflow_run


def test_workflow_run_ignores_a_listed_pull_request_of_another_commit() -> None:
    facts = read_trigger(event_payload("workflow_run-completed-with-pr"), runner("workflow_run"))
    assert facts == context(
        "workflow_run",
        sender_id="15669918",
        repository_url="https://github.com/octo-org/octo-repo",
        sha="3484a3fb816e0859fd6e1cea078d76385ff50625",
        commit_from="`workflow_run.head_sha`",
        branch_hint="master",
        branch_from="`workflow_run.head_branch`",
        listed_pull_request=facts.listed_pull_request,
        counts_from_pull_request=True,
        head_message="build(test): check workflow run event payload",
        url="https://github.com/octo-org/octo-repo/actions/runs/289782451",
        url_from="`workflow_run.html_url` (the run that deployed)",
        status="succes",
        status_from="`workflow_run.conclusion` success",
        span=Span(at("2020-10-05T16:33:49"), at("2020-10-05T16:33:49")),
    )
    assert facts.listed_pull_request is None  # #2's head is not the run's commit


def test_workflow_run_with_its_own_pull_request() -> None:
    payload = event_payload("workflow_run-completed-with-pr")
    payload["workflow_run"]["pull_requests"][0]["head"]["sha"] = payload["workflow_run"]["head_sha"]
    facts = read_trigger(payload, runner("workflow_run"))
    assert facts.listed_pull_request is not None
    assert facts.listed_pull_request.number == 2


def test_workflow_run_without_a_pull_request() -> None:
    facts = read_trigger(event_payload("workflow_run-completed-success"), runner("workflow_run"))
    assert facts.listed_pull_request is None
    assert facts.counts_from_pull_request is True
    assert facts.status == "succes"


def test_workflow_run_still_running_is_no_deployment() -> None:
    facts = read_trigger(event_payload("workflow_run-requested"), runner("workflow_run"))
    assert facts.skip == (
        "The workflow run has not completed (status 'queued'); nothing was reported "
        "(run on workflow_run: types [completed] to report the deployment once it is done)."
    )
    assert facts.span is None
    assert facts.status == "in_progress"  # no conclusion yet: the run is still going


def test_workflow_run_without_its_run_is_the_context_only() -> None:
    payload = {k: v for k, v in event_payload("workflow_run-completed-success").items() if k != "workflow_run"}
    facts = read_trigger(payload, runner("workflow_run"))
    assert (facts.status, facts.no_outcome, facts.skip, facts.sha) == (None, None, None, RUNNER_SHA)


def test_workflow_run_completed_without_a_conclusion_succeeded() -> None:
    payload = variant("workflow_run-completed-success", "workflow_run", "conclusion", value=None)
    facts = read_trigger(payload, runner("workflow_run"))
    assert facts.status == "succes"
    assert facts.no_outcome is None


@pytest.mark.parametrize(("conclusion", "status"), [("failure", "fail"), ("timed_out", "fail"), ("neutral", "succes")])
def test_workflow_run_conclusions(conclusion: str, status: str) -> None:
    payload = variant("workflow_run-completed-success", "workflow_run", "conclusion", value=conclusion)
    assert read_trigger(payload, runner("workflow_run")).status == status


@pytest.mark.parametrize("conclusion", ["cancelled", "skipped", "stale"])
def test_workflow_run_without_outcome(conclusion: str) -> None:
    payload = variant("workflow_run-completed-success", "workflow_run", "conclusion", value=conclusion)
    facts = read_trigger(payload, runner("workflow_run"))
    assert facts.status is None
    assert facts.no_outcome == f"The workflow run's conclusion is {conclusion!r}; nothing was reported."


# any other event: the context only


def test_other_event_is_the_context_only() -> None:
    facts = read_trigger(event_payload("workflow_dispatch"), runner("workflow_dispatch"))
    assert facts == context(
        "workflow_dispatch",
        repository_url="https://github.com/octo-org/octo-repo",
        sender_id="25328754",
        default_branch="main",
    )


def test_no_sha_anywhere() -> None:
    facts = read_trigger({}, RunnerEnv(event_name="workflow_dispatch"))
    assert facts == TriggerFacts(name="workflow_dispatch", runner_repository_url=None)


# `ref` and `commit-id` inputs


@pytest.mark.parametrize(
    ("ref", "sha", "kept_ref", "branch"),
    [
        ("refs/heads/release/2", None, "refs/heads/release/2", "release/2"),
        ("release/2", None, "release/2", "release/2"),
        ("main", None, "main", "main"),
        ("v1.2.3", None, "v1.2.3", None),
        ("1.2", None, "1.2", None),
        ("refs/tags/deploy", None, "refs/tags/deploy", None),
        ("A" * 40, "a" * 40, None, None),
    ],
)
def test_ref_input_names_another_deployment(
    ref: str, sha: str | None, kept_ref: str | None, branch: str | None
) -> None:
    facts = read_trigger(event_payload("push-branch-created"), runner("push"), ref=ref)
    assert facts == replace(
        context("push", ref="refs/heads/master", ref_name="main"),
        sha=sha,
        commit_from=None if sha is None else "the `ref` input",
        ref=kept_ref,
        branch_hint=branch,
        branch_from=None if branch is None else "the `ref` input",
        time_this_run=False,
    )


def test_ref_input_with_commit_id() -> None:
    facts = read_trigger(event_payload("workflow_run-completed-with-pr"), runner("workflow_run"), "v1", GIVEN)
    assert (facts.sha, facts.ref, facts.branch_hint, facts.time_this_run) == (GIVEN, None, None, False)
    assert facts.status is None
    assert facts.listed_pull_request is None


def test_for_ref_keeps_only_the_context() -> None:
    base = context("release", release=Release("v1"), status="fail", span=Span(at("2024-01-01T00:00:00")))
    facts = for_ref(base, "main")
    assert facts.release == base.release  # for_ref is given the context; read_trigger gives it nothing more
    assert (facts.sha, facts.ref, facts.branch_hint, facts.time_this_run) == (None, "main", "main", False)


def test_commit_id_input_drops_what_the_event_says_of_its_own_commit() -> None:
    facts = read_trigger(event_payload("pull_request-closed-merged"), runner("pull_request"), commit_id=GIVEN)
    assert facts.sha == GIVEN
    assert facts.pull_request is None
    assert facts.counts_from_pull_request is False
    assert facts.time_this_run is True


def test_with_commit_keeps_the_events_outcome_and_link() -> None:
    facts = read_trigger(event_payload("workflow_run-completed-with-pr"), runner("workflow_run"))
    moved = with_commit(facts, GIVEN)
    assert moved == replace(
        facts,
        sha=GIVEN,
        commit_from="input",
        listed_pull_request=None,
        counts_from_pull_request=False,
        head_message=None,
    )
    push = read_trigger(event_payload("push-branch-created"), runner("push"))
    assert with_commit(push, GIVEN) == replace(push, sha=GIVEN, commit_from="input", push=None, head_message=None)


def test_with_commit_drops_the_runs_own_pull_request() -> None:
    payload = event_payload("workflow_run-completed-with-pr")
    payload["workflow_run"]["pull_requests"][0]["head"]["sha"] = payload["workflow_run"]["head_sha"]
    facts = read_trigger(payload, runner("workflow_run"), commit_id=GIVEN)
    assert facts.sha == GIVEN and facts.listed_pull_request is None


def test_with_commit_keeps_the_release_but_not_its_twin() -> None:
    facts = read_trigger(event_payload("release-published"), runner("release"))
    assert facts.release is not None and facts.release.may_have_twin
    moved = read_trigger(event_payload("release-published"), runner("release"), commit_id=GIVEN)
    assert moved.release == replace(facts.release, may_have_twin=False)


# events that describe no deployment (README "Events that describe no deployment")


@pytest.mark.parametrize(
    ("fixture", "event_name"),
    [
        ("pull_request_review-submitted", "pull_request_review"),
        ("pull_request_review_comment-created", "pull_request_review_comment"),
    ],
)
def test_a_run_on_a_pull_request_ref_is_no_deployment(fixture: str, event_name: str) -> None:
    facts = read_trigger(event_payload(fixture), runner(event_name, "refs/pull/8/merge"))
    assert facts.skip == (
        "The run is about an open pull request (refs/pull/8/merge), not a deployment; nothing was "
        "reported (give ref or commit-id to report what was deployed)."
    )
    with_ref = read_trigger(event_payload(fixture), runner(event_name, "refs/pull/8/merge"), ref="v1.0.0")
    assert with_ref.skip is None


def test_a_merged_pull_request_on_its_merge_ref_is_a_deployment() -> None:
    facts = read_trigger(event_payload("pull_request-closed-merged"), runner("pull_request", "refs/pull/2/merge"))
    assert facts.skip is None


def test_merge_group_is_no_deployment() -> None:
    facts = read_trigger(event_payload("merge_group-checks_requested"), runner("merge_group"))
    assert facts.skip is not None and facts.skip.startswith("A merge_group run")
    assert (
        read_trigger(event_payload("merge_group-checks_requested"), runner("merge_group"), commit_id=RUNNER_SHA).skip
        is None
    )


@pytest.mark.parametrize("event", ["pull_request", "pull_request_target"])
def test_workflow_run_of_a_pull_request_is_no_deployment(event: str) -> None:
    payload = variant("workflow_run-completed-success", "workflow_run", "event", value=event)
    facts = read_trigger(payload, runner("workflow_run"))
    assert facts.skip == (
        f"The workflow run was triggered by {event}: it tested a pull request and deployed nothing; "
        "nothing was reported."
    )


def test_workflow_run_from_a_fork_is_no_deployment() -> None:
    payload = variant("workflow_run-completed-success", "workflow_run", "head_repository", "full_name", value="me/fork")
    facts = read_trigger(payload, runner("workflow_run"))
    assert facts.skip is not None and "(me/fork, a fork)" in facts.skip


@pytest.mark.parametrize("fixture", ["schedule", "repository_dispatch"])
def test_other_events_report_the_runner_commit(fixture: str) -> None:
    facts = read_trigger(event_payload(fixture), runner(fixture))
    assert facts.skip is None and facts.sha == RUNNER_SHA and facts.pushed_ref == "refs/heads/main"


def test_for_ref_with_the_commit_id_input_says_the_commit_is_the_inputs() -> None:
    base = context("push")
    assert (for_ref(base, "main", GIVEN).sha, for_ref(base, "main", GIVEN).commit_from) == (GIVEN, "input")
    assert for_ref(base, "a" * 40).commit_from == "the `ref` input"


@pytest.mark.parametrize(
    ("fixture", "path"),
    [
        ("push-branch-created", ("after",)),
        ("pull_request-closed-merged", ("pull_request", "merge_commit_sha")),
        ("deployment-created", ("deployment", "sha")),
        ("workflow_run-completed-success", ("workflow_run", "head_sha")),
    ],
)
def test_an_event_without_its_commit_says_nothing_of_where_the_commit_came_from(
    fixture: str, path: tuple[str, ...]
) -> None:
    """The runner's commit is then the one, and its reason is the default's, not the event field's."""
    payload = copy.deepcopy(event_payload(fixture))
    holder = payload
    for key in path[:-1]:
        holder = holder[key]
    del holder[path[-1]]
    facts = read_trigger(payload, runner(fixture.split("-")[0]))
    assert facts.commit_from is None
