"""The one table of settings: action.yml, the table and the command-line parser agree; each
setting is named the action's way or the command line's way; tokens and URLs are never echoed."""

from __future__ import annotations

import argparse
import math

import pytest
import yaml
from tests.conftest import ROOT

from iftrue_deploy.cli import build_parser
from iftrue_deploy.inputs import (
    BY_NAME,
    INPUTS,
    InputError,
    parse_api_url,
    parse_iftrue_token,
    parse_seconds,
    parse_token,
)
from iftrue_deploy.quoting import url_without_userinfo as without_userinfo
from iftrue_deploy.vocabulary import COMMAND_LINE, assign, either, label, runner, setting, speaking

# action.yml's defaults that are GitHub expressions, which the code cannot share.
EXPRESSION_DEFAULTS = {"github-token": "${{ github.token }}"}


def action_inputs() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "action.yml").read_text())
    return {name: str((spec or {}).get("default") or "") for name, spec in data["inputs"].items()}


def test_table_and_action_yml_have_the_same_inputs_in_order() -> None:
    assert [spec.name for spec in INPUTS if spec.action_input] == list(action_inputs())


def test_table_and_action_yml_have_the_same_defaults() -> None:
    declared = action_inputs()
    for spec in INPUTS:
        if spec.action_input:
            expected = EXPRESSION_DEFAULTS.get(spec.name, spec.default or "")
            assert declared[spec.name] == expected, spec.name
    assert BY_NAME["iftrue-token"].default is None and declared["iftrue-token"] == ""


def test_every_default_parses() -> None:
    for spec in INPUTS:
        if spec.default is not None:
            spec.value(None)


def flags(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {option: action for action in parser._actions for option in action.option_strings}


def test_cli_parser_has_a_flag_for_every_setting_and_names_its_variable() -> None:
    parser_flags = flags(build_parser())
    for spec in INPUTS:
        action = parser_flags[f"--{spec.name}"]
        assert action.dest == spec.name.replace("-", "_")
        assert action.help is not None and action.help.endswith(f"[{spec.variable}]")
        assert action.default is None  # the action's own default applies, from the table
        if spec.default is not None:
            assert f"(default: {spec.default})" in action.help
    table_flags = {f"--{spec.name}" for spec in INPUTS}
    context = {"--repository", "--event", "--event-name", "--sha", "--git-ref", "--github-api-url"}
    context |= {"--github-server-url", "--output", "--summary", "--help", "-h", "--version"}
    assert set(parser_flags) == table_flags | context


def test_variables_are_iftrue_names_except_the_github_token() -> None:
    assert BY_NAME["is-fix"].variable == "IFTRUE_IS_FIX"
    assert BY_NAME["iftrue-token"].variable == "IFTRUE_TOKEN"
    assert BY_NAME["github-token"].variable == "GITHUB_TOKEN"
    assert BY_NAME["read-timeout"].variable == "IFTRUE_READ_TIMEOUT"
    assert len({spec.variable for spec in INPUTS}) == len(INPUTS)


def test_an_error_is_named_the_action_way_by_default_and_the_cli_way_inside_speaking() -> None:
    error = InputError("is-fix", "expected true or false, got 'maybe'")
    assert str(error) == "Input 'is-fix': expected true or false, got 'maybe'"
    with speaking(COMMAND_LINE):
        assert str(error) == "--is-fix / IFTRUE_IS_FIX: expected true or false, got 'maybe'"
    assert str(error) == "Input 'is-fix': expected true or false, got 'maybe'"
    assert (error.name, error.problem) == ("is-fix", "expected true or false, got 'maybe'")


def test_tunings_are_variables_in_the_action() -> None:
    assert label("read-timeout") == "Variable IFTRUE_READ_TIMEOUT"
    assert assign("read-timeout", "5") == "IFTRUE_READ_TIMEOUT=5"
    with speaking(COMMAND_LINE):
        assert label("retry-base-delay") == "--retry-base-delay / IFTRUE_RETRY_BASE_DELAY"
        assert assign("read-timeout", "5") == "--read-timeout 5"
        assert (
            str(InputError("/x/event.json", "is not JSON", kind="Event file"))
            == "Event file '/x/event.json': is not JSON"
        )


def test_every_setting_has_the_words_of_both_places() -> None:
    for spec in INPUTS:
        with speaking(COMMAND_LINE):
            assert setting(spec.name) == label(spec.name) == f"--{spec.name} / {spec.variable}"
            assert assign(spec.name, "x") == f"--{spec.name} x"
        if spec.action_input:
            assert (setting(spec.name), label(spec.name)) == (spec.name, f"Input '{spec.name}'")
            assert assign(spec.name, "x") == f"{spec.name}: x"
        else:
            assert (setting(spec.name), label(spec.name)) == (spec.variable, f"Variable {spec.variable}")


def test_runner_variables_are_the_flags_the_command_line_reads_and_nothing_else() -> None:
    assert (runner("GITHUB_SHA"), runner("GITHUB_REF_NAME"), runner("GITHUB_ACTOR_ID")) == (
        "GITHUB_SHA",
        "GITHUB_REF_NAME",
        "GITHUB_ACTOR_ID",
    )
    with speaking(COMMAND_LINE):
        assert runner("GITHUB_SHA") == "--sha / GITHUB_SHA"
        assert runner("GITHUB_REF_NAME") == "--git-ref / GITHUB_REF"  # the command line sets it from --git-ref
        assert runner("GITHUB_ACTOR_ID") is None  # not read: never suggested
        assert either("a sender in the event", runner("GITHUB_ACTOR_ID")) == "a sender in the event"
    assert either("a", "b", None, "c") == "a, b or c"


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "", "ten", "1e400"])
def test_seconds_are_positive_and_finite(value: str) -> None:
    with pytest.raises(InputError, match="greater than 0"):
        parse_seconds("read-timeout", value)


