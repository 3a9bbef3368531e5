"""The one gateway to the GitHub REST API (through PyGithub). Nothing else imports ``github``.

Every answer is cached for the run, so a fact that two fields need costs one request, and every
failure becomes :class:`GitHubUnavailable` so that the field that asked falls back. PyGithub's
defaults are replaced on purpose:

- the connection: every request goes through one session (``connection.py``) whose adapter holds
  it to the run's :class:`~iftrue_deploy.client.Budget` (all lookups of one deployment within
  30 s; in a backfill, 30 s each) and reads at most 10 MiB of an answer. A list answer of more
  than :data:`PAGE` items is not GitHub's and is not read, so items lacking fields cost at most
  that many completions. A 5xx or a broken connect is tried once more, quickly.
- ``retry``: PyGithub's default waits for a rate limit to reset (up to an hour). Here it is waited
  for only when GitHub asks for a short wait (``Retry-After`` up to :data:`MAX_RATE_LIMIT_WAIT`),
  within :data:`WAIT_BUDGET` and the time left; otherwise the field falls back at once. A
  backfill's pacer (``pace_with``) is asked before every request and waits or stops.
- ``seconds_between_requests`` / ``seconds_between_writes``: PyGithub sleeps 0.25 s / 1 s between
  requests, for bursts of writes; the action makes a handful of reads and two writes: no sleep.
- ``lazy=True``: objects cost no request until a field that is not yet known is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

import requests

from ..client import BoundedAdapter, Budget, describe_failure, new_session
from ..facts import (
    CommitFacts,
    Comparison,
    DeploymentFacts,
    DeploymentStatusFacts,
    GitHubUnavailable,
    Pacer,
    PullRequestFacts,
    RateLimited,
    ReleaseFacts,
    RunFacts,
)
from ..github_api import GitHubApi
from ..quoting import quoted
from . import convert, listings
from .cache import AnswerCache
from .listings import Item

if TYPE_CHECKING:  # PyGithub itself is imported on the first question (a third of start-up)
    from github import Github, GithubException
    from github.Repository import Repository

MAX_RATE_LIMIT_WAIT = 10.0
WAIT_BUDGET = 20.0
PAGE = listings.PAGE

R = TypeVar("R")
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class PyGithubFacts:
    """The real answers to :class:`iftrue_deploy.facts.GitHubFacts`."""

    def __init__(
        self, api: GitHubApi, token: str, repo: str, budget: Budget, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._api_url, self._token, self._repository = api.url, token, repo  # github_api.py decided api.url
        self.budget = budget
        self._cache = AnswerCache()
        self._sleep = sleep
        self._waited = 0.0
        self._pacer: Pacer | None = None

    def pace_with(self, pacer: Pacer | None) -> None:
        self._pacer = pacer

    @cached_property
    def _github(self) -> Github:
        from github import Auth, Github

        from .connection import send_through

        github = Github(
            base_url=self._api_url,
            auth=Auth.Token(self._token),
            per_page=PAGE,
            seconds_between_requests=None,
            seconds_between_writes=None,
            lazy=True,
            user_agent="iftrue-deploy-action",
        )
        adapter = BoundedAdapter(self.budget, connect_retries=1, retry_statuses=RETRY_STATUSES)
        send_through(github.requester, new_session(adapter=adapter), urlsplit(self._api_url).scheme)
        return github

    @cached_property
    def _repo(self) -> Repository:
        return self._github.get_repo(self._repository)  # lazy: no request

    # --- plumbing: caching and turning every failure into GitHubUnavailable ---

    def _fetch(self, key: tuple[Any, ...], fetch: Callable[[], R]) -> R:
        return self._cache.get(key, partial(self._with_rate_limit_wait, fetch))

    def _with_rate_limit_wait(self, fetch: Callable[[], R]) -> R:
        from github import GithubException

        refusals = 0
        while True:
            if self._pacer is not None and (known := self.rate_limit()) is not None:
                self._pacer.before(*known)
            try:
                return fetch()
            except GithubException as error:
                wait = self._short_wait(error)
                if wait is not None:
                    self._waited += wait
                    self._sleep(wait)
                    continue
                reset_at = convert.rate_limit_reset(error, time.time()) if self._pacer else None
                if self._pacer is None or reset_at is None:
                    raise GitHubUnavailable(convert.describe(error)) from None
                if (refusals := refusals + 1) > 2:
                    raise RateLimited(f"GitHub refuses after the reset ({convert.describe(error)})") from None
                self._pacer.refused(reset_at)  # waits for the reset, or raises RateLimited
            except requests.exceptions.RequestException as error:
                raise GitHubUnavailable(describe_failure(error)) from None
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
                # A truncated or malformed answer (e.g. JSON cut off mid-way).
                raise GitHubUnavailable(f"unreadable answer ({type(error).__name__})") from None
            except (AssertionError, RuntimeError) as error:
                # PyGithub refuses a URL or a redirect to another host than the API's.
                raise GitHubUnavailable(f"an answer that points elsewhere ({type(error).__name__})") from None

    def _short_wait(self, error: GithubException) -> float | None:
        """Seconds to wait before asking again, or None to fall back now."""
        wait = convert.retry_after(error)
        if wait is None or wait > MAX_RATE_LIMIT_WAIT or self._waited + wait > WAIT_BUDGET:
            return None
        if wait >= self.budget.left() - 1:
            return None  # no time left to ask again
        return wait

    # --- the facts ---

    def pull_requests_for_commit(self, sha: str) -> list[PullRequestFacts]:
        def fetch() -> list[PullRequestFacts]:
            from github.PullRequest import PullRequest

            listed = self._listed(PullRequest, f"commits/{quote(sha, safe='')}/pulls")
            return [convert.pull_request(pr, with_commits=False) for pr in listed]

        return self._fetch(("pulls-for", sha), fetch)

    def pull_request(self, number: int) -> PullRequestFacts:
        return self._fetch(
            ("pull", number), lambda: convert.pull_request(self._repo.get_pull(number), with_commits=True)
        )

    def commit(self, ref: str) -> CommitFacts:
        def fetch() -> CommitFacts:
            found = self._repo.get_commit(ref)
            # Reading the message fetches the commit; before that, a lazy commit's sha is the ref.
            message = found.commit.message or ""
            return CommitFacts(sha=found.sha.lower(), message=message)

        return self._fetch(("commit", ref), fetch)

    def compare(self, base: str, head: str) -> Comparison:
        def fetch() -> Comparison:
            # One request: the first page of commits comes with the comparison itself.
            return convert.comparison(self._get_json(f"{self._repo.url}/compare/{base}...{head}", {}), head)

        return self._fetch(("compare", base, head), fetch)

    def count_commits(self, ref: str) -> int:
        return self._fetch(("count", ref), lambda: self._repo.get_commits(sha=ref).totalCount)

    def run_started_at(self, run_id: str, attempt: str) -> datetime:
        def fetch() -> datetime:
            # The attempt's own start, so that a re-run is timed from when it started.
            url = f"{self._repo.url}/actions/runs/{int(run_id)}"
            if attempt.isdigit():
                url += f"/attempts/{int(attempt)}"
            return convert.run_start(self._get_json(url, {}))

        return self._fetch(("run", run_id, attempt), fetch)

    def releases(self) -> list[ReleaseFacts]:
        return self._fetch(("releases",), partial(self._releases, 0))

    def release_pages(self) -> Iterator[list[ReleaseFacts]]:
        return self._pages("releases", self._releases)

    def _releases(self, page: int) -> list[ReleaseFacts]:
        from github.GitRelease import GitRelease

        return [convert.release(r) for r in self._listed(GitRelease, "releases", page)]

    def deployment_pages(self, environment: str) -> Iterator[list[DeploymentFacts]]:
        return self._pages(f"deployments in {quoted(environment)}", partial(self._deployments, environment, None))

    def _deployments(self, environment: str, sha: str | None, page: int = 0) -> list[DeploymentFacts]:
        from github.Deployment import Deployment

        query = {"environment": environment, **({"sha": sha} if sha else {})}
        return [convert.deployment(d) for d in self._listed(Deployment, "deployments", page, **query)]

    def _listed(self, item: type[Item], path: str, page: int = 0, **query: str) -> Iterator[Item]:
        return listings.listed(self._github.requester, item, f"{self._repo.url}/{path}", page, query)

    def run_pages(self, workflow: str, branch: str, created_until: datetime) -> Iterator[list[RunFacts]]:
        return listings.run_pages(self._pages, self._get_json, self._repo.url, workflow, branch, created_until)

    def default_branch(self) -> str:
        return self._fetch(("default-branch",), lambda: str(self._get_json(self._repo.url, {})["default_branch"]))

    def _get_json(self, url: str, parameters: dict[str, Any]) -> Any:
        return self._github.requester.requestJsonAndCheck("GET", url, parameters=parameters or None)[1]

    def _pages(self, what: str, fetch_page: Callable[[int], list[R]]) -> Iterator[list[R]]:
        """Pages of PAGE items, fetched as the walk needs them and told to the pacer."""
        page, count = 0, 0
        while True:
            items = self._with_rate_limit_wait(partial(fetch_page, page))
            count += len(items)
            if self._pacer is not None:
                self._pacer.listed(what, page + 1, count)
            yield items
            if len(items) < PAGE:
                return
            page += 1

    def rate_limit(self) -> tuple[int, float] | None:
        if "_github" not in self.__dict__:
            return None  # nothing asked yet
        # The last answer's headers: Github.rate_limiting would spend a request on /rate_limit.
        requester = self._github.requester
        remaining, _limit = requester.rate_limiting
        if remaining < 0:
            return None
        return remaining, float(requester.rate_limiting_resettime)

    def deployments(self, environment: str, sha: str | None = None) -> list[DeploymentFacts]:
        return self._fetch(("deployments", environment, sha), partial(self._deployments, environment, sha))

    def deployment_statuses(self, deployment_id: int) -> list[DeploymentStatusFacts]:
        def fetch() -> list[DeploymentStatusFacts]:
            from github.DeploymentStatus import DeploymentStatus

            listed = self._listed(DeploymentStatus, f"deployments/{int(deployment_id)}/statuses")
            return [convert.deployment_status(s) for s in listed]

        return self._fetch(("statuses", deployment_id), fetch)

    def file_text(self, path: str, ref: str) -> str:
        def fetch() -> str:
            found = self._repo.get_contents(path, ref=ref)
            if isinstance(found, list):
                raise ValueError(f"{path} is a directory")
            return found.decoded_content.decode("utf-8")

        return self._fetch(("file", path, ref), fetch)

    def create_deployment(
        self, sha: str, ref: str, environment: str, state: str, log_url: str | None
    ) -> DeploymentFacts:
        def create() -> DeploymentFacts:
            deployment = self._repo.create_deployment(
                ref=ref,
                environment=environment,
                auto_merge=False,
                required_contexts=[],
                description="Reported to iftrue",
                production_environment=environment == "production",
                transient_environment=False,
            )
            # target_url is the status's log link (GitHub calls it log_url in the API).
            if log_url:
                deployment.create_status(state, target_url=log_url, environment=environment, auto_inactive=True)
            else:
                deployment.create_status(state, environment=environment, auto_inactive=True)
            return convert.deployment(deployment)

        return self._fetch(("create-deployment", sha, environment), create)
