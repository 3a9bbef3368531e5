"""Backfill pacing and continuing (README "Backfill"): when to wait for GitHub's rate limit and
when to stop, the ``deployment:<id>`` form of backfill-since, and the value a stopped backfill
gives to continue after the last record iftrue accepted."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import IFTRUE_TOKEN
from tests.unit.fake_github import SHA, CommitFacts, FakeGitHub, deployment, release, status

from iftrue_deploy.backfill import Backfill, cancelled
from iftrue_deploy.client import ReportError, Sent
from iftrue_deploy.facts import RateLimited
from iftrue_deploy.history import PastDeployments, PastReleases
from iftrue_deploy.inputs import InputError, parse_backfill_since
from iftrue_deploy.pacing import MAX_PAUSE, RESERVE, RateLimitPacer, wait_before
from iftrue_deploy.settings import Settings
from iftrue_deploy.workflow import WorkflowCommands

NOW = 1_700_000_000.0
STARTED = datetime(2030, 1, 1, tzinfo=UTC)  # when a backfill started: after everything the fakes list


# --- the pacing decision ---


def test_no_wait_while_the_reserve_is_in_hand() -> None:
    assert wait_before(RESERVE, NOW + 600, NOW) == 0
    assert wait_before(4000, NOW + 3600, NOW) == 0


def test_below_the_reserve_wait_until_just_after_the_reset() -> None:
    assert wait_before(RESERVE - 1, NOW + 30, NOW) == 31
    assert wait_before(0, NOW + 1, NOW) == 2


def test_no_wait_once_the_reset_has_passed() -> None:
    assert wait_before(0, NOW - 5, NOW) == 0
    assert wait_before(0, NOW, NOW) == 0  # reset now: the last answer's figures are of the old window


class Clock:
    def __init__(self) -> None:
        self.now = NOW
        self.slept: list[float] = []
        self.lines: list[str] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def pacer(self) -> RateLimitPacer:
        return RateLimitPacer(self.lines.append, self.sleep, lambda: self.now)


def test_a_near_reset_is_waited_out_and_the_wait_is_told() -> None:
    clock = Clock()
    clock.pacer().before(3, NOW + 12)
    assert clock.slept == [13]
    assert clock.lines == ["GitHub rate limit: 3 requests left; waiting 13 s until it resets at 22:13:32 UTC."]


def test_a_far_reset_stops_the_backfill() -> None:
    clock = Clock()
    with pytest.raises(RateLimited) as stopped:
        clock.pacer().before(5, NOW + 3600)
    assert str(stopped.value) == (
        "GitHub's rate limit has 5 requests left and resets at 23:13:20 UTC, in 60 min: "
        "longer than a backfill waits (15 min)"
    )
    assert clock.slept == []
    with pytest.raises(RateLimited, match=r"^GitHub's rate limit has 0 requests left and resets at 22:29:20 UTC"):
        clock.pacer().refused(NOW + MAX_PAUSE + 60)


def test_the_longest_pause_is_told_in_minutes() -> None:
    clock = Clock()
    with pytest.raises(RateLimited, match=r"longer than a backfill waits \(45 min\)$"):
        RateLimitPacer(clock.lines.append, clock.sleep, lambda: clock.now, max_pause=45 * 60).before(0, NOW + 3600)


def test_a_reset_exactly_the_longest_pause_away_is_waited_out() -> None:
    clock = Clock()
    clock.pacer().refused(NOW + MAX_PAUSE - 1)  # and the second of margin
    assert clock.slept == [MAX_PAUSE]
    assert clock.lines == ["GitHub rate limit: 0 requests left; waiting 900 s until it resets at 22:28:19 UTC."]


def test_nothing_is_said_or_waited_while_the_reserve_is_in_hand() -> None:
    clock = Clock()
    clock.pacer().before(4000, NOW + 600)
    clock.pacer().before(0, NOW - 5)
    assert clock.slept == [] and clock.lines == []


def test_the_reset_is_told_in_utc_whatever_the_machines_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        clock = Clock()
        clock.pacer().before(3, NOW + 12)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert clock.lines == ["GitHub rate limit: 3 requests left; waiting 13 s until it resets at 22:13:32 UTC."]


def test_a_refused_request_waits_for_the_reset_even_with_stale_headers() -> None:
    clock = Clock()
    clock.pacer().refused(NOW - 1)  # the reset passed already: ask again a moment later
    assert clock.slept == [1]
    clock.pacer().refused(NOW + 100)
    assert clock.slept == [1, 100]


def test_pages_listed_are_told() -> None:
    clock = Clock()
    clock.pacer().listed("releases", 2, 130)
    assert clock.lines == ["Listing releases: page 2 read, 130 so far."]


def test_a_cancel_is_recognised_by_its_kind_or_name() -> None:
    class JobInterrupted(BaseException):
        pass

    assert cancelled(KeyboardInterrupt()) and cancelled(JobInterrupted())
    assert not cancelled(SystemExit(1)) and not cancelled(ValueError())


# --- backfill-since ---


@pytest.mark.parametrize("value", ["2024-01-31", "v1.2.3", "release-2024", "deployment:42"])
def test_backfill_since_forms(value: str) -> None:
    assert parse_backfill_since("backfill-since", value) == value


@pytest.mark.parametrize("value", ["2024-02-30", "deployment:", "deployment:abc", "deployment:-1"])
def test_backfill_since_rejects(value: str) -> None:
    with pytest.raises(InputError, match="deployment:<id>"):
        parse_backfill_since("backfill-since", value)


def test_deployment_form_continues_after_that_deployment() -> None:
    github = FakeGitHub(deployment_list=[deployment(i, SHA) for i in range(9, 0, -1)])  # newest first
    github.statuses = {i: [status("failure" if i == 5 else "success")] for i in range(1, 10)}
    walk = PastDeployments(github, "production", "deployment:5", STARTED)
    assert len(walk) == 4
    assert walk.previous_success is not None and walk.previous_success.id == 4  # 5 failed
    assert github.questions("deployment_statuses") == [(5,), (4,)]  # nothing read ahead
    past = [p.deployment.id for p in walk]
    assert past == [6, 7, 8, 9]


def test_deployment_form_is_not_for_releases() -> None:
    with pytest.raises(InputError, match="backfill-source: deployments"):
        PastReleases(FakeGitHub(), "deployment:5", STARTED)


# --- where a stopped backfill continues ---


class Client:
    """iftrue's side: answers in turn with an id, a rejection, or a cancel."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.sent: list[dict[str, Any]] = []

    def send(self, payload: dict[str, Any]) -> Sent:
        answer = self.answers.pop(0)
        if answer == "reject":
            raise ReportError("HTTP 422: rejected")
        if answer == "cancel":
            raise KeyboardInterrupt
        self.sent.append(payload)
        return Sent({"id": answer}, 1)


