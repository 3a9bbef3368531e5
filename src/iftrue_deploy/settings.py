"""The action's settings: step inputs and the runner's ``GITHUB_*`` environment, parsed once.

GitHub hands a Docker action each input as ``INPUT_<ID upper-cased>`` with hyphens kept, sends
unset inputs as empty strings and does not enforce ``required``. Every input is parsed by its entry
in :data:`inputs.INPUTS`, and every problem is an :class:`InputError` that names the input and what
was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from . import inputs as spec
from .github_api import GITHUB_COM, GitHubApi, NoGitHubApi, github_api
from .inputs import DEFAULT_API_URL, BackfillSource, DurationUnit, InputError, parse_status
from .status import ApiStatus
from .vocabulary import assign

__all__ = ["ActionInputs", "DurationUnit", "InputError", "RunnerEnv", "Settings", "parse_status"]


@dataclass(frozen=True)
class FieldOverrides:
    """Record fields given explicitly as inputs. ``None`` means "derive it"."""

    title: str | None = None
    changelog: str | None = None
    url: str | None = None
    branch: str | None = None
    commit_id: str | None = None
    deployment_duration: float | None = None
    is_fix: bool | None = None
    is_hotfix: bool | None = None
    is_forced: bool | None = None
    commits_count: int | None = None
    repository_url: str | None = None
    member_id: str | None = None
    pull_request_number: int | None = None
    deployment_node_id: str | None = None
    status: ApiStatus | None = None
    # True when the `status` input was cancelled/skipped: report nothing.
    status_skipped: str | None = None


@dataclass(frozen=True)
class RunnerEnv:
    """What the GitHub runner (or another CI) says about the run, from ``GITHUB_*`` variables."""

    event_name: str = field(default="", metadata={"variable": "GITHUB_EVENT_NAME"})
    event_path: str = field(default="", metadata={"variable": "GITHUB_EVENT_PATH"})
    sha: str = field(default="", metadata={"variable": "GITHUB_SHA"})
    ref: str = field(default="", metadata={"variable": "GITHUB_REF"})
    ref_name: str = field(default="", metadata={"variable": "GITHUB_REF_NAME"})
    repository: str = field(default="", metadata={"variable": "GITHUB_REPOSITORY"})
    server_url: str = field(default="https://github.com", metadata={"variable": "GITHUB_SERVER_URL"})
    # Empty when not given: where the GitHub token may go is decided by github_api.github_api alone.
    api_url: str = field(default="", metadata={"variable": "GITHUB_API_URL"})
    run_id: str = field(default="", metadata={"variable": "GITHUB_RUN_ID"})
    run_attempt: str = field(default="", metadata={"variable": "GITHUB_RUN_ATTEMPT"})
    actor_id: str = field(default="", metadata={"variable": "GITHUB_ACTOR_ID"})
    workflow_ref: str = field(default="", metadata={"variable": "GITHUB_WORKFLOW_REF"})
    workspace: str = field(default="", metadata={"variable": "GITHUB_WORKSPACE"})
    actions: str = field(default="", metadata={"variable": "GITHUB_ACTIONS"})

    @property
    def run_url(self) -> str | None:
        if not (self.repository and self.run_id):
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"


@dataclass(frozen=True)
class Settings:
    iftrue_token: str | None = field(repr=False)
    github_token: str | None = field(repr=False)
    api_url: str = DEFAULT_API_URL
    overrides: FieldOverrides = field(default_factory=FieldOverrides)
    ref: str | None = None
    environment: str = "production"
    create_github_deployment: bool = False
    fix_labels: tuple[str, ...] = ("bug", "fix")
    hotfix_labels: tuple[str, ...] = ("hotfix",)
    duration_unit: DurationUnit = "minutes"
    dry_run: bool = False
    fail_on_error: bool = True
    backfill_since: str | None = None
    backfill_source: BackfillSource = "releases"
    backfill_workflow: str | None = None
    runner: RunnerEnv = field(default_factory=RunnerEnv)
    # Where the GitHub token may go (or why nowhere): the gateway takes nothing else.
    github_api: GitHubApi | NoGitHubApi = field(default_factory=lambda: github_api("", GITHUB_COM, in_workflow=False))
    # First back-off of the iftrue retries and the read timeout, in seconds
    # (IFTRUE_RETRY_BASE_DELAY, IFTRUE_READ_TIMEOUT: for tests and unusual networks).
    retry_base_delay: float = 1.0
    read_timeout: float = 30.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        return settings_from_inputs(ActionInputs(environ), runner_from_environ(environ))


class ActionInputs:
    """Reads ``INPUT_*`` variables the way GitHub writes them for a Docker action, and the tunings
    that are no inputs (``IFTRUE_READ_TIMEOUT``, …) from their own variables."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def get(self, name: str) -> str | None:
        upper = name.upper()
        tuning = spec.BY_NAME.get(name)
        if tuning is not None and not tuning.action_input:
            keys: tuple[str, ...] = (tuning.variable,)
        else:
            keys = (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}")
        for key in keys:
            value = self._environ.get(key)
            if value is not None and value.strip() != "":
                return value.strip()
        return None


