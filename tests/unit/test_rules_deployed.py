"""What several field rules share (:class:`Deployed`): the commit, its message, its pull request,
where its commits start, the previous release and the previous successful deployment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from tests.unit.fake_github import BASE, OTHER, SHA, T0, FakeGitHub, deployed, deployment, pr, release, status, warnings

from iftrue_deploy.derive import Derived, Lookups, Notes
from iftrue_deploy.facts import CommitFacts, Comparison
from iftrue_deploy.settings import InputError
from iftrue_deploy.trigger import Previous, Push, Release, TriggerFacts

# commit_id: commit-id → the resolved `ref` → the event's commit


def test_commit_id_given_wins_over_the_event() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=OTHER), gh, commit_id=SHA)
    assert d.commit_id == SHA
    assert gh.asked == []


def test_commit_id_from_the_event() -> None:
    gh = FakeGitHub()
    assert deployed(TriggerFacts(sha=SHA), gh).commit_id == SHA
    assert gh.asked == []


def test_commit_id_from_the_ref_input() -> None:
    gh = FakeGitHub(commits={"v1.2.0": CommitFacts(SHA, "Release 1.2.0\n\nbody")})
    d = deployed(TriggerFacts(ref="v1.2.0"), gh)
    assert d.commit_id == SHA
    assert d.commit_message == "Release 1.2.0\n\nbody"
    assert d.subject == "Release 1.2.0"


def test_a_ref_without_github_is_an_input_error() -> None:
    with pytest.raises(InputError) as error:
        _ = deployed(TriggerFacts(ref="v1.2.0")).commit_id
    assert error.value.name == "ref"


def test_a_ref_github_cannot_resolve_is_an_input_error() -> None:
    gh = FakeGitHub(unavailable={"commit"})
    with pytest.raises(InputError) as error:
        _ = deployed(TriggerFacts(ref="v1.2.0"), gh).commit_id
    assert error.value.name == "ref"


def test_no_commit_at_all_is_an_input_error() -> None:
    with pytest.raises(InputError) as error:
        _ = deployed(TriggerFacts(), FakeGitHub()).commit_id
    assert error.value.name == "commit-id"


# commit_message: the resolved ref → the event's head commit → the compare's head → one lookup


def test_commit_message_from_the_event_asks_nothing() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, head_message="fix: it\n\nmore"), gh)
    assert d.subject == "fix: it"
    assert gh.asked == []


def test_commit_message_from_the_compare_that_counts_the_commits() -> None:
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(3, ("a", "b", "c"), head_message="c\n\nbody")})
    d = deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)
    assert d.commit_message == "c\n\nbody"
    assert gh.questions() == ["compare"]


def test_commit_message_looked_up_when_the_compare_lacks_it() -> None:
    gh = FakeGitHub(
        comparisons={(BASE, SHA): Comparison(30, ("a",) * 30)},
        commits={SHA: CommitFacts(SHA, "Looked up")},
    )
    d = deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)
    assert d.commit_message == "Looked up"
    assert gh.questions("commit") == [(SHA,)]


def test_commit_message_looked_up() -> None:
    gh = FakeGitHub(commits={SHA: CommitFacts(SHA, "Looked up")})
    d = deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True), gh)
    assert d.commit_message == "Looked up"
    assert gh.questions() == ["commit"]


def test_commit_message_unknown_when_github_cannot_answer() -> None:
    gh = FakeGitHub(unavailable={"commit"})
    d = deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True), gh)
    assert d.commit_message is None
    assert len(warnings(d)) == 1
    assert "could not get the commit message" in warnings(d)[0]


def test_no_warning_when_github_is_quietly_unavailable() -> None:
    gh = FakeGitHub(unavailable={"commit"}, quiet=True)
    d = deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True), gh)
    assert d.commit_message is None
    assert d.lookups.notes.items == []


def test_without_github_nothing_is_asked_and_nothing_said() -> None:
    d = deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True))
    assert d.commit_message is None
    assert d.pull_request is None
    assert d.lookups.notes.items == []


# pull_request: the event's → workflow_run's listed one (completed by one lookup) → the commit's merged one


def test_pull_request_from_the_event_asks_nothing() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(9, merge_commit_sha=SHA)]})
    event_pr = pr(2, commits=3)
    d = deployed(TriggerFacts(sha=SHA, pull_request=event_pr), gh)
    assert d.pull_request == event_pr
    assert d.complete_pull_request == event_pr
    assert gh.asked == []


def test_listed_pull_request_is_completed_by_one_lookup() -> None:
    full = pr(5, title="Full", commits=4)
    gh = FakeGitHub(prs={5: full})
    d = deployed(TriggerFacts(sha=SHA, listed_pull_request=pr(5, title="")), gh)
    assert d.pull_request == full
    assert gh.questions() == ["pull_request"]


def test_listed_pull_request_kept_when_github_cannot_complete_it() -> None:
    listed = pr(5, title="")
    d = deployed(TriggerFacts(sha=SHA, listed_pull_request=listed), FakeGitHub(unavailable={"pull_request"}))
    assert d.pull_request == listed
    assert len(warnings(d)) == 1


def test_merged_pull_request_whose_merge_commit_is_the_commit_wins_even_listed_second() -> None:
    """Seeded bug: taking the first merged pull request listed for the commit."""
    first = pr(7, merge_commit_sha=OTHER)  # merged elsewhere, also contains the commit
    exact = pr(8, merge_commit_sha=SHA)
    gh = FakeGitHub(prs_by_commit={SHA: [first, exact]})
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert d.pull_request == exact
    assert gh.questions("pull_requests_for_commit") == [(SHA,)]


def test_first_merged_pull_request_when_none_merged_as_the_commit() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(6, merged=False), pr(7, merge_commit_sha=OTHER), pr(8)]})
    assert deployed(TriggerFacts(sha=SHA), gh).pull_request == pr(7, merge_commit_sha=OTHER)


def test_unmerged_pull_requests_are_not_the_commits() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(6, merged=False, merge_commit_sha=SHA)]})
    assert deployed(TriggerFacts(sha=SHA), gh).pull_request is None


def test_no_pull_request_when_github_cannot_list_them() -> None:
    d = deployed(TriggerFacts(sha=SHA), FakeGitHub(unavailable={"pull_requests_for_commit"}))
    assert d.pull_request is None
    assert len(warnings(d)) == 1
    assert "pull requests of commit abcdef1" in warnings(d)[0]


def test_complete_pull_request_fetches_the_count_the_listing_lacks() -> None:
    full = pr(8, merge_commit_sha=SHA, commits=5)
    gh = FakeGitHub(prs_by_commit={SHA: [pr(8, merge_commit_sha=SHA)]}, prs={8: full})
    assert deployed(TriggerFacts(sha=SHA), gh).complete_pull_request == full
    assert gh.questions() == ["pull_requests_for_commit", "pull_request"]


def test_complete_pull_request_asks_nothing_more_when_it_has_the_count() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(8, merge_commit_sha=SHA, commits=2)]})
    assert deployed(TriggerFacts(sha=SHA), gh).complete_pull_request == pr(8, merge_commit_sha=SHA, commits=2)
    assert gh.questions() == ["pull_requests_for_commit"]


# compare_base: where the deployment's commits start, per trigger


def push(**kw: object) -> Push:
    defaults: dict[str, object] = {"subjects": ("a", "b"), "count": 2, "before": BASE, "branch": "main"}
    defaults.update(kw)
    return Push(**defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("the_push", "lists_every_commit", "base"),
    [
        pytest.param(push(), True, None, id="plain-push-lists-every-commit"),
        pytest.param(push(forced=True), False, BASE, id="forced-compares-from-before"),
        pytest.param(push(at_cap=True), False, BASE, id="at-cap-compares-from-before"),
        pytest.param(push(created=True, before="0" * 40), True, None, id="new-default-branch-lists-all"),
        pytest.param(
            push(created=True, before="0" * 40, branch="feature/x"), False, "main", id="new-branch-from-default"
        ),
        pytest.param(push(created=True, before="0" * 40, branch=None), False, "main", id="new-tag-from-default"),
        pytest.param(
            push(created=True, before="0" * 40, forced=True), False, None, id="new-default-branch-forced-no-base"
        ),
    ],
)
def test_compare_base_of_a_push(the_push: Push, lists_every_commit: bool, base: str | None) -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, push=the_push, default_branch="main"), gh)
    assert d.push_lists_every_commit is lists_every_commit
    assert d.compare_base == base
    assert gh.asked == []


def test_compare_base_of_a_release_is_the_previous_release() -> None:
    gh = FakeGitHub(release_list=[release("v2", id=2), release("v1", id=1, published_at=T0 - timedelta(days=1))])
    trigger = TriggerFacts(sha=SHA, release=Release("v2", id=2, published_at=T0))
    assert deployed(trigger, gh).compare_base == "v1"


def test_compare_base_of_a_pull_request_count_is_none() -> None:
    gh = FakeGitHub(deployment_list=[deployment(1, OTHER)], statuses={1: [status("success")]})
    d = deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True), gh)
    assert d.compare_base is None
    assert d.comparison is None
    assert gh.asked == []


def test_compare_base_already_known_from_a_backfill() -> None:
    gh = FakeGitHub()
    assert deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh).compare_base == BASE
    assert deployed(TriggerFacts(sha=SHA, previous=Previous(None)), gh).compare_base is None
    assert gh.asked == []


def test_compare_base_otherwise_the_previous_successful_deployment() -> None:
    gh = FakeGitHub(
        deployment_list=[deployment(3, SHA), deployment(2, OTHER), deployment(1, BASE)],
        statuses={2: [status("success")]},
        comparisons={(OTHER, SHA): Comparison(4, ("a", "b", "c", "d"))},
    )
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert d.compare_base == OTHER
    assert d.comparison == Comparison(4, ("a", "b", "c", "d"))


# previous_release_tag: the release published before this one, not a draft or prerelease


def test_previous_release_skips_drafts_prereleases_itself_and_later_ones() -> None:
    day = timedelta(days=1)
    gh = FakeGitHub(
        release_list=[
            release("v4", id=4, published_at=T0 + day),  # published after this one
            release("v3-draft", id=30, draft=True, published_at=None),
            release("v3", id=3, published_at=T0),  # this one, by tag
            release("v3-renamed", id=3, published_at=T0),  # this one, by id
            release("v3-rc1", id=31, prerelease=True, published_at=T0 - day),
            release("v2", id=2, published_at=T0 - 2 * day),
            release("v1", id=1, published_at=T0 - 3 * day),
        ]
    )
    d = deployed(TriggerFacts(sha=SHA, release=Release("v3", id=3, published_at=T0)), gh)
    assert d.previous_release_tag == "v2"
    assert gh.questions() == ["releases"]


def test_previous_release_of_the_first_release_is_none() -> None:
    gh = FakeGitHub(release_list=[release("v1", id=1)])
    assert (
        deployed(TriggerFacts(sha=SHA, release=Release("v1", id=1, published_at=T0)), gh).previous_release_tag is None
    )


def test_previous_release_known_from_a_backfill_asks_nothing() -> None:
    gh = FakeGitHub(release_list=[release("v1", id=1)])
    trigger = TriggerFacts(sha=SHA, release=Release("v3", id=3), previous=Previous("v2"))
    assert deployed(trigger, gh).previous_release_tag == "v2"
    assert gh.asked == []


def test_previous_release_unknown_when_github_cannot_list_them() -> None:
    d = deployed(TriggerFacts(sha=SHA, release=Release("v3", id=3)), FakeGitHub(unavailable={"releases"}))
    assert d.previous_release_tag is None
    assert len(warnings(d)) == 1


def test_no_previous_release_without_a_release_tag() -> None:
    gh = FakeGitHub(release_list=[release("v1", id=1)])
    assert deployed(TriggerFacts(sha=SHA, release=Release(None)), gh).previous_release_tag is None
    assert gh.asked == []


# previous_successful_deployment: older than this one, of another commit, success or inactive, 2 checked


@pytest.mark.parametrize("state", ["success", "inactive"])
def test_previous_successful_deployment(state: str) -> None:
    gh = FakeGitHub(
        deployment_list=[deployment(5, SHA), deployment(4, OTHER), deployment(3, BASE)],
        statuses={4: [status(state)], 3: [status("success")]},
    )
    assert deployed(TriggerFacts(sha=SHA), gh).previous_successful_deployment == deployment(4, OTHER)


def test_previous_successful_deployment_skips_failures_and_checks_two() -> None:
    gh = FakeGitHub(
        deployment_list=[deployment(5, OTHER), deployment(4, BASE), deployment(3, "c" * 40)],
        statuses={5: [status("failure")], 4: [status("error")], 3: [status("success")]},
    )
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert d.previous_successful_deployment is None
    assert gh.questions("deployment_statuses") == [(5,), (4,)]


def test_previous_successful_deployment_is_older_than_the_current_one() -> None:
    gh = FakeGitHub(
        deployment_list=[deployment(9, OTHER), deployment(7, "c" * 40), deployment(6, BASE)],
        statuses={9: [status("success")], 6: [status("success")]},
    )
    # This run's deployment is #7 (named by the event), so #9 is newer and not the previous one.
    d = deployed(TriggerFacts(sha=SHA, deployment_id=7), gh)
    assert d.previous_successful_deployment == deployment(6, BASE)
    assert gh.questions("deployment_statuses") == [(6,)]


def test_previous_successful_deployment_reads_the_newest_status() -> None:
    gh = FakeGitHub(
        deployment_list=[deployment(4, OTHER)],
        statuses={4: [status("failure"), status("success")]},
    )
    assert deployed(TriggerFacts(sha=SHA), gh).previous_successful_deployment is None


def test_no_previous_deployment_when_github_cannot_list_them() -> None:
    d = deployed(TriggerFacts(sha=SHA), FakeGitHub(unavailable={"deployments"}))
    assert d.previous_successful_deployment is None
    assert d.compare_base is None
    assert len(warnings(d)) == 1


# Why the commit is the commit (README "Where each field comes from": `commit_id`).


@pytest.mark.parametrize(
    ("trigger", "commit_id", "reason"),
    [
        pytest.param(TriggerFacts(sha=OTHER), SHA, "input", id="input"),
        pytest.param(TriggerFacts(ref="v1.2.0"), None, "the `ref` input `v1.2.0`", id="ref"),
        pytest.param(TriggerFacts(sha=SHA, commit_from="the push's `after`"), None, "the push's `after`", id="adapter"),
        pytest.param(
            TriggerFacts(sha=SHA, release=Release("v1.2.0")), None, "the commit of tag `v1.2.0`", id="release-tag"
        ),
        pytest.param(TriggerFacts(sha=SHA, deployment_id=42), None, "the commit of deployment 42", id="deployment"),
        pytest.param(TriggerFacts(sha=SHA), None, "GITHUB_SHA", id="github-sha"),
    ],
)
def test_commit_why(trigger: TriggerFacts, commit_id: str | None, reason: str) -> None:
    gh = FakeGitHub(commits={"v1.2.0": CommitFacts(SHA, "Release")})
    assert deployed(trigger, gh, commit_id=commit_id).commit == Derived(SHA, reason)


@pytest.mark.parametrize(
    ("trigger", "github", "reason"),
    [
        pytest.param(TriggerFacts(sha=SHA, pull_request=pr(2)), None, "the event's pull request #2", id="event"),
        pytest.param(
            TriggerFacts(sha=SHA, listed_pull_request=pr(4)), None, "the workflow run's pull request #4", id="run"
        ),
        pytest.param(
            TriggerFacts(sha=SHA),
            FakeGitHub(prs_by_commit={SHA: [pr(5, merge_commit_sha=SHA)]}),
            "pull request #5, merged as commit abcdef1 (GitHub's list for the commit)",
            id="listed",
        ),
        pytest.param(TriggerFacts(sha=SHA), FakeGitHub(), "GitHub lists no merged pull request for commit abcdef1"),
        pytest.param(TriggerFacts(sha=SHA), None, "no GitHub token or repository", id="no-github"),
    ],
)
def test_pull_request_why(trigger: TriggerFacts, github: FakeGitHub | None, reason: str) -> None:
    assert deployed(trigger, github).found_pull_request.reason == reason


# The previous successful deployment, of any commit: of an older one, this is a rollback; of this
# one, a redeploy. A deployment still in progress (this run's own) is passed over once.


def test_previous_successful_deployment_may_be_of_this_commit() -> None:
    """Seeded bug: skipping the deployments of this commit, so that a redeploy counts again what
    the deployment before it brought."""
    gh = FakeGitHub(
        deployment_list=[deployment(5, SHA), deployment(4, OTHER)],
        statuses={5: [status("success")], 4: [status("success")]},
    )
    assert deployed(TriggerFacts(sha=SHA), gh).previous_successful_deployment == deployment(5, SHA)


def test_previous_successful_deployment_before_an_older_deployment_of_this_commit() -> None:
    """A rollback by `ref` to a commit deployed before: the newest success is the one to compare
    from, not whatever is older than the commit's earlier deployment."""
    gh = FakeGitHub(
        deployment_list=[deployment(6, OTHER), deployment(5, SHA)],
        statuses={6: [status("success")], 5: [status("inactive")]},
    )
    assert deployed(TriggerFacts(sha=SHA), gh).previous_successful_deployment == deployment(6, OTHER)


