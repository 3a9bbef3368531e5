"""What a git checkout says about itself: the commit, the branch and the repository.

Read from the files under ``.git`` (no git program, no shell), for the command-line program when
neither a flag nor a variable gives them. Anything unreadable is simply not known. The remote gives
the repository's name and web address, never an API URL: where the GitHub token may go is decided
in github_api.py alone, and a remote on another host than github.com gets none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .github_api import GITHUB_COM

SHA_RE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
NAME_RE = r"[A-Za-z0-9_.-]+"
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Checkout:
    path: Path  # the directory that holds .git
    sha: str | None = None
    branch: str | None = None  # None when HEAD is detached
    repository: str | None = None  # OWNER/REPO, from the remote "origin"
    server_url: str | None = None  # the web address of the remote's host, for links: https://github.com, …


def read_checkout(start: Path) -> Checkout | None:
    """The checkout that ``start`` is in, or None outside one."""
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        if dot_git.is_dir() or dot_git.is_file():
            git_dir = _git_dir(dot_git)
            if git_dir is None:
                return None
            return _read(directory, git_dir, _common_dir(git_dir))
    return None


def _text(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None


def _git_dir(dot_git: Path) -> Path | None:
    """``.git`` itself, or where a ``.git`` file (a worktree, a submodule) points: ``gitdir: PATH``."""
    if dot_git.is_dir():
        return dot_git
    content = _text(dot_git) or ""
    match = re.match(r"gitdir:\s*(.+?)\s*$", content, re.M)
    if match is None:
        return None
    target = (dot_git.parent / match.group(1)).resolve()
    return target if target.is_dir() else None


def _common_dir(git_dir: Path) -> Path:
    """A worktree's own git dir keeps HEAD; branches, packed-refs and config are in the common dir."""
    pointer = (_text(git_dir / "commondir") or "").strip()
    if not pointer:
        return git_dir
    common = (git_dir / pointer).resolve()
    return common if common.is_dir() else git_dir


def _read(path: Path, git_dir: Path, common_dir: Path) -> Checkout:
    head = (_text(git_dir / "HEAD") or "").strip()
    branch: str | None = None
    sha: str | None = None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        if ref.startswith("refs/heads/"):
            branch = ref.removeprefix("refs/heads/")
        sha = resolve_ref(ref, git_dir, common_dir)
    elif SHA_RE.fullmatch(head):
        sha = head
    url = remote_url(_text(common_dir / "config") or "", "origin")
    repository, server_url = remote_repository(url) if url else (None, None)
    return Checkout(path, sha, branch or None, repository, server_url)


def resolve_ref(ref: str, git_dir: Path, common_dir: Path, depth: int = 0) -> str | None:
    """The commit a ref names: a loose ref file (the worktree's own first), else packed-refs."""
    if depth > 5 or not ref.startswith("refs/") or ".." in ref.split("/"):
        return None
    for directory in (git_dir, common_dir):
        content = (_text(directory / ref) or "").strip()
        if content.startswith("ref:"):
            return resolve_ref(content[4:].strip(), git_dir, common_dir, depth + 1)
        if SHA_RE.fullmatch(content):
            return content
    for line in (_text(common_dir / "packed-refs") or "").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] == ref and SHA_RE.fullmatch(parts[0]):
            return parts[0]
    return None


def remote_url(config: str, remote: str) -> str | None:
    """``remote.<remote>.url`` from a git config file (the last one given wins, as in git)."""
    section = ""
    found: str | None = None
    for raw_line in config.splitlines():
        line = raw_line.strip()
        if not line or line[0] in "#;":
            continue
        header = re.fullmatch(r'\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]', line)
        if header:
            section = header.group(1).lower() + (f' "{header.group(2)}"' if header.group(2) is not None else "")
            continue
        key, sep, value = line.partition("=")
        if sep and section == f'remote "{remote}"' and key.strip().lower() == "url":
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            found = value
    return found


def remote_repository(url: str) -> tuple[str | None, str | None]:
    """(OWNER/REPO, web address of its host) for an https, ssh or scp-like remote URL of any host."""
    scp = re.fullmatch(r"(?:[^@/:]+@)?([A-Za-z0-9.-]+):(.+)", url)
    if scp and "://" not in url:
        host, path, port = scp.group(1), scp.group(2).strip("/"), None
    else:
        try:
            parts = urlsplit(url)
            host, path, port = parts.hostname, parts.path.strip("/"), parts.port
        except ValueError:
            return None, None
        if parts.scheme not in ("https", "http", "ssh", "git+ssh") or not host:
            return None, None
        if not parts.scheme.startswith("http"):
            port = None  # an ssh port says nothing about the web server
    path = path.removesuffix(".git")
    if not re.fullmatch(rf"{NAME_RE}/{NAME_RE}", path):
        return None, None
    host = host.lower()
    if host in ("github.com", "ssh.github.com", "www.github.com"):
        return path, GITHUB_COM
    scheme = "http" if url.startswith("http://") else "https"
    return path, f"{scheme}://{host}" + (f":{port}" if port else "")
