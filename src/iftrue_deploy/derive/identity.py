"""Whose deployment it is: repository, member, GitHub Deployment (README "Where each field comes from")."""

from __future__ import annotations

from ..quoting import quoted
from ..settings import FieldOverrides, InputError
from ..status import GITHUB_STATE, ApiStatus
from ..vocabulary import assign, came_from, either, runner, setting
from .because import INPUT, Derived, short
from .deployed import Deployed


def repository_url(given: FieldOverrides, deployed: Deployed) -> Derived[str]:
    trigger = deployed.trigger
    if given.repository_url:
        return Derived(given.repository_url, INPUT)
    if trigger.repository_url:
        return Derived(trigger.repository_url, "the event's `repository.html_url`")
    if trigger.runner_repository_url:
        return Derived(
            trigger.runner_repository_url, f"{came_from('GITHUB_SERVER_URL')}/{came_from('GITHUB_REPOSITORY')}"
        )
    where = either("the event", runner("GITHUB_REPOSITORY"))
    raise InputError("repository-url", f"could not be derived (no repository in {where}); set it")


def member_id(given: FieldOverrides, deployed: Deployed) -> Derived[str]:
    if given.member_id:
        return Derived(given.member_id, INPUT)
    if deployed.trigger.sender_id:
        return Derived(deployed.trigger.sender_id, "the event's `sender.id`")
    if deployed.trigger.actor_id:
        return Derived(deployed.trigger.actor_id, "GITHUB_ACTOR_ID")
    where = either("sender in the event", runner("GITHUB_ACTOR_ID"))
    raise InputError("member-id", f"could not be derived (no {where}); set it")


def deployment_node_id(
    given: FieldOverrides,
    deployed: Deployed,
    *,
    create: bool,
    dry_run: bool,
    status: ApiStatus,
    url: str | None,
) -> Derived[str | None]:
    if given.deployment_node_id:
        return Derived(given.deployment_node_id, INPUT)
    if deployed.trigger.deployment_node_id:
        return Derived(deployed.trigger.deployment_node_id, "the event's deployment")
    lookups = deployed.lookups
    commit = deployed.commit_id
    environment = lookups.environment
    for deployment in lookups.deployments or []:
        if deployment.sha == commit and deployment.node_id:
            return Derived(
                deployment.node_id, f"GitHub Deployment {deployment.id} of the commit in {quoted(environment)}"
            )
    if create:
        if dry_run:
            lookups.notes.notice(
                f"Dry run: a GitHub Deployment in {quoted(environment)} would be created "
                "for this commit; deployment_node_id is left out."
            )
            return Derived(None, "left out: a dry run creates no GitHub Deployment")
        created = lookups.create_deployment(commit, GITHUB_STATE[status], url)
        if created is not None:
            return Derived(created.node_id, f"GitHub Deployment {created.id}, created in {quoted(environment)}")
    if lookups.deployments is None:
        lookups.notes.notice(
            "deployment_node_id is left out: GitHub Deployments could not be looked up "
            f"(set {setting('deployment-node-id')}, or give {setting('github-token')})."
        )
        return Derived(None, "left out: " + lookups.unknown(f"the deployments in {quoted(environment)}"))
    lookups.notes.notice(
        f"No GitHub Deployment was found for commit {short(commit)} in environment "
        f"{quoted(environment)}; deployment_node_id is left out "
        f"(set {assign('create-github-deployment', 'true')} to create one)."
    )
    return Derived(None, f"left out: no GitHub Deployment of the commit in {quoted(environment)}")