def test_previous_successful_deployment_passes_over_one_still_in_progress() -> None:
    gh = FakeGitHub(
        deployment_list=[deployment(7, SHA), deployment(6, BASE), deployment(5, "c" * 40), deployment(4, OTHER)],
        statuses={7: [status("in_progress")], 6: [status("failure")], 5: [status("error")], 4: [status("success")]},
    )
    assert deployed(TriggerFacts(sha=SHA), gh).previous_successful_deployment is None
    assert gh.questions("deployment_statuses") == [(7,), (6,), (5,)]


@pytest.mark.parametrize(
    ("trigger", "what", "deployed_before"),
    [
        pytest.param(TriggerFacts(sha=SHA, previous=Previous(BASE)), "the previous deployment fedcba9", True),
        pytest.param(
            TriggerFacts(sha=SHA, release=Release("v2"), previous=Previous("v1")), "the previous release `v1`", True
        ),
        pytest.param(
            TriggerFacts(sha=SHA, push=Push(("a",), 1, before=BASE, branch="main", forced=True)),
            "the push's `before` fedcba9, a forced push",
            False,
        ),
    ],
)
def test_compare_base_says_what_it_is(trigger: TriggerFacts, what: str, deployed_before: bool) -> None:
    base = deployed(trigger, FakeGitHub()).compare_from
    assert (base.what, base.deployed) == (what, deployed_before)


