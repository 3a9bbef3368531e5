"""The listings a backfill walks (gateway/listings.py): one page of a list as PyGithub's objects,
a workflow run of the runs listing as plain facts, and the runs walked in windows of GitHub's
1,000-result cap, driven by a pager and a GitHub answering as its OpenAPI description shows
(tests/fixtures/github/workflow-run-paginated.json)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from github.Deployment import Deployment

from iftrue_deploy.facts import GitHubUnavailable, RunFacts
from iftrue_deploy.gateway.listings import (
    FILTERED_RUNS_CAP,
    PAGE,
    PageFetch,
    created_filter,
    listed,
    one_page,
    run,
    run_pages,
)

API = Path(__file__).resolve().parent.parent / "fixtures" / "github"
REPO = "https://api.github.com/repos/octo-org/octo-repo"
START = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def fixture(name: str) -> Any:
    return json.loads((API / name).read_text())


RUN: dict[str, Any] = fixture("workflow-run-paginated.json")["workflow_runs"][0]


# One page of a list, as PyGithub's objects


class Requester:
    """What `listed` asks of PyGithub's Requester: one GET, answered with headers and JSON."""

    is_not_lazy = False  # PyGithub's objects ask it whether to complete themselves at once

    def __init__(self, data: Any) -> None:
        self.data = data
        self.asked: list[tuple[str, str, dict[str, Any]]] = []

    def requestJsonAndCheck(self, verb: str, url: str, parameters: dict[str, Any]) -> tuple[dict[str, Any], Any]:  # noqa: N802
        self.asked.append((verb, url, parameters))
        return {"etag": "W/page"}, self.data


def test_the_first_page_of_a_list_is_asked_without_a_page_number() -> None:
    requester = Requester(fixture("deployment-items.json"))
    items = listed(requester, Deployment, f"{REPO}/deployments", 0, {"environment": "production"})  # type: ignore[arg-type]
    assert requester.asked == []  # asked when read
    deployments = list(items)
    assert requester.asked == [("GET", f"{REPO}/deployments", {"environment": "production", "per_page": PAGE})]
    assert [(d.id, d.sha, d.environment) for d in deployments] == [
        (1, "a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d", "production")
    ]
    assert deployments[0].etag == "W/page"  # the answer's headers are kept with each item


def test_a_later_page_is_asked_by_its_number_and_what_is_not_an_object_is_dropped() -> None:
    requester = Requester(["a deployment?", *fixture("deployment-items.json"), None, 7])
    deployments = list(listed(requester, Deployment, f"{REPO}/deployments", 2, {"sha": "abc"}))  # type: ignore[arg-type]
    assert requester.asked == [("GET", f"{REPO}/deployments", {"sha": "abc", "per_page": PAGE, "page": 3})]
    assert [d.id for d in deployments] == [1]


def test_an_answer_that_is_not_a_list_is_refused() -> None:
    requester = Requester({"message": "Not a list"})
    with pytest.raises(TypeError, match=r"^the answer is not a list$"):
        list(listed(requester, Deployment, f"{REPO}/deployments", 0, {}))  # type: ignore[arg-type]


def test_a_page_holds_at_most_a_page_of_items() -> None:
    items = [{"id": n} for n in range(PAGE)]
    assert one_page(items) == items
    assert one_page([*items[:50], "x", None, [1], *items[53:]]) == items[:50] + items[53:]
    with pytest.raises(GitHubUnavailable, match=r"^the answer holds 101 items for a page of 100; none is read$"):
        one_page([*items, {"id": PAGE}])
    with pytest.raises(GitHubUnavailable, match=r"^the answer holds 1,234 items for a page of 100; none is read$"):
        one_page([{"id": n} for n in range(1234)])