def test_seconds() -> None:
    assert parse_seconds("read-timeout", "0.5") == 0.5
    assert math.isclose(parse_seconds("read-timeout", "1e-3"), 0.001)


@pytest.mark.parametrize(
    "token", ["ghs_a b", "ghs_a\nb", "ghs_a\rb", "ghs_a\tb", "ghs_a\x00b", "ghs_a\u2028b", "ghs_\x7f"]
)
def test_token_with_blanks_or_control_characters(token: str) -> None:
    with pytest.raises(InputError, match="'github-token': contains blanks or control characters") as raised:
        parse_token("github-token", token)
    assert "ghs_" not in str(raised.value)
    with pytest.raises(InputError, match="'iftrue-token': contains blanks"):
        parse_iftrue_token("iftrue-token", "eyJ.eyJ\n.sig")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@host/x", "https://***@host/x"),
        ("http://pw@host", "http://***@host"),
        ("user:pw@host", "***@host"),
        # A password may hold "/" (or "?", "#"): the last "@" ends the userinfo. A path with "@"
        # loses its start in the message; a password never shows.
        ("https://user:s3cretPW/x@host/v1", "https://***@host/v1"),
        ("https://u:a?b#c@host", "https://***@host"),
        ("https://u:p@ss@host", "https://***@host"),
        ("https://host/a@b", "https://***@b"),
        ("https://host", "https://host"),
    ],
)
def test_without_userinfo(url: str, shown: str) -> None:
    assert without_userinfo(url) == shown


@pytest.mark.parametrize(
    "url", ["http://user:s3cr3t@10.0.0.1", "ftp://user:s3cr3t@host", "https://user:s3cr3t@api.iftrue.co", "u:s3cr3t@x"]
)
def test_api_url_errors_never_show_the_password(url: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_api_url("api-url", url)
    assert "s3cr3t" not in str(raised.value)
    assert "***@" in str(raised.value)
