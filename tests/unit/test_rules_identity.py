"""repository_url, member_id, deployment_node_id (README "Where each field comes from")."""

from __future__ import annotations

import pytest
from tests.unit.fake_github import OTHER, SHA, FakeGitHub, deployed, deployment, notices, warnings

from iftrue_deploy.derive import Deployed, Derived, identity
from iftrue_deploy.settings import FieldOverrides, InputError
from iftrue_deploy.trigger import TriggerFacts

NONE = FieldOverrides()

# repository_url: input → the event's repository.html_url → GITHUB_SERVER_URL/GITHUB_REPOSITORY


def test_repository_url_given_wins() -> None:
    d = deployed(TriggerFacts(sha=SHA, repository_url="https://event", runner_repository_url="https://runner"))
    assert identity.repository_url(FieldOverrides(repository_url="https://given"), d).value == "https://given"


def test_repository_url_from_the_event() -> None:
    d = deployed(TriggerFacts(sha=SHA, repository_url="https://event", runner_repository_url="https://runner"))
    assert identity.repository_url(NONE, d).value == "https://event"


def test_repository_url_from_the_runner() -> None:
    d = deployed(TriggerFacts(sha=SHA, runner_repository_url="https://github.com/o/r"))
    assert identity.repository_url(NONE, d).value == "https://github.com/o/r"


def test_repository_url_unknown_is_an_input_error() -> None:
    with pytest.raises(InputError) as error:
        identity.repository_url(NONE, deployed(TriggerFacts(sha=SHA)))
    assert error.value.name == "repository-url"
    assert error.value.problem == "could not be derived (no repository in the event or GITHUB_REPOSITORY); set it"


# member_id: input → the event's sender.id → GITHUB_ACTOR_ID


def test_member_id_given_wins() -> None:
    d = deployed(TriggerFacts(sha=SHA, sender_id="1", actor_id="2"))
    assert identity.member_id(FieldOverrides(member_id="given"), d).value == "given"


def test_member_id_from_the_sender() -> None:
    assert identity.member_id(NONE, deployed(TriggerFacts(sha=SHA, sender_id="1", actor_id="2"))).value == "1"


def test_member_id_from_the_actor() -> None:
    assert identity.member_id(NONE, deployed(TriggerFacts(sha=SHA, actor_id="2"))).value == "2"


def test_member_id_unknown_is_an_input_error() -> None:
    with pytest.raises(InputError) as error:
        identity.member_id(NONE, deployed(TriggerFacts(sha=SHA)))
    assert error.value.name == "member-id"
    assert error.value.problem == "could not be derived (no sender in the event or GITHUB_ACTOR_ID); set it"


# deployment_node_id: input → the event's deployment → the newest GitHub Deployment of the commit
# in `environment` → one created with create-github-deployment (dry run: a notice) → left out, with
# a notice


def node_id(
    d: object, *, create: bool = False, dry_run: bool = False, status: str = "succes", given: str | None = None
) -> str | None:
    return identity.deployment_node_id(
        FieldOverrides(deployment_node_id=given),
        d,  # type: ignore[arg-type]
        create=create,
        dry_run=dry_run,
        status=status,  # type: ignore[arg-type]
        url="https://run",
    ).value


def test_node_id_given_wins_and_asks_nothing() -> None:
    gh = FakeGitHub(deployment_list=[deployment(1, SHA)])
    d = deployed(TriggerFacts(sha=SHA, deployment_node_id="DE_event"), gh)
    assert node_id(d, create=True, given="DE_given") == "DE_given"
    assert gh.asked == []
    assert d.lookups.notes.items == []


def test_node_id_from_the_event_asks_nothing() -> None:
    gh = FakeGitHub(deployment_list=[deployment(1, SHA)])
    d = deployed(TriggerFacts(sha=SHA, deployment_node_id="DE_event"), gh)
    assert node_id(d, create=True) == "DE_event"
    assert gh.asked == []


def test_node_id_newest_deployment_of_the_commit_in_the_environment() -> None:
    gh = FakeGitHub(
        deployment_list=[
            deployment(9, SHA, environment="staging"),
            deployment(8, OTHER),
            deployment(7, SHA),
            deployment(6, SHA),
        ]
    )
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert node_id(d, create=True) == "DE_7"
    assert gh.questions() == ["deployments"]
    assert gh.questions("deployments") == [("production", None)]
    assert d.lookups.notes.items == []


def test_node_id_of_another_environment() -> None:
    gh = FakeGitHub(deployment_list=[deployment(7, SHA), deployment(9, SHA, environment="staging")])
    assert node_id(deployed(TriggerFacts(sha=SHA), gh, environment="staging")) == "DE_9"


@pytest.mark.parametrize(
    ("status", "state"), [("succes", "success"), ("fail", "failure"), ("in_progress", "in_progress")]
)
def test_node_id_of_a_created_deployment(status: str, state: str) -> None:
    gh = FakeGitHub(deployment_list=[deployment(8, OTHER)])
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert node_id(d, create=True, status=status) == "DE_created"
    assert gh.questions("create_deployment") == [(SHA, SHA, "production", state, "https://run")]
    assert d.lookups.notes.items == []


