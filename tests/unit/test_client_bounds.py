"""The bounds every bounded request is held to, against a server on 127.0.0.1 speaking real HTTP:
the budget's time, the cap on what is read, the one retry of a GET, and a failed TLS handshake
not tried again."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import requests
import urllib3

from iftrue_deploy.client import bounds
from iftrue_deploy.client.bounds import MIB, BoundedAdapter, Budget, read_capped
from iftrue_deploy.client.failures import AnswerTooLarge, OutOfTime
from iftrue_deploy.client.transport import new_session
from iftrue_deploy.interrupt import TimeUp


class _Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- Budget -------------------------------------------------------------------------------------


def test_the_total_starts_with_the_first_request() -> None:
    clock = _Clock(100.0)
    budget = Budget(5.0, total=10.0, clock=clock)
    assert budget.left() == 10.0
    assert budget.for_request() == 5.0
    clock.now = 107.0
    assert budget.left() == 3.0
    assert budget.for_request() == 3.0
    clock.now = 111.0
    assert budget.for_request() == -1.0


def test_without_a_total_each_request_has_its_own_time() -> None:
    clock = _Clock()
    budget = Budget(5.0, clock=clock)
    assert budget.left() == float("inf")
    clock.now = 1e6
    assert budget.for_request() == 5.0


def test_out_of_time_says_which_time_was_spent() -> None:
    clock = _Clock(0.0)
    budget = Budget(5.0, total=0.05, clock=clock)
    budget.for_request()
    all_lookups = "no complete answer within the 0.05 s for all GitHub lookups of this deployment"
    assert budget.out_of_time(0.05) == all_lookups  # exactly 0.05 s left
    assert budget.out_of_time(0) == "not asked: the 0.05 s for all GitHub lookups of this deployment were spent"
    assert budget.out_of_time(-1) == "not asked: the 0.05 s for all GitHub lookups of this deployment were spent"
    roomy = Budget(5.0, total=30.0, clock=clock)
    roomy.for_request()
    clock.now = 29.5  # 0.5 s of the total left: this request's own time ran out
    assert roomy.out_of_time(0.5) == "no complete answer within 0.5 s"
    assert Budget(5.0, clock=clock).out_of_time(0.04) == "no complete answer within 0.04 s"


# --- a server on 127.0.0.1 ----------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        self.server.connections += 1
        super().setup()

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        self.server.seen.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?")[0]
        if path == "/flaky":
            status = 503 if len(self.server.seen) == 1 else 200
            self._send(status, b"later" if status == 503 else b"fine")
        elif path == "/retry-after":
            self._send(503, b"later", {"Retry-After": "0"})
        elif path == "/error":
            self._send(500, b"broken")
        elif path == "/big":
            self._send(200, b"x" * (MIB + 1))
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b".")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/stall":
            time.sleep(1.5)
        elif path == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
        else:
            self._send(200, b"hello")

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[str, str]] = []
        self.connections = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[_Server]:
    with _Server() as running:
        thread = threading.Thread(target=running.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield running
        finally:
            running.shutdown()


@pytest.fixture(autouse=True)
def _no_proxy_no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setattr(bounds, "RETRY_PAUSE", 0.0)


def _session(adapter: BoundedAdapter) -> requests.Session:
    return new_session({}, adapter)


def _in_a_thread(call: Callable[[], object], within: float = 2.0) -> object:
    """The call's result or exception, made outside the main thread, where no alarm is set."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)
        except BaseException as error:  # TimeUp
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within)
    assert outcome, f"still running after {within} s"
    return outcome[0]


# --- read_capped --------------------------------------------------------------------------------


def _streamed(server: _Server, path: str) -> requests.Response:
    return requests.get(server.url + path, stream=True, timeout=2)


def test_read_capped_reads_up_to_its_limit_and_says_when_there_was_more(server: _Server) -> None:
    assert read_capped(_streamed(server, "/"), 5, lambda: 1.0) == (b"hello", False)
    assert read_capped(_streamed(server, "/"), 4, lambda: 1.0) == (b"hell", True)


def test_read_capped_stops_once_no_time_is_left(server: _Server) -> None:
    with pytest.raises(TimeUp):
        read_capped(_streamed(server, "/"), 100, lambda: 0.0)


def test_an_answer_cut_short_is_a_requests_exception_of_its_request(server: _Server) -> None:
    response = _streamed(server, "/cut")
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as raised:
        read_capped(response, 1000, lambda: 1.0)
    assert raised.value.request is response.request
    assert isinstance(raised.value.args[0], urllib3.exceptions.ProtocolError)


class _FailingRaw:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def read1(self, amount: int) -> bytes:
        raise self.error


