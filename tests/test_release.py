"""Release honesty (docs/releasing.md): nothing says a version was released before it was.

- CHANGELOG.md keeps what no tag has released under `## [Unreleased]`; a `## [X.Y.Z] - date`
  heading is a release, so every one of them has its tag `vX.Y.Z` in a full clone, and none is
  newer than pyproject.toml's version.
- In the release workflow (IFTRUE_RELEASE_VERSION set to the pushed tag's version), the newest
  dated section is that very version: the release commit gave it its heading and date.
- The CI snippets (examples/ci/) and the documents install `iftrue-deploy~=N.0` with N the
  version's major, as the action's `@vN` (tests/test_metadata.py) does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml
from tests.wheel import ROOT, package_version

CHANGELOG = ROOT / "CHANGELOG.md"
NAME = "iftrue/deployment-action"
SNIPPETS = sorted((ROOT / "examples" / "ci").iterdir())
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md")), *SNIPPETS]


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def releases(changelog: str) -> list[tuple[str, str]]:
    """(version, date) of each `## [X.Y.Z] - YYYY-MM-DD` heading, in the file's order."""
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M)


def problems(changelog: str, version: str, tags: set[str] | None, releasing: str | None) -> list[str]:
    """Everything in CHANGELOG.md that claims more than is true (empty: it is honest)."""
    found: list[str] = []
    headings = re.findall(r"^## (.*)$", changelog, re.M)
    if not headings or headings[0] != "[Unreleased]":
        found.append("the first section must be ## [Unreleased]")
    dated = releases(changelog)
    if len(dated) != len(headings) - 1:
        found.append("every section after [Unreleased] must be `## [X.Y.Z] - YYYY-MM-DD`")
    versions = [v for v, _ in dated]
    if versions != sorted(versions, key=as_tuple, reverse=True):
        found.append("released versions must be listed newest first")
    for released in versions:
        if as_tuple(released) > as_tuple(version):
            found.append(f"[{released}] is newer than pyproject.toml's version {version}")
        if tags is not None and f"v{released}" not in tags and released != releasing:
            found.append(f"[{released}] has a release date but no tag v{released}: keep it under [Unreleased]")
        if f"\n[{released}]: https://github.com/{NAME}/" not in changelog:
            found.append(f"[{released}] needs its link at the bottom")
    if releasing is not None and (not versions or versions[0] != releasing):
        found.append(f"releasing {releasing}: its section must be the newest, `## [{releasing}] - <date>`")
    unreleased_link = (
        f"\n[Unreleased]: https://github.com/{NAME}/compare/v{versions[0]}...HEAD"
        if versions
        else f"\n[Unreleased]: https://github.com/{NAME}/commits/main"
    )
    if unreleased_link not in changelog:
        found.append(f"the [Unreleased] link must be{unreleased_link}")
    return found


def git_tags() -> set[str] | None:
    """The tags of this clone; None where they cannot be known (no git, not a clone, or a shallow
    clone such as actions/checkout's, which fetches no tags)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    shallow = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if shallow.returncode != 0 or shallow.stdout.strip() != "false":
        return None
    listed = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(listed.stdout.split())


def test_the_changelog_claims_no_release_that_was_not_made() -> None:
    releasing = os.environ.get("IFTRUE_RELEASE_VERSION") or None
    if releasing is not None:
        assert releasing == package_version(), "the pushed tag is pyproject.toml's version"
    assert problems(CHANGELOG.read_text(), package_version(), git_tags(), releasing) == []


UNRELEASED = (
    "# Changelog\n\n## [Unreleased]\n\n- A.\n\n[Unreleased]: https://github.com/iftrue/deployment-action/commits/main\n"
)
RELEASED = (
    "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-12-01\n\n- A.\n\n"
    "[Unreleased]: https://github.com/iftrue/deployment-action/compare/v1.0.0...HEAD\n"
    "[1.0.0]: https://github.com/iftrue/deployment-action/releases/tag/v1.0.0\n"
)


@pytest.mark.parametrize(
    ("text", "tags", "releasing", "wrong"),
    [
        (UNRELEASED, set(), None, []),
        (RELEASED, {"v1.0.0"}, None, []),
        (RELEASED, set(), None, ["[1.0.0] has a release date but no tag v1.0.0: keep it under [Unreleased]"]),
        (RELEASED, set(), "1.0.0", []),  # the release workflow, before the tag moves
        (RELEASED, None, None, []),  # a shallow clone: tags unknown
        (UNRELEASED, set(), "1.0.0", ["releasing 1.0.0: its section must be the newest, `## [1.0.0] - <date>`"]),
    ],
    ids=["unreleased", "released-and-tagged", "dated-but-untagged", "releasing", "shallow-clone", "releasing-undated"],
)
def test_the_changelog_check(text: str, tags: set[str] | None, releasing: str | None, wrong: list[str]) -> None:
    assert problems(text, "1.0.0", tags, releasing) == wrong


def test_a_release_newer_than_the_package_is_caught() -> None:
    assert "[2.0.0] is newer than pyproject.toml's version 1.0.0" in problems(
        RELEASED.replace("1.0.0", "2.0.0"), "1.0.0", {"v2.0.0"}, None
    )


def pip_pins(text: str) -> list[str]:
    """Every version constraint given to the package in a pip command: `iftrue-deploy~=1.0` → `~=1.0`."""
    return re.findall(r"\biftrue-deploy(~=\d+(?:\.\d+)*|==\d+(?:\.\d+)*)", text)


def test_snippets_and_documents_install_the_versions_major() -> None:
    major = package_version().split(".")[0]
    pins = {str(path.relative_to(ROOT)): pip_pins(path.read_text()) for path in DOCUMENTS}
    assert all(pins[str(path.relative_to(ROOT))] for path in SNIPPETS), pins
    wrong = {path: found for path, found in pins.items() if any(pin != f"~={major}.0" for pin in found)}
    assert wrong == {}, f"version {package_version()} installs as iftrue-deploy~={major}.0, not {wrong}"
    for path in SNIPPETS:
        assert "git+https" not in path.read_text(), f"{path.name} installs from git: slim images have no git"


def test_a_wrong_major_is_caught() -> None:
    assert pip_pins('pip install "iftrue-deploy~=2.0"') == ["~=2.0"]
    assert pip_pins("pip install iftrue-deploy==1.0.0 other") == ["==1.0.0"]


def test_the_snippets_are_the_ones_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in SNIPPETS:
        assert f"examples/ci/{path.name}" in readme, f"README does not point at examples/ci/{path.name}"


def test_the_readmes_gitlab_job_is_the_snippets() -> None:
    """The README shows the GitLab job; its commands are the file's (which the container test runs)."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("The GitLab job, for instance:\n\n```yaml\n", 1)[1].split("\n```", 1)[0]
    shown = yaml.safe_load(block)["report-deployment"]
    snippet = yaml.safe_load((ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text())["report-deployment"]
    assert (shown["image"], shown["script"]) == (snippet["image"], snippet["script"])
