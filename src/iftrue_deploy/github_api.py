"""Where the GitHub token may go: ONE decision, and the gateway cannot be built without it.

- In a workflow (``GITHUB_ACTIONS=true``): ``GITHUB_API_URL``, as the runner sets it.
- Elsewhere (the command-line program): ``https://api.github.com``, or an API URL given
  explicitly (``--github-api-url`` or ``GITHUB_API_URL``), such as a GitHub Enterprise Server's
  ``https://HOST/api/v3``.

Nothing else. A git remote never gives an API URL: a remote on GitLab, Bitbucket, a mirror or a
local path gives the repository's name and web address at most. And the default goes only with
github.com: a repository whose web address (``GITHUB_SERVER_URL``) is elsewhere gets no API URL
unless one is given, so that neither its host nor api.github.com (which would answer about
another repository of the same name) receives the token.

:class:`GitHubApi` is what :class:`iftrue_deploy.gateway.PyGithubFacts` takes; :func:`github_api`,
called once by ``Settings.from_environ``, is the one place that makes one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .parsers import parse_api_url
from .vocabulary import label

GITHUB_COM = "https://github.com"
GITHUB_COM_API = "https://api.github.com"
# How the setting is named in messages (inputs.py: "Variable GITHUB_API_URL", or the CLI's flag).
SETTING = "github-api-url"
VARIABLE = "GITHUB_API_URL"


@dataclass(frozen=True)
class GitHubApi:
    """The one base URL the GitHub token is sent to, and who gave it."""

    url: str
    given_by: str
    in_workflow: bool

    @property
    def announcement(self) -> str | None:
        """Outside a workflow, where the token goes when that is not api.github.com (one line)."""
        if self.in_workflow or self.url == GITHUB_COM_API:
            return None
        return f"The GitHub token goes to {self.url} ({self.given_by}) and nowhere else."


@dataclass(frozen=True)
class NoGitHubApi:
    """No API URL may be used: the token is sent nowhere, and ``reason`` says why."""

    reason: str


def github_api(api_url: str, server_url: str, in_workflow: bool) -> GitHubApi | NoGitHubApi:
    """The decision. ``api_url`` is ``GITHUB_API_URL`` (a flag's value in the CLI), empty when not
    given; ``server_url`` the repository's web address (``GITHUB_SERVER_URL``, or the checkout's
    remote in the CLI). An explicit URL that is not https (http for loopback) raises InputError."""
    if in_workflow:
        return GitHubApi(api_url or GITHUB_COM_API, "the workflow's GITHUB_API_URL", in_workflow=True)
    if api_url:
        return GitHubApi(parse_api_url(SETTING, api_url), f"given by {label(SETTING)}", in_workflow=False)
    if server_url in ("", GITHUB_COM):
        return GitHubApi(GITHUB_COM_API, "github.com's API", in_workflow=False)
    return NoGitHubApi(
        f"the repository is on {server_url}, not github.com, and no GitHub API URL was given "
        f"(for a GitHub Enterprise Server, give {label(SETTING)}: https://HOST/api/v3)"
    )
