"""Where every field of the record comes from (README "Where each field comes from").

``derive_record(given, trigger, lookups, options)``: the inputs the user gave, the facts the
trigger gave (:mod:`iftrue_deploy.trigger`) and the GitHub questions (:class:`Lookups`) in, one
:class:`DeploymentRecord` out. The field rules live in families, one module each:

- :mod:`.describe`: title, changelog, url
- :mod:`.source`: branch, pull_request_number, commits_count
- :mod:`.flags`: is_fix, is_hotfix, is_forced
- :mod:`.outcome`: status, deployment_duration
- :mod:`.identity`: repository_url, member_id, deployment_node_id

and what several of them need (the commit, its pull request, the previous deployment) is worked
out once by :class:`.deployed.Deployed`. A non-empty input always wins. Each rule returns its value
with the reason it was chosen (:class:`.because.Derived`); the record is built from those alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from ..quoting import quoted
from ..settings import DurationUnit, FieldOverrides, Settings
from ..trigger import TriggerFacts
from . import describe, flags, identity, outcome, source
from .because import Derived, ExplainedRecord
from .deployed import Deployed
from .lookups import Lookups, Notes
from .outcome import Skip
from .release_twin import twin_skip

__all__ = [
    "Deployed",
    "Derived",
    "ExplainedRecord",
    "Lookups",
    "Notes",
    "Options",
    "Skip",
    "derive_record",
    "options_from",
]


@dataclass(frozen=True)
class Options:
    """The settings that shape the rules (not the record's own fields)."""

    fix_labels: tuple[str, ...] = ("bug", "fix")
    hotfix_labels: tuple[str, ...] = ("hotfix",)
    duration_unit: DurationUnit = "minutes"
    create_github_deployment: bool = False
    dry_run: bool = False


def options_from(settings: Settings) -> Options:
    """The options are settings of the same names."""
    return Options(**{option.name: getattr(settings, option.name) for option in fields(Options)})


def derive_record(
    given: FieldOverrides,
    trigger: TriggerFacts,
    lookups: Lookups,
    options: Options = Options(),
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ExplainedRecord:
    """The record, with the reason for each field (:mod:`.because`). Raises Skip when the event
    describes no deployment, InputError when a field cannot be had."""
    if given.status_skipped:
        raise Skip(f"The status is {quoted(given.status_skipped)}; nothing was reported.")
    if trigger.skip is not None:
        raise Skip(trigger.skip)
    twin = twin_skip(trigger, lookups)
    if twin is not None:
        raise Skip(twin)
    deployed = Deployed(trigger, lookups, given.commit_id)
    # Status first: a skipped status means nothing else needs deriving or fetching.
    status = outcome.status(given, deployed)
    title = describe.title(given, deployed)
    changelog = describe.changelog(given, deployed)
    url = describe.url(given, deployed)
    branch = source.branch(given, deployed)
    return ExplainedRecord.of(
        {
            "title": title,
            "changelog": changelog,
            "url": url,
            "branch": branch,
            "commit_id": deployed.commit,
            "deployment_duration": outcome.deployment_duration(given, deployed, options.duration_unit, now),
            "is_fix": flags.is_fix(given, deployed, options.fix_labels, branch.value, title.value),
            "is_hotfix": flags.is_hotfix(given, deployed, options.hotfix_labels, branch.value),
            "is_forced": flags.is_forced(given, deployed),
            "commits_count": source.commits_count(given, deployed),
            "repository_url": identity.repository_url(given, deployed),
            "member_id": identity.member_id(given, deployed),
            "pull_request_number": source.pull_request_number(given, deployed),
            "deployment_node_id": identity.deployment_node_id(
                given,
                deployed,
                create=options.create_github_deployment,
                dry_run=options.dry_run,
                status=status.value,
                url=url.value,
            ),
            "status": status,
        }
    )