def runner_from_environ(environ: Mapping[str, str]) -> RunnerEnv:
    """Each field from its variable (named in the field), an empty one as unset."""
    values: dict[str, str] = {}
    for f in fields(RunnerEnv):
        value = environ.get(f.metadata["variable"], "").strip() or str(f.default)
        values[f.name] = value.rstrip("/") if f.name.endswith("_url") else value
    return RunnerEnv(**values)


def settings_from_inputs(inputs: ActionInputs, runner: RunnerEnv) -> Settings:
    """Validates every input; raises InputError for the first one that is wrong."""
    raw = inputs.get

    status: ApiStatus | None = None
    skipped: str | None = None
    raw_status = raw("status")
    if raw_status is not None:
        status, is_skipped = parse_status("status", raw_status)
        skipped = raw_status.lower() if is_skipped else None

    overrides = FieldOverrides(
        title=spec.TITLE.given(raw("title")),
        changelog=spec.CHANGELOG.given(raw("changelog")),
        url=spec.URL.given(raw("url")),
        branch=spec.BRANCH.given(raw("branch")),
        commit_id=spec.COMMIT_ID.given(raw("commit-id")),
        deployment_duration=spec.DEPLOYMENT_DURATION.given(raw("deployment-duration")),
        is_fix=spec.IS_FIX.given(raw("is-fix")),
        is_hotfix=spec.IS_HOTFIX.given(raw("is-hotfix")),
        is_forced=spec.IS_FORCED.given(raw("is-forced")),
        commits_count=spec.COMMITS_COUNT.given(raw("commits-count")),
        repository_url=spec.REPOSITORY_URL.given(raw("repository-url")),
        member_id=spec.MEMBER_ID.given(raw("member-id")),
        pull_request_number=spec.PULL_REQUEST_NUMBER.given(raw("pull-request-number")),
        deployment_node_id=spec.DEPLOYMENT_NODE_ID.given(raw("deployment-node-id")),
        status=status,
        status_skipped=skipped,
    )

    dry_run = spec.DRY_RUN.value(raw("dry-run"))
    iftrue_token = spec.IFTRUE_TOKEN.given(raw("iftrue-token"))
    if iftrue_token is None and not dry_run:
        raise InputError("iftrue-token", "required (the iftrue JWT, kept as a secret) unless this is a dry run")
    backfill_source = spec.BACKFILL_SOURCE.value(raw("backfill-source"))
    backfill_workflow = spec.BACKFILL_WORKFLOW.given(raw("backfill-workflow"))
    backfill_since = spec.BACKFILL_SINCE.given(raw("backfill-since"))
    if backfill_since and backfill_source == "runs" and not backfill_workflow:
        raise InputError(
            "backfill-workflow",
            f"required with {assign('backfill-source', 'runs')} (the deploy workflow's file name, e.g. deploy.yml)",
        )
    return Settings(
        iftrue_token=iftrue_token,
        github_token=spec.GITHUB_TOKEN.given(raw("github-token")),
        api_url=spec.API_URL.value(raw("api-url")),
        overrides=overrides,
        ref=spec.REF.given(raw("ref")),
        environment=spec.ENVIRONMENT.value(raw("environment")),
        create_github_deployment=spec.CREATE_GITHUB_DEPLOYMENT.value(raw("create-github-deployment")),
        fix_labels=spec.FIX_LABELS.value(raw("fix-labels")),
        hotfix_labels=spec.HOTFIX_LABELS.value(raw("hotfix-labels")),
        duration_unit=spec.DURATION_UNIT.value(raw("duration-unit")),
        dry_run=dry_run,
        fail_on_error=spec.FAIL_ON_ERROR.value(raw("fail-on-error")),
        backfill_since=backfill_since,
        backfill_source=backfill_source,
        backfill_workflow=backfill_workflow,
        runner=runner,
        github_api=github_api(runner.api_url, runner.server_url, in_workflow=runner.actions == "true"),
        retry_base_delay=spec.RETRY_BASE_DELAY.value(raw("retry-base-delay")),
        read_timeout=spec.READ_TIMEOUT.value(raw("read-timeout")),
    )
