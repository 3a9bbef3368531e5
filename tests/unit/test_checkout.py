"""Reading a git checkout's files: HEAD, loose and packed refs, worktree `.git` files, the remote."""

from __future__ import annotations

from pathlib import Path

import pytest

from iftrue_deploy.checkout import read_checkout, remote_repository, remote_url

SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
OTHER = "0123456789abcdef0123456789abcdef01234567"


def make_git(root: Path, head: str, files: dict[str, str] | None = None) -> Path:
    git = root / ".git"
    git.mkdir(parents=True)
    (git / "HEAD").write_text(head + "\n")
    for name, content in (files or {}).items():
        (git / name).parent.mkdir(parents=True, exist_ok=True)
        (git / name).write_text(content)
    return git


CONFIG = '[core]\n\tbare = false\n[remote "upstream"]\n\turl = git@github.com:other/fork.git\n'
CONFIG += '[remote "origin"]\n\turl = https://github.com/acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n'


def test_branch_and_loose_ref(tmp_path: Path) -> None:
    make_git(tmp_path, "ref: refs/heads/feature/cart", {"refs/heads/feature/cart": SHA + "\n", "config": CONFIG})
    found = read_checkout(tmp_path / "deep" / "inside")
    assert found is not None
    assert (found.sha, found.branch, found.repository, found.server_url) == (
        SHA,
        "feature/cart",
        "acme/shop",
        "https://github.com",
    )


def test_packed_ref(tmp_path: Path) -> None:
    packed = (
        f"# pack-refs with: peeled fully-peeled sorted\n{OTHER} refs/heads/mainline\n{SHA} refs/heads/main\n^{OTHER}\n"
    )
    make_git(tmp_path, "ref: refs/heads/main", {"packed-refs": packed})
    found = read_checkout(tmp_path)
    assert found is not None and (found.sha, found.branch, found.repository) == (SHA, "main", None)


def test_detached_head_and_unborn_branch(tmp_path: Path) -> None:
    make_git(tmp_path / "a", SHA)
    make_git(tmp_path / "b", "ref: refs/heads/main")
    a, b = read_checkout(tmp_path / "a"), read_checkout(tmp_path / "b")
    assert a is not None and (a.sha, a.branch) == (SHA, None)
    assert b is not None and (b.sha, b.branch) == (None, "main")


def test_worktree_git_file_with_commondir(tmp_path: Path) -> None:
    common = make_git(tmp_path / "repo", "ref: refs/heads/main", {"refs/heads/release": OTHER, "config": CONFIG})
    admin = common / "worktrees" / "rel"
    admin.mkdir(parents=True)
    (admin / "HEAD").write_text("ref: refs/heads/release\n")
    (admin / "commondir").write_text("../..\n")
    (tmp_path / "rel").mkdir()
    (tmp_path / "rel" / ".git").write_text("gitdir: ../repo/.git/worktrees/rel\n")
    found = read_checkout(tmp_path / "rel")
    assert found is not None and (found.sha, found.branch, found.repository) == (OTHER, "release", "acme/shop")


def test_outside_a_checkout_and_a_broken_git_file(tmp_path: Path) -> None:
    assert read_checkout(tmp_path / "nothing-here") is None
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / ".git").write_text("not a pointer\n")
    assert read_checkout(tmp_path / "broken") is None


def test_a_ref_outside_refs_is_not_read(tmp_path: Path) -> None:
    make_git(tmp_path, "ref: refs/../../secret", {"../secret": SHA})
    found = read_checkout(tmp_path)
    assert found is not None and found.sha is None


def test_remote_url_reads_the_named_remote_and_quotes() -> None:
    assert remote_url(CONFIG, "origin") == "https://github.com/acme/shop.git"
    assert remote_url('[remote "origin"]\n  URL = "git@github.com:a/b.git"  \n', "origin") == "git@github.com:a/b.git"
    assert remote_url("[remote]\nurl = x\n", "origin") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:acme/shop.git", ("acme/shop", "https://github.com")),
        ("https://x-access-token:secret@github.com/acme/shop", ("acme/shop", "https://github.com")),
        ("ssh://git@ghe.example.com:2222/acme/shop.git", ("acme/shop", "https://ghe.example.com")),
        ("https://ghe.example.com:8443/acme/shop/", ("acme/shop", "https://ghe.example.com:8443")),
        ("https://github.com:443/acme/shop", ("acme/shop", "https://github.com")),
        # Any host gives the name and the web address (for links), never an API URL.
        ("git@gitlab.com:acme/shop.git", ("acme/shop", "https://gitlab.com")),
        ("http://127.0.0.1:8929/acme/shop.git", ("acme/shop", "http://127.0.0.1:8929")),
        ("git@gitlab.com:group/sub/shop.git", (None, None)),
        ("/srv/git/shop.git", (None, None)),
        ("file:///srv/acme/shop", (None, None)),
    ],
)
def test_remote_repository(url: str, expected: tuple[str | None, str | None]) -> None:
    assert remote_repository(url) == expected
