"""title, changelog, url (README "Where each field comes from")."""

from __future__ import annotations

import pytest
from tests.unit.fake_github import BASE, SHA, FakeGitHub, deployed, pr

from iftrue_deploy.derive import Derived, describe, flags
from iftrue_deploy.facts import CommitFacts, Comparison
from iftrue_deploy.record import CAP_MARKER, CHANGELOG_CAP, TITLE_CAP
from iftrue_deploy.settings import FieldOverrides
from iftrue_deploy.trigger import Previous, Push, Release, TriggerFacts

NONE = FieldOverrides()

# title: input → release name (or tag) → pull request title → commit subject → Deploy <sha7>


def test_title_given_wins_and_asks_nothing() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(1, title="PR", merge_commit_sha=SHA)]})
    d = deployed(TriggerFacts(sha=SHA, release=Release("v1", name="Name")), gh)
    assert describe.title(FieldOverrides(title="Given"), d).value == "Given"
    assert gh.asked == []


def test_title_given_is_capped() -> None:
    title = describe.title(FieldOverrides(title="x" * 5000), deployed(TriggerFacts(sha=SHA))).value
    assert len(title) == TITLE_CAP
    assert title.endswith(CAP_MARKER)


def test_title_release_name_wins_over_the_pull_request() -> None:
    # The rule looks the pull request up even so; the record needs it for pull_request_number anyway.
    gh = FakeGitHub(prs_by_commit={SHA: [pr(1, title="PR", merge_commit_sha=SHA)]})
    d = deployed(TriggerFacts(sha=SHA, release=Release("v1", name="Big release"), head_message="subject"), gh)
    assert describe.title(NONE, d).value == "Big release"


def test_title_release_tag_when_it_has_no_name() -> None:
    d = deployed(TriggerFacts(sha=SHA, release=Release("v1.2.0", name=None)), FakeGitHub())
    assert describe.title(NONE, d).value == "v1.2.0"


def test_title_pull_request_title() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(1, title="Add the thing", merge_commit_sha=SHA)]})
    assert describe.title(NONE, deployed(TriggerFacts(sha=SHA, head_message="Merge pull request #1"), gh)).value == (
        "Add the thing"
    )


def test_title_pull_request_with_empty_title_falls_to_the_subject() -> None:
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(1, title=""), head_message="The subject\n\nbody"))
    assert describe.title(NONE, d).value == "The subject"


def test_title_commit_subject() -> None:
    gh = FakeGitHub(commits={SHA: CommitFacts(SHA, "  First line  \nsecond")})
    assert (
        describe.title(NONE, deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True), gh)).value == "First line"
    )


def test_title_deploy_sha7_when_nothing_else_is_known() -> None:
    assert describe.title(NONE, deployed(TriggerFacts(sha=SHA))).value == "Deploy abcdef1"


def test_title_derived_is_capped() -> None:
    title = describe.title(NONE, deployed(TriggerFacts(sha=SHA, release=Release("v1", name="n" * 2000)))).value
    assert len(title) == TITLE_CAP
    assert title == "n" * (TITLE_CAP - len(CAP_MARKER)) + CAP_MARKER


# changelog: input → release body → commit subjects (push, or compare), 20 + "… and N more" → left out


def test_changelog_given_wins_and_asks_nothing() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, release=Release("v1", body="Body"), previous=Previous(BASE)), gh)
    assert describe.changelog(FieldOverrides(changelog="Given"), d).value == "Given"
    assert gh.asked == []


def test_changelog_given_is_capped_at_64_kib() -> None:
    text = describe.changelog(FieldOverrides(changelog="x" * 100_000), deployed(TriggerFacts(sha=SHA))).value
    assert text is not None
    assert len(text) == CHANGELOG_CAP == 65536
    assert text.endswith("\n… (truncated)")


def test_changelog_release_body() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, release=Release("v1", body="## Changes\n- a")), gh)
    assert describe.changelog(NONE, d).value == "## Changes\n- a"
    assert gh.asked == []


def test_changelog_release_body_is_capped() -> None:
    text = describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, release=Release("v1", body="y" * 70_000)))).value
    assert text is not None
    assert len(text) == CHANGELOG_CAP
    assert text.endswith(CAP_MARKER)


def test_changelog_blank_release_body_falls_to_the_compare() -> None:
    gh = FakeGitHub(comparisons={("v0", SHA): Comparison(2, ("one", "two"))})
    trigger = TriggerFacts(sha=SHA, release=Release("v1", body="  \n "), previous=Previous("v0"))
    assert describe.changelog(NONE, deployed(trigger, gh)).value == "- one\n- two"


