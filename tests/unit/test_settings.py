"""Settings from the environment: hyphenated inputs, underscore fallback, empties, validation."""

from __future__ import annotations

import base64
import json

import pytest
from tests.conftest import IFTRUE_TOKEN as TOKEN

from iftrue_deploy.inputs import InputError, check_jwt, parse_api_url
from iftrue_deploy.settings import Settings, parse_status


def settings(**env: str) -> Settings:
    return Settings.from_environ(env)


def test_hyphenated_name_wins_and_underscore_form_is_accepted() -> None:
    s = settings(**{"INPUT_IFTRUE-TOKEN": TOKEN, "INPUT_API_URL": "https://x.example", "INPUT_IS-FIX": "TRUE"})
    assert s.iftrue_token == TOKEN
    assert s.api_url == "https://x.example"
    assert s.overrides.is_fix is True


def test_empty_inputs_are_unset() -> None:
    s = settings(**{"INPUT_IFTRUE-TOKEN": TOKEN, "INPUT_TITLE": "  ", "INPUT_ENVIRONMENT": "", "INPUT_FIX-LABELS": ""})
    assert s.overrides.title is None
    assert s.environment == "production"
    assert s.fix_labels == ("bug", "fix")


def test_repr_hides_both_tokens() -> None:
    s = settings(**{"INPUT_IFTRUE-TOKEN": TOKEN, "INPUT_GITHUB-TOKEN": "ghs_secret"})
    assert TOKEN not in repr(s) and "ghs_secret" not in repr(s)


def test_token_not_needed_for_a_dry_run() -> None:
    assert settings(**{"INPUT_DRY-RUN": "true"}).iftrue_token is None
    with pytest.raises(InputError, match="'iftrue-token'"):
        settings()


@pytest.mark.parametrize(
    ("word", "expected"),
    [("success", "succes"), ("SUCCES", "succes"), ("pending", "in_progress"), ("failure", "fail"), ("error", "fail")],
)
def test_status_words(word: str, expected: str) -> None:
    assert parse_status("status", word) == (expected, False)


@pytest.mark.parametrize("word", ["cancelled", "skipped"])
def test_status_words_that_report_nothing(word: str) -> None:
    assert parse_status("status", word) == (None, True)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9", "https://api.iftrue.co/"]
)
def test_api_url_accepts_https_and_loopback_http(url: str) -> None:
    assert parse_api_url("api-url", url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://10.0.0.1", "https://user:pw@api.iftrue.co", "api.iftrue.co", "https://x?y=1"])
def test_api_url_rejects_the_rest(url: str) -> None:
    with pytest.raises(InputError, match="'api-url'"):
        parse_api_url("api-url", url)


def test_labels_are_lowercased_and_trimmed() -> None:
    s = settings(**{"INPUT_DRY-RUN": "true", "INPUT_FIX-LABELS": " Bug , type: fix,,", "INPUT_HOTFIX-LABELS": "P0"})
    assert s.fix_labels == ("bug", "type: fix")
    assert s.hotfix_labels == ("p0",)


def jwt_with(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2ln"


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b", "a.b.c.d", "eyJ.eyJ.x", "%%%.@@@.x"])
def test_token_that_is_not_a_jwt(token: str) -> None:
    with pytest.raises(InputError, match="'iftrue-token': expected the iftrue JWT") as raised:
        settings(**{"INPUT_IFTRUE-TOKEN": token})
    assert token not in str(raised.value)


def test_expired_token_says_when() -> None:
    with pytest.raises(InputError, match="expired on 2023-11-14 22:13 UTC"):
        check_jwt("iftrue-token", jwt_with({"exp": 1700000000}))


def test_token_without_expiry_or_in_date_is_accepted() -> None:
    check_jwt("iftrue-token", jwt_with({"sub": "org"}))
    check_jwt("iftrue-token", jwt_with({"exp": 1700000000}), now=1600000000)


def test_tunings_are_read_from_their_variables() -> None:
    s = settings(**{"INPUT_DRY-RUN": "true", "IFTRUE_READ_TIMEOUT": " 2.5 ", "IFTRUE_RETRY_BASE_DELAY": "0.01"})
    assert (s.read_timeout, s.retry_base_delay) == (2.5, 0.01)
    default = settings(**{"INPUT_DRY-RUN": "true", "IFTRUE_READ_TIMEOUT": ""})
    assert (default.read_timeout, default.retry_base_delay) == (30.0, 1.0)
    # An input of that name is no way to set it: only the variable is.
    assert settings(**{"INPUT_DRY-RUN": "true", "INPUT_READ-TIMEOUT": "5"}).read_timeout == 30.0


@pytest.mark.parametrize("variable", ["IFTRUE_READ_TIMEOUT", "IFTRUE_RETRY_BASE_DELAY"])
@pytest.mark.parametrize("value", ["0", "-2", "nan", "inf", "soon"])
def test_tunings_reject_zero_negatives_and_non_numbers(variable: str, value: str) -> None:
    with pytest.raises(InputError, match=f"^Variable {variable}: expected a number of seconds greater than 0"):
        settings(**{"INPUT_DRY-RUN": "true", variable: value})


@pytest.mark.parametrize("name", ["IFTRUE-TOKEN", "GITHUB-TOKEN"])
def test_token_with_a_line_break_is_named_and_not_echoed(name: str) -> None:
    token = TOKEN[:20] + "\n" + TOKEN[20:]
    with pytest.raises(InputError, match="contains blanks or control characters") as raised:
        settings(**{"INPUT_IFTRUE-TOKEN": TOKEN, f"INPUT_{name}": token})
    assert f"'{name.lower()}'" in str(raised.value)
    assert TOKEN[:20] not in str(raised.value) and TOKEN[20:] not in str(raised.value)


def test_messages_do_not_use_actions_expressions_for_the_status() -> None:
    with pytest.raises(InputError, match="the values of the job's status") as raised:
        parse_status("status", "done")
    assert "${{" not in str(raised.value)
