"""One record per release publication: which of `published`/`released` is the record depends on
the release types the running workflow listens to (README "Events that describe no deployment")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tests.unit.fake_github import FakeGitHub

from iftrue_deploy.derive.lookups import Lookups
from iftrue_deploy.derive.release_twin import EVERY_TYPE, release_types, twin_skip
from iftrue_deploy.trigger import Release, TriggerFacts

WORKFLOW_REF = "o/r/.github/workflows/deploy.yml@refs/tags/v1"


@pytest.mark.parametrize(
    ("on", "types"),
    [
        ("on: release", EVERY_TYPE),
        ("on: [push, release]", EVERY_TYPE),
        ("on:\n  release:\n", EVERY_TYPE),
        ("on:\n  release:\n    types: [published]\n", frozenset({"published"})),
        ("on:\n  release:\n    types: released\n", frozenset({"released"})),
        ("on:\n  release:\n    types:\n      - published\n      - released\n", frozenset({"published", "released"})),
        ("'on': {release: {types: [prereleased, released]}}", frozenset({"prereleased", "released"})),
        ("on: push", None),
        ("on:\n  push:\n    branches: [main]\n", None),
        ("jobs: {}", None),
        ("on:\n  release:\n    types: 5\n", None),
        ("on:\n  release:\n    types: {published: x}\n", None),
        ("on: [", None),
        ("just text", None),
    ],
)
def test_release_types_of_a_workflow(on: str, types: frozenset[str] | None) -> None:
    assert release_types(f"name: Deploy\n{on}\n") == types


def published(prerelease: bool = False, **kw: str) -> TriggerFacts:
    return TriggerFacts(
        name="release",
        sha="a" * 40,
        release=Release(tag="v1", may_have_twin=not prerelease),
        workflow_ref=WORKFLOW_REF,
        **kw,  # type: ignore[arg-type]
    )


def workspace(tmp_path: Path, on: str) -> str:
    path = tmp_path / ".github" / "workflows" / "deploy.yml"
    path.parent.mkdir(parents=True)
    path.write_text(f"on:\n{on}\n")
    return str(tmp_path)


def test_published_is_the_record_when_released_is_not_listened_to(tmp_path: Path) -> None:
    gh = FakeGitHub()
    trigger = published(workspace=workspace(tmp_path, "  release:\n    types: [published]"))
    assert twin_skip(trigger, Lookups(gh)) is None
    assert gh.asked == []  # read from the checkout


def test_published_leaves_the_record_to_released_when_both_are_listened_to(tmp_path: Path) -> None:
    trigger = published(workspace=workspace(tmp_path, "  release:\n    types: [published, released]"))
    assert twin_skip(trigger, Lookups(FakeGitHub())) == (
        "This `published` event is for a full release: the workflow also runs on its `released` "
        "event, which reports it; nothing was reported here."
    )


def test_without_types_every_release_event_runs_the_workflow(tmp_path: Path) -> None:
    assert twin_skip(published(workspace=workspace(tmp_path, "  release:")), Lookups(FakeGitHub())) is not None


def test_unreadable_workflow_is_unsure_so_not_reported() -> None:
    assert twin_skip(published(), Lookups(None)) == (
        "This `published` event is for a full release, which GitHub also sends as `released`, and "
        "the workflow's release types could not be read; nothing was reported, so that the release "
        "is not counted twice. Run the workflow on `release: types: [released]` (and `prereleased` "
        "for prereleases), or give commit-id to report this event."
    )


@pytest.mark.parametrize("tag", ["@scope/pkg@1.2.0", "pkg@1.2.0"])
def test_a_tag_with_an_at_sign_still_names_the_workflow(tmp_path: Path, tag: str) -> None:
    """Monorepo release tools tag `@scope/pkg@1.2.0`: GITHUB_WORKFLOW_REF ends `@refs/tags/@scope/pkg@1.2.0`."""
    trigger = published(workspace=workspace(tmp_path, "  release:\n    types: [published]"))
    trigger = replace(trigger, workflow_ref=f"o/r/.github/workflows/deploy.yml@refs/tags/{tag}", sha=None)
    gh = FakeGitHub()
    assert twin_skip(trigger, Lookups(gh)) is None
    assert gh.asked == []


def test_a_prerelease_has_no_twin() -> None:
    assert twin_skip(published(prerelease=True), Lookups(None)) is None


def test_without_a_checkout_the_workflow_is_read_at_the_commit_that_ran() -> None:
    gh = FakeGitHub(files={(".github/workflows/deploy.yml", "a" * 40): "on:\n  release:\n    types: [released]\n"})
    assert twin_skip(published(), Lookups(gh)) is not None
    assert gh.questions("file_text") == [(".github/workflows/deploy.yml", "a" * 40)]
