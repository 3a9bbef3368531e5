"""Text the action did not write is never a traceback: a JWT nested deep, a lone surrogate from
the event or GitHub, a token holding any Unicode line break, a URL whose password holds "/", a
100,000-character value. Each is a bad input that names the input, or is replaced; no message
quotes more than 200 characters of a value (quoting.py, the one helper every message uses)."""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import GITHUB_TOKEN, IFTRUE_TOKEN, event_payload, github_env, run_action
from tests.standins.github import GitHubStandIn
from tests.standins.iftrue import IftrueStandIn

from iftrue_deploy.history import no_such_tag
from iftrue_deploy.inputs import BY_NAME, INPUTS, InputError, check_jwt, parse_api_url
from iftrue_deploy.parsers import parse_token
from iftrue_deploy.quoting import QUOTE_LIMIT, quoted, text_without_userinfo, url_without_userinfo
from iftrue_deploy.record import DeploymentRecord
from iftrue_deploy.workflow import WorkflowCommands

# Every character some reader takes for the end of a line.
LINE_BREAKS = ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --- a JWT nested 5,000 deep ------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_jwt_nested_5000_deep_is_not_a_valid_jwt(opening: str) -> None:
    token = f"{b64(b'{}')}.{b64(opening.encode() * 5000)}.sig"
    with pytest.raises(InputError, match="'iftrue-token': expected the iftrue JWT") as raised:
        check_jwt("iftrue-token", token)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_jwt_nested_deep_is_one_error_end_to_end(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    token = f"{b64(b'{}')}.{b64(b'[' * 5000)}.sig"
    run = run_action(
        github_env(tmp_path, "push", event_payload("push-branch-created")),
        {"iftrue-token": token, "api-url": iftrue.url},
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert run.commands("error") == [
        "::error::Input 'iftrue-token': expected the iftrue JWT (three base64url parts separated by dots), "
        "got something else"
    ]
    assert iftrue.requests == []


# --- a lone surrogate from the event or from GitHub ---------------------------------------------


def test_a_lone_surrogate_in_any_record_field_is_replaced() -> None:
    record = DeploymentRecord(
        title="fix \ud800 it",
        changelog="- a \udfff",
        branch="feature/\ud83d",
        commit_id="6113728f27ae82c7b1a177c8d03f9e96e0adf246",
        repository_url="https://github.com/o/r",
        member_id="1",
        pull_request_number=0,
    )
    assert (record.title, record.changelog, record.branch) == ("fix \ufffd it", "- a \ufffd", "feature/\ufffd")
    json.dumps(record.payload(), ensure_ascii=False).encode("utf-8")  # a body that can be sent


def test_a_lone_surrogate_in_the_commit_message_is_reported(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Before: "Unexpected error: ValidationError" and nothing reported."""
    payload = event_payload("push-branch-created")
    payload["ref"] = "refs/heads/master"
    payload["head_commit"]["message"] = "Fix the cart \ud800 total\n\nbody \udc00"
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload))  # ensure_ascii: "\\ud800" in the file, as GitHub may send it
    assert "\\ud800" in event.read_text()
    run = run_action(github_env(tmp_path, "push", str(event)), {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url})
    assert run.returncode == 0, run.stdout
    assert "Unexpected error" not in run.stdout
    assert iftrue.records[0]["title"] == "Fix the cart \ufffd total"


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = GitHubStandIn(token=GITHUB_TOKEN).start()
    yield standin
    standin.stop()


def test_a_lone_surrogate_from_the_github_api_is_replaced(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    sha = github.add_commit("Add search (#7)")
    github.add_pull(7, "Add search \ud800", "feature/se\udc00arch", sha)
    payload = event_payload("push-branch-created")
    payload.update(ref="refs/heads/master", after=sha)
    payload["head_commit"].update(id=sha, message="Merge pull request #7")
    run = run_action(
        github_env(tmp_path, "push", payload, sha=sha, api_url=github.url),
        {"iftrue-token": IFTRUE_TOKEN, "github-token": GITHUB_TOKEN, "api-url": iftrue.url},
    )
    assert run.returncode == 0, run.stdout
    record = iftrue.records[0]
    assert (record["pull_request_number"], record["branch"]) == (7, "feature/se\ufffdarch")


# --- tokens holding a line break of any kind ------------------------------------------------------


@pytest.mark.parametrize("name", ["iftrue-token", "github-token"])
@pytest.mark.parametrize("brk", LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_token_with_any_line_break_is_a_bad_input_named_not_echoed(name: str, brk: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_token(name, f"ghs_first{brk}second_part")
    assert str(raised.value).startswith(f"Input '{name}': contains blanks or control characters")
    assert "first" not in str(raised.value) and "second" not in str(raised.value)


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_piece_of_a_token_is_masked_on_a_line_of_its_own(brk: str) -> None:
    stream = io.StringIO()
    WorkflowCommands(stream=stream).mask(f"ghs_first{brk}second_part")
    masks = stream.getvalue().split("\n")[:-1]
    assert masks == ["::add-mask::ghs_first", "::add-mask::second_part"]


@pytest.mark.parametrize("input_name", ["iftrue-token", "github-token"])
def test_a_token_with_u2028_end_to_end(tmp_path: Path, iftrue: IftrueStandIn, input_name: str) -> None:
    """Before: one `::add-mask::ghs_first\u2028second_part` line, which a reader may split and
    then print the second half unmasked."""
    inputs = {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue.url, input_name: "tok_first\u2028second_part"}
    run = run_action(github_env(tmp_path, "push", event_payload("push-branch-created")), inputs)
    assert run.returncode == 1
    assert "::add-mask::tok_first" in run.stdout.split("\n")
    assert "::add-mask::second_part" in run.stdout.split("\n")
    for line in re.split(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", run.stdout):
        assert not line.startswith(("tok_first", "second_part")) or line.startswith("::add-mask::"), line
    errors = run.commands("error")
    assert len(errors) == 1 and f"Input '{input_name}': contains blanks or control characters" in errors[0]
    assert "second_part" not in errors[0]
    assert iftrue.requests == []


# --- a URL whose password holds "/" ---------------------------------------------------------------


@pytest.mark.parametrize("password", ["s3cretPW/x", "s3cret?PW", "s3cret#PW", "s3cret@PW", "s3cret PW"])
def test_an_api_url_with_any_password_is_refused_without_showing_it(password: str) -> None:
    with pytest.raises(InputError, match="'api-url': expected") as raised:
        parse_api_url("api-url", f"https://user:{password}@iftrue.example/v1")
    assert "s3cret" not in str(raised.value) and "PW" not in str(raised.value)


def test_url_and_text_without_userinfo() -> None:
    assert url_without_userinfo("https://user:s3cretPW/x@host:8443/v1") == "https://***@host:8443/v1"
    assert text_without_userinfo("Failed to parse: https://user:s3cretPW/x@host/v1 (bad)") == (
        "Failed to parse: https://***@host/v1 (bad)"
    )


def test_api_url_password_with_a_slash_is_an_input_error_before_sending(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    """Before: accepted, then "Failed to parse: https://user:s3cretPW/x@…" quoted whole, and "after
    the deployment was sent"."""
    url = iftrue.url.replace("http://", "http://user:s3cretPW/x@")
    run = run_action(
        github_env(tmp_path, "push", event_payload("push-branch-created")),
        {"iftrue-token": IFTRUE_TOKEN, "api-url": url},
    )
    assert run.returncode == 1
    assert "s3cret" not in run.stdout + run.stderr
    errors = run.commands("error")
    assert len(errors) == 1 and errors[0].startswith(
        "::error::Input 'api-url': expected a base URL without credentials"
    )
    assert "was sent" not in run.stdout
    assert iftrue.requests == []


# --- no message quotes more than 200 characters of a value -------------------------------------


def test_quoted_keeps_200_characters_and_escapes_every_break() -> None:
    assert quoted("v1.0") == "'v1.0'"
    assert quoted("x" * 100_000) == repr("x" * (QUOTE_LIMIT - 1) + "…")
    assert "\u2028" not in quoted("a\u2028b") and "\n" not in quoted("a\nb")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([spec for spec in INPUTS if spec.name not in ("iftrue-token", "github-token")]), st.data())
def test_no_input_error_quotes_more_than_200_characters(spec: object, data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(["x", "-", "2024-13-01", "deployment:x", "https://h/", "ftp://"])) * 20_000
    try:
        BY_NAME[spec.name].parse(spec.name, value)  # type: ignore[attr-defined]
    except InputError as error:
        assert len(str(error)) < QUOTE_LIMIT + 200, str(error)[:300]


def test_a_100000_character_backfill_since_is_quoted_cut(
    tmp_path: Path, iftrue: IftrueStandIn, github: GitHubStandIn
) -> None:
    """Before: the whole value in the error, 100,000 characters on one line."""
    assert len(str(no_such_tag("v" * 100_000))) < 400
    github.add_release("v1.0.0", github.add_commit("First"))
    run = run_action(
        github_env(tmp_path, "workflow_dispatch", event_payload("workflow_dispatch"), api_url=github.url),
        {
            "iftrue-token": IFTRUE_TOKEN,
            "github-token": GITHUB_TOKEN,
            "api-url": iftrue.url,
            "backfill-since": "v" * 100_000,
        },
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert max(len(line) for line in run.stdout.splitlines()) < 600
    errors = run.commands("error")
    assert len(errors) == 1 and "no published release has the tag 'vvvv" in errors[0] and "…'" in errors[0]
    assert iftrue.requests == []
