"""derive_record: the families wired into one record, and the events that describe no deployment."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from tests.unit.fake_github import BASE, SHA, T0, FakeGitHub, pr

from iftrue_deploy.derive import Derived, ExplainedRecord, Lookups, Options, Skip, derive_record
from iftrue_deploy.derive.because import QUOTE_LIMIT, quoted
from iftrue_deploy.facts import Comparison
from iftrue_deploy.record import DeploymentRecord
from iftrue_deploy.settings import FieldOverrides
from iftrue_deploy.trigger import Push, Release, Span, TriggerFacts

NOW = T0 + timedelta(minutes=3)
CONTEXT = TriggerFacts(
    name="push",
    sha=SHA,
    repository_url="https://github.com/o/r",
    sender_id="42",
    pushed_ref="refs/heads/main",
    default_branch="main",
    run_url="https://github.com/o/r/actions/runs/7",
    run_id="7",
    run_attempt="1",
)


NO_INPUT = FieldOverrides()
DEFAULTS = Options()


def derive(
    trigger: TriggerFacts, gh: FakeGitHub | None, given: FieldOverrides = NO_INPUT, options: Options = DEFAULTS
) -> DeploymentRecord:
    return derive_record(given, trigger, Lookups(gh), options, lambda: NOW)


def test_status_skipped_input_is_a_skip_before_anything_is_asked() -> None:
    gh = FakeGitHub()
    trigger = replace(CONTEXT, skip="The push deleted a branch")
    with pytest.raises(Skip, match=r"The status is 'cancelled'; nothing was reported\."):
        derive(trigger, gh, FieldOverrides(status_skipped="cancelled"))
    assert gh.asked == []


def test_an_event_that_describes_no_deployment_is_a_skip_before_anything_is_asked() -> None:
    gh = FakeGitHub()
    trigger = TriggerFacts(sha=SHA, skip="The release is a draft; nothing was reported.")
    with pytest.raises(Skip, match=r"The release is a draft; nothing was reported\."):
        derive(trigger, gh)
    assert gh.asked == []


def test_no_outcome_is_a_skip_before_anything_is_asked() -> None:
    gh = FakeGitHub()
    trigger = TriggerFacts(sha=SHA, no_outcome="The deployment status is 'inactive'; nothing was reported.")
    with pytest.raises(Skip, match="'inactive'"):
        derive(trigger, gh)
    assert gh.asked == []


def test_given_status_reports_even_an_event_without_outcome() -> None:
    trigger = replace(CONTEXT, no_outcome="cancelled")
    assert derive(trigger, None, FieldOverrides(status="fail")).status == "fail"


def test_a_whole_record_from_a_forced_push() -> None:
    merged = pr(12, title='Revert "Add login"', head_branch="hotfix/login", labels=("urgent",), merge_commit_sha=SHA)
    gh = FakeGitHub(
        prs_by_commit={SHA: [merged]},
        comparisons={(BASE, SHA): Comparison(3, ("a", "b", "c"), head_message="c")},
        run_starts={("7", "1"): T0},
    )
    push = Push(("a", "b", "x", "y"), 4, before=BASE, branch="main", forced=True)
    trigger = replace(CONTEXT, push=push)
    options = Options(hotfix_labels=("urgent",), duration_unit="seconds", create_github_deployment=True, dry_run=True)
    record = derive(trigger, gh, options=options)
    assert record.payload() == {
        "title": 'Revert "Add login"',
        "changelog": "- a\n- b\n- c",
        "url": "https://github.com/o/r/actions/runs/7",
        "branch": "hotfix/login",
        "commit_id": SHA,
        "deployment_duration": 180,
        "is_fix": True,
        "is_hotfix": True,
        "is_forced": True,
        "commits_count": 3,
        "repository_url": "https://github.com/o/r",
        "member_id": "42",
        "pull_request_number": 12,
        "status": "succes",
    }
    assert record.reasons == {
        "title": "title of pull request #12",
        "changelog": "commit subjects: compare from the push's `before` fedcba9, a forced push (3 commits)",
        "url": "this workflow run's page",
        "branch": "head branch of pull request #12",
        "commit_id": "GITHUB_SHA",
        "deployment_duration": "run attempt 1 started 10:00:00 UTC, timed to now",
        "is_fix": 'a revert: title of pull request #12 `Revert "…`',
        "is_hotfix": "label `urgent` on pull request #12",
        "is_forced": "push payload: `forced`",
        "commits_count": "compare from the push's `before` fedcba9, a forced push (3 commits)",
        "repository_url": "the event's `repository.html_url`",
        "member_id": "the event's `sender.id`",
        "pull_request_number": "pull request #12, merged as commit abcdef1 (GitHub's list for the commit)",
        "deployment_node_id": "left out: a dry run creates no GitHub Deployment",
        "status": "the event carries no outcome: `succes`",
    }


def test_is_fix_and_is_hotfix_read_the_given_title_and_branch() -> None:
    given = FieldOverrides(title="fix: given", branch="hotfix/given")
    record = derive(replace(CONTEXT, span=Span(T0)), None, given)
    assert record.is_fix is True
    assert record.is_hotfix is True
    assert record.deployment_duration == 3.0


def test_every_field_of_the_record_has_its_reason() -> None:
    """A field cannot reach the record without the reason its rule gave (derive/because.py)."""
    record = derive(CONTEXT, None)
    assert list(record.reasons) == list(DeploymentRecord.model_fields)
    assert all(record.reasons.values())
    assert list(derive(CONTEXT, None, FieldOverrides(title="t", commits_count=1)).reasons.values())[:1] == ["input"]


def test_a_field_no_rule_gave_is_an_error_not_a_default() -> None:
    fields = {name: Derived(getattr(derive(CONTEXT, None), name), "r") for name in DeploymentRecord.model_fields}
    del fields["is_hotfix"]
    with pytest.raises(TypeError, match="no rule gave is_hotfix"):
        ExplainedRecord.of(fields)


def test_every_field_no_rule_gave_is_named_in_the_error() -> None:
    fields = {name: Derived(getattr(derive(CONTEXT, None), name), "r") for name in DeploymentRecord.model_fields}
    del fields["is_hotfix"], fields["is_fix"]
    with pytest.raises(TypeError, match=r"^no rule gave is_fix, is_hotfix: every field needs a Derived$"):
        ExplainedRecord.of(fields)


def test_a_quote_in_a_reason_is_one_line_in_backticks_its_own_backticks_made_quotes() -> None:
    assert quoted("fix `login`\n  page") == "`fix 'login' page`"


def test_a_quote_at_its_limit_is_whole_and_one_longer_is_cut_to_the_limit() -> None:
    """The cut keeps the quote at QUOTE_LIMIT characters, the last being the ellipsis."""
    assert quoted("x" * QUOTE_LIMIT) == f"`{'x' * QUOTE_LIMIT}`"
    assert quoted("y" * (QUOTE_LIMIT + 1)) == f"`{'y' * (QUOTE_LIMIT - 1)}…`"
    assert quoted("abcdef", limit=4) == "`abc…`"


# A full release's `published` event, read at the commit that ran (no checkout).
WORKFLOW = ".github/workflows/deploy.yml"
PUBLISHED = replace(
    CONTEXT, name="release", release=Release("v1", may_have_twin=True), workflow_ref=f"o/r/{WORKFLOW}@refs/tags/v1"
)


def test_a_published_release_whose_released_event_also_runs_is_a_skip() -> None:
    gh = FakeGitHub(files={(WORKFLOW, SHA): "on:\n  release:\n    types: [published, released]\n"})
    with pytest.raises(Skip) as skip:
        derive(PUBLISHED, gh)
    assert str(skip.value) == (
        "This `published` event is for a full release: the workflow also runs on its `released` "
        "event, which reports it; nothing was reported here."
    )


def test_a_published_release_is_the_record_when_only_published_runs() -> None:
    gh = FakeGitHub(files={(WORKFLOW, SHA): "on:\n  release:\n    types: [published]\n"})
    assert derive(PUBLISHED, gh, FieldOverrides(title="v1")).commit_id == SHA


def test_the_commit_id_input_is_the_records_commit() -> None:
    other = "c" * 40
    record = derive(CONTEXT, FakeGitHub(), FieldOverrides(commit_id=other))
    assert record.commit_id == other


def test_the_events_deployment_is_the_records_deployment_node_id() -> None:
    record = derive(replace(CONTEXT, deployment_node_id="DE_kwDOxyz"), FakeGitHub())
    assert record.deployment_node_id == "DE_kwDOxyz"


def test_a_created_github_deployment_has_the_records_status_and_link() -> None:
    gh = FakeGitHub()
    record = derive(CONTEXT, gh, FieldOverrides(status="fail"), Options(create_github_deployment=True))
    assert record.deployment_node_id == "DE_created"
    assert gh.questions("create_deployment") == [
        (SHA, SHA, "production", "failure", "https://github.com/o/r/actions/runs/7")  # ref: the commit itself
    ]
