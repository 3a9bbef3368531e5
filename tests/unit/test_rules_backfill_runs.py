"""`backfill-source: runs` (iftrue_deploy.history.PastRuns, past_events.run_event): which runs are
deployments, their outcome, timing and base; the inputs and messages that go with it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import requests
from tests.unit.fake_github import BASE, OTHER, SHA, FakeGitHub

from iftrue_deploy.client import describe_failure
from iftrue_deploy.facts import RunFacts
from iftrue_deploy.history import PastRuns, workflow_file
from iftrue_deploy.inputs import parse_backfill_since
from iftrue_deploy.past_events import run_event
from iftrue_deploy.settings import InputError, Settings
from iftrue_deploy.trigger import TriggerFacts
from iftrue_deploy.vocabulary import COMMAND_LINE, speaking
from iftrue_deploy.vocabulary import assign as setting

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
STARTED = datetime(2030, 1, 1, 12, 0, 0, 700000, tzinfo=UTC)


def run(n: int, hours: float, conclusion: str | None = "success", **changes: object) -> RunFacts:
    at = T0 + timedelta(hours=hours)
    facts = RunFacts(
        id=n,
        sha=f"{n:040x}",
        branch="main",
        path=".github/workflows/deploy.yml",
        event="push",
        status="completed",
        conclusion=conclusion,
        message=f"Change {n}",
        html_url=f"https://github.com/o/r/actions/runs/{n}",
        created_at=at,
        started_at=at + timedelta(minutes=1),
        updated_at=at + timedelta(minutes=5),
        actor_id=7,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def past(*listed: RunFacts, since: str = "2024-05-01") -> PastRuns:
    github = FakeGitHub(run_list=list(listed))
    return PastRuns(github, "deploy.yml", "main", since, STARTED)


def test_only_successes_failures_and_time_outs_on_the_branch_of_the_workflow_are_deployments() -> None:
    runs = past(
        run(9, 9, "success"),
        run(8, 8, "cancelled"),
        run(7, 7, "skipped"),
        run(6, 6, "neutral"),
        run(5, 5, "timed_out"),
        run(4, 4, "success", branch="feature/x"),
        run(3, 3, "success", path=".github/workflows/ci.yml"),
        run(2, 2, None, status="in_progress"),
        run(1, 1, "failure"),
    )
    assert [p.run.id for p in runs] == [1, 5, 9]
    assert runs.walked.left_out == 6


def test_outcome_duration_and_branch_as_for_a_push() -> None:
    runs = list(past(run(2, 2, "failure"), run(1, 1, "timed_out"), run(3, 3, "success")))
    events = [run_event(TriggerFacts(), p) for p in runs]
    assert [e.status for e in events] == ["fail", "fail", "succes"]
    span = events[0].span
    assert span is not None and span.end is not None and (span.end - span.start) == timedelta(minutes=4)
    assert events[0].head_message == "Change 1" and events[0].push is None
    assert events[0].branch_hint == "main" and events[0].pushed_ref == "refs/heads/main"
    assert events[0].sender_id == "7" and events[0].url == "https://github.com/o/r/actions/runs/1"


def test_commits_count_from_the_previous_successful_run() -> None:
    base = run(1, -15, "success", sha=BASE)
    runs = list(past(run(4, 4, "success"), run(3, 3, "failure"), run(2, 2, "success", sha=SHA), base))
    bases = [run_event(TriggerFacts(), p).previous for p in runs]
    assert [b.base if b else "?" for b in bases] == [BASE, SHA, SHA]


def test_without_a_successful_run_before_the_bound_there_is_no_base() -> None:
    runs = list(past(run(2, 2), run(1, -15, "failure", sha=OTHER)))
    previous = run_event(TriggerFacts(), runs[0]).previous
    assert previous is not None and previous.base is None


def test_continuing_after_a_run_orders_by_start_and_excludes_up_to_it() -> None:
    # Run 1 was re-run: its last attempt started after run 3.
    rerun = run(1, 1, started_at=T0 + timedelta(hours=3, minutes=30))
    runs = past(run(4, 4), run(3, 3), run(2, 2), rerun, since="run:3")
    assert [p.run.id for p in runs] == [1, 4]


def test_an_unknown_run_to_continue_after_names_the_input() -> None:
    with pytest.raises(InputError) as raised:
        past(run(2, 2), run(1, 1), since="run:99")
    assert (raised.value.name, raised.value.problem) == (
        "backfill-since",
        "no completed run 99 of deploy.yml on main was found; expected run:<id> of one",
    )


def test_a_deployment_to_continue_after_says_to_backfill_deployments() -> None:
    with pytest.raises(InputError) as raised:
        past(run(1, 1), since="deployment:5")
    assert (raised.value.name, raised.value.problem) == (
        "backfill-since",
        "'deployment:5' continues a backfill of deployments; set backfill-source: deployments",
    )


def test_a_tag_is_no_start_for_runs_and_the_error_says_what_is() -> None:
    with pytest.raises(InputError) as raised:
        past(run(1, 1), since="v1.0.0")
    assert (raised.value.name, raised.value.problem) == (
        "backfill-since",
        "expected a date YYYY-MM-DD or run:<id> with backfill-source: runs, got 'v1.0.0'",
    )


def test_each_run_is_counted_once_and_a_repeated_page_is_named_in_the_warning() -> None:
    class Repeating(FakeGitHub):
        def run_pages(self, workflow: str, branch: str, created_until: datetime) -> Iterator[list[RunFacts]]:
            yield from (list(self.run_list), list(self.run_list))

    runs = PastRuns(Repeating(run_list=[run(2, 2), run(1, 1)]), "deploy.yml", "main", "2024-05-01", STARTED)
    assert runs.walked.listed == 2 and runs.walked.repeated == 2
    assert runs.walked.warnings[0].startswith("GitHub answered page 2 of the runs of deploy.yml on main with none")


def test_a_run_that_ended_after_the_backfill_started_is_left_to_the_live_workflow() -> None:
    ended_later = run(2, 2, updated_at=STARTED.replace(microsecond=0))
    runs = past(ended_later, run(1, 1))
    assert [p.run.id for p in runs] == [1] and runs.walked.later == 1


@pytest.mark.parametrize("since", ["v1.0.0", "deployment:5"])
def test_a_tag_or_a_deployment_is_not_where_runs_start(since: str) -> None:
    with pytest.raises(InputError, match="backfill-since"):
        past(run(1, 1), since=since)


def test_runs_are_listed_created_before_the_second_the_backfill_started() -> None:
    github = FakeGitHub(run_list=[run(1, 1)])
    PastRuns(github, ".github/workflows/deploy.yml@main", "main", "2024-05-01", STARTED)
    ((workflow, branch, until),) = github.questions("run_pages")
    assert (workflow, branch) == ("deploy.yml", "main")
    assert until == datetime(2030, 1, 1, 11, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "given", ["deploy.yml", ".github/workflows/deploy.yml", "octo/repo/.github/workflows/deploy.yml@refs/heads/main"]
)
def test_the_workflow_is_named_by_its_file(given: str) -> None:
    assert workflow_file(given) == "deploy.yml"


@pytest.mark.parametrize(
    ("given", "name"),
    [
        (".github/workflows/deploy.yml/", "deploy.yml"),  # a trailing slash
        ("/deploy.yml", "deploy.yml"),
        ("o/r/.github/workflows/deploy.yml@refs/heads/a@b", "deploy.yml"),  # the ref is after the first @
    ],
)
def test_the_workflows_file_is_its_last_path_part_before_the_ref(given: str, name: str) -> None:
    assert workflow_file(given) == name


def test_run_ids_continue_a_backfill() -> None:
    assert parse_backfill_since("backfill-since", "run:123") == "run:123"
    for bad in ("run:", "run:12a", "deployment:x"):
        with pytest.raises(InputError, match="run:<id>"):
            parse_backfill_since("backfill-since", bad)


def test_runs_need_the_workflow() -> None:
    env = {"INPUT_DRY-RUN": "true", "INPUT_BACKFILL-SINCE": "2024-01-01", "INPUT_BACKFILL-SOURCE": "runs"}
    with pytest.raises(InputError) as raised:
        Settings.from_environ(env)
    assert str(raised.value).startswith("Input 'backfill-workflow': required with backfill-source: runs")
    settings = Settings.from_environ({**env, "INPUT_BACKFILL-WORKFLOW": "deploy.yml"})
    assert (settings.backfill_source, settings.backfill_workflow) == ("runs", "deploy.yml")


def test_a_setting_is_written_as_the_user_writes_it() -> None:
    assert setting("backfill-source", "runs") == "backfill-source: runs"
    with speaking(COMMAND_LINE):
        assert setting("backfill-source", "runs") == "--backfill-source runs"


def test_a_network_failure_is_said_as_the_iftrue_client_says_it() -> None:
    error = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='api.github.com', port=443): Max retries exceeded with url: /repos/o/r/releases "
        '(Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object>: Failed to resolve '
        "'api.github.com' ([Errno -2] Name or service not known)\"))"
    )
    assert describe_failure(error, "api.github.com") == "could not connect to api.github.com (host name not found)"
    refused = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='ghe.example', port=443): Max retries exceeded (Caused by "
        "NewConnectionError('<urllib3.connection.HTTPSConnection object>: Failed to establish a new connection: "
        "[Errno 111] Connection refused'))"
    )
    assert describe_failure(refused, "ghe.example") == "could not connect to ghe.example (connection refused)"
    broke = requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed'))")
    assert (
        describe_failure(broke, "api.github.com") == "the connection to api.github.com broke (closed without an answer)"
    )
    assert describe_failure(requests.exceptions.ReadTimeout("x"), "api.github.com") == (
        "api.github.com stopped answering (no data for a while)"
    )