def test_node_id_dry_run_creates_nothing_and_says_so() -> None:
    gh = FakeGitHub()
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert node_id(d, create=True, dry_run=True) is None
    assert "create_deployment" not in gh.questions()
    assert notices(d) == [
        "Dry run: a GitHub Deployment in 'production' would be created for this commit; deployment_node_id is left out."
    ]


def test_node_id_creation_failing_is_left_out_with_a_warning_and_a_notice() -> None:
    d = deployed(TriggerFacts(sha=SHA), FakeGitHub(unavailable={"create_deployment"}))
    assert node_id(d, create=True) is None
    assert len(warnings(d)) == 1
    assert "a new GitHub Deployment" in warnings(d)[0]
    assert notices(d) == [
        "No GitHub Deployment was found for commit abcdef1 in environment 'production'; deployment_node_id "
        "is left out (set create-github-deployment: true to create one)."
    ]


def test_node_id_none_found_is_left_out_with_a_notice() -> None:
    gh = FakeGitHub(deployment_list=[deployment(8, OTHER)])
    d = deployed(TriggerFacts(sha=SHA), gh)
    assert node_id(d) is None
    assert "create_deployment" not in gh.questions()
    assert notices(d) == [
        "No GitHub Deployment was found for commit abcdef1 in environment 'production'; deployment_node_id "
        "is left out (set create-github-deployment: true to create one)."
    ]


@pytest.mark.parametrize(
    ("github", "create"),
    [
        pytest.param(None, False, id="no-github"),
        pytest.param(None, True, id="no-github-create"),
        pytest.param(FakeGitHub(unavailable={"deployments"}), False, id="unavailable"),
    ],
)
def test_node_id_deployments_unknown_is_left_out_with_a_notice(github: FakeGitHub | None, create: bool) -> None:
    d = deployed(TriggerFacts(sha=SHA), github)
    assert node_id(d, create=create) is None
    assert notices(d) == [
        "deployment_node_id is left out: GitHub Deployments could not be looked up "
        "(set deployment-node-id, or give github-token)."
    ]


# Why: the value and the reason of each branch (README "Where each field comes from").


def test_repository_url_and_member_id_why() -> None:
    both = TriggerFacts(
        sha=SHA, repository_url="https://e", runner_repository_url="https://r", sender_id="1", actor_id="2"
    )
    runner = TriggerFacts(sha=SHA, runner_repository_url="https://r", actor_id="2")
    given = FieldOverrides(repository_url="https://g", member_id="g")
    assert identity.repository_url(given, deployed(both)) == Derived("https://g", "input")
    assert identity.repository_url(NONE, deployed(both)) == Derived("https://e", "the event's `repository.html_url`")
    assert identity.repository_url(NONE, deployed(runner)) == Derived(
        "https://r", "GITHUB_SERVER_URL/GITHUB_REPOSITORY"
    )
    assert identity.member_id(given, deployed(both)) == Derived("g", "input")
    assert identity.member_id(NONE, deployed(both)) == Derived("1", "the event's `sender.id`")
    assert identity.member_id(NONE, deployed(runner)) == Derived("2", "GITHUB_ACTOR_ID")


def node_id_why(
    d: Deployed, *, create: bool = False, dry_run: bool = False, given: str | None = None
) -> Derived[str | None]:
    return identity.deployment_node_id(
        FieldOverrides(deployment_node_id=given), d, create=create, dry_run=dry_run, status="succes", url=None
    )


def test_node_id_why() -> None:
    assert node_id_why(deployed(TriggerFacts(sha=SHA)), given="DE_g") == Derived("DE_g", "input")
    assert node_id_why(deployed(TriggerFacts(sha=SHA, deployment_node_id="DE_e"))) == Derived(
        "DE_e", "the event's deployment"
    )
    gh = FakeGitHub(deployment_list=[deployment(8, OTHER), deployment(7, SHA)])
    assert node_id_why(deployed(TriggerFacts(sha=SHA), gh)) == Derived(
        "DE_7", "GitHub Deployment 7 of the commit in 'production'"
    )
    assert node_id_why(deployed(TriggerFacts(sha=SHA), FakeGitHub()), create=True) == Derived(
        "DE_created", "GitHub Deployment 999, created in 'production'"
    )


@pytest.mark.parametrize(
    ("github", "create", "dry_run", "reason"),
    [
        pytest.param(FakeGitHub(), True, True, "left out: a dry run creates no GitHub Deployment", id="dry-run"),
        pytest.param(
            FakeGitHub(deployment_list=[deployment(8, OTHER)]),
            False,
            False,
            "left out: no GitHub Deployment of the commit in 'production'",
            id="none-of-the-commit",
        ),
        pytest.param(None, False, False, "left out: no GitHub token or repository", id="no-github"),
        pytest.param(
            FakeGitHub(unavailable={"deployments"}),
            False,
            False,
            "left out: GitHub could not answer for the deployments in 'production'",
            id="github-failed",
        ),
    ],
)
def test_node_id_left_out_says_why(github: FakeGitHub | None, create: bool, dry_run: bool, reason: str) -> None:
    assert node_id_why(deployed(TriggerFacts(sha=SHA), github), create=create, dry_run=dry_run) == Derived(None, reason)
