"""Whose deployment it is: repository, member, GitHub Deployment (README "Where each field comes from")."""

from __future__ import annotations

from ..quoting import quoted
from ..settings import FieldOverrides, InputError
from ..status import GITHUB_STATE, ApiStatus
from .deployed import Deployed


def repository_url(given: FieldOverrides, deployed: Deployed) -> str:
    trigger = deployed.trigger
    found = given.repository_url or trigger.repository_url or trigger.runner_repository_url
    if found:
        return found
    raise InputError("repository-url", "could not be derived (no repository in the event or GITHUB_REPOSITORY); set it")


def member_id(given: FieldOverrides, deployed: Deployed) -> str:
    found = given.member_id or deployed.trigger.sender_id or deployed.trigger.actor_id
    if found:
        return found
    raise InputError("member-id", "could not be derived (no sender in the event and no GITHUB_ACTOR_ID); set it")


def deployment_node_id(
    given: FieldOverrides,
    deployed: Deployed,
    *,
    create: bool,
    dry_run: bool,
    status: ApiStatus,
    url: str | None,
) -> str | None:
    if given.deployment_node_id:
        return given.deployment_node_id
    if deployed.trigger.deployment_node_id:
        return deployed.trigger.deployment_node_id
    lookups = deployed.lookups
    commit = deployed.commit_id
    for deployment in lookups.deployments or []:
        if deployment.sha == commit and deployment.node_id:
            return deployment.node_id
    if create:
        if dry_run:
            lookups.notes.notice(
                f"Dry run: a GitHub Deployment in {quoted(lookups.environment)} would be created "
                "for this commit; deployment_node_id is left out."
            )
            return None
        created = lookups.create_deployment(commit, GITHUB_STATE[status], url)
        if created is not None:
            return created.node_id
    if lookups.deployments is None:
        lookups.notes.notice(
            "deployment_node_id is left out: GitHub Deployments could not be looked up "
            "(set deployment-node-id, or give a github-token)."
        )
        return None
    lookups.notes.notice(
        f"No GitHub Deployment was found for commit {commit[:7]} in environment "
        f"{quoted(lookups.environment)}; deployment_node_id is left out "
        "(set create-github-deployment: true to create one)."
    )
    return None
