"""What was deployed: the commit, its message, its pull request and what it adds since the
previous deployment. Several field rules need these; each is worked out once, on first use, so
that only what some field needs is asked of GitHub."""

from __future__ import annotations

from functools import cached_property

from ..facts import Comparison, DeploymentFacts, PullRequestFacts
from ..payload import subject
from ..settings import InputError
from ..status import SUCCESSFUL_STATES
from ..trigger import TriggerFacts
from ..vocabulary import either, runner, setting
from .lookups import Lookups

# Older deployments checked for the previous success, each one request.
PREVIOUS_DEPLOYMENT_CHECKS = 2


class Deployed:
    def __init__(
        self,
        trigger: TriggerFacts,
        lookups: Lookups,
        commit_id: str | None = None,
    ) -> None:
        self.trigger = trigger
        self.lookups = lookups
        self.given_commit_id = commit_id

    @cached_property
    def commit_id(self) -> str:
        if self.given_commit_id:
            return self.given_commit_id
        if self.trigger.sha:
            return self.trigger.sha
        if self.trigger.ref:
            return self.lookups.resolve(self.trigger.ref).sha
        where = either("the event", runner("GITHUB_SHA"))
        raise InputError(
            "commit-id", f"no commit is named (not by {where}); give {setting('commit-id')} or {setting('ref')}"
        )

    @cached_property
    def commit_message(self) -> str | None:
        if self.trigger.ref and not self.trigger.sha:
            return self.lookups.resolve(self.trigger.ref).message or None
        if self.trigger.head_message:
            return self.trigger.head_message
        # The compare that counts the commits carries the head commit's message: no extra request.
        if self.compare_base is not None and self.comparison is not None and self.comparison.head_message:
            return self.comparison.head_message
        return self.lookups.commit_message(self.commit_id)

    @property
    def subject(self) -> str | None:
        return subject(self.commit_message)

    @cached_property
    def pull_request(self) -> PullRequestFacts | None:
        """The merged pull request behind the commit, as complete as the event or one lookup makes it."""
        trigger = self.trigger
        if trigger.pull_request is not None:
            return trigger.pull_request
        if trigger.listed_pull_request is not None:
            return self.lookups.pull_request(trigger.listed_pull_request.number) or trigger.listed_pull_request
        listed = self.lookups.pull_requests_for_commit(self.commit_id)
        merged = [pr for pr in listed or [] if pr.merged]
        exact = [pr for pr in merged if pr.merge_commit_sha == self.commit_id]
        return exact[0] if exact else merged[0] if merged else None

    @cached_property
    def complete_pull_request(self) -> PullRequestFacts | None:
        """The pull request with its number of commits (which a commit's listing lacks)."""
        pr = self.pull_request
        if pr is not None and pr.commits is None and pr.number:
            return self.lookups.pull_request(pr.number)
        return pr

    @property
    def push_lists_every_commit(self) -> bool:
        """Whether the push payload's list of commits is this deployment's whole list."""
        push = self.trigger.push
        if push is None or push.forced or push.at_cap:
            return False
        # A new branch lists only its distinct commits; trust it only for the default branch.
        return not push.created or push.branch == self.trigger.default_branch

    @cached_property
    def compare_base(self) -> str | None:
        """Where this deployment's commits start: the previous deployment of the same kind."""
        trigger = self.trigger
        if trigger.push is not None:
            push = trigger.push
            if self.push_lists_every_commit:
                return None
            if push.before and not push.created:
                return push.before
            return trigger.default_branch if push.branch != trigger.default_branch else None
        if trigger.release is not None and trigger.release.tag is not None:
            return self.previous_release_tag
        if trigger.counts_from_pull_request:
            return None
        if trigger.previous is not None:
            return trigger.previous.base
        previous = self.previous_successful_deployment
        return previous.sha if previous is not None else None

    @cached_property
    def comparison(self) -> Comparison | None:
        base = self.compare_base
        return None if base is None else self.lookups.compare(base, self.commit_id)

    @cached_property
    def previous_release_tag(self) -> str | None:
        """The release published before this one (drafts and prereleases are no deployments)."""
        release = self.trigger.release
        if release is None or release.tag is None:
            return None
        if self.trigger.previous is not None:
            return self.trigger.previous.base
        for candidate in self.lookups.releases() or []:  # newest first
            if candidate.draft or candidate.prerelease or candidate.tag == release.tag or candidate.id == release.id:
                continue
            if release.published_at and candidate.published_at and candidate.published_at >= release.published_at:
                continue
            return candidate.tag
        return None

    @cached_property
    def previous_successful_deployment(self) -> DeploymentFacts | None:
        deployments = self.lookups.deployments or []
        current_id = self.trigger.deployment_id
        current = next((d for d in deployments if d.id == current_id or d.sha == self.commit_id), None)
        older = [d for d in deployments if d.sha != self.commit_id and d.id != current_id]
        if current is not None:
            older = [d for d in older if d.id < current.id]
        for candidate in older[:PREVIOUS_DEPLOYMENT_CHECKS]:
            statuses = self.lookups.deployment_statuses(candidate.id)
            if statuses and statuses[0].state in SUCCESSFUL_STATES:
                return candidate
        return None
