"""The past deployments a backfill reports, oldest first (README "Backfill"), from one of three
sources, each walked by :mod:`.listing` (every id once, pages streamed, the order it happened):

- ``releases``: published releases that are no draft or prerelease, by ``published_at``;
- ``deployments``: GitHub Deployments in the environment that reached a final status, by creation
  (each one's statuses are read when its turn comes);
- ``runs``: completed runs of one workflow on the production branch, by ``run_started_at``.

``backfill-since`` is a date (YYYY-MM-DD), a tag (the releases after it, or the deployments after
its publication), ``deployment:<id>`` or ``run:<id>`` (after that one: the value a stopped
backfill gives to continue with).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

from .facts import DeploymentFacts, GitHubFacts, GitHubUnavailable, ReleaseFacts, RunFacts
from .listing import EARLIEST, Bound, Source, Walk, Walked
from .quoting import quoted
from .settings import InputError
from .status import SUCCESSFUL_STATES
from .vocabulary import assign

DEPLOYMENT_PREFIX = "deployment:"
RUN_PREFIX = "run:"
# How many deployments before the cut-off are checked to find the base of the first count.
BASE_CHECKS = 2
FINAL_STATES = {"success": "success", "inactive": "success", "failure": "failure", "error": "error"}
# A run's conclusion that makes it a deployment, and its outcome; any other is left out.
RUN_OUTCOMES = {"success": "success", "failure": "failure", "timed_out": "failure"}
EXPECTED = "expected a date YYYY-MM-DD, a tag, deployment:<id> or run:<id>"

T = TypeVar("T")


@dataclass(frozen=True)
class PastRelease:
    release: ReleaseFacts
    previous: ReleaseFacts | None


@dataclass(frozen=True)
class PastDeployment:
    deployment: DeploymentFacts
    state: str  # success, failure or error; empty without a final status
    status_at: datetime | None
    target_url: str | None
    previous_success: DeploymentFacts | None
    problem: str | None = None
    latest: str | None = None  # the latest status, when it is not final
    later: bool = False  # its final status came after the backfill started: the live workflow's


@dataclass(frozen=True)
class PastRun:
    run: RunFacts
    previous_success: RunFacts | None  # its head_sha is where this run's commits start


def cutoff_date(since: str) -> datetime | None:
    try:
        day = date.fromisoformat(since)
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def after_id(since: str, prefix: str) -> int | None:
    """The id in ``deployment:<id>`` or ``run:<id>`` (with that prefix); None otherwise."""
    if not since.startswith(prefix):
        return None
    number = since.removeprefix(prefix)
    if not number.isdigit():
        raise InputError("backfill-since", f"{EXPECTED}, got {quoted(since)}")
    return int(number)


def continue_after(deployment_id: int) -> str:
    return f"{DEPLOYMENT_PREFIX}{deployment_id}"


def continue_after_run(run_id: int) -> str:
    return f"{RUN_PREFIX}{run_id}"


def no_such_tag(since: str) -> InputError:
    return InputError("backfill-since", f"no published release has the tag {quoted(since)}; {EXPECTED}")


def wrong_source(since: str, source: str) -> InputError:
    return InputError(
        "backfill-since", f"{quoted(since)} continues a backfill of {source}; set {assign('backfill-source', source)}"
    )


def date_bound(since: str, when: Callable[[T], datetime | None]) -> Bound[T] | None:
    cutoff = cutoff_date(since)
    return None if cutoff is None else Bound(before=lambda item: (when(item) or EARLIEST) < cutoff)


class History(Generic[T]):
    """The walk of one source: listed at once (pass 1), its items given oldest first (pass 2)."""

    def __init__(self, walk: Walk[T], pages: Iterator[list[T]]) -> None:
        self.walk = walk
        self.walked: Walked = walk.read_pages(pages)
        self.entries = walk.after()

    def __len__(self) -> int:
        return len(self.entries)

    def items(self) -> Iterator[T]:
        return self.walk.items(self.entries)


class PastReleases(History[ReleaseFacts]):
    """Published, non-draft, non-prerelease releases since the date or after the tag."""

    def __init__(self, facts: GitHubFacts, since: str, started: datetime) -> None:
        for prefix, source in ((DEPLOYMENT_PREFIX, "deployments"), (RUN_PREFIX, "runs")):
            if since.startswith(prefix):
                after_id(since, prefix)
                raise wrong_source(since, source)
        kind = Source(
            "releases",
            ReleaseFacts,
            id=lambda r: r.id,
            when=lambda r: r.published_at,
            reportable=lambda r: not (r.draft or r.prerelease) and r.published_at is not None,
            live_at=lambda r: r.published_at,
        )
        bound = date_bound(since, kind.when) or Bound(marker=lambda r: r.tag == since)
        super().__init__(Walk(kind, bound, started), facts.release_pages())
        if bound.before is None:
            raise no_such_tag(since)
        base = self.walk.older(lambda r: True)
        self.base = base[0] if base else None

    def __iter__(self) -> Iterator[PastRelease]:
        previous = self.base
        for release in self.items():
            yield PastRelease(release, previous)
            previous = release


class PastDeployments(History[DeploymentFacts]):
    """Deployments in the environment since the date, after the tag's release or after the
    deployment id; each one's statuses are read when it is reached."""

    def __init__(self, facts: GitHubFacts, environment: str, since: str, started: datetime) -> None:
        self.facts, self.started = facts, started
        if since.startswith(RUN_PREFIX):
            raise wrong_source(since, "runs")
        kind = Source(
            f"deployments in {quoted(environment)}",
            DeploymentFacts,
            id=lambda d: d.id,
            when=lambda d: d.created_at,
            reportable=lambda d: True,
            live_at=lambda d: d.created_at,
        )
        bound = date_bound(since, kind.when)
        if (after := after_id(since, DEPLOYMENT_PREFIX)) is not None:
            bound = Bound(before=lambda d: d.id <= after)
        elif bound is None:
            tagged = next(
                (r for page in facts.release_pages() for r in page if r.tag == since and r.published_at), None
            )
            if tagged is None or tagged.published_at is None:
                raise no_such_tag(since)
            published = tagged.published_at
            bound = Bound(before=lambda d: (d.created_at or EARLIEST) < published)
        super().__init__(Walk(kind, bound, started), facts.deployment_pages(environment))
        self.previous_success = self.base(self.walk.older(lambda d: True, BASE_CHECKS))

    def base(self, older: list[DeploymentFacts]) -> DeploymentFacts | None:
        """The newest successful deployment before the cut-off, among the few checked."""
        for candidate in older:
            try:
                statuses = self.facts.deployment_statuses(candidate.id)
            except GitHubUnavailable:
                continue
            if statuses and statuses[0].state in SUCCESSFUL_STATES:
                return candidate
        return None

    def __iter__(self) -> Iterator[PastDeployment]:
        for deployment in self.items():
            yield self.past(deployment)

    def past(self, deployment: DeploymentFacts) -> PastDeployment:
        previous = self.previous_success
        try:
            statuses = self.facts.deployment_statuses(deployment.id)
        except GitHubUnavailable as error:
            return PastDeployment(deployment, "", None, None, previous, problem=str(error))
        latest = statuses[0] if statuses else None
        state = FINAL_STATES.get(latest.state) if latest else None
        if latest is None or state is None:
            return PastDeployment(deployment, "", None, None, previous, latest=latest.state if latest else "none")
        # A success that later became inactive: the time it took, and its link, are the success's.
        final = next((s for s in statuses if s.state != "inactive"), latest)
        if final.created_at is not None and final.created_at >= self.started.replace(microsecond=0):
            # Its outcome came after the backfill started: the live workflow reports it.
            return PastDeployment(deployment, "", None, None, previous, later=True)
        if state == "success":
            self.previous_success = deployment
        return PastDeployment(deployment, state, final.created_at, final.target_url or None, previous)


