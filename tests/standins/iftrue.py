"""A stand-in for iftrue's ``POST /v1/organization/deployment`` that validates strictly.

It checks what the iftrue page documents: the Bearer token, JSON body, required fields, types,
the status enum (spelled ``succes``) and no unknown keys. Faults can be queued to answer the next
requests with an error, a delay, a broken connection or a non-JSON body.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/v1/organization/deployment"
FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "title": ((str,), True),
    "changelog": ((str,), False),
    "url": ((str,), False),
    "branch": ((str,), True),
    "commit_id": ((str,), True),
    "deployment_duration": ((int, float), False),
    "is_fix": ((bool,), False),
    "is_hotfix": ((bool,), False),
    "is_forced": ((bool,), False),
    "commits_count": ((int,), False),
    "repository_url": ((str,), True),
    "member_id": ((str,), True),
    "pull_request_number": ((int,), True),
    "deployment_node_id": ((str,), False),
    "status": ((str,), False),
}
STATUSES = ("succes", "in_progress", "fail")


def validate(body: Any) -> list[str]:
    """Every way the body breaks the documented request schema."""
    if not isinstance(body, dict):
        return ["body is not a JSON object"]
    problems = [f"unknown field {key!r}" for key in body if key not in FIELDS]
    for key, (types, required) in FIELDS.items():
        if key not in body:
            if required:
                problems.append(f"{key} is required")
            continue
        value = body[key]
        if value is None:
            problems.append(f"{key} is null")
        elif isinstance(value, bool) and bool not in types:
            problems.append(f"{key} must be {types[0].__name__}, not a boolean")
        elif not isinstance(value, types):
            problems.append(f"{key} must be {'/'.join(t.__name__ for t in types)}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            problems.append(f"{key} must not be negative")
    if body.get("status", "succes") not in STATUSES:
        problems.append(f"status must be one of {', '.join(STATUSES)}")
    return problems


@dataclass
class Fault:
    status: int = 503
    body: bytes = b'{"message": "Service Unavailable"}'
    headers: dict[str, str] = field(default_factory=dict)
    # "close": close the connection without answering after reading the request;
    # "delay": sleep `delay` seconds before answering normally;
    # "trickle": answer `status` with `body`, one byte every `delay` seconds;
    # "endless": answer `status` with a chunked body that never ends;
    # "cut": answer `status` with half of `body` (its Content-Length says all of it), then close.
    kind: str = "http"
    delay: float = 0.0
    # The body's "@PAD@" is replaced with this many bytes of "x" (a huge answer or message).
    pad: int = 0


@dataclass
class Received:
    headers: dict[str, str]
    body: Any
    answered: int
    client_port: int = 0  # the client's end of the connection: a new port is a new connection


class IftrueStandIn:
    def __init__(self, token: str, tls: ssl.SSLContext | None = None) -> None:
        self.token = token
        self._scheme = "https" if tls else "http"
        self.requests: list[Received] = []
        self.records: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        # Set when a request arrives, before it is answered (a test can signal the client then).
        self.arrived = threading.Event()
        # Seconds between answering a request that asked for "Connection: close" and closing that
        # connection, as a busy server takes (and without saying "close" in the answer: HTTP/1.1
        # lets a server leave that out).
        self.close_after = 0.0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        # A short poll interval so that stop() returns quickly (shutdown waits for the next poll).
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"{self._scheme}://127.0.0.1:{port}"

    def start(self) -> IftrueStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if "close" in (self.headers.get("Connection") or "").lower():
                    # As HTTP servers do (RFC 9112 §9.6): else the client may reuse a connection
                    # this server is closing, and its next request meets the close.
                    self.send_header("Connection", "close")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                # Headers and body in one write: two small writes meet the client's delayed ACK.
                self._headers_buffer.append(b"\r\n")
                self.wfile.write(b"".join(self._headers_buffer) + body)
                self._headers_buffer = []

            def answer_fault(self, fault: Fault) -> None:
                body = fault.body.replace(b"@PAD@", b"x" * fault.pad) if fault.pad else fault.body
                if fault.kind == "trickle":
                    self.send_response(fault.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(fault.delay)
                elif fault.kind == "cut":
                    self.send_response(fault.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                elif fault.kind == "endless":
                    self.send_response(fault.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.wfile.write(b"1\r\n{\r\n")
                    chunk = b"x" * 65536
                    while True:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                else:
                    self.answer(fault.status, body, fault.headers)

            def do_GET(self) -> None:
                self.answer(404, b'{"message": "Not Found"}')

            def do_POST(self) -> None:
                standin.arrived.set()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = None
                with standin._lock:
                    fault = standin.faults.pop(0) if standin.faults else None
                headers = dict(self.headers.items())
                if fault is not None and fault.kind == "close":
                    standin.requests.append(Received(headers, body, 0))
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if fault is not None and fault.kind == "delay":
                    time.sleep(fault.delay)
                    fault = None
                if fault is not None:
                    standin.requests.append(Received(headers, body, fault.status))
                    try:
                        self.answer_fault(fault)
                    except OSError:  # the client hung up, as it should on a huge or endless answer
                        self.close_connection = True
                    return
                status, answer = standin.handle(self.path, headers, body)
                standin.requests.append(Received(headers, body, status, self.client_address[1]))
                self.answer(status, json.dumps(answer).encode())
                if self.close_connection and standin.close_after:
                    time.sleep(standin.close_after)

        return Handler

    def handle(self, path: str, headers: dict[str, str], body: Any) -> tuple[int, dict[str, Any]]:
        if path != PATH:
            return 404, {"message": f"Cannot POST {path}"}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"message": "Unauthorized: invalid token"}
        if "application/json" not in headers.get("Content-Type", ""):
            return 400, {"message": "Content-Type must be application/json"}
        problems = validate(body)
        if problems:
            return 422, {"message": "; ".join(problems)}
        record = dict(body)
        self.records.append(record)
        return 201, {
            "id": str(uuid.uuid4()),
            "triggered_by": "webhook",
            "title": record["title"],
            "changelog": record.get("changelog"),
            "is_hotfix": record.get("is_hotfix", False),
            "is_forced": record.get("is_forced", False),
            "is_fix": record.get("is_fix", False),
            "commits_count": record.get("commits_count", 0),
            "organization_id": str(uuid.uuid4()),
            "repository_id": str(uuid.uuid4()),
            "pusher_id": str(uuid.uuid4()),
            "url": record.get("url"),
            "branch": record["branch"],
            "commit_id": record["commit_id"],
            "deployment_duration": record.get("deployment_duration"),
            "node_id": record.get("deployment_node_id"),
            "status": record.get("status", "succes"),
        }
