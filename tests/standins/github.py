"""A stand-in for the GitHub REST API, speaking real HTTP on 127.0.0.1.

The state is a small fake repository (commits on branches, tags, pull requests, releases,
deployments with statuses, workflow runs). Response bodies are deep copies of the example bodies
GitHub publishes with its OpenAPI description (``tests/fixtures/github/*.json``, from
``@octokit/openapi``) with the fields the state determines overwritten, so every answer keeps
GitHub's full shape. URLs in bodies and ``Link`` headers point at this server (with the
``/api/v3`` prefix when the request used it, as GitHub Enterprise Server does).

Every request is recorded in ``.requests``. Faults can be queued with ``fail``, ``rate_limit``,
``truncate``, ``disconnect`` and ``delay``: the next matching requests get that answer instead.
What a hostile server or proxy does is there too: ``trickle`` (the headers, then one byte every
few seconds) and ``huge`` (a valid JSON list or object of many megabytes, whose list items carry
only a ``url``, so that PyGithub fetches it for each item it reads).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import math
import re
import secrets
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode

from tests.standins import github_runs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"
API_PREFIX = "/api/v3"
DOCS = "https://docs.github.com/rest"
JSON_TYPE = "application/json; charset=utf-8"
RATE_LIMIT = 5000
# Full names used by the vendored examples; they become this stand-in's owner/name.
TEMPLATE_REPOS = ("octocat/Hello-World", "octocat/example", "octo-org/octo-repo")
DEPLOYMENT_STATES = ("error", "failure", "inactive", "in_progress", "queued", "pending", "success")


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


TEMPLATES: dict[str, Any] = {
    "pull": _load("pull-request.json"),
    "pull_simple": _load("pull-request-simple-items.json")[0],
    "commit": _load("commit.json"),
    "comparison": _load("commit-comparison.json"),
    "run": _load("workflow-run.json"),
    "deployment": _load("deployment-items.json")[0],
    "status": _load("deployment-status.json"),
    "status_item": _load("deployment-status-items.json")[0],
    "release": _load("release.json"),
    "release_item": _load("release-items.json")[0],
    "content": _load("content-file.json"),
}


def iso(value: str | datetime) -> str:
    """An ISO 8601 timestamp in UTC with ``Z``, as GitHub writes them."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_sha() -> str:
    return secrets.token_hex(20)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _stable_int(text: str, digits: int = 9) -> int:
    number: int = int(hashlib.sha1(text.encode()).hexdigest(), 16)
    return number % int(10**digits)


def not_found_body(documentation_url: str = DOCS) -> dict[str, Any]:
    return {"message": "Not Found", "documentation_url": documentation_url, "status": "404"}


