"""iftrue (or what sits in front of it) behaving badly on the wire: every answer is bounded in time
and size, TLS and proxies work the way a corporate network needs, and nothing is retried that
may have recorded the deployment."""

from __future__ import annotations

import io
import json
import select
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import IFTRUE_TOKEN, ActionRun, event_payload, github_env, run_action
from tests.runner_commands import injected, runner_commands
from tests.standins.iftrue import Fault, IftrueStandIn
from tests.tls import LocalCA, make_ca

import iftrue_deploy.client
from iftrue_deploy.main import main

MB = 1_000_000


def send(tmp_path: Path, iftrue_url: str, extra_env: dict[str, str] | None = None, **inputs: str) -> ActionRun:
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env["IFTRUE_RETRY_BASE_DELAY"] = "0.01"
    env.update(extra_env or {})
    run = run_action(env, {"iftrue-token": IFTRUE_TOKEN, "api-url": iftrue_url, **inputs})
    assert "Traceback" not in run.stdout + run.stderr
    return run


@pytest.mark.parametrize("status", [201, 500])
def test_a_trickled_answer_ends_at_the_report_deadline(
    tmp_path: Path, iftrue: IftrueStandIn, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    # The real deadline is 90 s; the same code path with 2 s, in-process so that it can be set.
    monkeypatch.setattr(iftrue_deploy.client, "REPORT_DEADLINE", 2.0)
    iftrue.faults.append(Fault(status, b'{"id": "' + b"1" * 200 + b'"}', kind="trickle", delay=0.1))
    env = github_env(tmp_path, "push", event_payload("push-branch-created"))
    env.update({"INPUT_IFTRUE-TOKEN": IFTRUE_TOKEN, "INPUT_API-URL": iftrue.url})
    stream = io.StringIO()
    started = time.monotonic()
    code = main(env, stream)
    assert time.monotonic() - started < 4
    lines = stream.getvalue().split("\n")
    errors = [line for line in lines if line.startswith("::error::")]
    warnings = [line for line in lines if line.startswith("::warning::") and "iftrue" in line]
    if status == 201:  # accepted: a failed step would invite a re-run and a duplicate
        assert code == 0 and errors == []
        assert len(warnings) == 1 and "id is unknown" in warnings[0] and "within 2 s" in warnings[0]
    else:
        assert code == 1
        assert len(errors) == 1
        assert "within 2 s" in errors[0] and "may have been recorded" in errors[0]
    assert len(iftrue.requests) == 1


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"id": "big", "pad": "@PAD@"}', "longer than 1024 KiB"),
        (b"<html>Created</html>", "not JSON"),
        (b'["dep-1"]', "not a JSON object"),
        (b'{"created": true}', "no id"),
    ],
    ids=["over-1-MiB", "not-json", "not-an-object", "no-id"],
)
def test_a_2xx_is_success_whatever_its_body(tmp_path: Path, iftrue: IftrueStandIn, body: bytes, why: str) -> None:
    iftrue.faults.append(Fault(201, body, pad=50 * MB))
    started = time.monotonic()
    run = send(tmp_path, iftrue.url)
    assert time.monotonic() - started < 20
    assert run.returncode == 0, run.stdout
    assert run.commands("error") == []
    warnings = [w for w in run.commands("warning") if "iftrue" in w]
    assert len(warnings) == 1 and "id is unknown" in warnings[0] and why in warnings[0], warnings
    assert run.outputs["deployment-id"] == ""
    assert len(run.outputs_raw) < 70_000 and len(run.stdout) < 20_000
    assert len(iftrue.requests) == 1


def test_a_large_answer_is_cut_visibly_in_the_response_output(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(201, b'{"id": "dep-1", "pad": "@PAD@"}', pad=900_000))
    run = send(tmp_path, iftrue.url)
    assert run.returncode == 0, run.stdout
    assert run.outputs["deployment-id"] == "dep-1"
    assert len(run.outputs["response"].encode()) <= 64 * 1024
    assert run.outputs["response"].endswith("… (truncated)")


def test_an_endless_answer_is_not_read_past_1_mib(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(201, kind="endless"))
    started = time.monotonic()
    run = send(tmp_path, iftrue.url)
    assert time.monotonic() - started < 20
    assert run.returncode == 0
    assert "longer than 1024 KiB" in run.commands("warning")[-1]