@pytest.mark.parametrize(
    ("error", "becomes"),
    [
        (urllib3.exceptions.DecodeError("bad gzip"), requests.exceptions.ContentDecodingError),
        (urllib3.exceptions.SSLError("bad record mac"), requests.exceptions.SSLError),
        (urllib3.exceptions.ReadTimeoutError(None, "/", "Read timed out."), requests.exceptions.ConnectionError),  # type: ignore[arg-type]
    ],
)
def test_urllib3s_read_errors_become_requests_exceptions_of_the_request(
    error: Exception, becomes: type[Exception]
) -> None:
    response = requests.Response()
    response.raw = _FailingRaw(error)
    response.request = requests.Request("GET", "https://api.example/").prepare()
    with pytest.raises(becomes) as raised:
        read_capped(response, 1000, lambda: 1.0)
    assert raised.value.request is response.request  # type: ignore[attr-defined]
    assert raised.value.args[0] is error


# --- BoundedAdapter -----------------------------------------------------------------------------


def test_the_answer_is_read_and_kept_on_the_response(server: _Server) -> None:
    response = _session(BoundedAdapter(Budget(0.5))).get(server.url + "/")
    assert (response.status_code, response.content) == (200, b"hello")


def test_a_get_answered_with_a_retry_status_is_asked_once_more(server: _Server) -> None:
    response = _session(BoundedAdapter(Budget(1.0), retry_statuses=frozenset({503}))).get(server.url + "/flaky")
    assert (response.status_code, response.content) == (200, b"fine")
    assert server.seen == [("GET", "/flaky"), ("GET", "/flaky")]


def test_a_post_or_another_status_is_not_asked_again(server: _Server) -> None:
    session = _session(BoundedAdapter(Budget(1.0), retry_statuses=frozenset({503})))
    assert session.post(server.url + "/flaky", data=b"{}").status_code == 503
    assert session.get(server.url + "/error").status_code == 500
    assert server.seen == [("POST", "/flaky"), ("GET", "/error")]


def test_retry_after_does_not_make_urllib3_ask_again(server: _Server) -> None:
    session = _session(BoundedAdapter(Budget(1.0), connect_retries=1))
    response = session.get(server.url + "/retry-after")
    assert (response.status_code, response.content) == (503, b"later")
    assert server.seen == [("GET", "/retry-after")]


def test_a_failed_tls_handshake_is_not_tried_again(server: _Server) -> None:
    https = server.url.replace("http://", "https://")
    with pytest.raises(requests.exceptions.SSLError):
        _session(BoundedAdapter(Budget(1.0))).get(https + "/")
    assert server.connections == 1


def test_a_request_the_total_leaves_no_time_for_is_not_sent(server: _Server) -> None:
    budget = Budget(1.0, total=0.0, clock=_Clock())
    with pytest.raises(OutOfTime) as raised:
        _session(BoundedAdapter(budget)).get(server.url + "/")
    assert str(raised.value) == "not asked: the 0 s for all GitHub lookups of this deployment were spent"
    assert raised.value.request is not None and raised.value.request.url == server.url + "/"
    assert server.connections == 0


def test_a_trickled_answer_ends_when_its_time_is_up(server: _Server) -> None:
    session = _session(BoundedAdapter(Budget(0.3)))
    error = _in_a_thread(lambda: session.get(server.url + "/trickle"))
    assert isinstance(error, OutOfTime)
    assert str(error) == "no complete answer within 0.3 s"
    assert error.request is not None and error.request.url == server.url + "/trickle"


def test_a_trickled_answer_ends_by_the_alarm_in_the_main_thread(server: _Server) -> None:
    with pytest.raises(OutOfTime) as raised:
        _session(BoundedAdapter(Budget(0.3))).get(server.url + "/trickle")
    assert str(raised.value) == "no complete answer within 0.3 s"
    assert raised.value.request is not None


def test_a_silent_server_trips_the_read_timeout(server: _Server) -> None:
    session = _session(BoundedAdapter(Budget(0.3)))
    error = _in_a_thread(lambda: session.get(server.url + "/stall"))
    assert isinstance(error, requests.exceptions.ConnectionError)


def test_an_answer_past_the_limit_is_not_read(server: _Server) -> None:
    with pytest.raises(AnswerTooLarge) as raised:
        _session(BoundedAdapter(Budget(1.0), limit=MIB)).get(server.url + "/big")
    assert str(raised.value) == "answered with more than 1 MiB (HTTP 200); no more than that is read"
    assert raised.value.request is not None and raised.value.request.url == server.url + "/big"


def test_the_sessions_proxy_is_used(server: _Server) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    session = _session(BoundedAdapter(Budget(1.0)))
    with pytest.raises(requests.exceptions.ProxyError):
        session.get(server.url + "/", proxies={"http": f"http://127.0.0.1:{port}"})
