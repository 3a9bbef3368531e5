"""status and deployment_duration (README "Where each field comes from")."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from tests.unit.fake_github import SHA, T0, FakeGitHub, deployed, warnings

from iftrue_deploy.derive import Derived, Skip, outcome
from iftrue_deploy.settings import FieldOverrides
from iftrue_deploy.trigger import Span, TriggerFacts

NONE = FieldOverrides()


NOW = T0 + timedelta(minutes=10)


def at_now() -> datetime:
    return NOW


# status: input → deployment_status.state / workflow_run.conclusion → (no outcome: Skip) → succes


@pytest.mark.parametrize("given", ["succes", "in_progress", "fail"])
def test_status_given_wins(given: str) -> None:
    trigger = TriggerFacts(sha=SHA, status="fail", no_outcome="cancelled")
    assert outcome.status(FieldOverrides(status=given), deployed(trigger)).value == given  # type: ignore[arg-type]


@pytest.mark.parametrize("status", ["succes", "in_progress", "fail"])
def test_status_from_the_event(status: str) -> None:
    gh = FakeGitHub()
    assert outcome.status(NONE, deployed(TriggerFacts(sha=SHA, status=status), gh)).value == status  # type: ignore[arg-type]
    assert gh.asked == []


def test_status_no_outcome_is_a_skip() -> None:
    why = "The workflow run's conclusion is 'cancelled'; nothing was reported."
    with pytest.raises(Skip, match="conclusion is 'cancelled'"):
        outcome.status(NONE, deployed(TriggerFacts(sha=SHA, no_outcome=why)))


def test_status_default_is_succes() -> None:
    assert outcome.status(NONE, deployed(TriggerFacts(sha=SHA))).value == "succes"


# deployment_duration: input → the event's span (to its end, or now) → now − this run attempt's
# start (only when this run is timed) → left out; minutes (2 decimals) or whole seconds


def duration(trigger: TriggerFacts, github: FakeGitHub | None = None, unit: str = "minutes") -> float | int | None:
    return outcome.deployment_duration(NONE, deployed(trigger, github), unit, lambda: NOW).value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "expected", "kind"),
    [(5.0, 5, int), (0.0, 0, int), (2.5, 2.5, float), (90.25, 90.25, float)],
)
def test_duration_given_wins(given: float, expected: float, kind: type) -> None:
    gh = FakeGitHub(run_starts={("7", "1"): T0})
    trigger = TriggerFacts(sha=SHA, span=Span(T0, T0 + timedelta(hours=1)), run_id="7", run_attempt="1")
    value = outcome.deployment_duration(
        FieldOverrides(deployment_duration=given), deployed(trigger, gh), "seconds", at_now
    ).value  # type: ignore[arg-type]
    assert value == expected
    assert type(value) is kind
    assert gh.asked == []


def test_duration_span_with_an_end_asks_nothing() -> None:
    gh = FakeGitHub(run_starts={("7", "1"): T0 - timedelta(hours=5)})
    trigger = TriggerFacts(sha=SHA, span=Span(T0, T0 + timedelta(seconds=125)), run_id="7", run_attempt="1")
    assert duration(trigger, gh) == 2.08
    assert duration(trigger, gh, "seconds") == 125
    assert gh.asked == []


def test_duration_span_still_running_is_timed_to_now() -> None:
    assert duration(TriggerFacts(sha=SHA, span=Span(T0 + timedelta(seconds=30)))) == 9.5
    assert duration(TriggerFacts(sha=SHA, span=Span(T0 + timedelta(seconds=30))), unit="seconds") == 570


def test_duration_span_is_never_negative() -> None:
    assert duration(TriggerFacts(sha=SHA, span=Span(T0, T0 - timedelta(minutes=1)))) == 0
    assert duration(TriggerFacts(sha=SHA, span=Span(NOW + timedelta(minutes=3)))) == 0


def test_duration_from_this_run_attempt() -> None:
    gh = FakeGitHub(run_starts={("7", "2"): T0 + timedelta(seconds=1)})
    trigger = TriggerFacts(sha=SHA, run_id="7", run_attempt="2")
    assert duration(trigger, gh) == 9.98
    assert duration(trigger, gh, "seconds") == 599
    assert gh.questions("run_started_at") == [("7", "2"), ("7", "2")]


def test_duration_without_an_attempt_is_from_the_runs_start() -> None:
    gh = FakeGitHub(run_starts={("7", ""): T0})  # no attempt: GitHub's run itself
    assert duration(TriggerFacts(sha=SHA, run_id="7"), gh, "seconds") == 600


def test_duration_from_this_run_never_negative() -> None:
    gh = FakeGitHub(run_starts={("7", "1"): NOW + timedelta(seconds=5)})
    assert duration(TriggerFacts(sha=SHA, run_id="7", run_attempt="1"), gh) == 0


def test_duration_not_timed_for_another_deployment() -> None:
    gh = FakeGitHub(run_starts={("7", "1"): T0})
    assert duration(TriggerFacts(sha=SHA, run_id="7", run_attempt="1", time_this_run=False), gh) is None
    assert gh.asked == []


def test_duration_left_out_without_a_run() -> None:
    gh = FakeGitHub(run_starts={("", ""): T0})
    assert duration(TriggerFacts(sha=SHA), gh) is None
    assert gh.asked == []


def test_duration_left_out_when_github_cannot_answer() -> None:
    gh = FakeGitHub(unavailable={"run_started_at"})
    d = deployed(TriggerFacts(sha=SHA, run_id="7", run_attempt="1"), gh)
    assert outcome.deployment_duration(NONE, d, "minutes", at_now).value is None  # type: ignore[arg-type]
    assert len(warnings(d)) == 1
    assert "start time of this workflow run" in warnings(d)[0]


def test_duration_left_out_without_github() -> None:
    assert duration(TriggerFacts(sha=SHA, run_id="7", run_attempt="1")) is None


@pytest.mark.parametrize(
    ("seconds", "minutes", "whole"),
    [(0, 0.0, 0), (1, 0.02, 1), (29.4, 0.49, 29), (30.6, 0.51, 31), (3600, 60.0, 3600), (4321.5, 72.03, 4322)],
)
def test_duration_units(seconds: float, minutes: float, whole: int) -> None:
    trigger = TriggerFacts(sha=SHA, span=Span(T0, T0 + timedelta(seconds=seconds)))
    assert duration(trigger) == minutes
    got = duration(trigger, unit="seconds")
    assert got == whole
    assert type(got) is int


# Why: the value and the reason of each branch (README "Where each field comes from").


@pytest.mark.parametrize(
    ("given", "trigger", "expected"),
    [
        pytest.param(FieldOverrides(status="fail"), TriggerFacts(sha=SHA, status="succes"), ("fail", "input")),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, status="fail", status_from="`deployment_status.state` failure"),
            ("fail", "`deployment_status.state` failure"),
            id="what-the-adapter-said",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, status="succes", deployment_id=4),
            ("succes", "the deployment's final status"),
            id="backfill",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA, status="fail", span=Span(T0, T0)),
            ("fail", "the workflow run's conclusion"),
            id="backfill-of-runs",
        ),
        pytest.param(
            NONE,
            TriggerFacts(sha=SHA),
            ("succes", "the event carries no outcome: `succes`"),
            id="default",
        ),
    ],
)
def test_status_why(given: FieldOverrides, trigger: TriggerFacts, expected: tuple[str, str]) -> None:
    assert outcome.status(given, deployed(trigger)) == Derived(*expected)


def duration_why(trigger: TriggerFacts, github: FakeGitHub | None = None) -> Derived[float | int | None]:
    return outcome.deployment_duration(NONE, deployed(trigger, github), "minutes", at_now)


def test_duration_why() -> None:
    span = Span(T0, T0 + timedelta(seconds=120))
    assert duration_why(TriggerFacts(sha=SHA, span=span, deployment_id=3)) == Derived(
        2.0, "`deployment_status.created_at` − `deployment.created_at`: 2024-05-01 10:00:00 to 10:02:00 UTC"
    )
    assert duration_why(TriggerFacts(sha=SHA, span=span)) == Derived(
        2.0, "`workflow_run.updated_at` − `run_started_at`: 2024-05-01 10:00:00 to 10:02:00 UTC"
    )
    assert duration_why(TriggerFacts(sha=SHA, span=Span(T0), deployment_id=3)).reason.endswith("10:00:00 to now UTC")
    gh = FakeGitHub(run_starts={("7", "2"): T0 + timedelta(seconds=131)})
    assert duration_why(TriggerFacts(sha=SHA, run_id="7", run_attempt="2"), gh) == Derived(
        7.82, "run attempt 2 started 10:02:11 UTC, timed to now"
    )
    first = FakeGitHub(run_starts={("7", ""): T0 + timedelta(seconds=131)})  # no attempt given: the first
    assert (
        duration_why(TriggerFacts(sha=SHA, run_id="7"), first).reason
        == "run attempt 1 started 10:02:11 UTC, timed to now"
    )
    assert outcome.deployment_duration(
        FieldOverrides(deployment_duration=3.0), deployed(TriggerFacts()), "minutes", at_now
    ) == (Derived(3, "input"))


@pytest.mark.parametrize(
    ("trigger", "github", "reason"),
    [
        pytest.param(
            TriggerFacts(sha=SHA, run_id="7", time_this_run=False),
            None,
            "left out: another deployment than this run's, with no times of its own",
            id="another-deployment",
        ),
        pytest.param(TriggerFacts(sha=SHA), None, "left out: no workflow run (GITHUB_RUN_ID) to time", id="no-run"),
        pytest.param(
            TriggerFacts(sha=SHA, run_id="7", run_attempt="1"),
            None,
            "left out: no GitHub token or repository",
            id="no-github",
        ),
        pytest.param(
            TriggerFacts(sha=SHA, run_id="7", run_attempt="1"),
            FakeGitHub(unavailable={"run_started_at"}),
            "left out: GitHub could not answer for the start of this run attempt",
            id="github-failed",
        ),
    ],
)
def test_duration_left_out_says_why(trigger: TriggerFacts, github: FakeGitHub | None, reason: str) -> None:
    assert duration_why(trigger, github) == Derived(None, reason)