def test_a_huge_error_message_is_quoted_up_to_1_kib(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    iftrue.faults.append(Fault(400, b'{"message": "bad @PAD@"}', pad=50 * MB))
    run = send(tmp_path, iftrue.url)
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "bad xxx" in errors[0] and "… (truncated)" in errors[0]
    assert len(errors[0].encode()) < 2048
    assert len(run.summary.encode()) < 10_000 and "… (truncated)" in run.summary


def test_iftrue_messages_cannot_inject_workflow_commands(tmp_path: Path, iftrue: IftrueStandIn) -> None:
    hostile = "down\n::warning::PWNED\r\n##[error]PWNED\u2028::stop-commands::PWNED\u0085::error::PWNED"
    iftrue.faults += [
        Fault(503, json.dumps({"message": hostile}).encode()),
        Fault(422, json.dumps({"message": hostile}).encode()),
    ]
    run = send(tmp_path, iftrue.url)
    assert run.returncode == 1
    assert injected(run.stdout) == []
    errors = [c for c in runner_commands(run.stdout) if c.name == "error"]
    assert len(errors) == 1 and "HTTP 422" in errors[0].data
    assert "![" not in run.summary.replace("\\!", "").replace("!\\[", "")


@pytest.fixture
def stalling_tls_port() -> Iterator[tuple[int, list[socket.socket]]]:
    """Accepts two connections and never starts the TLS handshake; then refuses."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def serve() -> None:
        while len(accepted) < 2:
            connection, _ = listener.accept()
            accepted.append(connection)
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], accepted
    for connection in accepted:
        connection.close()


def test_a_stalled_tls_handshake_is_retried_as_nothing_was_sent(
    tmp_path: Path, stalling_tls_port: tuple[int, list[socket.socket]]
) -> None:
    port, accepted = stalling_tls_port
    run = send(tmp_path, f"https://127.0.0.1:{port}")
    assert run.returncode == 1
    assert len(accepted) == 2
    assert "TLS handshake" in run.stdout and "did not complete; nothing was sent; retrying" in run.stdout
    errors = run.commands("error")
    assert len(errors) == 1 and "nothing was recorded" in errors[0] and "after the deployment was sent" not in errors[0]


@pytest.fixture
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def https_iftrue(ca: LocalCA) -> Iterator[IftrueStandIn]:
    standin = IftrueStandIn(IFTRUE_TOKEN, tls=ca.server).start()
    yield standin
    standin.stop()


def test_an_unknown_ca_is_named_with_the_fix_and_not_retried(tmp_path: Path, https_iftrue: IftrueStandIn) -> None:
    run = send(tmp_path, https_iftrue.url)
    assert run.returncode == 1
    errors = run.commands("error")
    assert len(errors) == 1 and "certificate" in errors[0] and "REQUESTS_CA_BUNDLE" in errors[0]
    assert "retrying" not in run.stdout


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_a_corporate_ca_from_the_environment_is_trusted(
    tmp_path: Path, https_iftrue: IftrueStandIn, ca: LocalCA, variable: str
) -> None:
    run = send(tmp_path, https_iftrue.url, {variable: str(ca.ca_file)})
    assert run.returncode == 0, run.stdout
    assert len(https_iftrue.records) == 1


class ConnectProxy:
    """A CONNECT-only HTTP proxy on 127.0.0.1 that records where it was asked to connect."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request_line = self.rfile.readline().decode()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                _method, target, _ = request_line.split(" ", 2)
                proxy.targets.append(target)
                host, port = target.rsplit(":", 1)
                with socket.create_connection((host, int(port))) as upstream:
                    self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    self.wfile.flush()
                    pipe(self.connection, upstream)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def pipe(a: socket.socket, b: socket.socket) -> None:
    while True:
        readable, _, _ = select.select([a, b], [], [], 10)
        if not readable:
            return
        for source in readable:
            data = source.recv(65536)
            if not data:
                return
            (b if source is a else a).sendall(data)


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    server = ConnectProxy()
    yield server
    server.stop()


def test_https_proxy_and_no_proxy_are_honoured(
    tmp_path: Path, https_iftrue: IftrueStandIn, ca: LocalCA, proxy: ConnectProxy
) -> None:
    port = https_iftrue.url.rsplit(":", 1)[1]
    env = {"SSL_CERT_FILE": str(ca.ca_file), "HTTPS_PROXY": proxy.url}
    (tmp_path / "proxied").mkdir()
    run = send(tmp_path / "proxied", https_iftrue.url, env)
    assert run.returncode == 0, run.stdout
    assert proxy.targets == [f"127.0.0.1:{port}"]
    assert len(https_iftrue.records) == 1

    (tmp_path / "direct").mkdir()
    run = send(tmp_path / "direct", https_iftrue.url, {**env, "NO_PROXY": "127.0.0.1"})
    assert run.returncode == 0, run.stdout
    assert proxy.targets == [f"127.0.0.1:{port}"]  # not asked again
    assert len(https_iftrue.records) == 2


def test_a_proxy_password_is_not_shown(tmp_path: Path, https_iftrue: IftrueStandIn) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    run = send(tmp_path, https_iftrue.url, {"HTTPS_PROXY": f"http://proxyuser:s3cretpw@127.0.0.1:{port}"})
    assert run.returncode == 1
    assert "s3cretpw" not in run.stdout + run.stderr + run.summary
    assert "nothing was recorded" in run.commands("error")[0]
