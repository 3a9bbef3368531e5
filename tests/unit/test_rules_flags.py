"""is_fix, is_hotfix, is_forced (README "Where each field comes from")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.unit.fake_github import BASE, OTHER, SHA, FakeGitHub, deployed, deployment, notices, pr
from tests.unit.fake_github import status as fake_status

from iftrue_deploy.derive import Deployed, Derived, Options, flags
from iftrue_deploy.facts import CommitFacts, Comparison
from iftrue_deploy.settings import FieldOverrides
from iftrue_deploy.trigger import Previous, Push, Release, TriggerFacts

NONE = FieldOverrides()
FIX = Options().fix_labels  # ("bug", "fix")
HOTFIX = Options().hotfix_labels  # ("hotfix",)


def with_pr(**kw: object) -> TriggerFacts:
    return TriggerFacts(sha=SHA, pull_request=pr(1, **kw))  # type: ignore[arg-type]


# is_fix: input → a fix-labels label → branch fix/ or bugfix/ → fix: title → Revert "…" → false


@pytest.mark.parametrize("given", [True, False])
def test_is_fix_given_wins_and_asks_nothing(given: bool) -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(1, labels=("bug",))), gh)
    assert flags.is_fix(FieldOverrides(is_fix=given), d, FIX, "fix/x", "fix: x").value is given
    assert gh.asked == []


@pytest.mark.parametrize("label", ["bug", "fix"])
def test_is_fix_default_labels(label: str) -> None:
    assert flags.is_fix(NONE, deployed(with_pr(labels=("docs", label))), FIX, "feature/x", "Change").value is True


def test_is_fix_labels_from_options() -> None:
    d = deployed(with_pr(labels=("defect",)))
    assert flags.is_fix(NONE, d, ("defect",), "feature/x", "Change").value is True
    assert flags.is_fix(NONE, d, FIX, "feature/x", "Change").value is False
    assert flags.is_fix(NONE, deployed(with_pr(labels=("bug",))), ("defect",), "feature/x", "Change").value is False


def test_is_fix_label_of_the_commits_pull_request() -> None:
    gh = FakeGitHub(prs_by_commit={SHA: [pr(3, labels=("bug",), merge_commit_sha=SHA)]})
    assert flags.is_fix(NONE, deployed(TriggerFacts(sha=SHA), gh), FIX, "main", "Change").value is True


@pytest.mark.parametrize("branch", ["fix/login", "bugfix/login", "Fix/login", "BUGFIX/LOGIN"])
def test_is_fix_branch(branch: str) -> None:
    assert flags.is_fix(NONE, deployed(with_pr()), FIX, branch, "Change").value is True


@pytest.mark.parametrize("branch", ["hotfix/login", "fixes", "feature/fix-login", "prefix/x", "fix-login"])
def test_is_fix_not_these_branches(branch: str) -> None:
    assert flags.is_fix(NONE, deployed(with_pr()), FIX, branch, "Change").value is False


FIX_TITLES = ["fix: login", "fix(auth): login", "fix!: login", "fix(auth)!: login", "Fix: login", "FIX(x): y"]
NOT_FIX_TITLES = [
    "feat: login",
    "fixup: x",
    "fixes: login",
    "prefix: fix",
    "Fix login",
    "fix(auth) login",
    "Reverted x",
]


@pytest.mark.parametrize("title", FIX_TITLES)
def test_is_fix_conventional_record_title(title: str) -> None:
    assert flags.is_fix(NONE, deployed(with_pr(title="Change")), FIX, "main", title).value is True


@pytest.mark.parametrize("title", FIX_TITLES)
def test_is_fix_conventional_pull_request_title(title: str) -> None:
    # The record title was given; the pull request's own title still counts.
    assert flags.is_fix(NONE, deployed(with_pr(title=title)), FIX, "main", "Given title").value is True


@pytest.mark.parametrize("title", FIX_TITLES)
def test_is_fix_conventional_commit_subject_without_pull_request(title: str) -> None:
    d = deployed(TriggerFacts(sha=SHA, head_message=f"{title}\n\nbody"), FakeGitHub())
    assert flags.is_fix(NONE, d, FIX, "main", "Given title").value is True


def test_is_fix_commit_subject_ignored_when_there_is_a_pull_request() -> None:
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(1, title="Merge it"), head_message="fix: squashed in"))
    assert flags.is_fix(NONE, d, FIX, "main", "Merge it").value is False


@pytest.mark.parametrize("title", NOT_FIX_TITLES)
def test_is_fix_not_these_titles(title: str) -> None:
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(1, title=title)))
    assert flags.is_fix(NONE, d, FIX, "main", title).value is False


def test_is_fix_revert_record_title() -> None:
    """Seeded bug: dropping the `Revert "…"` rule."""
    d = deployed(with_pr(title="Change"))
    assert flags.is_fix(NONE, d, FIX, "main", 'Revert "feat: add login"').value is True


def test_is_fix_revert_pull_request_title() -> None:
    d = deployed(with_pr(title='Revert "Add login (#12)"'))
    assert flags.is_fix(NONE, d, FIX, "main", "Given title").value is True


def test_is_fix_revert_commit_subject() -> None:
    gh = FakeGitHub(commits={SHA: CommitFacts(SHA, 'Revert "Add login"\n\nThis reverts commit 123.')})
    d = deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True), gh)
    assert flags.is_fix(NONE, d, FIX, "main", "Given title").value is True


def test_is_fix_false_by_default() -> None:
    gh = FakeGitHub(commits={SHA: CommitFacts(SHA, "Add login")})
    assert flags.is_fix(
        NONE, deployed(TriggerFacts(sha=SHA, counts_from_pull_request=True), gh), FIX, "main", "x"
    ).value is (False)


def test_is_fix_false_without_github() -> None:
    assert flags.is_fix(NONE, deployed(TriggerFacts(sha=SHA)), FIX, "main", "Deploy abcdef1").value is False


# is_hotfix: input → a hotfix-labels label → branch hotfix/ → false


@pytest.mark.parametrize("given", [True, False])
def test_is_hotfix_given_wins_and_asks_nothing(given: bool) -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert flags.is_hotfix(FieldOverrides(is_hotfix=given), d, HOTFIX, "hotfix/x").value is given
    assert gh.asked == []


def test_is_hotfix_label() -> None:
    assert flags.is_hotfix(NONE, deployed(with_pr(labels=("hotfix",))), HOTFIX, "main").value is True


def test_is_hotfix_labels_from_options() -> None:
    d = deployed(with_pr(labels=("urgent",)))
    assert flags.is_hotfix(NONE, d, ("urgent",), "main").value is True
    assert flags.is_hotfix(NONE, d, HOTFIX, "main").value is False


@pytest.mark.parametrize("branch", ["hotfix/x", "Hotfix/x", "HOTFIX/X"])
def test_is_hotfix_branch(branch: str) -> None:
    assert flags.is_hotfix(NONE, deployed(with_pr()), HOTFIX, branch).value is True


@pytest.mark.parametrize("branch", ["fix/x", "bugfix/x", "main", "feature/hotfix"])
def test_is_hotfix_false(branch: str) -> None:
    assert flags.is_hotfix(NONE, deployed(with_pr(labels=("bug",))), HOTFIX, branch).value is False


# is_forced: input → the push's forced → false


@pytest.mark.parametrize("given", [True, False])
def test_is_forced_given_wins(given: bool) -> None:
    d = deployed(TriggerFacts(sha=SHA, push=Push((), 0, forced=not given)))
    assert flags.is_forced(FieldOverrides(is_forced=given), d).value is given


@pytest.mark.parametrize("forced", [True, False])
def test_is_forced_from_the_push(forced: bool) -> None:
    gh = FakeGitHub()
    assert (
        flags.is_forced(NONE, deployed(TriggerFacts(sha=SHA, push=Push(("a",), 1, forced=forced)), gh)).value is forced
    )
    assert gh.asked == []


def test_is_forced_false_without_a_push() -> None:
    assert flags.is_forced(NONE, deployed(TriggerFacts(sha=SHA))).value is False


# Labels keep GitHub's case ("Bug", "HotFix"); they match the inputs whatever the case.


@pytest.mark.parametrize("label", ["Bug", "BUG", "Fix", "fIx"])
def test_is_fix_label_in_any_case(label: str) -> None:
    """Seeded bug: comparing labels without casefolding them (GitHub keeps a label's case)."""
    got = flags.is_fix(NONE, deployed(with_pr(labels=("docs", label))), FIX, "feature/x", "Change")
    assert got == Derived(True, f"label `{label}` on pull request #1")


@pytest.mark.parametrize(("label", "wanted"), [("HotFix", ("hotfix",)), ("hotfix", ("HotFix",))])
def test_is_hotfix_label_in_any_case(label: str, wanted: tuple[str, ...]) -> None:
    got = flags.is_hotfix(NONE, deployed(with_pr(labels=(label,))), wanted, "main")
    assert got == Derived(True, f"label `{label}` on pull request #1")


# Why: the value and the reason of each branch (README "Where each field comes from").

ROLLBACK = "a rollback: the compare from the previous deployment 1234567 says `behind`"


def rollback(status: str) -> Deployed:
    """A deployment of SHA after a successful deployment of OTHER, whose compare says ``status``."""
    gh = FakeGitHub(
        deployment_list=[deployment(4, OTHER)],
        statuses={4: [fake_status("success")]},
        comparisons={(OTHER, SHA): Comparison(0, (), status=status)},
    )
    return deployed(TriggerFacts(sha=SHA), gh)


@pytest.mark.parametrize(
    ("make", "branch", "title", "expected"),
    [
        pytest.param(
            lambda: with_pr(labels=("bug",)), "fix/x", "fix: x", (True, "label `bug` on pull request #1"), id="label"
        ),
        pytest.param(lambda: with_pr(), "bugfix/login", "Change", (True, "branch `bugfix/login`"), id="branch"),
        pytest.param(
            lambda: with_pr(title="fix(auth): login"),
            "main",
            "fix(auth): login",
            (True, "title of pull request #1 `fix(auth): …`"),
            id="pull-request-title",
        ),
        pytest.param(lambda: with_pr(), "main", "fix!: crash", (True, "title `fix!: …`"), id="record-title"),
        pytest.param(
            lambda: TriggerFacts(sha=SHA, head_message="fix: squashed\n\nbody"),
            "main",
            "Given",
            (True, "commit subject `fix: …`"),
            id="commit-subject",
        ),
        pytest.param(
            lambda: with_pr(title='Revert "Add login"'),
            "main",
            "Given",
            (True, 'a revert: title of pull request #1 `Revert "…`'),
            id="revert",
        ),
        pytest.param(
            lambda: with_pr(),
            "main",
            "Change",
            (False, "no fix label, `fix/` branch, `fix:` title or revert"),
            id="false",
        ),
    ],
)
def test_is_fix_why(make: Callable[[], TriggerFacts], branch: str, title: str, expected: tuple[bool, str]) -> None:
    assert flags.is_fix(NONE, deployed(make(), FakeGitHub()), FIX, branch, title) == Derived(*expected)


def test_is_fix_input_why() -> None:
    assert flags.is_fix(FieldOverrides(is_fix=False), deployed(with_pr(labels=("bug",))), FIX, "m", "t") == Derived(
        False, "input"
    )


def test_is_hotfix_why() -> None:
    assert flags.is_hotfix(FieldOverrides(is_hotfix=True), deployed(with_pr()), HOTFIX, "main") == Derived(
        True, "input"
    )
    got = flags.is_hotfix(NONE, deployed(with_pr(labels=("hotfix",))), HOTFIX, "main")
    assert got == Derived(True, "label `hotfix` on pull request #1")
    assert flags.is_hotfix(NONE, deployed(with_pr()), HOTFIX, "hotfix/db") == Derived(True, "branch `hotfix/db`")
    assert flags.is_hotfix(NONE, deployed(with_pr()), HOTFIX, "main") == Derived(
        False, "no hotfix label or `hotfix/` branch (and no compare with the previous deployment)"
    )


def test_is_hotfix_a_rollback() -> None:
    """Seeded bug: a rollback (the compare from the previous deployment says `behind`) reported as
    an ordinary deployment."""
    d = rollback("behind")
    assert flags.is_hotfix(NONE, d, HOTFIX, "main") == Derived(True, ROLLBACK)
    assert notices(d) == [
        "This deployment is a rollback from 1234567 to abcdef1 (the commit is an ancestor of what was deployed): "
        "it brings no new commit, and is a hotfix unless is-hotfix says otherwise."
    ]


@pytest.mark.parametrize("status", ["ahead", "identical", "diverged", None])
def test_is_hotfix_not_a_rollback(status: str | None) -> None:
    d = rollback(status)  # type: ignore[arg-type]
    assert flags.is_hotfix(NONE, d, HOTFIX, "main") == Derived(
        False, "no hotfix label or `hotfix/` branch; the compare from the previous deployment 1234567 is no rollback"
    )


def test_is_hotfix_label_wins_over_a_rollback_and_asks_nothing() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA, pull_request=pr(1, labels=("hotfix",))), gh)
    assert flags.is_hotfix(NONE, d, HOTFIX, "main").value is True
    assert gh.asked == []