def run_backfill(tmp_path: Path, client: Client) -> tuple[dict[str, str], str]:
    tags = ["v1", "v2", "v3", "v4"]
    github = FakeGitHub(
        release_list=[release(t, id=i, published_at=datetime(2024, 1, i, tzinfo=UTC)) for i, t in enumerate(tags, 1)][
            ::-1
        ],
        commits={t: CommitFacts(SHA, f"{t} (#1)") for t in tags},
    )
    output, summary = tmp_path / "output", tmp_path / "summary"
    output.touch()
    summary.touch()
    settings = Settings.from_environ(
        {
            "INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN,
            "INPUT_BACKFILL-SINCE": "2023-12-01",
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_ACTOR_ID": "7",
        }
    )
    stream = io.StringIO()
    commands = WorkflowCommands(str(output), str(summary), stream, plain=True)
    with pytest.raises(KeyboardInterrupt):
        Backfill(settings, {}, github, client, commands, lambda: datetime.now(UTC)).run()  # type: ignore[arg-type]
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line and "<<" not in line)
    assert github.pacer is None  # the pacer is removed when the backfill ends
    return outputs, stream.getvalue()


def test_a_cancel_ends_with_the_value_after_the_last_accepted_record(tmp_path: Path) -> None:
    client = Client("id-1", "id-2", "reject", "cancel")
    _outputs, log = run_backfill(tmp_path, client)
    assert len(client.sent) == 2
    assert "run again with backfill-since: v2 (it tries v3 again)" in log
    assert "the job was cancelled" in log


def test_a_record_that_failed_before_the_last_accepted_one_is_named(tmp_path: Path) -> None:
    _outputs, log = run_backfill(tmp_path, Client("reject", "id-2", "cancel"))
    assert "run again with backfill-since: v2; not tried again: v1" in log


def test_nothing_accepted_continues_from_the_original_value(tmp_path: Path) -> None:
    _outputs, log = run_backfill(tmp_path, Client("cancel"))
    assert "iftrue accepted no record yet), run again with backfill-since: 2023-12-01" in log


# --- which refusals are a rate limit (the gateway asks the pacer only for those) ---


@pytest.mark.parametrize(
    ("status", "message", "headers", "expected"),
    [
        (403, "API rate limit exceeded for installation ID 1.", {"X-RateLimit-Remaining": "0"}, NOW + 1800),
        (429, "API rate limit exceeded", {}, NOW + 1800),
        (403, "You have exceeded a secondary rate limit.", {"Retry-After": "30"}, NOW + 30),
        (403, "You have exceeded a secondary rate limit.", {"X-RateLimit-Remaining": "4000"}, NOW + 60),
        (403, "Resource not accessible by integration", {"X-RateLimit-Remaining": "4000"}, None),
        (404, "Not Found", {"X-RateLimit-Remaining": "0"}, None),
    ],
)
def test_a_refusal_for_a_rate_limit_says_when_to_ask_again(
    status: int, message: str, headers: dict[str, str], expected: float | None
) -> None:
    from github import GithubException

    from iftrue_deploy.gateway.convert import rate_limit_reset

    headers = {"X-RateLimit-Reset": str(int(NOW + 1800)), **headers}
    assert rate_limit_reset(GithubException(status, {"message": message}, headers), NOW) == expected
