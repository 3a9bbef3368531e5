"""The past deployments a backfill reports, oldest first (README "Backfill").

``backfill-since`` is a date (YYYY-MM-DD), a tag (the releases after it), or ``deployment:<id>``
(the GitHub Deployments after that one: the value a stopped backfill of deployments gives to
continue with). The listings are read newest first, a page at a time, until the cut-off; what is
kept of each item is small, and a deployment's statuses are read only when its turn comes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .facts import DeploymentFacts, GitHubFacts, GitHubUnavailable, ReleaseFacts
from .settings import InputError
from .status import SUCCESSFUL_STATES

DEPLOYMENT_PREFIX = "deployment:"
# How many deployments before the cut-off are checked to find the base of the first count.
BASE_CHECKS = 2
FINAL_STATES = {"success": "success", "inactive": "success", "failure": "failure", "error": "error"}
EXPECTED = "expected a date YYYY-MM-DD, a tag or deployment:<id>"
EARLIEST = datetime.min.replace(tzinfo=UTC)


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


def cutoff_date(since: str) -> datetime | None:
    try:
        day = date.fromisoformat(since)
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def after_deployment(since: str) -> int | None:
    """The id in ``deployment:<id>``; None for a date or a tag."""
    if not since.startswith(DEPLOYMENT_PREFIX):
        return None
    number = since.removeprefix(DEPLOYMENT_PREFIX)
    if not number.isdigit():
        raise InputError("backfill-since", f"{EXPECTED}, got {since!r}")
    return int(number)


def continue_after(deployment_id: int) -> str:
    return f"{DEPLOYMENT_PREFIX}{deployment_id}"


def no_such_tag(since: str) -> InputError:
    return InputError("backfill-since", f"no published release has the tag {since!r}; {EXPECTED}")


def past_releases(facts: GitHubFacts, since: str) -> list[PastRelease]:
    """Published, non-draft, non-prerelease releases since the date or after the tag, oldest first."""
    if after_deployment(since) is not None:
        raise InputError(
            "backfill-since", f"{since!r} continues a backfill of deployments; set backfill-source: deployments"
        )
    cutoff = cutoff_date(since)
    newer: list[ReleaseFacts] = []
    base: ReleaseFacts | None = None
    found_tag = False  # pragma: no mutate (None is as false: only its truth is read)
    for release in facts.all_releases():  # newest first
        if release.draft or release.prerelease or release.published_at is None:
            continue
        if cutoff is None and release.tag == since:
            base, found_tag = release, True
            break
        if cutoff is not None and release.published_at < cutoff:
            base = release
            break
        newer.append(release)
    if cutoff is None and not found_tag:
        raise no_such_tag(since)
    newer.sort(key=lambda r: (r.published_at or EARLIEST, r.id))  # (EARLIEST: for the types; none is undated)
    result: list[PastRelease] = []
    previous = base
    for release in newer:
        result.append(PastRelease(release, previous))
        previous = release
    return result


class PastDeployments:
    """Deployments in the environment since the date, after the tag's release or after the
    deployment id, oldest first; each one's statuses are read when it is reached."""

    def __init__(self, facts: GitHubFacts, environment: str, since: str) -> None:
        self.facts = facts
        after_id = after_deployment(since)
        cutoff = cutoff_date(since)
        if cutoff is None and after_id is None:
            tagged = next((r for r in facts.all_releases() if r.tag == since and r.published_at), None)
            if tagged is None or tagged.published_at is None:
                raise no_such_tag(since)
            cutoff = tagged.published_at
        newer: list[DeploymentFacts] = []
        older: list[DeploymentFacts] = []
        for deployment in facts.all_deployments(environment):  # newest first
            if after_id is not None:
                before = deployment.id <= after_id
            else:
                before = deployment.created_at is not None and cutoff is not None and deployment.created_at < cutoff
            if not before:
                newer.append(deployment)
            elif len(older) < BASE_CHECKS:  # pragma: no mutate (`<=` too: the loop ends at BASE_CHECKS)
                older.append(deployment)
            if len(older) >= BASE_CHECKS:
                break
        self.candidates = sorted(newer, key=lambda d: d.id)
        self.previous_success = self.base(older)

    def base(self, older: list[DeploymentFacts]) -> DeploymentFacts | None:
        """The newest successful deployment before the cut-off, among the few checked."""
        for candidate in sorted(older, key=lambda d: d.id, reverse=True):
            try:
                statuses = self.facts.deployment_statuses(candidate.id)
            except GitHubUnavailable:
                continue
            if statuses and statuses[0].state in SUCCESSFUL_STATES:
                return candidate
        return None

    def __len__(self) -> int:
        return len(self.candidates)

    def __iter__(self) -> Iterator[PastDeployment]:
        for deployment in self.candidates:
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
        # A success that later became inactive: the time it took is to the success.
        final = next((s for s in statuses if s.state not in ("inactive",)), latest)
        if state == "success":
            self.previous_success = deployment
        return PastDeployment(deployment, state, final.created_at, final.target_url or None, previous)