@pytest.mark.parametrize(
    "until",
    [
        datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 12, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=2))),
        datetime(2024, 5, 1, 5, 0, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_the_created_filter_is_in_utc_to_the_second(until: datetime) -> None:
    assert created_filter(until) == "<=2024-05-01T10:00:00+00:00"


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_tokyo")
def test_the_created_filter_is_in_utc_whatever_the_machine_s_time_zone() -> None:
    assert created_filter(datetime(2024, 5, 1, 10, 0, tzinfo=UTC)) == "<=2024-05-01T10:00:00+00:00"


# A run of the runs listing


def test_a_run_as_the_api_describes_it() -> None:
    raw = {**RUN, "head_sha": RUN["head_sha"].upper(), "status": "completed", "conclusion": "success"}
    raw |= {"run_attempt": 2, "run_started_at": "2020-01-22T19:40:00Z", "updated_at": "2020-01-22T19:45:00Z"}
    assert run(raw) == RunFacts(
        id=30433642,
        sha="acb5820ced9479c074f688cc328bf03f341a511d",
        branch="master",
        path=".github/workflows/build.yml@main",
        event="push",
        status="completed",
        conclusion="success",
        message="Create linter.yaml",
        html_url="https://github.com/octo-org/octo-repo/actions/runs/30433642",
        created_at=datetime(2020, 1, 22, 19, 33, 8, tzinfo=UTC),
        started_at=datetime(2020, 1, 22, 19, 40, tzinfo=UTC),
        updated_at=datetime(2020, 1, 22, 19, 45, tzinfo=UTC),
        attempt=2,
        actor_id=1,
    )


def test_a_run_with_nothing_but_its_id() -> None:
    assert run({"id": "7"}) == RunFacts(
        id=7,
        sha="",
        branch="",
        path="",
        event="",
        status="",
        conclusion=None,
        message=None,
        html_url="",
        created_at=None,
        started_at=None,
        updated_at=None,
        attempt=1,
        actor_id=None,
    )


def test_a_run_whose_fields_are_null() -> None:
    nulls = dict.fromkeys(RUN, None) | {"id": 3}
    assert run(nulls) == run({"id": 3})


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"run_started_at": None}, "started_at", datetime(2020, 1, 22, 19, 33, 8, tzinfo=UTC)),
        ({"run_started_at": "later"}, "started_at", datetime(2020, 1, 22, 19, 33, 8, tzinfo=UTC)),
        ({"run_attempt": "2"}, "attempt", 1),
        ({"run_attempt": None}, "attempt", 1),
        ({"actor": {"id": "1"}}, "actor_id", None),
        ({"actor": "octocat"}, "actor_id", None),
        ({"head_commit": "Create linter.yaml"}, "message", None),
        ({"head_commit": {"message": 7}}, "message", None),
        ({"conclusion": 0}, "conclusion", None),
    ],
)
def test_a_run_field_of_another_type_is_not_read(changes: dict[str, Any], field: str, expected: Any) -> None:
    assert getattr(run(RUN | changes), field) == expected


# The runs walked in windows: a pager as the gateway's (a page at a time, until one is short) and
# a GitHub that answers at most FILTERED_RUNS_CAP runs for a filtered listing.


def raw_run(n: int, created: datetime | None) -> dict[str, Any]:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else None
    return RUN | {"id": n, "status": "completed", "created_at": stamp, "run_started_at": stamp}


class GitHub:
    def __init__(self, runs: list[dict[str, Any]]) -> None:
        self.runs = runs  # newest first
        self.asked: list[dict[str, Any]] = []
        self.told: list[str] = []

    def pager(self, what: str, fetch: PageFetch[RunFacts]) -> Iterator[list[RunFacts]]:
        self.told.append(what)
        page = 0
        while True:
            items = fetch(page)
            yield items
            if len(items) < PAGE:
                return
            page += 1

    def get_json(self, url: str, query: dict[str, Any]) -> Any:
        assert url == f"{REPO}/actions/workflows/deploy%20prod%2Fv2.yml/runs"
        assert len(self.asked) < 60, "the walk does not end"
        self.asked.append(query)
        until = datetime.fromisoformat(query["created"].removeprefix("<="))
        matching = [r for r in self.runs if r["created_at"] is None or datetime.fromisoformat(r["created_at"]) <= until]
        capped = matching[:FILTERED_RUNS_CAP]
        first = (query["page"] - 1) * query["per_page"]
        return {"total_count": len(matching), "workflow_runs": capped[first : first + query["per_page"]]}