def workflow_file(workflow: str) -> str:
    """``deploy.yml`` from ``deploy.yml``, ``.github/workflows/deploy.yml`` or ``…/deploy.yml@main``."""
    # pragma: no mutate start (any maxsplit gives the same first and last part; names end in .yml)
    return workflow.split("@", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    # pragma: no mutate end


class PastRuns(History[RunFacts]):
    """Completed runs of the workflow on the branch since the date or after the run id: success
    and failure (or timed out); cancelled, skipped and the rest are no deployments."""

    def __init__(self, facts: GitHubFacts, workflow: str, branch: str, since: str, started: datetime) -> None:
        if since.startswith(DEPLOYMENT_PREFIX):
            raise wrong_source(since, "deployments")
        name = workflow_file(workflow)

        def deployed(run: RunFacts) -> bool:
            return (
                run.status == "completed"
                and run.conclusion in RUN_OUTCOMES
                and run.branch == branch
                and (name.isdigit() or workflow_file(run.path) == name)
            )

        kind = Source(
            f"runs of {name} on {branch}",
            RunFacts,
            id=lambda r: r.id,
            when=lambda r: r.started_at,
            reportable=deployed,
            live_at=lambda r: r.updated_at,
        )
        after = after_id(since, RUN_PREFIX)
        bound = date_bound(since, kind.when)
        if after is not None:
            bound = Bound(marker=lambda r: r.id == after)
        elif bound is None:
            raise InputError(
                "backfill-since",
                f"expected a date YYYY-MM-DD or run:<id> with {assign('backfill-source', 'runs')}, got {quoted(since)}",
            )
        # Created before the second the backfill started: a run that starts later cannot shift the pages.
        until = started.replace(microsecond=0) - timedelta(seconds=1)
        super().__init__(Walk(kind, bound, started), facts.run_pages(name, branch, until))
        if bound.before is None:
            raise InputError(
                "backfill-since", f"no completed run {after} of {name} on {branch} was found; expected run:<id> of one"
            )
        base = self.walk.older(lambda r: r.conclusion == "success")
        self.previous_success = base[0] if base else None

    def __iter__(self) -> Iterator[PastRun]:
        for run in self.items():
            yield PastRun(run, self.previous_success)
            if run.conclusion == "success":
                self.previous_success = run