def test_a_push_compare_from_before_is_no_rollback() -> None:
    """A force push to an older commit compares from `before`, which need not have been deployed."""
    gh = FakeGitHub(comparisons={(BASE, SHA): Comparison(0, (), status="behind")})
    d = deployed(TriggerFacts(sha=SHA, push=Push((), 0, before=BASE, forced=True)), gh)
    assert flags.is_hotfix(NONE, d, HOTFIX, "main").value is False
    assert notices(d) == []


@pytest.mark.parametrize(
    ("push", "expected"),
    [
        (None, (False, "not a push")),
        (Push(("a",), 1, forced=True), (True, "push payload: `forced`")),
        (Push(("a",), 1, forced=True, created=True), (False, "push payload: `forced`, but the push created the ref")),
        (Push(("a",), 1), (False, "push payload: not forced")),
    ],
)
def test_is_forced_why(push: Push | None, expected: tuple[bool, str]) -> None:
    assert flags.is_forced(NONE, deployed(TriggerFacts(sha=SHA, push=push))) == Derived(*expected)
    assert flags.is_forced(FieldOverrides(is_forced=True), deployed(TriggerFacts(sha=SHA, push=push))) == Derived(
        True, "input"
    )


def test_a_rollback_release_names_the_tag_whole() -> None:
    gh = FakeGitHub(comparisons={("v1.10.0-rc.2", SHA): Comparison(0, (), status="behind")})
    d = deployed(TriggerFacts(sha=SHA, release=Release("v1.9.1"), previous=Previous("v1.10.0-rc.2")), gh)
    assert flags.is_hotfix(NONE, d, HOTFIX, "main") == Derived(
        True, "a rollback: the compare from the previous release `v1.10.0-rc.2` says `behind`"
    )
    assert notices(d)[0].startswith("This deployment is a rollback from v1.10.0-rc.2 to abcdef1 (")


def test_is_hotfix_after_a_deployment_github_cannot_compare_with_says_there_was_no_compare() -> None:
    gh = FakeGitHub(deployment_list=[deployment(4, OTHER)], statuses={4: [fake_status("success")]})
    assert flags.is_hotfix(NONE, deployed(TriggerFacts(sha=SHA), gh), HOTFIX, "main") == Derived(
        False, "no hotfix label or `hotfix/` branch (and no compare with the previous deployment)"
    )