def walk(github: GitHub, until: datetime = START) -> list[list[int]]:
    pages = run_pages(github.pager, github.get_json, REPO, "deploy prod/v2.yml", "main", until)
    return [[r.id for r in page] for page in pages]


def query(page: int, until: datetime = START) -> dict[str, Any]:
    return {"branch": "main", "status": "completed", "created": created_filter(until), "per_page": PAGE, "page": page}


def history(count: int, step: timedelta = timedelta(minutes=1)) -> list[dict[str, Any]]:
    return [raw_run(count - n, START - n * step) for n in range(count)]


def test_a_short_history_is_one_window_of_pages() -> None:
    github = GitHub([raw_run(999, START + timedelta(seconds=1)), *history(150)])
    assert walk(github) == [list(range(150, 50, -1)), list(range(50, 0, -1))]
    assert github.asked == [query(1), query(2)]
    assert github.told == ["runs of deploy prod/v2.yml on main"]


def test_a_history_beyond_the_cap_is_walked_in_windows_from_the_oldest_run_listed() -> None:
    github = GitHub(history(2300))
    pages = walk(github)
    oldest = START - 999 * timedelta(minutes=1)  # of the first 1,000
    oldest_next = oldest - 999 * timedelta(minutes=1)
    assert github.asked == [
        *(query(p) for p in range(1, 11)),
        *(query(p, oldest) for p in range(1, 11)),
        *(query(p, oldest_next) for p in range(1, 5)),  # 301 older runs and the overlap
    ]
    assert pages[10][0] == pages[9][-1]  # the windows overlap by the oldest run
    assert sorted({n for page in pages for n in page}) == list(range(1, 2301))
    assert github.told == ["runs of deploy prod/v2.yml on main"] * 3


def test_a_history_of_exactly_the_cap_ends_with_the_oldest_run_listed_again() -> None:
    github = GitHub(history(FILTERED_RUNS_CAP))
    pages = walk(github)
    assert github.asked == [*(query(p) for p in range(1, 11)), query(1, START - 999 * timedelta(minutes=1))]
    assert pages[-1] == [1]


def test_a_history_of_one_run_less_than_the_cap_is_one_window() -> None:
    github = GitHub(history(FILTERED_RUNS_CAP - 1))
    assert len(walk(github)) == 10
    assert github.asked == [query(p) for p in range(1, 11)]


def test_a_window_whose_runs_all_started_together_is_the_last() -> None:
    github = GitHub(history(1500, step=timedelta(0)))  # nothing older to ask for
    assert len(walk(github)) == 10
    assert github.asked == [query(p) for p in range(1, 11)]


def test_a_window_of_runs_without_a_creation_time_is_the_last() -> None:
    github = GitHub([raw_run(n, None) for n in range(1500)])
    assert len(walk(github)) == 10
    assert len(github.asked) == 10


def test_the_oldest_run_is_the_oldest_whatever_the_order_of_the_answer() -> None:
    runs = history(1200)
    runs[500], runs[999] = runs[999], runs[500]  # the oldest of the first 1,000 in the middle
    runs[3]["created_at"] = None
    github = GitHub(runs)
    walk(github)
    assert github.asked[10] == query(1, START - 999 * timedelta(minutes=1))


class Answering(GitHub):
    """A GitHub giving one answer to every runs listing."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__([])
        self.answer = answer

    def get_json(self, url: str, query: dict[str, Any]) -> Any:
        return self.answer


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        ({"workflow_runs": None}, TypeError, r"^workflow_runs is not a list$"),
        ({"workflow_runs": [RUN] * 101}, GitHubUnavailable, r"^the answer holds 101 items"),
    ],
)
def test_a_runs_answer_that_is_not_a_page_of_runs_is_refused(
    answer: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        walk(Answering(answer))