# A question GitHub cannot answer: None for the rule, and a warning that names the question.

QUESTIONS: list[tuple[str, Callable[[Lookups], object], str]] = [
    ("pull_requests_for_commit", lambda q: q.pull_requests_for_commit(SHA), "the pull requests of commit abcdef1"),
    ("pull_request", lambda q: q.pull_request(7), "pull request #7"),
    ("compare", lambda q: q.compare(BASE, SHA), "the commits between fedcba900000 and abcdef1"),
    ("run_started_at", lambda q: q.run_started_at("7", "1"), "the start time of this workflow run"),
    ("releases", lambda q: q.releases(), "the releases"),
    ("deployment_statuses", lambda q: q.deployment_statuses(3), "the statuses of deployment 3"),
    ("file_text", lambda q: q.file_text(".github/workflows/d.yml", SHA), "the workflow file .github/workflows/d.yml"),
    ("create_deployment", lambda q: q.create_deployment(SHA, "success", None), "a new GitHub Deployment"),
]


@pytest.mark.parametrize(("name", "ask", "what"), QUESTIONS, ids=[name for name, _, _ in QUESTIONS])
def test_a_question_github_cannot_answer_is_a_warning_naming_it(
    name: str, ask: Callable[[Lookups], object], what: str
) -> None:
    notes = Notes()
    assert ask(Lookups(FakeGitHub(unavailable={name}), notes=notes)) is None
    assert notes.items == [("warning", f"GitHub API: could not get {what} (503 for {name}); falling back.")]


def test_a_ref_that_cannot_be_resolved_says_why() -> None:
    with pytest.raises(InputError) as error:
        Lookups(None).resolve("v1")
    assert error.value.problem == "could not resolve 'v1' to a commit (no GitHub token or repository)"
    with pytest.raises(InputError) as error:
        Lookups(FakeGitHub(unavailable={"commit"})).resolve("v1")
    assert error.value.problem == "could not resolve 'v1' to a commit (503 for commit)"
