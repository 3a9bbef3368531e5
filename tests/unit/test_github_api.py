"""Where the GitHub token may go: one decision (github_api.py), which the gateway cannot do without."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.conftest import GITHUB_TOKEN, IFTRUE_TOKEN, event_payload, github_env, run_action

from iftrue_deploy.github_api import GITHUB_COM_API, GitHubApi, NoGitHubApi, github_api
from iftrue_deploy.inputs import InputError
from iftrue_deploy.main import github_gateway
from iftrue_deploy.settings import Settings
from iftrue_deploy.vocabulary import COMMAND_LINE, speaking

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "iftrue_deploy"


def settings(**variables: str) -> Settings:
    return Settings.from_environ(
        {
            "INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN,
            "INPUT_GITHUB-TOKEN": GITHUB_TOKEN,
            "GITHUB_REPOSITORY": "o/r",
            **variables,
        }
    )


def test_in_a_workflow_the_runners_api_url() -> None:
    api = settings(GITHUB_ACTIONS="true", GITHUB_API_URL="https://ghe.example.com/api/v3").github_api
    assert api == GitHubApi("https://ghe.example.com/api/v3", "the workflow's GITHUB_API_URL", in_workflow=True)
    assert api.announcement is None  # the runner's own: nothing to say in every run
    # A workflow's server on another host is the runner's business: its API URL is what it says.
    api = settings(GITHUB_ACTIONS="true", GITHUB_SERVER_URL="https://ghe.example.com").github_api
    assert isinstance(api, GitHubApi) and api.url == GITHUB_COM_API


def test_outside_a_workflow_github_com_or_an_explicit_url() -> None:
    assert settings().github_api == GitHubApi(GITHUB_COM_API, "github.com's API", in_workflow=False)
    assert settings(GITHUB_SERVER_URL="https://github.com").github_api.announcement is None  # type: ignore[union-attr]
    api = settings(GITHUB_API_URL="https://ghe.example.com/api/v3/").github_api
    assert isinstance(api, GitHubApi) and api.url == "https://ghe.example.com/api/v3"
    assert api.announcement == (
        "The GitHub token goes to https://ghe.example.com/api/v3 (given by Variable GITHUB_API_URL) and nowhere else."
    )


@pytest.mark.parametrize("server", ["https://gitlab.com", "https://ghe.example.com", "http://127.0.0.1:8929"])
def test_a_repository_on_another_host_gets_no_api_url(server: str) -> None:
    current = settings(GITHUB_SERVER_URL=server)
    assert isinstance(current.github_api, NoGitHubApi)
    assert current.github_api.reason.startswith(f"the repository is on {server}, not github.com")
    github, why_not, notice = github_gateway(current)
    assert github is None and "the GitHub token is not sent" in why_not
    assert notice is not None and notice.startswith("The GitHub token is not sent: the repository is on")


@pytest.mark.parametrize(
    "url", ["http://ghe.example.com/api/v3", "https://u:p/w@ghe.example.com", "ftp://x", "https://h?q=1"]
)
def test_an_explicit_url_must_be_https_without_credentials(url: str) -> None:
    with pytest.raises(InputError) as raised:
        github_api(url, "https://github.com", in_workflow=False)
    assert str(raised.value).startswith("Variable GITHUB_API_URL: expected")
    assert "p/w" not in str(raised.value)
    with speaking(COMMAND_LINE), pytest.raises(InputError, match=r"^--github-api-url / GITHUB_API_URL: expected"):
        github_api(url, "https://github.com", in_workflow=False)


def calls(name: str) -> list[str]:
    """`module.function` of every call to `name` in the package."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
                        found.append(f"{path.stem}.{function.name}")
    return sorted(found)


def test_one_path_builds_the_gateway_and_one_decides_where_the_token_goes() -> None:
    """A new path to GitHub goes through settings.github_api, or this fails."""
    assert calls("PyGithubFacts") == ["main.github_gateway"]
    assert calls("GitHubApi") == ["github_api.github_api", "github_api.github_api", "github_api.github_api"]
    # What the CLI reads from the checkout never names an API URL.
    cli = ast.parse((PACKAGE / "cli.py").read_text())
    complete = next(n for n in ast.walk(cli) if isinstance(n, ast.FunctionDef) and n.name == "complete_from_checkout")
    strings = [n.value for n in ast.walk(complete) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert "GITHUB_SERVER_URL" in strings and not [s for s in strings if "API" in s or "api" in s]


def test_both_tokens_are_masked_before_anything_else_is_printed(tmp_path: Path) -> None:
    """Seeded bug: without `commands.mask(github-token)` every run still passed (issue 16)."""
    run = run_action(
        github_env(tmp_path, "push", event_payload("push-branch-created")),
        {"iftrue-token": IFTRUE_TOKEN, "github-token": GITHUB_TOKEN, "dry-run": "true"},
    )
    assert run.stdout.splitlines()[:2] == [f"::add-mask::{IFTRUE_TOKEN}", f"::add-mask::{GITHUB_TOKEN}"]
