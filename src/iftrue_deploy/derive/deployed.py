"""What was deployed: the commit, its message, its pull request and what it adds since the
previous deployment. Several field rules need these; each is worked out once, on first use, so
that only what some field needs is asked of GitHub. Each comes with the reason it is what it is
(:mod:`.because`), which the rules that use it pass on.

A compare from what was deployed before (the previous successful deployment, the previous release,
a backfill's previous record) also tells a rollback (GitHub's `behind`: the commit is an ancestor
of what was deployed) and a redeploy (`identical`), at no extra request (README "Rollbacks")."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from .. import quoting
from ..facts import Comparison, DeploymentFacts, PullRequestFacts
from ..payload import subject
from ..settings import InputError
from ..status import NOT_FINAL_STATES, SUCCESSFUL_STATES
from ..trigger import TriggerFacts
from ..vocabulary import came_from, either, runner, setting
from .because import INPUT, Derived, quoted, short
from .lookups import Lookups

# Older deployments checked for the previous success, each one request; a deployment still in
# progress (this run's own, most often) is passed over without counting, once.
PREVIOUS_DEPLOYMENT_CHECKS = 2


@dataclass(frozen=True)
class CompareBase:
    """Where this deployment's commits start (``ref`` None: no compare), described for a reason;
    ``deployed``: the base is what was deployed before, so a compare also tells a rollback."""

    ref: str | None
    what: str
    deployed: bool = False


GoingBack = Literal["rollback", "redeploy"]


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
    def commit(self) -> Derived[str]:
        trigger = self.trigger
        if self.given_commit_id:
            return Derived(self.given_commit_id, INPUT)
        if trigger.sha:
            return Derived(trigger.sha, commit_origin(trigger))
        if trigger.ref:
            return Derived(self.lookups.resolve(trigger.ref).sha, f"the `ref` input {quoted(trigger.ref)}")
        where = either("the event", runner("GITHUB_SHA"))
        raise InputError(
            "commit-id", f"no commit is named (not by {where}); give {setting('commit-id')} or {setting('ref')}"
        )

    @property
    def commit_id(self) -> str:
        return self.commit.value

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
    def found_pull_request(self) -> Derived[PullRequestFacts | None]:
        """The merged pull request behind the commit, as complete as the event or one lookup makes it."""
        trigger = self.trigger
        if trigger.pull_request is not None:
            return Derived(trigger.pull_request, f"the event's pull request #{trigger.pull_request.number}")
        if trigger.listed_pull_request is not None:
            number = trigger.listed_pull_request.number
            found = self.lookups.pull_request(number) or trigger.listed_pull_request
            return Derived(found, f"the workflow run's pull request #{number}")
        commit = short(self.commit_id)
        listed = self.lookups.pull_requests_for_commit(self.commit_id)
        merged = [pr for pr in listed or [] if pr.merged]
        exact = [pr for pr in merged if pr.merge_commit_sha == self.commit_id]
        if exact or merged:
            pr = (exact or merged)[0]
            how = "merged as" if exact else "containing"
            return Derived(pr, f"pull request #{pr.number}, {how} commit {commit} (GitHub's list for the commit)")
        if listed is not None:
            return Derived(None, f"GitHub lists no merged pull request for commit {commit}")
        return Derived(None, self.lookups.unknown(f"the pull requests of commit {commit}"))

    @property
    def pull_request(self) -> PullRequestFacts | None:
        return self.found_pull_request.value

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
    def compare_from(self) -> CompareBase:
        """Where this deployment's commits start: the previous deployment of the same kind."""
        trigger = self.trigger
        if trigger.push is not None:
            push = trigger.push
            if self.push_lists_every_commit:
                return CompareBase(None, "the push payload lists every commit")
            if push.before and not push.created:
                why = "a forced push" if push.forced else "a push beyond the payload's list"
                return CompareBase(push.before, f"the push's `before` {short(push.before)}, {why}")
            if push.branch != trigger.default_branch and trigger.default_branch:
                return CompareBase(trigger.default_branch, f"the default branch {quoted(trigger.default_branch)}")
            return CompareBase(None, "a new branch, no default branch to compare with")
        if trigger.release is not None and trigger.release.tag is not None:
            tag = self.previous_release_tag
            if tag is None:
                return CompareBase(None, "no earlier published release")
            return CompareBase(tag, f"the previous release {quoted(tag)}", deployed=True)
        if trigger.counts_from_pull_request:
            return CompareBase(None, "the pull request counts its own commits")
        if trigger.previous is not None:
            base = trigger.previous.base
            if base is None:
                return CompareBase(None, "the first deployment")
            return CompareBase(base, f"the previous deployment {short(base)}", deployed=True)
        previous = self.previous_successful_deployment
        if previous is not None:
            return CompareBase(previous.sha, f"the previous deployment {short(previous.sha)}", deployed=True)
        if self.lookups.deployments is None:
            return CompareBase(
                None, self.lookups.unknown(f"the deployments in {quoting.quoted(self.lookups.environment)}")
            )
        return CompareBase(None, f"no earlier successful deployment in {quoting.quoted(self.lookups.environment)}")

    @property
    def compare_base(self) -> str | None:
        return self.compare_from.ref

    @cached_property
    def comparison(self) -> Comparison | None:
        base = self.compare_base
        if base is None:
            return None
        if base == self.commit_id:  # the deployed commit again: GitHub would say so, for a request
            return Comparison(total_commits=0, subjects=(), status="identical")
        return self.lookups.compare(base, self.commit_id)

    @cached_property
    def going_back(self) -> GoingBack | None:
        """A rollback (the commit is an ancestor of what was deployed) or a redeploy of the deployed
        commit, as the compare from what was deployed before says; a notice says which, once."""
        base, comparison = self.compare_from, self.comparison
        if not base.deployed or base.ref is None or comparison is None:
            return None
        if comparison.status == "behind":
            self.lookups.notes.notice(
                f"This deployment is a rollback from {short(base.ref)} to {short(self.commit_id)} (the commit is "
                "an ancestor of what was deployed): it brings no new commit, and is a hotfix unless is-hotfix "
                "says otherwise."
            )
            return "rollback"
        if comparison.status == "identical":
            self.lookups.notes.notice(
                f"This deployment is a redeploy of the deployed commit {short(self.commit_id)}: it brings no new commit."
            )
            return "redeploy"
        return None

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
        """The newest deployment before this one whose latest status is a success, of any commit:
        of an older commit, this one is a rollback; of this commit, a redeploy."""
        current_id = self.trigger.deployment_id
        older = [d for d in self.lookups.deployments or [] if current_id is None or d.id < current_id]
        checks, passed_over = PREVIOUS_DEPLOYMENT_CHECKS, False
        for candidate in older:
            if checks == 0:
                break
            statuses = self.lookups.deployment_statuses(candidate.id)
            state = statuses[0].state if statuses else "pending"
            if state in SUCCESSFUL_STATES:
                return candidate
            if state in NOT_FINAL_STATES and not passed_over:
                passed_over = True  # still running: this run's own deployment, or a concurrent one
                continue
            checks -= 1
        return None


def commit_origin(trigger: TriggerFacts) -> str:
    """Where the event's commit came from: what its adapter said, else what the facts tell."""
    if trigger.commit_from:
        return trigger.commit_from
    if trigger.release is not None and trigger.release.tag:
        return f"the commit of tag {quoted(trigger.release.tag)}"
    if trigger.deployment_id is not None:
        return f"the commit of deployment {trigger.deployment_id}"
    return came_from("GITHUB_SHA")