@dataclass
class Request:
    """One request as the stand-in received it. ``path`` is percent-decoded and without ``/api/v3``."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    prefix: str = ""
    status: int = 0  # the status answered (0: the connection was closed without an answer)

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Fault:
    pattern: re.Pattern[str]
    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    method: str | None = None
    # "http": answer status/body/headers; "truncate": answer normally with the body cut in half;
    # "close": close the connection without answering; "delay": sleep, then answer normally;
    # "trickle": answer normally, the body one byte every `delay` seconds after the headers;
    # "huge": answer 200 with `size` bytes of valid JSON (see GitHubStandIn.huge);
    # "cut": answer normally, Content-Length the whole body's, then close after half of it.
    kind: str = "http"
    delay: float = 0.0
    size: int = 0
    shape: str = "list"
    item_path: str | None = None
    items: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and self.pattern.search(path) is not None


@dataclass
class _Commit:
    sha: str
    message: str
    parent: str | None
    date: str
    author_name: str
    author_email: str


@dataclass
class _Ctx:
    """Where this request came in: the API base (with its prefix) and the raw path and query."""

    api: str
    html: str
    uploads: str
    raw_path: str
    query: dict[str, str]


@dataclass
class _Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class GitHubStandIn:
    def __init__(
        self,
        owner: str = "Codertocat",
        name: str = "Hello-World",
        *,
        token: str | None = None,
        default_branch: str = "master",
        repo_id: int = 1296269,
        html_url: str | None = None,
        epoch: str = "2024-01-01T00:00:00Z",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._scheme = "https" if tls else "http"
        self.owner = owner
        self.name = name
        self.token = token
        self.default_branch = default_branch
        self.repo_id = repo_id
        self._html_url = html_url
        self._clock = datetime.fromisoformat(iso(epoch).replace("Z", "+00:00"))
        self._lock = threading.RLock()
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        # Bodies of POST /deployments and POST /deployments/{id}/statuses (statuses get "deployment_id").
        self.posted_deployments: list[dict[str, Any]] = []
        self.posted_statuses: list[dict[str, Any]] = []
        self._used = 0
        self._reset_at = int(time.time()) + 3600
        self._allowed = RATE_LIMIT  # requests answered before the core rate limit is exhausted
        self._window_ends = float(self._reset_at)  # then a fresh window of RATE_LIMIT requests begins
        # Files at GET /contents/{path}: path -> {ref or "" (any ref): text}.
        self.files: dict[str, dict[str, str]] = {}
        self._commits: dict[str, _Commit] = {}
        self.branches: dict[str, str | None] = {default_branch: None}
        self.tags: dict[str, str] = {}
        self.pulls: dict[int, dict[str, Any]] = {}
        self._pulls_by_sha: dict[str, list[int]] = {}
        self.releases: dict[int, dict[str, Any]] = {}
        self.deployments: dict[int, dict[str, Any]] = {}
        self.runs: dict[int, dict[str, Any]] = {}
        self._next_release_id = 1
        # Listings: called after each page is answered (path, page number), e.g. to land new items
        # between pages; and path patterns whose listing answers its first page for every page.
        self.after_page: Callable[[str, int], None] | None = None
        self.stuck_listings: list[str] = []
        self._next_deployment_id = 1
        self._next_status_id = 1
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        # A short poll interval so that stop() returns quickly (shutdown waits for the next poll).
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def html_base(self) -> str:
        return self._html_url or self.url

    def start(self) -> GitHubStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> GitHubStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ state

    def _tick(self) -> str:
        self._clock += timedelta(minutes=1)
        return iso(self._clock)

    def add_commit(
        self,
        message: str,
        sha: str | None = None,
        branch: str = "master",
        *,
        date: str | None = None,
        author_name: str = "Monalisa Octocat",
        author_email: str = "mona@github.com",
    ) -> str:
        """Appends a commit to ``branch`` (which must exist; see ``create_branch``) and returns its sha."""
        with self._lock:
            if branch not in self.branches:
                raise KeyError(f"unknown branch {branch!r}: call create_branch({branch!r}, from_sha) first")
            sha = (sha or random_sha()).lower()
            if not re.fullmatch(r"[0-9a-f]{40}", sha):
                raise ValueError(f"not a 40-hex sha: {sha!r}")
            if sha in self._commits:
                raise ValueError(f"commit {sha} already exists")
            self._commits[sha] = _Commit(
                sha, message, self.branches[branch], iso(date) if date else self._tick(), author_name, author_email
            )
            self.branches[branch] = sha
            return sha

    def create_branch(self, name: str, from_sha: str | None = None) -> None:
        """A branch whose history is that of ``from_sha`` (any ref; default: the default branch's head)."""
        with self._lock:
            start = self.resolve(from_sha) if from_sha is not None else self.branches[self.default_branch]
            if from_sha is not None and start is None:
                raise KeyError(f"unknown ref {from_sha!r}")
            self.branches[name] = start

    def add_tag(self, name: str, sha: str) -> None:
        """A lightweight tag (releases add theirs themselves)."""
        with self._lock:
            self.tags[name] = sha

    def head(self, branch: str = "master") -> str | None:
        return self.branches.get(branch)

    def resolve(self, ref: str) -> str | None:
        """The sha a branch, tag (of a non-draft release or ``add_tag``), full or abbreviated sha names."""
        with self._lock:
            for prefix in ("refs/heads/", "refs/tags/", "heads/", "tags/"):
                if ref.startswith(prefix):
                    ref = ref[len(prefix) :]
                    break
            if ref in self.branches:
                return self.branches[ref]
            if ref in self.tags:
                return self.tags[ref]
            for release in self.releases.values():
                if release["tag_name"] == ref and not release["draft"]:
                    return str(release["sha"])
            lowered = ref.lower()
            if lowered in self._commits:
                return lowered
            if re.fullmatch(r"[0-9a-f]{4,39}", lowered):
                found = [sha for sha in self._commits if sha.startswith(lowered)]
                if len(found) == 1:
                    return found[0]
            return None

    def history(self, sha: str | None) -> list[str]:
        """Shas reachable from ``sha``, newest first."""
        out: list[str] = []
        while sha is not None and sha in self._commits:
            out.append(sha)
            sha = self._commits[sha].parent
        return out

    def add_pull(
        self,
        number: int,
        title: str,
        head_branch: str,
        merge_commit_sha: str | None,
        labels: Iterable[str] = (),
        commits: int = 1,
        merged: bool = True,
        base: str = "master",
        *,
        body: str | None = None,
        head_sha: str | None = None,
        state: str | None = None,
        user: str = "octocat",
        created_at: str | None = None,
        merged_at: str | None = None,
        draft: bool = False,
    ) -> dict[str, Any]:
        """A pull request; ``merge_commit_sha`` is associated with it (``GET /commits/{sha}/pulls``)."""
        with self._lock:
            if head_sha is None:
                head_sha = self.branches.get(head_branch) or merge_commit_sha or random_sha()
            created = iso(created_at) if created_at else self._tick()
            when = (iso(merged_at) if merged_at else self._tick()) if merged else None
            record: dict[str, Any] = {
                "number": number,
                "id": 1000000 + number,
                "title": title,
                "body": body,
                "head_branch": head_branch,
                "head_sha": head_sha,
                "base": base,
                "merge_commit_sha": merge_commit_sha,
                "labels": list(labels),
                "commits": commits,
                "merged": merged,
                "state": state or ("closed" if merged else "open"),
                "user": user,
                "created_at": created,
                "merged_at": when,
                "draft": draft,
            }
            self.pulls[number] = record
            if merge_commit_sha:
                self.associate(merge_commit_sha, number)
            return record

    def associate(self, sha: str, number: int) -> None:
        """Lists pull ``number`` at ``GET /commits/{sha}/pulls``."""
        with self._lock:
            numbers = self._pulls_by_sha.setdefault(sha.lower(), [])
            if number not in numbers:
                numbers.append(number)

    def add_release(
        self,
        tag: str,
        sha: str,
        name: str | None = None,
        body: str = "",
        draft: bool = False,
        prerelease: bool = False,
        published_at: str | None = None,
        *,
        created_at: str | None = None,
        target_commitish: str | None = None,
    ) -> dict[str, Any]:
        """A release (ids increasing). Drafts have no ``published_at`` and their tag does not resolve."""
        with self._lock:
            created = iso(created_at) if created_at else (iso(published_at) if published_at else self._tick())
            record: dict[str, Any] = {
                "id": self._next_release_id,
                "tag_name": tag,
                "sha": sha,
                "name": tag if name is None else name,
                "body": body,
                "draft": draft,
                "prerelease": prerelease,
                "created_at": created,
                "published_at": None if draft else (iso(published_at) if published_at else created),
                "target_commitish": target_commitish or self.default_branch,
            }
            self._next_release_id += 1
            self.releases[record["id"]] = record
            return record

    def add_deployment(
        self,
        sha: str,
        environment: str = "production",
        ref: str = "master",
        created_at: str | None = None,
        statuses: Iterable[str | dict[str, Any]] = (),
        *,
        task: str = "deploy",
        description: str | None = None,
        payload: dict[str, Any] | str | None = None,
        transient_environment: bool = False,
        production_environment: bool | None = None,
    ) -> dict[str, Any]:
        """A deployment; ``statuses`` oldest first (a state, or a dict with state and optional fields)."""
        with self._lock:
            created = iso(created_at) if created_at else self._tick()
            record = self._new_deployment(
                sha=sha,
                ref=ref,
                environment=environment,
                created_at=created,
                task=task,
                description=description,
                payload=payload if payload is not None else {},
                transient_environment=transient_environment,
                production_environment=(
                    environment == "production" if production_environment is None else production_environment
                ),
            )
            at = datetime.fromisoformat(created.replace("Z", "+00:00"))
            for i, status in enumerate(statuses, start=1):
                fields = {"state": status} if isinstance(status, str) else dict(status)
                fields.setdefault("created_at", iso(at + timedelta(seconds=30 * i)))
                self._new_status(record, **fields)
            return record

    def _new_deployment(self, **fields: Any) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self._next_deployment_id, **fields}
        record["node_id"] = "DE_kwDO" + _b64(f"{self.repo_id}:deployment:{record['id']}")
        record["original_environment"] = fields["environment"]
        record["updated_at"] = fields["created_at"]
        record["statuses"] = []
        self._next_deployment_id += 1
        self.deployments[record["id"]] = record
        return record

    def _new_status(
        self,
        deployment: dict[str, Any],
        state: str,
        created_at: str | None = None,
        description: str = "",
        environment: str | None = None,
        log_url: str = "",
        target_url: str = "",
        environment_url: str = "",
    ) -> dict[str, Any]:
        created = iso(created_at) if created_at else iso(datetime.now(UTC))
        status = {
            "id": self._next_status_id,
            "node_id": f"DES_kwDO{_b64(f'{self.repo_id}:status:{self._next_status_id}')}",
            "deployment_id": deployment["id"],
            "state": state,
            "description": description,
            "environment": environment or deployment["environment"],
            "log_url": log_url or target_url,
            "target_url": log_url or target_url,
            "environment_url": environment_url,
            "created_at": created,
            "updated_at": created,
        }
        self._next_status_id += 1
        deployment["statuses"].append(status)
        deployment["updated_at"] = max(deployment["updated_at"], created)
        return status

    def add_run(
        self,
        run_id: int,
        run_started_at: str,
        attempt: int = 1,
        attempts: dict[int, str] | None = None,
        *,
        status: str = "in_progress",
        conclusion: str | None = None,
        head_sha: str | None = None,
        head_branch: str | None = None,
        event: str = "push",
        name: str = "Build",
        run_number: int = 562,
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """A workflow run at ``attempt``; ``attempts`` gives earlier attempts' ``run_started_at``."""
        with self._lock:
            started = {int(n): iso(at) for n, at in (attempts or {}).items()}
            started[attempt] = iso(run_started_at)
            branch = head_branch or self.default_branch
            record: dict[str, Any] = {
                "id": run_id,
                "attempt": attempt,
                "started": started,
                "status": status,
                "conclusion": conclusion,
                "head_sha": head_sha or self.branches.get(branch) or random_sha(),
                "head_branch": branch,
                "event": event,
                "name": name,
                "run_number": run_number,
                "created_at": iso(created_at) if created_at else min(started.values()),
            }
            self.runs[run_id] = record
            return record

    def add_file(self, path: str, text: str, ref: str = "") -> None:
        """A file served by ``GET /contents/{path}``; with ``ref``, only at ``?ref=<ref>``."""
        with self._lock:
            self.files.setdefault(path.strip("/"), {})[ref] = text

    def set_rate_limit(self, remaining: int, reset_in: float = 3600) -> None:
        """From now on, ``remaining`` requests are answered; then every request gets GitHub's 403
        "API rate limit exceeded". The headers count down to it; ``reset_in`` seconds from now a
        fresh window of RATE_LIMIT requests begins, as on GitHub."""
        with self._lock:
            self._allowed = self._used + max(0, remaining)
            self._window_ends = time.time() + reset_in
            self._reset_at = math.ceil(self._window_ends)

    # ------------------------------------------------------------------ observability and faults

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def count(self, method: str | None = None, path_contains: str | None = None, path_regex: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path_contains is None or path_contains in r.path)
                and (path_regex is None or re.search(path_regex, r.path))
            )

    def fail(
        self,
        path_pattern: str,
        status: int,
        body: bytes | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
        method: str | None = None,
    ) -> Fault:
        """The next ``times`` requests whose path (no prefix) ``re.search``-matches get this answer."""
        if body is None:
            phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
            body = {"message": phrase, "documentation_url": DOCS, "status": str(status)}
        raw = json.dumps(body).encode() if isinstance(body, dict) else body
        return self._add_fault(Fault(re.compile(path_pattern), status, raw, dict(headers or {}), times, method))

    def rate_limit(self, path_pattern: str, times: int = 99, status: int = 403, method: str | None = None) -> Fault:
        reset = int(time.time()) + 3600
        body = {
            "message": f"API rate limit exceeded for installation ID {self.repo_id}.",
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            "status": str(status),
        }
        headers = {
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Used": str(RATE_LIMIT),
            "X-RateLimit-Reset": str(reset),
            "X-RateLimit-Resource": "core",
        }
        return self.fail(path_pattern, status, body, headers, times, method)

    def truncate(self, path_pattern: str, times: int = 1, method: str | None = None) -> Fault:
        """The normal answer, its JSON body cut in the middle (Content-Length of the cut body)."""
        return self._add_fault(Fault(re.compile(path_pattern), times=times, method=method, kind="truncate"))

    def cut(self, path_pattern: str, times: int = 1, method: str | None = None) -> Fault:
        """The normal answer, its connection closed half-way through the body it announced."""
        return self._add_fault(Fault(re.compile(path_pattern), times=times, method=method, kind="cut"))

    def disconnect(self, path_pattern: str, times: int = 1, method: str | None = None) -> Fault:
        """Closes the connection after reading the request, without answering."""
        return self._add_fault(Fault(re.compile(path_pattern), times=times, method=method, kind="close"))

    def delay(self, path_pattern: str, seconds: float, times: int = 1, method: str | None = None) -> Fault:
        """Sleeps ``seconds`` before answering normally."""
        return self._add_fault(Fault(re.compile(path_pattern), times=times, method=method, kind="delay", delay=seconds))

    def trickle(self, path_pattern: str, interval: float = 2.0, times: int = 99, method: str | None = None) -> Fault:
        """Answers normally, but after the headers sends the body one byte every ``interval`` s."""
        fault = Fault(re.compile(path_pattern), times=times, method=method, kind="trickle", delay=interval)
        return self._add_fault(fault)

    def huge(
        self,
        path_pattern: str,
        size: int = 0,
        shape: str = "list",
        item_path: str | None = None,
        times: int = 99,
        method: str | None = None,
        items: int = 0,
    ) -> Fault:
        """A 200 with about ``size`` bytes of valid JSON. ``shape="list"``: items that carry only a
        ``url`` (``item_path`` under the API, or the request's path + ``/<n>``), so that PyGithub
        fetches it for every item it reads, as many as fill ``size`` or exactly ``items``;
        ``shape="object"``: an object with one long string."""
        fault = Fault(
            re.compile(path_pattern),
            times=times,
            method=method,
            kind="huge",
            size=size,
            shape=shape,
            item_path=item_path,
            items=items,
        )
        return self._add_fault(fault)

    def _huge_body(self, fault: Fault, ctx: _Ctx) -> bytes:
        if fault.shape == "object":
            return b'{"url": "%s", "message": "%s"}' % (ctx.api.encode() + ctx.raw_path.encode(), b"x" * fault.size)
        items: list[bytes] = []
        size = 2
        while (len(items) < fault.items) if fault.items else (size < fault.size):
            url = ctx.api + (fault.item_path or f"{ctx.raw_path}/{len(items) + 1}")
            items.append(json.dumps({"url": url}).encode())
            size += len(items[-1]) + 1
        return b"[" + b",".join(items) + b"]"

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.matches(method, path):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------ HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def version_string(self) -> str:
                return "GitHub.com"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def read_body(self) -> bytes:
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    chunks: list[bytes] = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                sent = {k.lower() for k in headers}
                if "content-type" not in sent:
                    self.send_header("Content-Type", JSON_TYPE)
                for key, value in headers.items():
                    if key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                # Headers and body in one write: two small writes meet the client's delayed ACK (~40 ms).
                self._headers_buffer.append(b"\r\n" + body)  # type: ignore[attr-defined]
                self.flush_headers()

            def send_trickled(self, status: int, body: bytes, headers: dict[str, str], interval: float) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(interval)
                except OSError:  # the client gave up, as it should
                    self.close_connection = True

            def send_cut(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True

            def handle(self) -> None:
                try:
                    super().handle()
                except ConnectionResetError:  # the client dropped a kept-alive connection
                    self.close_connection = True

            def serve(self) -> None:
                try:
                    standin._serve(self, self.command, self.read_body())
                except (BrokenPipeError, ConnectionResetError):  # the client stopped reading a huge answer
                    self.close_connection = True

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = serve  # noqa: N815

        return Handler

    def _base_headers(self) -> dict[str, str]:
        return {
            "Content-Type": JSON_TYPE,
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(max(0, self._allowed - self._used)),
            "X-RateLimit-Reset": str(self._reset_at),
            "X-RateLimit-Used": str(min(self._used, RATE_LIMIT)),
            "X-RateLimit-Resource": "core",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Request-Id": (
                f"{secrets.token_hex(2).upper()}:{secrets.token_hex(2).upper()}:"
                f"{secrets.token_hex(3).upper()}:{secrets.token_hex(3).upper()}:{secrets.token_hex(4).upper()}"
            ),
        }

    def _serve(self, handler: BaseHTTPRequestHandler, method: str, raw_body: bytes) -> None:
        raw_path, _, raw_query = handler.path.partition("?")
        prefix = ""
        if raw_path == API_PREFIX or raw_path.startswith(API_PREFIX + "/"):
            prefix, raw_path = API_PREFIX, raw_path[len(API_PREFIX) :] or "/"
        query = {k: v[-1] for k, v in parse_qs(raw_query, keep_blank_values=True).items()}
        body: Any = None
        if raw_body:
            try:
                body = json.loads(raw_body)
            except ValueError:
                body = raw_body
        request = Request(method, unquote(raw_path), query, dict(handler.headers.items()), body, prefix)
        with self._lock:
            self.requests.append(request)
            if time.time() >= self._window_ends:
                self._allowed = self._used + RATE_LIMIT
                self._window_ends = time.time() + 3600
                self._reset_at = math.ceil(self._window_ends)
            exhausted = self._used >= self._allowed and request.path != "/rate_limit"
            self._used += 1
            fault = self._take_fault(method, request.path)
            headers = self._base_headers()
        if fault is None and exhausted:
            request.status = 403
            body = {
                "message": f"API rate limit exceeded for installation ID {self.repo_id}.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                "status": "403",
            }
            handler.send(403, json.dumps(body).encode(), headers)  # type: ignore[attr-defined]
            return
        if fault is not None and fault.kind == "close":
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.delay)
        if fault is not None and fault.kind == "http":
            request.status = fault.status
            handler.send(fault.status, fault.body, {**headers, **fault.headers})  # type: ignore[attr-defined]
            return
        ctx = _Ctx(
            api=self.url + prefix,
            html=self.html_base,
            uploads=self.url + "/api/uploads",
            raw_path=raw_path,
            query=query,
        )
        try:
            with self._lock:
                answer = self._answer(request, ctx)
        except Exception as error:  # a bug in the stand-in: make it visible, as a 500
            answer = _Answer(500, {"message": f"stand-in error: {error!r}", "documentation_url": DOCS})
        if fault is not None and fault.kind == "huge":
            answer = _Answer(200, None)
        out = json.dumps(answer.body, separators=(",", ":")).encode() if answer.body is not None else b""
        if fault is not None and fault.kind == "truncate":
            out = out[: max(1, len(out) // 2)]
        if fault is not None and fault.kind == "huge":
            out = self._huge_body(fault, ctx)
        request.status = answer.status
        if fault is not None and fault.kind == "cut":
            handler.send_cut(answer.status, out, {**headers, **answer.headers})  # type: ignore[attr-defined]
            return
        if fault is not None and fault.kind == "trickle":
            handler.send_trickled(answer.status, out, {**headers, **answer.headers}, fault.delay)  # type: ignore[attr-defined]
            return
        handler.send(answer.status, out, {**headers, **answer.headers})  # type: ignore[attr-defined]

    def _authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        value = request.header("Authorization") or ""
        return value in (f"token {self.token}", f"Bearer {self.token}", f"bearer {self.token}")

    def _answer(self, request: Request, ctx: _Ctx) -> _Answer:
        if not request.header("User-Agent"):
            return _Answer(
                403,
                {
                    "message": "Request forbidden by administrative rules. "
                    "Please make sure your request has a User-Agent header "
                    "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). "
                    "Check https://developer.github.com for other possible causes."
                },
            )
        if not self._authorized(request):
            return _Answer(401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"})
        method = request.method
        if ctx.raw_path == "/rate_limit" and method == "GET":
            return _Answer(200, self._rate_limit_body())
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", ctx.raw_path)
        if (
            not m
            or unquote(m.group(1)).lower() != self.owner.lower()
            or unquote(m.group(2)).lower() != (self.name.lower())
        ):
            return _Answer(404, not_found_body())
        rest = m.group(3) or ""
        routes: list[tuple[str, str, Any]] = [
            ("GET", r"/?", self._get_repo),
            ("GET", r"/commits", self._list_commits),
            ("GET", r"/commits/(.+)/pulls", self._commit_pulls),
            ("GET", r"/commits/(.+)", self._get_commit),
            ("GET", r"/pulls/(\d+)", self._get_pull),
            ("GET", r"/compare/(.+)", self._compare),
            ("GET", r"/actions/runs/(\d+)", self._get_run),
            ("GET", r"/actions/runs/(\d+)/attempts/(\d+)", self._get_run),
            ("GET", r"/actions/workflows/([^/]+)/runs", partial(github_runs.list_workflow_runs, self)),
            ("GET", r"/deployments", self._list_deployments),
            ("POST", r"/deployments", self._create_deployment),
            ("GET", r"/deployments/(\d+)", self._get_deployment),
            ("GET", r"/deployments/(\d+)/statuses", self._list_statuses),
            ("POST", r"/deployments/(\d+)/statuses", self._create_status),
            ("GET", r"/releases", self._list_releases),
            ("GET", r"/releases/latest", self._latest_release),
            ("GET", r"/releases/tags/(.+)", self._release_by_tag),
            ("GET", r"/releases/(\d+)", self._get_release),
            ("GET", r"/contents/(.+)", self._get_content),
        ]
        for verb, pattern, handle in routes:
            found = re.fullmatch(pattern, rest)
            if verb == method and found:
                result: _Answer = handle(request, ctx, *(unquote(g) for g in found.groups()))
                return result
        return _Answer(404, not_found_body())

    # ------------------------------------------------------------------ rendering helpers

    def _localize(self, value: Any, ctx: _Ctx) -> Any:
        """A deep copy with the examples' hosts and repository names replaced by this server's."""
        if isinstance(value, dict):
            return {k: self._localize(v, ctx) for k, v in value.items()}
        if isinstance(value, list):
            return [self._localize(v, ctx) for v in value]
        if isinstance(value, str):
            for template in TEMPLATE_REPOS:
                value = value.replace(template, self.full_name)
            return (
                value.replace("https://api.github.com", ctx.api)
                .replace("https://uploads.github.com", ctx.uploads)
                .replace("https://github.com", ctx.html)
            )
        return value

    def _template(self, name: str, ctx: _Ctx) -> dict[str, Any]:
        out: dict[str, Any] = self._fix_repos(self._localize(copy.deepcopy(TEMPLATES[name]), ctx), ctx)
        return out

    def _fix_repos(self, value: Any, ctx: _Ctx) -> Any:
        """Repository objects nested in examples get this repository's id, names and owner."""
        if isinstance(value, dict):
            if "full_name" in value and "owner" in value:
                value.update(
                    id=self.repo_id,
                    node_id=_b64(f"010:Repository{self.repo_id}"),
                    name=self.name,
                    full_name=self.full_name,
                    html_url=f"{ctx.html}/{self.full_name}",
                    url=f"{ctx.api}/repos/{self.full_name}",
                )
                if "default_branch" in value:
                    value["default_branch"] = self.default_branch
                if isinstance(value["owner"], dict):
                    value["owner"] = self._user(value["owner"], self.owner, ctx)
            for item in value.values():
                self._fix_repos(item, ctx)
        elif isinstance(value, list):
            for item in value:
                self._fix_repos(item, ctx)
        return value

    def _user(self, template: dict[str, Any], login: str, ctx: _Ctx) -> dict[str, Any]:
        old = template.get("login", "octocat")
        user: dict[str, Any] = {
            k: (v.replace(f"/users/{old}", f"/users/{login}").replace(f"{ctx.html}/{old}", f"{ctx.html}/{login}"))
            if isinstance(v, str)
            else v
            for k, v in template.items()
        }
        if login != old:
            user.update(login=login, id=_stable_int(login, 8), node_id=_b64(f"04:User{_stable_int(login, 8)}"))
        return user

    def _repo_api(self, ctx: _Ctx) -> str:
        return f"{ctx.api}/repos/{self.full_name}"

    def _paginate(
        self, items: list[Any], ctx: _Ctx, default_per_page: int = 30, max_per_page: int = 100
    ) -> tuple[list[Any], dict[str, str]]:
        def number(key: str, default: int) -> int:
            try:
                return int(ctx.query.get(key, default))
            except ValueError:
                return default

        per_page = min(max(number("per_page", default_per_page), 1), max_per_page)
        page = asked = max(number("page", 1), 1)
        if any(re.search(pattern, ctx.raw_path) for pattern in self.stuck_listings):
            page = 1
        pages = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        if self.after_page is not None:
            self.after_page(ctx.raw_path, asked)
        page = asked

        def link(p: int) -> str:
            params = {**ctx.query, "page": str(p)}
            return f"<{ctx.api}{ctx.raw_path}?{urlencode(params)}>"

        # In GitHub's order: prev, next, last, first.
        links = []
        if page > 1:
            links.append(f'{link(min(page - 1, pages))}; rel="prev"')
        if page < pages:
            links += [f'{link(page + 1)}; rel="next"', f'{link(pages)}; rel="last"']
        if page > 1:
            links.append(f'{link(1)}; rel="first"')
        return chunk, ({"Link": ", ".join(links)} if links else {})

    # ------------------------------------------------------------------ endpoints

    def _get_repo(self, request: Request, ctx: _Ctx) -> _Answer:
        repo = self._template("pull", ctx)["base"]["repo"]
        repo.update(
            private=False,
            description="My first repository on GitHub!",
            default_branch=self.default_branch,
            pushed_at=iso(self._clock),
            updated_at=iso(self._clock),
        )
        return _Answer(200, repo)

    def _rate_limit_body(self) -> dict[str, Any]:
        core = {
            "limit": RATE_LIMIT,
            "used": min(self._used, RATE_LIMIT),
            "remaining": max(0, self._allowed - self._used),
            "reset": self._reset_at,
        }
        return {"resources": {"core": core}, "rate": core}

    def _commit(self, sha: str, ctx: _Ctx, full: bool = True) -> dict[str, Any]:
        c = self._commits[sha]
        api = self._repo_api(ctx)
        html = f"{ctx.html}/{self.full_name}"
        out = self._template("commit", ctx)
        tree = hashlib.sha1(f"tree:{sha}".encode()).hexdigest()
        out.update(
            url=f"{api}/commits/{sha}",
            sha=sha,
            node_id=f"C_kwDO{_b64(f'{self.repo_id}:{sha}')}",
            html_url=f"{html}/commit/{sha}",
            comments_url=f"{api}/commits/{sha}/comments",
            parents=(
                [{"url": f"{api}/commits/{c.parent}", "sha": c.parent, "html_url": f"{html}/commit/{c.parent}"}]
                if c.parent
                else []
            ),
        )
        person = {"name": c.author_name, "email": c.author_email, "date": c.date}
        out["commit"].update(
            url=f"{api}/git/commits/{sha}",
            author=dict(person),
            committer=dict(person),
            message=c.message,
            tree={"url": f"{api}/git/trees/{tree}", "sha": tree},
            comment_count=0,
        )
        if full:
            out["stats"] = {"additions": 0, "deletions": 0, "total": 0}
            out["files"] = []
        else:
            out.pop("stats", None)
            out.pop("files", None)
        return out

    def _commit_not_found(self, ref: str) -> _Answer:
        return _Answer(
            422,
            {
                "message": f"No commit found for SHA: {ref}",
                "documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit",
                "status": "422",
            },
        )

    def _get_commit(self, request: Request, ctx: _Ctx, ref: str) -> _Answer:
        if not self._commits:
            return _Answer(409, {"message": "Git Repository is empty.", "documentation_url": DOCS, "status": "409"})
        sha = self.resolve(ref)
        if sha is None or sha not in self._commits:
            return self._commit_not_found(ref)
        return _Answer(200, self._commit(sha, ctx))

    def _list_commits(self, request: Request, ctx: _Ctx) -> _Answer:
        if not self._commits:
            return _Answer(409, {"message": "Git Repository is empty.", "documentation_url": DOCS, "status": "409"})
        ref = ctx.query.get("sha") or self.default_branch
        sha = self.resolve(ref)
        if sha is None:
            return _Answer(404, not_found_body("https://docs.github.com/rest/commits/commits#list-commits"))
        shas = self.history(sha)
        since, until = ctx.query.get("since"), ctx.query.get("until")
        if since:
            shas = [s for s in shas if self._commits[s].date >= iso(since)]
        if until:
            shas = [s for s in shas if self._commits[s].date <= iso(until)]
        chunk, headers = self._paginate(shas, ctx)
        return _Answer(200, [self._commit(s, ctx, full=False) for s in chunk], headers)

    def _labels(self, names: list[str], ctx: _Ctx) -> list[dict[str, Any]]:
        template = TEMPLATES["pull"]["labels"][0]
        out = []
        for label in names:
            number = _stable_int(f"label:{label}")
            out.append(
                {
                    **template,
                    "id": number,
                    "node_id": f"LA_kwDO{_b64(f'{self.repo_id}:{number}')}",
                    "url": f"{self._repo_api(ctx)}/labels/{quote(label, safe='')}",
                    "name": label,
                    "description": None,
                    "default": False,
                }
            )
        return out

    def _pull(self, number: int, ctx: _Ctx, simple: bool) -> dict[str, Any]:
        p = self.pulls[number]
        api = self._repo_api(ctx)
        html = f"{ctx.html}/{self.full_name}"
        out = self._template("pull_simple" if simple else "pull", ctx)
        merged_at = p["merged_at"]
        closed = p["state"] == "closed"
        out.update(
            url=f"{api}/pulls/{number}",
            id=p["id"],
            node_id=f"PR_kwDO{_b64(f'{self.repo_id}:{number}')}",
            html_url=f"{html}/pull/{number}",
            diff_url=f"{html}/pull/{number}.diff",
            patch_url=f"{html}/pull/{number}.patch",
            issue_url=f"{api}/issues/{number}",
            commits_url=f"{api}/pulls/{number}/commits",
            review_comments_url=f"{api}/pulls/{number}/comments",
            review_comment_url=f"{api}/pulls/comments{{/number}}",
            comments_url=f"{api}/issues/{number}/comments",
            statuses_url=f"{api}/statuses/{p['head_sha']}",
            number=number,
            state=p["state"],
            locked=False,
            title=p["title"],
            user=self._user(out["user"], p["user"], ctx),
            body=p["body"],
            labels=self._labels(p["labels"], ctx),
            milestone=None,
            active_lock_reason=None,
            created_at=p["created_at"],
            updated_at=merged_at or p["created_at"],
            closed_at=merged_at if closed else None,
            merged_at=merged_at,
            merge_commit_sha=p["merge_commit_sha"],
            assignee=None,
            assignees=[],
            requested_reviewers=[],
            requested_teams=[],
            author_association="MEMBER",
            auto_merge=None,
            draft=p["draft"],
        )
        base_sha = self.branches.get(p["base"]) or p["merge_commit_sha"] or p["head_sha"]
        for side, ref, sha in (("head", p["head_branch"], p["head_sha"]), ("base", p["base"], base_sha)):
            out[side].update(label=f"{self.owner}:{ref}", ref=ref, sha=sha)
            out[side]["user"] = self._user(out[side]["user"], self.owner, ctx)
        out["_links"] = {
            "self": {"href": f"{api}/pulls/{number}"},
            "html": {"href": f"{html}/pull/{number}"},
            "issue": {"href": f"{api}/issues/{number}"},
            "comments": {"href": f"{api}/issues/{number}/comments"},
            "review_comments": {"href": f"{api}/pulls/{number}/comments"},
            "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{api}/pulls/{number}/commits"},
            "statuses": {"href": f"{api}/statuses/{p['head_sha']}"},
        }
        if not simple:
            out.update(
                merged=p["merged"],
                mergeable=None if closed else True,
                rebaseable=None if closed else True,
                mergeable_state="unknown" if closed else "clean",
                merged_by=self._user(out["merged_by"], "octocat", ctx) if p["merged"] else None,
                comments=0,
                review_comments=0,
                commits=p["commits"],
                additions=10 * p["commits"],
                deletions=2 * p["commits"],
                changed_files=p["commits"],
            )
        return out

    def _commit_pulls(self, request: Request, ctx: _Ctx, ref: str) -> _Answer:
        # Lists what `associate` recorded for the sha; [] for any other sha (known or not).
        sha = self.resolve(ref) or ref.lower()
        numbers = [n for n in self._pulls_by_sha.get(sha, []) if n in self.pulls]
        chunk, headers = self._paginate(numbers, ctx)
        return _Answer(200, [self._pull(n, ctx, simple=True) for n in chunk], headers)

    def _get_pull(self, request: Request, ctx: _Ctx, number: str) -> _Answer:
        if int(number) not in self.pulls:
            return _Answer(404, not_found_body("https://docs.github.com/rest/pulls/pulls#get-a-pull-request"))
        return _Answer(200, self._pull(int(number), ctx, simple=False))

    def _compare(self, request: Request, ctx: _Ctx, basehead: str) -> _Answer:
        not_found = _Answer(404, not_found_body("https://docs.github.com/rest/commits/commits#compare-two-commits"))
        if "..." not in basehead:
            return not_found
        base_ref, head_ref = basehead.split("...", 1)
        # "owner:ref" names a ref in a fork; only this repository exists here.
        base_ref, head_ref = (r.split(":", 1)[1] if ":" in r else r for r in (base_ref, head_ref))
        base, head = self.resolve(base_ref), self.resolve(head_ref)
        if base is None or head is None or base not in self._commits or head not in self._commits:
            return not_found
        head_history, base_history = self.history(head), self.history(base)
        in_base, in_head = set(base_history), set(head_history)
        ahead = [s for s in head_history if s not in in_base]
        behind = [s for s in base_history if s not in in_head]
        merge_base = next((s for s in head_history if s in in_base), None)
        if merge_base is None:
            return _Answer(
                404,
                {
                    "message": f"No common ancestor between {base_ref} and {head_ref}.",
                    "documentation_url": DOCS,
                    "status": "404",
                },
            )
        status = (
            "identical"
            if not ahead and not behind
            else "diverged"
            if ahead and behind
            else ("ahead" if ahead else "behind")
        )
        commits = list(reversed(ahead))  # oldest first
        if "page" in ctx.query or "per_page" in ctx.query:
            chunk, headers = self._paginate(commits, ctx, default_per_page=250, max_per_page=1000)
        else:
            chunk, headers = commits[:250], {}
        api, html = self._repo_api(ctx), f"{ctx.html}/{self.full_name}"
        raw = ctx.raw_path.split("/compare/", 1)[1]
        out = self._template("comparison", ctx)
        out.update(
            url=f"{api}/compare/{raw}",
            html_url=f"{html}/compare/{raw}",
            permalink_url=f"{html}/compare/{self.owner}:{base}...{self.owner}:{head}",
            diff_url=f"{html}/compare/{raw}.diff",
            patch_url=f"{html}/compare/{raw}.patch",
            base_commit=self._commit(base, ctx, full=False),
            merge_base_commit=self._commit(merge_base, ctx, full=False),
            status=status,
            ahead_by=len(ahead),
            behind_by=len(behind),
            total_commits=len(ahead),
            commits=[self._commit(s, ctx, full=False) for s in chunk],
            files=[],
        )
        return _Answer(200, out, headers)

    def _get_run(self, request: Request, ctx: _Ctx, run_id: str, attempt: str | None = None) -> _Answer:
        run = self.runs.get(int(run_id))
        number = int(attempt) if attempt is not None else (run or {}).get("attempt", 0)
        if run is None or number not in run["started"]:
            return _Answer(404, not_found_body("https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run"))
        current = number == run["attempt"]
        api, html = self._repo_api(ctx), f"{ctx.html}/{self.full_name}"
        runs = f"{api}/actions/runs/{run['id']}"
        out = self._template("run", ctx)
        started = run["started"][number]
        out.update(
            id=run["id"],
            name=run["name"],
            node_id="WFR_kwLO" + _b64(f"{self.repo_id}:{run['id']}"),
            head_branch=run["head_branch"],
            head_sha=run["head_sha"],
            path=f".github/workflows/{run['name'].lower()}.yml",
            run_number=run["run_number"],
            event=run["event"],
            display_title=(
                self._commits[run["head_sha"]].message.splitlines()[0] if run["head_sha"] in self._commits else "Build"
            ),
            status=run["status"] if current else "completed",
            conclusion=run["conclusion"] if current else "failure",
            url=runs,
            html_url=f"{html}/actions/runs/{run['id']}" + ("" if current else f"/attempts/{number}"),
            pull_requests=[],
            created_at=run["created_at"],
            updated_at=started,
            run_attempt=number,
            referenced_workflows=[],
            run_started_at=started,
            jobs_url=f"{runs}/jobs",
            logs_url=f"{runs}/logs",
            artifacts_url=f"{runs}/artifacts",
            cancel_url=f"{runs}/cancel",
            rerun_url=f"{runs}/rerun",
            previous_attempt_url=f"{runs}/attempts/{number - 1}" if number > 1 else None,
        )
        out["head_commit"].update(id=run["head_sha"])
        if run["head_sha"] in self._commits:
            c = self._commits[run["head_sha"]]
            out["head_commit"].update(message=c.message, timestamp=c.date)
        return _Answer(200, out)

    def _deployment(self, d: dict[str, Any], ctx: _Ctx) -> dict[str, Any]:
        api = self._repo_api(ctx)
        out = self._template("deployment", ctx)
        out.update(
            url=f"{api}/deployments/{d['id']}",
            id=d["id"],
            node_id=d["node_id"],
            sha=d["sha"],
            ref=d["ref"],
            task=d["task"],
            payload=d["payload"],
            original_environment=d["original_environment"],
            environment=d["environment"],
            description=d["description"],
            created_at=d["created_at"],
            updated_at=d["updated_at"],
            statuses_url=f"{api}/deployments/{d['id']}/statuses",
            repository_url=api,
            transient_environment=d["transient_environment"],
            production_environment=d["production_environment"],
        )
        return out

    def _status(self, s: dict[str, Any], ctx: _Ctx, item: bool) -> dict[str, Any]:
        api = self._repo_api(ctx)
        out = self._template("status_item" if item else "status", ctx)
        out.update(
            url=f"{api}/deployments/{s['deployment_id']}/statuses/{s['id']}",
            id=s["id"],
            node_id=s["node_id"],
            state=s["state"],
            description=s["description"],
            environment=s["environment"],
            target_url=s["target_url"],
            log_url=s["log_url"],
            environment_url=s["environment_url"],
            created_at=s["created_at"],
            updated_at=s["updated_at"],
            deployment_url=f"{api}/deployments/{s['deployment_id']}",
            repository_url=api,
        )
        return out

    @staticmethod
    def _newest_first(records: Iterable[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
        return sorted(records, key=lambda r: (*(r.get(k) or "" for k in keys), r["id"]), reverse=True)

    def _list_deployments(self, request: Request, ctx: _Ctx) -> _Answer:
        items = self._newest_first(self.deployments.values(), "created_at")
        for key in ("sha", "ref", "task", "environment"):
            if ctx.query.get(key):
                items = [d for d in items if d[key] == ctx.query[key]]
        chunk, headers = self._paginate(items, ctx)
        return _Answer(200, [self._deployment(d, ctx) for d in chunk], headers)

    def _get_deployment(self, request: Request, ctx: _Ctx, deployment_id: str) -> _Answer:
        d = self.deployments.get(int(deployment_id))
        if d is None:
            return _Answer(404, not_found_body("https://docs.github.com/rest/deployments/deployments#get-a-deployment"))
        return _Answer(200, self._deployment(d, ctx))

    def _invalid(self, problems: list[str], documentation_url: str) -> _Answer:
        return _Answer(
            422,
            {
                "message": "Invalid request.\n\n" + "\n".join(problems),
                "documentation_url": documentation_url,
                "status": "422",
            },
        )

    def _create_deployment(self, request: Request, ctx: _Ctx) -> _Answer:
        docs = "https://docs.github.com/rest/deployments/deployments#create-a-deployment"
        body = request.body
        if not isinstance(body, dict):
            return _Answer(400, {"message": "Problems parsing JSON", "documentation_url": docs, "status": "400"})
        kinds: dict[str, tuple[type, ...]] = {
            "ref": (str,),
            "sha": (str,),
            "task": (str,),
            "auto_merge": (bool,),
            "required_contexts": (list,),
            "payload": (dict, str),
            "environment": (str,),
            "description": (str, type(None)),
            "transient_environment": (bool,),
            "production_environment": (bool,),
        }
        problems = [] if "ref" in body else ['"ref" wasn\'t supplied.']
        for key, types in kinds.items():
            if key in body and not isinstance(body[key], types):
                problems.append(f"For 'properties/{key}', {json.dumps(body[key])} is not a {types[0].__name__}.")
        if isinstance(body.get("required_contexts"), list) and not all(
            isinstance(c, str) for c in body["required_contexts"]
        ):
            problems.append("For 'items', required_contexts must hold strings.")
        if problems:
            return self._invalid(problems, docs)
        sha = body.get("sha") or self.resolve(body["ref"])
        if sha is None:
            return _Answer(
                422, {"message": f"No ref found for: {body['ref']}", "documentation_url": docs, "status": "422"}
            )
        self.posted_deployments.append(body)
        environment = body.get("environment", "production")
        record = self._new_deployment(
            sha=sha,
            ref=body["ref"],
            environment=environment,
            created_at=iso(datetime.now(UTC)),
            task=body.get("task", "deploy"),
            description=body.get("description", ""),
            payload=body.get("payload", {}),
            transient_environment=body.get("transient_environment", False),
            production_environment=body.get("production_environment", environment == "production"),
        )
        return _Answer(201, self._deployment(record, ctx))

    def _list_statuses(self, request: Request, ctx: _Ctx, deployment_id: str) -> _Answer:
        d = self.deployments.get(int(deployment_id))
        if d is None:
            return _Answer(404, not_found_body("https://docs.github.com/rest/deployments/statuses"))
        items = self._newest_first(d["statuses"], "created_at")
        chunk, headers = self._paginate(items, ctx)
        return _Answer(200, [self._status(s, ctx, item=True) for s in chunk], headers)

    def _create_status(self, request: Request, ctx: _Ctx, deployment_id: str) -> _Answer:
        docs = "https://docs.github.com/rest/deployments/statuses#create-a-deployment-status"
        d = self.deployments.get(int(deployment_id))
        if d is None:
            return _Answer(404, not_found_body(docs))
        body = request.body
        if not isinstance(body, dict):
            return _Answer(400, {"message": "Problems parsing JSON", "documentation_url": docs, "status": "400"})
        problems = []
        if body.get("state") not in DEPLOYMENT_STATES:
            problems.append(f"For 'properties/state', {json.dumps(body.get('state'))} is not a member of the enum.")
        for key in ("target_url", "log_url", "description", "environment", "environment_url"):
            if key in body and not isinstance(body[key], str):
                problems.append(f"For 'properties/{key}', {json.dumps(body[key])} is not a string.")
        if "auto_inactive" in body and not isinstance(body["auto_inactive"], bool):
            problems.append(f"For 'properties/auto_inactive', {json.dumps(body['auto_inactive'])} is not a boolean.")
        if problems:
            return self._invalid(problems, docs)
        if len(body.get("description", "")) > 140:
            return _Answer(
                422,
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "DeploymentStatus",
                            "code": "custom",
                            "field": "description",
                            "message": "description is too long (maximum is 140 characters)",
                        }
                    ],
                    "documentation_url": docs,
                    "status": "422",
                },
            )
        self.posted_statuses.append({**body, "deployment_id": d["id"]})
        status = self._new_status(
            d,
            state=body["state"],
            description=body.get("description", ""),
            environment=body.get("environment"),
            log_url=body.get("log_url", ""),
            target_url=body.get("target_url", ""),
            environment_url=body.get("environment_url", ""),
        )
        if body.get("environment"):
            d["environment"] = body["environment"]
        if body["state"] == "success" and body.get("auto_inactive", True):
            # Like GitHub: earlier non-transient deployments to the environment become inactive.
            for other in self.deployments.values():
                if other is d or other["environment"] != d["environment"] or other["transient_environment"]:
                    continue
                latest = max(other["statuses"], key=lambda s: (s["created_at"], s["id"]), default=None)
                if latest is not None and latest["state"] == "success":
                    self._new_status(other, state="inactive", created_at=status["created_at"])
        return _Answer(201, self._status(status, ctx, item=False))

    def _release(self, r: dict[str, Any], ctx: _Ctx, item: bool) -> dict[str, Any]:
        api, html = self._repo_api(ctx), f"{ctx.html}/{self.full_name}"
        out = self._template("release_item" if item else "release", ctx)
        tag = quote(r["tag_name"], safe="")
        out.update(
            url=f"{api}/releases/{r['id']}",
            html_url=f"{html}/releases/tag/{tag}",
            assets_url=f"{api}/releases/{r['id']}/assets",
            upload_url=f"{ctx.uploads}/repos/{self.full_name}/releases/{r['id']}/assets{{?name,label}}",
            tarball_url=f"{api}/tarball/{tag}",
            zipball_url=f"{api}/zipball/{tag}",
            id=r["id"],
            node_id="RE_kwDO" + _b64(f"{self.repo_id}:{r['id']}"),
            tag_name=r["tag_name"],
            target_commitish=r["target_commitish"],
            name=r["name"],
            body=r["body"],
            draft=r["draft"],
            prerelease=r["prerelease"],
            immutable=False,
            created_at=r["created_at"],
            published_at=r["published_at"],
            assets=[],
        )
        out.pop("discussion_url", None)
        return out

    def _list_releases(self, request: Request, ctx: _Ctx) -> _Answer:
        # Like GitHub: by creation, newest first (a release published long after it was created
        # keeps its place).
        items = sorted(self.releases.values(), key=lambda r: (r["created_at"], r["id"]), reverse=True)
        chunk, headers = self._paginate(items, ctx)
        return _Answer(200, [self._release(r, ctx, item=True) for r in chunk], headers)

    def _release_by_tag(self, request: Request, ctx: _Ctx, tag: str) -> _Answer:
        for r in sorted(self.releases.values(), key=lambda r: r["id"], reverse=True):
            if r["tag_name"] == tag and not r["draft"]:
                return _Answer(200, self._release(r, ctx, item=False))
        return _Answer(404, not_found_body("https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name"))

    def _latest_release(self, request: Request, ctx: _Ctx) -> _Answer:
        published = [r for r in self.releases.values() if not r["draft"] and not r["prerelease"]]
        if not published:
            return _Answer(404, not_found_body("https://docs.github.com/rest/releases/releases#get-the-latest-release"))
        latest = max(published, key=lambda r: (r["published_at"], r["id"]))
        return _Answer(200, self._release(latest, ctx, item=False))

    def _get_release(self, request: Request, ctx: _Ctx, release_id: str) -> _Answer:
        r = self.releases.get(int(release_id))
        if r is None:
            return _Answer(404, not_found_body("https://docs.github.com/rest/releases/releases#get-a-release"))
        return _Answer(200, self._release(r, ctx, item=False))

    def _get_content(self, request: Request, ctx: _Ctx, path: str) -> _Answer:
        versions = self.files.get(path.strip("/"), {})
        ref = ctx.query.get("ref", "")
        text = versions.get(ref, versions.get("")) if ref else versions.get("")
        if text is None:
            return _Answer(404, not_found_body("https://docs.github.com/rest/repos/contents#get-repository-content"))
        raw = text.encode()
        encoded = base64.b64encode(raw).decode()
        blob = hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()
        api, html = self._repo_api(ctx), f"{ctx.html}/{self.full_name}"
        at = ref or self.default_branch
        out = self._template("content", ctx)
        out.update(
            size=len(raw),
            name=path.rsplit("/", 1)[-1],
            path=path,
            # GitHub wraps the base64 at 60 characters.
            content="".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60)),
            sha=blob,
            url=f"{api}/contents/{quote(path)}?ref={quote(at, safe='')}",
            git_url=f"{api}/git/blobs/{blob}",
            html_url=f"{html}/blob/{at}/{quote(path)}",
            download_url=f"{self.url}/raw/{self.full_name}/{at}/{quote(path)}",
        )
        out["_links"] = {"git": out["git_url"], "self": out["url"], "html": out["html_url"]}
        return _Answer(200, out)


__all__ = ["Fault", "GitHubStandIn", "Request", "iso", "not_found_body", "random_sha"]