def test_changelog_push_subjects_ask_nothing() -> None:
    gh = FakeGitHub()
    trigger = TriggerFacts(sha=SHA, push=Push(("one", "two"), 2, before=BASE, branch="main"), default_branch="main")
    assert describe.changelog(NONE, deployed(trigger, gh)).value == "- one\n- two"
    assert gh.asked == []


def test_changelog_forced_push_subjects_from_the_compare() -> None:
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(1, ("kept",))})
    push = Push(("rewritten", "other"), 2, before=BASE, branch="main", forced=True)
    d = deployed(TriggerFacts(sha=SHA, push=push, default_branch="main"), gh)
    assert describe.changelog(NONE, d).value == "- kept"
    assert gh.questions("compare") == [(BASE, SHA)]


def test_changelog_compare_subjects() -> None:
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(2, ("one", "two"))})
    assert (
        describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)).value == "- one\n- two"
    )


SUBJECTS = tuple(f"change {i}" for i in range(1, 26))


def test_changelog_compare_shows_exactly_20_and_how_many_more() -> None:
    """Seeded bug: 21 items shown instead of 20 + "… and N more"."""
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(25, SUBJECTS)})
    text = describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)).value
    assert text is not None
    lines = text.split("\n")
    assert lines == [f"- change {i}" for i in range(1, 21)] + ["- … and 5 more"]


def test_changelog_push_shows_exactly_20_and_how_many_more() -> None:
    push = Push(SUBJECTS, 25, before=BASE, branch="main")
    text = describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, push=push, default_branch="main"))).value
    assert text is not None
    lines = text.split("\n")
    assert len(lines) == 21
    assert lines[19] == "- change 20"
    assert lines[20] == "- … and 5 more"


def test_changelog_21_commits_show_20_and_one_more() -> None:
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(21, SUBJECTS[:21])})
    text = describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)).value
    assert text is not None
    assert text.split("\n")[-2:] == ["- change 20", "- … and 1 more"]


def test_changelog_of_exactly_20_has_no_more_line() -> None:
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(20, SUBJECTS[:20])})
    text = describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)).value
    assert text is not None
    assert text.split("\n") == [f"- change {i}" for i in range(1, 21)]


def test_changelog_more_counts_commits_beyond_the_compare_page() -> None:
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(300, ("a", "b", "c"))})
    text = describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)).value
    assert text == "- a\n- b\n- c\n- … and 297 more"


def test_changelog_of_huge_subjects_is_capped() -> None:
    subjects = tuple("s" * 5000 for _ in range(20))
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(20, subjects)})
    text = describe.changelog(NONE, deployed(TriggerFacts(sha=SHA, previous=Previous(BASE)), gh)).value
    assert text is not None
    assert len(text) == CHANGELOG_CAP
    assert text.endswith(CAP_MARKER)


@pytest.mark.parametrize(
    ("trigger", "github"),
    [
        pytest.param(TriggerFacts(sha=SHA), None, id="no-github"),
        pytest.param(
            TriggerFacts(sha=SHA, previous=Previous(BASE)), FakeGitHub(unavailable={"compare"}), id="no-compare"
        ),
        pytest.param(TriggerFacts(sha=SHA, counts_from_pull_request=True), FakeGitHub(), id="pull-request-count"),
        pytest.param(
            TriggerFacts(sha=SHA, push=Push((), 0, before=BASE, branch="main"), default_branch="main"),
            FakeGitHub(),
            id="empty-push",
        ),
    ],
)
def test_changelog_left_out(trigger: TriggerFacts, github: FakeGitHub | None) -> None:
    assert describe.changelog(NONE, deployed(trigger, github)).value is None


# url: input → release page / deployment_status.target_url / workflow_run.html_url → this run → left out


def test_url_given_wins() -> None:
    d = deployed(TriggerFacts(sha=SHA, url="https://event", run_url="https://run"))
    assert describe.url(FieldOverrides(url="https://given"), d).value == "https://given"


def test_url_from_the_event() -> None:
    assert describe.url(NONE, deployed(TriggerFacts(sha=SHA, url="https://event", run_url="https://run"))).value == (
        "https://event"
    )


def test_url_this_run() -> None:
    assert describe.url(NONE, deployed(TriggerFacts(sha=SHA, run_url="https://run"))).value == "https://run"


