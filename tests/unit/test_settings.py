"""Settings from the environment: hyphenated inputs, underscore fallback, empties, validation."""

from __future__ import annotations

import pytest

from iftrue_deploy.settings import InputError, Settings, parse_api_url, parse_status


def settings(**env: str) -> Settings:
    return Settings.from_environ(env)


def test_hyphenated_name_wins_and_underscore_form_is_accepted() -> None:
    s = settings(**{"INPUT_IFTRUE-TOKEN": "t1", "INPUT_API_URL": "https://x.example", "INPUT_IS-FIX": "TRUE"})
    assert s.iftrue_token == "t1"
    assert s.api_url == "https://x.example"
    assert s.overrides.is_fix is True


def test_empty_inputs_are_unset() -> None:
    s = settings(**{"INPUT_IFTRUE-TOKEN": "t", "INPUT_TITLE": "  ", "INPUT_ENVIRONMENT": "", "INPUT_FIX-LABELS": ""})
    assert s.overrides.title is None
    assert s.environment == "production"
    assert s.fix_labels == ("bug", "fix")


def test_repr_hides_both_tokens() -> None:
    s = settings(**{"INPUT_IFTRUE-TOKEN": "iftrue-secret", "INPUT_GITHUB-TOKEN": "ghs_secret"})
    assert "iftrue-secret" not in repr(s) and "ghs_secret" not in repr(s)


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
