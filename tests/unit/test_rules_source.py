"""branch, pull_request_number, commits_count (README "Where each field comes from")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.unit.fake_github import (
    BASE,
    OTHER,
    SHA,
    T0,
    FakeGitHub,
    deployed,
    deployment,
    notices,
    pr,
    release,
    status,
    warnings,
)

from iftrue_deploy.derive import Derived, source
from iftrue_deploy.facts import CommitFacts, Comparison
from iftrue_deploy.settings import FieldOverrides, InputError
from iftrue_deploy.trigger import Previous, Push, Release, TriggerFacts

NONE = FieldOverrides()

# pull_request_number: input → the event's pull request (or workflow_run's) → the commit's merged
# pull request, preferring the one merged as the commit → #N from the subject → 0, with a warning


def test_pull_request_number_given_wins_and_asks_nothing() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(9, merge_commit_sha=SHA)]})
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert source.pull_request_number(FieldOverrides(pull_request_number=77), d).value == 77
    assert gh.asked == []
    assert d.lookups.notes.items == []


def test_pull_request_number_from_the_event() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(9, merge_commit_sha=SHA)]})
    assert source.pull_request_number(NONE, deployed(TriggerFacts(sha=SHA, pull_request=pr(2)), gh)).value == 2
    assert gh.asked == []


def test_pull_request_number_from_workflow_run_pull_requests() -> None:
    gh = FakeGitHub(prs={4: pr(4, commits=2)}, prs_by_commit={SHA: [pr(9, merge_commit_sha=SHA)]})
    d = deployed(TriggerFacts(sha=SHA, listed_pull_request=pr(4)), gh)
    assert source.pull_request_number(NONE, d).value == 4
    assert gh.questions() == ["pull_request"]


def test_pull_request_number_from_workflow_run_when_github_cannot_complete_it() -> None:
    d = deployed(TriggerFacts(sha=SHA, listed_pull_request=pr(4)), FakeGitHub(unavailable={"pull_request"}))
    assert source.pull_request_number(NONE, d).value == 4


def test_pull_request_number_prefers_the_pull_request_merged_as_the_commit() -> None:
    """Seeded bug: taking the first merged pull request listed for the commit."""
    gh = FakeGitHub(prs_by_commit={SHA: [pr(7, merge_commit_sha=OTHER), pr(8, merge_commit_sha=SHA)]})
    assert source.pull_request_number(NONE, deployed(TriggerFacts(sha=SHA), gh)).value == 8


def test_pull_request_number_first_merged_when_none_merged_as_the_commit() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(6, merged=False, merge_commit_sha=SHA), pr(7, merge_commit_sha=OTHER)]})
    assert source.pull_request_number(NONE, deployed(TriggerFacts(sha=SHA), gh)).value == 7


@pytest.mark.parametrize(
    ("message", "number"),
    [
        pytest.param("Add login (#42)\n\n* wip", 42, id="squash"),
        pytest.param("Add login (#42)  ", 42, id="squash-trailing-space"),
        pytest.param("Merge pull request #43 from o/login\n\nAdd login", 43, id="merge"),
    ],
)
def test_pull_request_number_from_the_subject(message: str, number: int) -> None:
    gh = FakeGitHub()  # GitHub lists no pull request for the commit
    d = deployed(TriggerFacts(sha=SHA, head_message=message), gh)
    assert source.pull_request_number(NONE, d).value == number
    assert warnings(d) == []


def test_pull_request_number_from_the_subject_without_github() -> None:
    assert source.pull_request_number(NONE, deployed(TriggerFacts(sha=SHA, head_message="Fix (#5)"))).value == 5


@pytest.mark.parametrize(
    "message",
    ["Add login", "Add login (#42) and more", "Merge branch 'main' into x", "See #42", None],
)
def test_pull_request_number_zero_with_a_warning(message: str | None) -> None:
    gh = FakeGitHub(commits={SHA: CommitFacts(SHA, message or "")})
    d = deployed(TriggerFacts(sha=SHA, head_message=message), gh)
    assert source.pull_request_number(NONE, d).value == 0
    assert warnings(d) == [
        "No pull request was found for commit abcdef1; pull_request_number is 0. Set pull-request-number to report one."
    ]


# branch: input → the pull request's head branch → workflow_run.head_branch / deployment.ref /
# release target / a `ref` input naming a branch → the pushed branch → (a tag: the default branch)


def test_branch_given_wins_and_asks_nothing() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(1, merge_commit_sha=SHA)]})
    d = deployed(TriggerFacts(sha=SHA, branch_hint="hint"), gh)
    assert source.branch(FieldOverrides(branch="given"), d).value == "given"
    assert gh.asked == []


def test_branch_pull_request_head() -> None:
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(1, head_branch="fix/x"), branch_hint="main"))
    assert source.branch(NONE, d).value == "fix/x"


def test_branch_the_commits_pull_request_head() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(1, head_branch="hotfix/y", merge_commit_sha=SHA)]})
    assert source.branch(NONE, deployed(TriggerFacts(sha=SHA, pushed_ref="refs/heads/main"), gh)).value == "hotfix/y"


def test_branch_hint_when_the_pull_request_has_no_head() -> None:
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(1, head_branch=""), branch_hint="release"))
    assert source.branch(NONE, d).value == "release"


def test_branch_hint() -> None:
    d = deployed(TriggerFacts(sha=SHA, branch_hint="staging", pushed_ref="refs/heads/main", ref_name="main"))
    assert source.branch(NONE, d).value == "staging"


def test_branch_pushed() -> None:
    d = deployed(TriggerFacts(sha=SHA, pushed_ref="refs/heads/feature/a", ref_name="x", default_branch="main"))
    assert source.branch(NONE, d).value == "feature/a"


def test_branch_of_a_tag_is_the_default_branch() -> None:
    d = deployed(TriggerFacts(sha=SHA, pushed_ref="refs/tags/v1", ref_name="v1", default_branch="main"))
    assert source.branch(NONE, d).value == "main"


def test_branch_ref_name() -> None:
    assert source.branch(
        NONE, deployed(TriggerFacts(sha=SHA, pushed_ref="refs/pull/3/merge", ref_name="3/merge"))
    ).value == ("3/merge")


def test_branch_ref_name_before_the_default_branch() -> None:
    d = deployed(TriggerFacts(sha=SHA, ref_name="release/2.0", default_branch="main"))
    assert source.branch(NONE, d).value == "release/2.0"


def test_branch_default_branch() -> None:
    assert source.branch(NONE, deployed(TriggerFacts(sha=SHA, default_branch="trunk"))).value == "trunk"


def test_branch_that_cannot_be_derived_is_an_error_never_unknown() -> None:
    with pytest.raises(InputError, match="'branch': could not be derived") as error:
        source.branch(NONE, deployed(TriggerFacts(sha=SHA)))
    assert error.value.problem == "could not be derived (no pull request, pushed branch or GITHUB_REF_NAME); set it"


def test_branch_from_a_merge_subject_when_the_pull_request_is_unknown() -> None:
    trigger = TriggerFacts(sha=SHA, head_message="Merge pull request #3 from owner/fix/login-crash\n\nbody")
    assert source.branch(NONE, deployed(trigger)).value == "fix/login-crash"


# commits_count: input → the event's merged pull request → the push's list → a compare (push
# before/default branch, previous release, previous successful deployment) → a first release's
# commits → the pull request's commits → the push's count → 0, with a notice


def test_commits_count_given_wins_and_asks_nothing() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)
    assert source.commits_count(FieldOverrides(commits_count=0), d).value == 0
    assert gh.asked == []
    assert d.lookups.notes.items == []


def test_commits_count_event_pull_request_asks_nothing() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(2, commits=6), counts_from_pull_request=True), gh)
    assert source.commits_count(NONE, d).value == 6
    assert gh.asked == []


def test_commits_count_push_list_asks_nothing() -> None:
    gh = FakeGitHub()
    trigger = TriggerFacts(sha=SHA, push=Push(("a", "b", "c"), 3, before=BASE, branch="main"), default_branch="main")
    assert source.commits_count(NONE, deployed(trigger, gh)).value == 3
    assert gh.asked == []


@pytest.mark.parametrize(
    ("push", "base"),
    [
        pytest.param(Push(("a",), 1, before=BASE, branch="main", forced=True), BASE, id="forced"),
        pytest.param(Push(("a",), 1, before=BASE, branch="main", at_cap=True), BASE, id="at-cap"),
        pytest.param(Push(("a",), 1, before="0" * 40, branch="feat", created=True), "main", id="new-branch"),
    ],
)
def test_commits_count_push_compare(push: Push, base: str) -> None:
    gh = FakeGitHub(comparisons={(base, SHA): Comparison(12, ())})
    assert source.commits_count(NONE, deployed(TriggerFacts(sha=SHA, push=push, default_branch="main"), gh)).value == 12
    assert gh.questions("compare") == [(base, SHA)]


def test_commits_count_release_compare_from_the_previous_release() -> None:
    gh = FakeGitHub(
        release_list=[release("v2", id=2), release("v1", id=1, published_at=T0 - timedelta(days=1))],
        comparisons={("v1", SHA): Comparison(9, ())},
    )
    trigger = TriggerFacts(sha=SHA, release=Release("v2", id=2, published_at=T0))
    assert source.commits_count(NONE, deployed(trigger, gh)).value == 9
    assert gh.questions() == ["releases", "compare"]


def test_commits_count_first_release_counts_the_commits_up_to_the_tag() -> None:
    gh = FakeGitHub(release_list=[release("v1", id=1)], commit_counts={SHA: 40})
    trigger = TriggerFacts(sha=SHA, release=Release("v1", id=1, published_at=T0))
    assert source.commits_count(NONE, deployed(trigger, gh)).value == 40
    assert gh.questions() == ["releases", "count_commits"]


def test_commits_count_first_release_in_a_backfill() -> None:
    gh = FakeGitHub(commit_counts={SHA: 41})
    trigger = TriggerFacts(sha=SHA, release=Release("v1", id=1), previous=Previous(None))
    assert source.commits_count(NONE, deployed(trigger, gh)).value == 41
    assert gh.questions() == ["count_commits"]


def test_commits_count_workflow_run_pull_request() -> None:
    gh = FakeGitHub(
        prs={4: pr(4, commits=3)},
        deployment_list=[deployment(1, OTHER)],
        statuses={1: [status("success")]},
        comparisons={(OTHER, SHA): Comparison(50, ())},
    )
    d = deployed(TriggerFacts(sha=SHA, listed_pull_request=pr(4), counts_from_pull_request=True), gh)
    assert source.commits_count(NONE, d).value == 3
    assert "compare" not in gh.questions()


def test_commits_count_event_pull_request_without_a_count_is_fetched() -> None:
    gh = FakeGitHub(prs={2: pr(2, commits=5)})
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(2), counts_from_pull_request=True), gh)
    assert source.commits_count(NONE, d).value == 5
    assert gh.questions("pull_request") == [(2,)]


def test_commits_count_compare_from_the_previous_successful_deployment() -> None:
    gh = FakeGitHub(
        deployment_list=[deployment(2, OTHER), deployment(1, BASE)],
        statuses={2: [status("failure")], 1: [status("inactive")]},
        comparisons={(BASE, SHA): Comparison(7, ())},
        prs_by_commit={SHA: [pr(8, merge_commit_sha=SHA, commits=1)]},
    )
    assert source.commits_count(NONE, deployed(TriggerFacts(sha=SHA), gh)).value == 7


def test_commits_count_backfill_compare_from_the_known_previous() -> None:
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(8, ())})
    assert source.commits_count(NONE, deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)).value == 8
    assert gh.questions() == ["compare"]


def test_commits_count_pull_request_commits_fetched_when_the_listing_lacks_them() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(8, merge_commit_sha=SHA)]}, prs={8: pr(8, merge_commit_sha=SHA, commits=4)})
    assert source.commits_count(NONE, deployed(TriggerFacts(sha=SHA), gh)).value == 4
    assert gh.questions("pull_request") == [(8,)]


def test_commits_count_pull_request_commits_when_the_compare_fails() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(8, merge_commit_sha=SHA, commits=2)]}, unavailable={"compare"})
    d = deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)
    assert source.commits_count(NONE, d).value == 2
    assert len(warnings(d)) == 1


def test_commits_count_first_release_count_unavailable_falls_to_the_pull_request() -> None:
    gh = FakeGitHub(
        release_list=[], unavailable={"count_commits"}, prs_by_commit={SHA: [pr(8, merge_commit_sha=SHA, commits=2)]}
    )
    d = deployed(TriggerFacts(sha=SHA, release=Release("v1", id=1)), gh)
    assert source.commits_count(NONE, d).value == 2
    assert len(warnings(d)) == 1 and "could not get the commits up to v1 (" in warnings(d)[0]


def test_commits_count_push_count_when_the_compare_fails() -> None:
    push = Push(("a", "b"), 2, before=BASE, branch="main", forced=True)
    d = deployed(TriggerFacts(sha=SHA, push=push, default_branch="main"), FakeGitHub(unavailable={"compare"}))
    assert source.commits_count(NONE, d).value == 2
    assert notices(d) == []


def test_commits_count_push_count_without_github() -> None:
    push = Push(("a",), 1, before="0" * 40, branch="feat", created=True)
    assert source.commits_count(NONE, deployed(TriggerFacts(sha=SHA, push=push, default_branch="main"))).value == 1


@pytest.mark.parametrize(
    ("trigger", "github"),
    [
        pytest.param(TriggerFacts(sha=SHA), None, id="no-github"),
        pytest.param(TriggerFacts(sha=SHA), FakeGitHub(), id="nothing-found"),
        pytest.param(TriggerFacts(sha=SHA, counts_from_pull_request=True), FakeGitHub(), id="no-run-pull-request"),
        pytest.param(
            TriggerFacts(sha=SHA, push=Push((), 0, before=BASE, branch="main", forced=True), default_branch="main"),
            FakeGitHub(unavailable={"compare"}),
            id="empty-forced-push",
        ),
    ],
)
def test_commits_count_zero_with_a_notice(trigger: TriggerFacts, github: FakeGitHub | None) -> None:
    d = deployed(trigger, github)
    assert source.commits_count(NONE, d).value == 0
    assert notices(d) == ["The number of commits could not be derived; commits_count is 0."]


# Why: the value and the reason of each branch (README "Where each field comes from").


@pytest.mark.parametrize(
    ("given", "trigger", "github", "expected"),
    [
        pytest.param(FieldOverrides(pull_request_number=77), TriggerFacts(sha=SHA), None, (77, "input"), id="input"),
        pytest.param(
            NONE, TriggerFacts(sha=SHA, pull_request=pr(2)), None, (2, "the event's pull request #2"), id="event"
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, listed_pull_request=pr(4)),
            FakeGitHub(prs={4: pr(4, commits=2)}),
            (4, "the workflow run's pull request #4"),
            id="workflow-run",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA),
            FakeGitHub(prs_by_commit={SHA: [pr(7, merge_commit_sha=OTHER), pr(8, merge_commit_sha=SHA)]}),
            (8, "pull request #8, merged as commit abcdef1 (GitHub's list for the commit)"),
            id="merged-as-the-commit",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA),
            FakeGitHub(prs_by_commit={SHA: [pr(7, merge_commit_sha=OTHER)]}),
            (7, "pull request #7, containing commit abcdef1 (GitHub's list for the commit)"),
            id="containing-the-commit",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, head_message="Add login (#41)\n\n* wip"),
            FakeGitHub(),
            (41, "squash subject `… (#41)`"),
            id="squash",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, head_message="Merge pull request #43 from o/login\n\nAdd login"),
            FakeGitHub(),
            (43, "merge subject `Merge pull request #43`"),
            id="merge",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, head_message="Add login"),
            FakeGitHub(),
            (0, "none found: GitHub lists no merged pull request for commit abcdef1"),
            id="none-listed",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, head_message="Add login"),
            None,
            (0, "none found: no GitHub token or repository"),
            id="no-github",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, head_message="Add login"),
            FakeGitHub(unavailable={"pull_requests_for_commit"}),
            (0, "none found: GitHub could not answer for the pull requests of commit abcdef1"),
            id="github-failed",
        ),
    ],
)
def test_pull_request_number_why(
    given: FieldOverrides, trigger: TriggerFacts, github: FakeGitHub | None, expected: tuple[int, str]
) -> None:
    assert source.pull_request_number(given, deployed(trigger, github)) == Derived(*expected)


@pytest.mark.parametrize(
    ("given", "trigger", "expected"),
    [
        pytest.param(FieldOverrides(branch="b"), TriggerFacts(sha=SHA, branch_hint="h"), ("b", "input"), id="input"),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, pull_request=pr(1, head_branch="fix/x")),
            ("fix/x", "head branch of pull request #1"),
            id="pull-request",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, head_message="Merge pull request #3 from owner/fix/login"),
            ("fix/login", "merge subject `Merge pull request #3 from owner/fix/login`"),
            id="merge-subject",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, branch_hint="master", branch_from="`workflow_run.head_branch`"),
            ("master", "`workflow_run.head_branch`"),
            id="what-the-adapter-said",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, branch_hint="main", release=Release("v1")),
            ("main", "the release's `target_commitish`"),
            id="release-target",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, branch_hint="main", deployment_id=5),
            ("main", "`deployment.ref`"),
            id="deployment-ref",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, pushed_ref="refs/heads/feature/a"),
            ("feature/a", "the pushed branch"),
            id="pushed",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, pushed_ref="refs/tags/v1", ref_name="v1", default_branch="main"),
            ("main", "the repository's default branch (a tag was pushed)"),
            id="tag",
        ),
        pytest.param(NONE, TriggerFacts(sha=SHA, ref_name="3/merge"), ("3/merge", "GITHUB_REF_NAME"), id="ref-name"),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, default_branch="trunk"),
            ("trunk", "the repository's default branch"),
            id="default",
        ),
    ],
)
def test_branch_why(given: FieldOverrides, trigger: TriggerFacts, expected: tuple[str, str]) -> None:
    assert source.branch(given, deployed(trigger)) == Derived(*expected)


def previous_deployment_of(sha: str, comparison: Comparison | None = None) -> FakeGitHub:
    """GitHub with one successful deployment, of ``sha``, and the compare from it to SHA."""
    return FakeGitHub(
        deployment_list=[deployment(4, sha)],
        statuses={4: [status("success")]},
        comparisons={} if comparison is None else {(sha, SHA): comparison},
    )


@pytest.mark.parametrize(
    ("trigger", "github", "expected"),
    [
        pytest.param(
            TriggerFacts(sha=SHA, pull_request=pr(2, commits=6)), None, (6, "the event's pull request #2"), id="event"
        ),
        pytest.param(
            TriggerFacts(sha=SHA, push=Push(("a", "b", "c"), 3, before=BASE, branch="main"), default_branch="main"),
            None,
            (3, "push payload: 3 commits"),
            id="push",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, push=Push(("a",), 1, before=BASE, branch="main", forced=True), default_branch="main"),
            FakeGitHub(comparisons={(BASE, SHA): Comparison(12, ())}),
            (12, "compare from the push's `before` fedcba9, a forced push (12 commits)"),
            id="forced-push",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, push=Push(("a",), 1, before=BASE, branch="main", at_cap=True), default_branch="main"),
            FakeGitHub(comparisons={(BASE, SHA): Comparison(3000, ())}),
            (3000, "compare from the push's `before` fedcba9, a push beyond the payload's list (3000 commits)"),
            id="push-at-cap",
        ),
        pytest.param(
            TriggerFacts(
                sha=SHA, push=Push(("a",), 1, before="0" * 40, branch="f", created=True), default_branch="main"
            ),
            FakeGitHub(comparisons={("main", SHA): Comparison(1, ())}),
            (1, "compare from the default branch `main` (1 commit)"),
            id="new-branch",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, release=Release("v2", id=2), previous=Previous("v1")),
            FakeGitHub(comparisons={("v1", SHA): Comparison(9, ())}),
            (9, "compare from the previous release `v1` (9 commits)"),
            id="release",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, release=Release("v1", id=1), previous=Previous(None)),
            FakeGitHub(commit_counts={SHA: 40}),
            (40, "the first release: every commit up to tag `v1`"),
            id="first-release",
        ),
        pytest.param(
            TriggerFacts(sha=SHA),
            previous_deployment_of(OTHER, Comparison(4, ("a",), status="ahead")),
            (4, "compare from the previous deployment 1234567 (4 commits)"),
            id="previous-deployment",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, previous=Previous(BASE)),
            FakeGitHub(comparisons={(BASE, SHA): Comparison(8, ())}),
            (8, "compare from the previous deployment fedcba9 (8 commits)"),
            id="backfill",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, listed_pull_request=pr(4), counts_from_pull_request=True),
            FakeGitHub(prs={4: pr(4, commits=3)}),
            (3, "pull request #4"),
            id="workflow-run-pull-request",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, push=Push(("a", "b"), 2, before=BASE, branch="main", forced=True)),
            FakeGitHub(unavailable={"compare"}),
            (2, "push payload: 2 commits (no compare)"),
            id="push-when-the-compare-fails",
        ),
        pytest.param(TriggerFacts(sha=SHA), None, (0, "none found: no GitHub token or repository"), id="no-github"),
        pytest.param(
            TriggerFacts(sha=SHA),
            FakeGitHub(),
            (0, "none found: no earlier successful deployment in 'production'"),
            id="first-deployment",
        ),
        pytest.param(
            TriggerFacts(sha=SHA),
            previous_deployment_of(OTHER, Comparison(0, (), status="behind")),
            (0, "a rollback: the compare from the previous deployment 1234567 says `behind`"),
            id="rollback",
        ),
        pytest.param(
            TriggerFacts(sha=SHA),
            previous_deployment_of(SHA),
            (0, "a redeploy of the deployed commit: no new commit"),
            id="redeploy",
        ),
    ],
)
def test_commits_count_why(trigger: TriggerFacts, github: FakeGitHub | None, expected: tuple[int, str]) -> None:
    assert source.commits_count(NONE, deployed(trigger, github)) == Derived(*expected)
    assert source.commits_count(FieldOverrides(commits_count=5), deployed(trigger, github)) == Derived(5, "input")


def test_a_rollback_counts_no_commit_and_says_so() -> None:
    """Seeded bug: a rollback counted as an ordinary deployment (GitHub's total_commits is the
    commits ahead, which a rollback has none of; the notice says what happened)."""
    d = deployed(TriggerFacts(sha=SHA), previous_deployment_of(OTHER, Comparison(3, (), status="behind")))
    assert source.commits_count(NONE, d).value == 0
    assert notices(d) == [
        "This deployment is a rollback from 1234567 to abcdef1 (the commit is an ancestor of what was deployed): "
        "it brings no new commit, and is a hotfix unless is-hotfix says otherwise."
    ]


def test_a_redeploy_of_the_deployed_commit_asks_no_compare() -> None:
    gh = previous_deployment_of(SHA)
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert source.commits_count(NONE, d).value == 0
    assert "compare" not in gh.questions()
    assert notices(d) == ["This deployment is a redeploy of the deployed commit abcdef1: it brings no new commit."]


def test_an_identical_compare_is_a_redeploy() -> None:
    d = deployed(TriggerFacts(sha=SHA), previous_deployment_of(OTHER, Comparison(0, (), status="identical")))
    assert source.commits_count(NONE, d) == Derived(0, "a redeploy of the deployed commit: no new commit")
