"""The GitHub stand-in with the scenario repository (tests/scenarios.py), for the end-to-end files
that report against it. A file that needs another stand-in defines its own `github` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests import scenarios
from tests.scenarios import Repo, build_repo
from tests.standins.github import GitHubStandIn


@pytest.fixture
def github() -> Iterator[GitHubStandIn]:
    standin = scenarios.github_standin()
    yield standin
    standin.stop()


@pytest.fixture
def repo(github: GitHubStandIn) -> Repo:
    return build_repo(github)