def test_url_left_out() -> None:
    gh = FakeGitHub()
    assert describe.url(NONE, deployed(TriggerFacts(sha=SHA), gh)).value is None
    assert gh.asked == []


# Why: the value and the reason of each branch (README "Where each field comes from").


@pytest.mark.parametrize(
    ("given", "trigger", "expected"),
    [
        pytest.param(FieldOverrides(title="T"), TriggerFacts(sha=SHA), ("T", "input"), id="input"),
        pytest.param(
            NONE, TriggerFacts(sha=SHA, release=Release("v1", name="Big")), ("Big", "release name"), id="name"
        ),
        pytest.param(NONE, TriggerFacts(sha=SHA, release=Release("v1")), ("v1", "release tag"), id="tag"),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, pull_request=pr(3, title="Add login")),
            ("Add login", "title of pull request #3"),
            id="pull-request",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, head_message="Add login\n\nbody"),
            ("Add login", "first line of the commit message"),
            id="subject",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA),
            ("Deploy abcdef1", "no release, pull request or commit message: `Deploy <sha7>`"),
            id="fallback",
        ),
    ],
)
def test_title_why(given: FieldOverrides, trigger: TriggerFacts, expected: tuple[str, str]) -> None:
    assert describe.title(given, deployed(trigger)) == Derived(*expected)


@pytest.mark.parametrize(
    ("given", "trigger", "github", "expected"),
    [
        pytest.param(FieldOverrides(changelog="c"), TriggerFacts(sha=SHA), None, ("c", "input"), id="input"),
        pytest.param(
            NONE, TriggerFacts(sha=SHA, release=Release("v1", body="Notes")), None, ("Notes", "release body"), id="body"
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, push=Push(("a", "b"), 2, before=BASE, branch="main"), default_branch="main"),
            None,
            ("- a\n- b", "commit subjects: push payload: 2 commits"),
            id="push",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, previous=Previous(BASE)),
            FakeGitHub(comparisons={(BASE, SHA): Comparison(4, ("a", "b", "c", "d"))}),
            ("- a\n- b\n- c\n- d", "commit subjects: compare from the previous deployment fedcba9 (4 commits)"),
            id="compare",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, pull_request=pr(2, commits=1), counts_from_pull_request=True),
            None,
            (None, "left out: no commit subjects (no compare: the pull request counts its own commits)"),
            id="pull-request",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA),
            None,
            (None, "left out: no commit subjects (no compare: no GitHub token or repository)"),
            id="no-github",
        ),
    ],
)
def test_changelog_why(
    given: FieldOverrides, trigger: TriggerFacts, github: FakeGitHub | None, expected: tuple[str | None, str]
) -> None:
    assert describe.changelog(given, deployed(trigger, github)) == Derived(*expected)


@pytest.mark.parametrize(
    ("given", "trigger", "expected"),
    [
        pytest.param(FieldOverrides(url="https://u"), TriggerFacts(sha=SHA, url="https://e"), ("https://u", "input")),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, url="https://r", release=Release("v1"), run_url="https://run"),
            ("https://r", "the release page"),
            id="release",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, url="https://t", deployment_id=3),
            ("https://t", "`deployment_status.target_url`"),
            id="deployment-status",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, url="https://w", url_from="`workflow_run.html_url` (the run that deployed)"),
            ("https://w", "`workflow_run.html_url` (the run that deployed)"),
            id="workflow-run",
        ),
        pytest.param(NONE, TriggerFacts(sha=SHA, run_url="https://run"), ("https://run", "this workflow run's page")),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA),
            (None, "left out: no release, deployment status or workflow run to link to"),
            id="left-out",
        ),
    ],
)
def test_url_why(given: FieldOverrides, trigger: TriggerFacts, expected: tuple[str | None, str]) -> None:
    assert describe.url(given, deployed(trigger)) == Derived(*expected)


def test_a_quoted_reason_is_one_short_line() -> None:
    """Text from the event in a reason (a label, a subject) stays one line and short."""
    long_label = "bug\n::error::x" + "y" * 100
    got = flags.is_fix(
        NONE, deployed(TriggerFacts(sha=SHA, pull_request=pr(1, labels=(long_label,)))), (long_label,), "m", "t"
    )
    assert "\n" not in got.reason
    assert got.reason.startswith("label `bug ::error::xyyy")
    assert len(got.reason) < 100
