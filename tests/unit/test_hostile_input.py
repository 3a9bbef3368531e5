"""Hostile and odd input: property-based tests over the input parsers and over event payloads with
missing, null or wrongly typed fields. The action derives a value or falls back; it never crashes."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import EVENTS, IFTRUE_TOKEN

from iftrue_deploy.derive import Lookups, Skip, derive_record, options_from
from iftrue_deploy.inputs import (
    InputError,
    check_jwt,
    parse_api_url,
    parse_backfill_since,
    parse_bool,
    parse_non_negative,
    parse_whole,
)
from iftrue_deploy.record import CAP_MARKER, CHANGELOG_CAP, TITLE_CAP, DeploymentRecord
from iftrue_deploy.settings import Settings, parse_status
from iftrue_deploy.trigger import read_trigger

PARSERS = [parse_bool, parse_whole, parse_non_negative, parse_status, parse_api_url, parse_backfill_since, check_jwt]
TRIGGERS = {
    "push": "push-branch-created",
    "pull_request": "pull_request-closed-merged",
    "release": "release-published",
    "deployment": "deployment-created",
    "deployment_status": "deployment_status-success",
    "workflow_run": "workflow_run-completed-with-pr",
    "workflow_dispatch": "workflow_dispatch",
}
PAYLOADS = {name: json.loads((EVENTS / f"{fixture}.json").read_text()) for name, fixture in TRIGGERS.items()}
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def derive_without_github(
    settings: Settings, payload: dict[str, Any], now: Any = lambda: datetime.now(UTC)
) -> DeploymentRecord:
    trigger = read_trigger(payload, settings.runner, settings.ref, settings.overrides.commit_id)
    lookups = Lookups(None, settings.environment, "no token")
    return derive_record(settings.overrides, trigger, lookups, options_from(settings), now)


@pytest.mark.parametrize("parse", PARSERS, ids=lambda p: p.__name__)
@given(value=st.text(max_size=200))
def test_parsers_accept_or_name_the_input(parse: Any, value: str) -> None:
    try:
        parse("the-input", value)
    except InputError as error:
        assert "'the-input'" in str(error)
        assert "\n" not in str(error)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += paths(item, (*prefix, index))
    return found


def mutate(payload: dict[str, Any], path: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    result = copy.deepcopy(payload)
    target: Any = result
    for key in path[:-1]:
        target = target[key]
    if delete and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return result


def settings_for(event_name: str) -> Settings:
    return Settings.from_environ(
        {
            "INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN,
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_SHA": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_ACTOR_ID": "1",
            "GITHUB_RUN_ID": "9",
        }
    )


@pytest.mark.parametrize("event_name", TRIGGERS)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_odd_payloads_never_crash(event_name: str, data: st.DataObject) -> None:
    payload = PAYLOADS[event_name]
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        path = data.draw(st.sampled_from(paths(payload)))
        payload = mutate(payload, path, data.draw(ODD_VALUES), data.draw(st.booleans()))
    try:
        record = derive_without_github(settings_for(event_name), payload)
    except (Skip, InputError):
        return
    body = record.payload()
    assert re.fullmatch(r"[0-9a-f]{40}", body["commit_id"])
    assert body["title"] and body["branch"] and body["member_id"] and body["repository_url"]
    assert isinstance(body["pull_request_number"], int) and body["pull_request_number"] >= 0
    json.dumps(body)


@given(
    payload=st.recursive(
        ODD_VALUES, lambda inner: st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=20
    )
)
@settings(max_examples=200, deadline=None)
def test_arbitrary_json_as_the_event_never_crashes(payload: Any) -> None:
    if not isinstance(payload, dict):
        payload = {"value": payload}
    for event_name in ("push", "release", "workflow_run", "deployment_status", "pull_request"):
        try:
            derive_without_github(settings_for(event_name), payload)
        except (Skip, InputError):
            pass


def test_long_title_and_changelog_are_capped_with_a_marker() -> None:
    payload = copy.deepcopy(PAYLOADS["release"])
    payload["action"] = "released"  # changed: `published` of a full release leaves the record to `released`
    payload["release"].update(name="T" * 5000, body="line\n" * 40000)
    record = derive_without_github(settings_for("release"), payload, lambda: datetime.now(UTC))
    assert len(record.title) == TITLE_CAP and record.title.endswith(CAP_MARKER)
    assert record.changelog is not None
    assert len(record.changelog) == CHANGELOG_CAP and record.changelog.endswith(CAP_MARKER)


def test_unicode_and_newlines_survive_into_the_record() -> None:
    payload = copy.deepcopy(PAYLOADS["pull_request"])
    payload["pull_request"]["title"] = "Ünïcödé 🚀 title\nwith a second line"
    payload["pull_request"]["head"]["ref"] = "feature/naïve-é"
    record = derive_without_github(settings_for("pull_request"), payload)
    assert record.title == "Ünïcödé 🚀 title\nwith a second line"
    assert record.branch == "feature/naïve-é"


def test_nothing_is_run_through_a_shell() -> None:
    source = Path(__file__).resolve().parents[2] / "src" / "iftrue_deploy"
    text = "\n".join(p.read_text() for p in source.rglob("*.py"))
    for forbidden in ("subprocess", "os.system", "os.popen", "shell=True", "eval(", "exec("):
        assert forbidden not in text


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_an_event_nested_100000_deep_is_one_error_naming_the_file(tmp_path: Path, opening: str) -> None:
    from tests.conftest import github_env, run_action

    event = tmp_path / "deep.json"
    event.write_text(opening * 100_000)
    for fail_on_error in ("true", "false"):
        run = run_action(
            github_env(tmp_path, "push", str(event)),
            {"iftrue-token": IFTRUE_TOKEN, "api-url": "http://127.0.0.1:9", "fail-on-error": fail_on_error},
        )
        assert run.returncode == 1  # bad input, not a failure to report: fail-on-error does not apply
        assert "Traceback" not in run.stdout + run.stderr
        errors = run.commands("error")
        assert len(errors) == 1 and str(event) in errors[0] and "nested too deeply" in errors[0]
