"""What a backfill reports, oldest first (README "Backfill"): the releases or GitHub Deployments
since a date, after a tag or after a deployment, each with the one before it, and for a deployment
its outcome as its latest status says (iftrue_deploy.history; the walk under it, each id once and
pages streamed, is tests/unit/test_listing.py's, the runs source tests/unit/test_rules_backfill_runs.py's)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from tests.unit.fake_github import SHA, T0, FakeGitHub, deployment, pages, release

from iftrue_deploy.facts import DeploymentFacts, DeploymentStatusFacts, GitHubUnavailable, ReleaseFacts
from iftrue_deploy.history import PastDeployment, PastDeployments, PastRelease, PastReleases
from iftrue_deploy.inputs import InputError

DAY = timedelta(days=1)
STARTED = datetime(2030, 1, 1, 12, 0, 0, 700000, tzinfo=UTC)  # when the backfill started: after all listed
EXPECTED = "expected a date YYYY-MM-DD, a tag, deployment:<id> or run:<id>"


def past_releases(github: FakeGitHub, since: str) -> list[PastRelease]:
    return list(PastReleases(github, since, STARTED))


def past_deployments(github: FakeGitHub, since: str, started: datetime = STARTED) -> PastDeployments:
    return PastDeployments(github, "production", since, started)


def on(day: int, tag: str, id: int, **kw: bool) -> ReleaseFacts:  # noqa: A002
    return release(tag, id=id, published_at=T0 + day * DAY, **kw)


def test_releases_since_a_date_oldest_first_each_after_the_one_before() -> None:
    v1, v2, v3 = on(1, "v1", 1), on(5, "v2", 2), on(6, "v3", 3)
    listed = [v3, on(5, "rc", 9, prerelease=True), on(5, "draft", 8, draft=True), v2, v1]  # newest first
    github = FakeGitHub(release_list=listed)
    since = (T0 + 3 * DAY).date().isoformat()
    assert past_releases(github, since) == [PastRelease(v2, v1), PastRelease(v3, v2)]


def test_releases_since_a_date_include_one_published_at_its_midnight_and_the_first_has_no_base() -> None:
    midnight = release("v1", id=1, published_at=T0.replace(hour=0, minute=0, second=0, microsecond=0))
    github = FakeGitHub(release_list=[midnight])
    assert past_releases(github, T0.date().isoformat()) == [PastRelease(midnight, None)]


def test_releases_are_in_the_order_they_were_published_whatever_their_ids() -> None:
    later, earlier = on(5, "v2", 1), on(3, "v1", 9)
    github = FakeGitHub(release_list=[later, earlier])
    assert [p.release.tag for p in past_releases(github, T0.date().isoformat())] == ["v1", "v2"]


def test_releases_published_the_same_moment_keep_the_order_they_were_made() -> None:
    a, b = on(5, "a", 7), on(5, "b", 8)
    github = FakeGitHub(release_list=[a, b])
    assert [p.release.tag for p in past_releases(github, T0.date().isoformat())] == ["a", "b"]


def test_releases_after_a_tag_start_after_it() -> None:
    v1, v2, v3 = on(1, "v1", 1), on(2, "v2", 2), on(3, "v3", 3)
    github = FakeGitHub(release_list=[v3, v2, v1, replace(v1, published_at=None, tag="v0", id=0)])
    assert past_releases(github, "v1") == [PastRelease(v2, v1), PastRelease(v3, v2)]
    assert past_releases(github, "v3") == []
    assert github.questions() == ["release_pages", "release_pages"]


def test_an_unknown_tag_says_what_was_expected() -> None:
    github = FakeGitHub(release_list=[on(1, "v1", 1), on(2, "v2-draft", 2, draft=True)])
    walks: dict[str, Callable[[], object]] = {
        "v2-draft": lambda: past_releases(github, "v2-draft"),
        "v9": lambda: past_deployments(github, "v9"),
    }
    for tag, walk in walks.items():
        with pytest.raises(InputError) as error:
            walk()
        assert error.value.name == "backfill-since"
        assert error.value.problem == f"no published release has the tag {tag!r}; {EXPECTED}"


def test_a_deployment_id_that_is_not_a_number_says_what_was_expected() -> None:
    with pytest.raises(InputError) as error:
        past_deployments(FakeGitHub(), "deployment:five")
    assert error.value.name == "backfill-since"
    assert error.value.problem == f"{EXPECTED}, got 'deployment:five'"


def test_a_deployment_id_is_no_start_for_releases() -> None:
    with pytest.raises(InputError) as error:
        past_releases(FakeGitHub(), "deployment:5")
    assert error.value.name == "backfill-since"
    assert error.value.problem == "'deployment:5' continues a backfill of deployments; set backfill-source: deployments"


@pytest.mark.parametrize(
    ("since", "problem"),
    [
        ("run:5", "'run:5' continues a backfill of runs; set backfill-source: runs"),
        ("deployment:x", f"{EXPECTED}, got 'deployment:x'"),
        ("run:x", f"{EXPECTED}, got 'run:x'"),
    ],
)
def test_a_start_of_another_source_is_no_start_for_releases(since: str, problem: str) -> None:
    github = FakeGitHub(release_list=[on(1, "v1", 1)])
    with pytest.raises(InputError) as error:
        past_releases(github, since)
    assert (error.value.name, error.value.problem) == ("backfill-since", problem)
    assert github.questions() == []  # nothing listed for a start that cannot be


def test_what_happened_after_the_backfill_started_is_left_to_the_live_workflow() -> None:
    v1, v2 = on(1, "v1", 1), on(2, "v2", 2)
    after = release("v3", id=3, published_at=STARTED.replace(microsecond=0))  # in the second it started
    walk = PastReleases(FakeGitHub(release_list=[after, v2, v1]), "v1", STARTED)
    assert (list(walk), walk.walked.later) == ([PastRelease(v2, v1)], 1)
    created_after = replace(made(3, 0), created_at=STARTED)
    deployments = past_deployments(FakeGitHub(deployment_list=[created_after, made(2, 2), made(1, 1)]), "deployment:1")
    assert ([p.deployment.id for p in deployments], deployments.walked.later) == ([2], 1)


# GitHub Deployments


def made(id: int, day: int) -> DeploymentFacts:  # noqa: A002
    return replace(deployment(id, SHA), created_at=T0 + day * DAY)


def state(name: str, day: int = 0, url: str | None = None) -> DeploymentStatusFacts:
    return DeploymentStatusFacts(name, T0 + day * DAY, url)


def test_deployments_since_a_date_with_the_last_success_before_it() -> None:
    listed = [made(6, 6), made(5, 5), made(4, 2), made(3, 1), made(2, 1), made(1, 0)]  # newest first
    github = FakeGitHub(deployment_list=listed, statuses={4: [state("failure")], 3: [state("inactive")]})
    past = list(past_deployments(github, (T0 + 4 * DAY).date().isoformat()))
    assert [(p.deployment.id, p.previous_success) for p in past] == [(5, listed[3]), (6, listed[3])]
    # Two deployments before the date are checked for the base, no more; nothing else is read ahead.
    assert github.questions("deployment_statuses") == [(4,), (3,), (5,), (6,)]


class Paged(FakeGitHub):
    """Lists deployments two a page, counting the pages asked for."""

    asked_pages = 0

    def deployment_pages(self, environment: str) -> Iterator[list[DeploymentFacts]]:
        for page in pages(self.deployment_list, 2):
            self.asked_pages += 1
            yield page


def test_the_listing_stops_at_the_first_page_before_the_date() -> None:
    github = Paged(
        deployment_list=[made(5, 5), made(4, 2), made(3, 1), made(2, 1), made(1, 0)], statuses={4: [state("success")]}
    )
    walk = past_deployments(github, (T0 + 4 * DAY).date().isoformat())
    assert [(p.deployment.id, p.previous_success) for p in walk] == [(5, github.deployment_list[1])]
    assert github.asked_pages == 2  # page 2 (3 and 2) is all before the date: page 3 is never asked for
    assert github.questions("deployment_statuses") == [(4,), (5,)]  # the base found, no more checked


def test_a_deployment_made_at_the_dates_midnight_is_included() -> None:
    midnight = replace(made(2, 0), created_at=T0.replace(hour=0, minute=0, second=0, microsecond=0))
    github = FakeGitHub(deployment_list=[midnight, made(1, -1)])
    assert [p.deployment.id for p in past_deployments(github, T0.date().isoformat())] == [2]


class Flaky(FakeGitHub):
    """Cannot give the statuses of one deployment."""

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts]:
        if deployment_id == self.broken:
            raise GitHubUnavailable(f"502 for the statuses of {deployment_id}")
        return super().deployment_statuses(deployment_id)

    broken = 0


def test_a_base_whose_statuses_cannot_be_read_is_passed_over_for_the_one_before() -> None:
    github = Flaky(deployment_list=[made(3, 3), made(2, 1), made(1, 0)], statuses={1: [state("success")]})
    github.broken = 2
    (past,) = past_deployments(github, (T0 + 2 * DAY).date().isoformat())
    assert past.previous_success is not None and past.previous_success.id == 1


def test_a_deployment_whose_statuses_cannot_be_read_keeps_its_base() -> None:
    github = Flaky(deployment_list=[made(2, 2), made(1, 1)], statuses={1: [state("success")]})
    github.broken = 2
    (past,) = past_deployments(github, "deployment:1")
    assert (past.deployment.id, past.state, past.problem) == (2, "", "502 for the statuses of 2")
    assert past.previous_success is not None and past.previous_success.id == 1


def test_deployments_after_a_tag_start_at_its_publication() -> None:
    github = FakeGitHub(
        release_list=[on(3, "v1", 1)],
        deployment_list=[made(3, 4), made(2, 2), made(1, 1)],
    )
    assert [p.deployment.id for p in past_deployments(github, "v1")] == [3]


def test_deployments_after_one_start_after_it() -> None:
    github = FakeGitHub(deployment_list=[made(9, 0), made(7, 0), made(5, 0)])
    assert [p.deployment.id for p in past_deployments(github, "deployment:7")] == [9]


def test_a_run_id_is_no_start_for_deployments() -> None:
    with pytest.raises(InputError) as error:
        past_deployments(FakeGitHub(), "run:5")
    assert (error.value.name, error.value.problem) == (
        "backfill-since",
        "'run:5' continues a backfill of runs; set backfill-source: runs",
    )


def test_deployments_are_in_the_order_they_were_made_whatever_their_ids() -> None:
    github = FakeGitHub(deployment_list=[made(2, 3), made(3, 2), made(1, 1)], statuses={3: [state("success")]})
    past = list(past_deployments(github, "deployment:1"))
    assert [(p.deployment.id, p.previous_success and p.previous_success.id) for p in past] == [(3, None), (2, 3)]


def test_an_outcome_posted_after_the_backfill_started_is_left_to_the_live_workflow() -> None:
    started = T0 + 5 * DAY + timedelta(microseconds=900000)  # a status in that very second is after it
    github = FakeGitHub(
        deployment_list=[made(3, 3), made(2, 2), made(1, 1)],
        statuses={1: [state("success")], 2: [state("success", 5)], 3: [state("failure", 4)]},
    )
    past = list(past_deployments(github, "deployment:1", started))
    assert [(p.deployment.id, p.state, p.later, p.previous_success and p.previous_success.id) for p in past] == [
        (2, "", True, 1),
        (3, "failure", False, 1),  # its base is still 1: 2's success is not the backfill's
    ]


def outcome(*statuses: DeploymentStatusFacts, base: bool = True) -> PastDeployment:
    """The one deployment after deployment 1 (a success when `base`), with these statuses."""
    github = FakeGitHub(
        deployment_list=[made(2, 2), made(1, 1)],
        statuses={1: [state("success" if base else "failure")], 2: list(statuses)},
    )
    (past,) = past_deployments(github, "deployment:1")
    return past


def test_a_deployment_whose_success_went_inactive_succeeded_when_its_success_was_posted() -> None:
    past = outcome(state("inactive", 9, "https://x/9"), state("success", 3, "https://x/3"), state("in_progress", 2))
    assert (past.state, past.status_at, past.target_url, past.problem) == ("success", T0 + 3 * DAY, "https://x/3", None)
    assert past.previous_success is not None and past.previous_success.id == 1


def test_a_deployment_with_only_an_inactive_status_succeeded_then() -> None:
    past = outcome(state("inactive", 5, "https://x/5"))
    assert (past.state, past.status_at, past.target_url) == ("success", T0 + 5 * DAY, "https://x/5")


@pytest.mark.parametrize(("latest", "expected"), [("failure", "failure"), ("error", "error"), ("success", "success")])
def test_a_deployments_final_status_is_its_outcome(latest: str, expected: str) -> None:
    past = outcome(state(latest, 4, ""))
    assert (past.state, past.status_at, past.target_url) == (expected, T0 + 4 * DAY, None)


@pytest.mark.parametrize(
    ("statuses", "latest"), [((state("in_progress"), state("queued")), "in_progress"), ((), "none")]
)
def test_a_deployment_without_a_final_status_has_no_outcome(
    statuses: tuple[DeploymentStatusFacts, ...], latest: str
) -> None:
    past = outcome(*statuses, base=False)
    assert (past.state, past.status_at, past.target_url, past.latest, past.previous_success) == (
        "",
        None,
        None,
        latest,
        None,
    )


def test_the_last_success_is_the_base_of_the_next_deployment() -> None:
    github = FakeGitHub(
        deployment_list=[made(4, 4), made(3, 3), made(2, 2), made(1, 1)],
        statuses={1: [state("failure")], 2: [state("success")], 3: [state("failure")], 4: [state("success")]},
    )
    past = list(past_deployments(github, "deployment:1"))
    assert [(p.deployment.id, p.previous_success and p.previous_success.id) for p in past] == [
        (2, None),
        (3, 2),
        (4, 2),
    ]


def test_statuses_github_cannot_give_are_the_deployments_problem() -> None:
    github = FakeGitHub(deployment_list=[made(2, 2), made(1, 1)], unavailable={"deployment_statuses"})
    (past,) = past_deployments(github, "deployment:1")
    assert (past.state, past.problem, past.previous_success) == ("", "503 for deployment_statuses", None)


class Repeating(FakeGitHub):
    """Answers every listing's first page twice, as a server repeating its page does."""

    def release_pages(self) -> Iterator[list[ReleaseFacts]]:
        page = list(self.release_list)
        yield from (page, page)

    def deployment_pages(self, environment: str) -> Iterator[list[DeploymentFacts]]:
        page = [d for d in self.deployment_list if d.environment == environment]
        yield from (page, page)


def test_a_repeated_page_of_releases_is_named_in_the_warning_and_each_release_counted() -> None:
    github = Repeating(release_list=[on(6, "v3", 3), on(5, "v2", 2), on(1, "v1", 1)])
    walk = PastReleases(github, (T0 + 3 * DAY).date().isoformat(), STARTED)
    assert walk.walked.listed == 3 and walk.walked.repeated == 3
    assert walk.walked.warnings == [
        "GitHub answered page 2 of the releases with none that was not already listed; "
        "the listing ends there (every one listed before is reported)."
    ]


def test_a_repeated_page_of_deployments_names_the_environment_in_the_warning() -> None:
    github = Repeating(deployment_list=[made(2, 2), made(1, 1)])
    walk = past_deployments(github, T0.date().isoformat())
    assert walk.walked.listed == 2
    assert walk.walked.warnings[0].startswith("GitHub answered page 2 of the deployments in 'production' with none")


def test_a_deployment_made_the_moment_the_tag_was_published_is_after_it() -> None:
    github = FakeGitHub(release_list=[on(3, "v1", 1)], deployment_list=[made(3, 3), made(2, 2)])
    assert [p.deployment.id for p in past_deployments(github, "v1")] == [3]
