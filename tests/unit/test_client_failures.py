"""What the one failure describer says for each kind of failed request, and which host it names."""

from __future__ import annotations

import requests
import urllib3

from iftrue_deploy.client.failures import AnswerTooLarge, OutOfTime, describe_failure, failure_reason, never_connected


def _request(url: str) -> requests.PreparedRequest:
    return requests.Request("GET", url).prepare()


def _named(url: str) -> str:
    return describe_failure(OutOfTime("no complete answer within 1 s", request=_request(url)))


def test_the_host_is_named_without_its_default_port() -> None:
    assert _named("http://api.example:80/x") == "api.example: no complete answer within 1 s"
    assert _named("https://api.example:443/x") == "api.example: no complete answer within 1 s"
    assert _named("https://api.example/x") == "api.example: no complete answer within 1 s"


def test_a_port_that_is_not_the_schemes_default_is_named() -> None:
    assert _named("http://api.example:8080/x") == "api.example:8080: no complete answer within 1 s"
    assert _named("https://api.example:80/x") == "api.example:80: no complete answer within 1 s"
    assert _named("http://api.example:443/x") == "api.example:443: no complete answer within 1 s"


def test_without_a_request_or_a_url_it_is_the_server() -> None:
    assert describe_failure(OutOfTime("late")) == "the server: late"
    request = _request("http://api.example/")
    request.url = None
    assert describe_failure(AnswerTooLarge("too long", request=request)) == "the server: too long"
    request.url = "http://[::1/"  # urlsplit refuses it
    assert describe_failure(AnswerTooLarge("too long", request=request)) == "the server: too long"


def test_where_names_the_other_side_when_given() -> None:
    error = OutOfTime("late", request=_request("http://api.example/"))
    assert describe_failure(error, "iftrue") == "iftrue: late"


def test_a_refused_connect_never_connected() -> None:
    url = "http://127.0.0.1:9/"
    error = requests.ConnectionError(
        urllib3.exceptions.NewConnectionError(
            None, "Failed to establish a new connection: [Errno 111] Connection refused"
        ),  # type: ignore[arg-type]
        request=_request(url),
    )
    assert never_connected(error)
    assert failure_reason(error) == "connection refused"
    assert describe_failure(error) == "could not connect to 127.0.0.1:9 (connection refused)"


def test_a_connect_timeout_never_connected() -> None:
    error = requests.exceptions.ConnectTimeout("timed out", request=_request("https://api.example/"))
    assert never_connected(error)
    assert describe_failure(error) == "could not connect to api.example in time"


def test_an_unaccepted_certificate_says_how_to_trust_a_corporate_ca() -> None:
    text = (
        "HTTPSConnectionPool(host='api.example', port=443): Max retries exceeded (Caused by SSLError("
        "SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "self-signed certificate in certificate chain (_ssl.c:1000)')))"
    )
    error = requests.exceptions.SSLError(text, request=_request("https://api.example/"))
    assert not never_connected(error)
    assert describe_failure(error) == (
        "the TLS certificate of api.example was not accepted (certificate verify failed: self-signed "
        "certificate in certificate chain); behind a corporate CA, set REQUESTS_CA_BUNDLE to a bundle "
        "with it (see README)"
    )


def test_another_tls_failure_says_why() -> None:
    error = requests.exceptions.SSLError(
        "[SSL: WRONG_VERSION_NUMBER] wrong version number", request=_request("https://h/")
    )
    assert (
        describe_failure(error) == "the TLS connection to h failed ([SSL: WRONG_VERSION_NUMBER] wrong version number)"
    )


def test_a_failed_proxy_says_why() -> None:
    error = requests.exceptions.ProxyError(
        "Unable to connect to proxy: Connection refused", request=_request("https://h/")
    )
    assert describe_failure(error) == "the proxy to h failed (connection refused)"


def test_a_read_timeout_is_a_server_that_stopped_answering() -> None:
    error = requests.exceptions.ReadTimeout("Read timed out.", request=_request("https://h/"))
    assert describe_failure(error) == "h stopped answering (no data for a while)"


def test_a_broken_connection_says_how_it_broke() -> None:
    reset = requests.ConnectionError(
        "('Connection aborted.', ConnectionResetError(104, 'reset'))", request=_request("https://h/")
    )
    assert describe_failure(reset) == "the connection to h broke (connection reset)"
    cut = requests.exceptions.ChunkedEncodingError(
        "IncompleteRead(10 bytes read, 90 more expected)", request=_request("https://h/")
    )
    assert describe_failure(cut) == "the connection to h broke (answer cut short)"


def test_any_other_failure_quotes_the_error_on_one_line() -> None:
    error = requests.exceptions.InvalidHeader("bad\n  header", request=_request("https://h/"))
    assert describe_failure(error) == "the request to h failed (bad header)"
    assert describe_failure(requests.exceptions.RequestException(request=_request("https://h/"))) == (
        "the request to h failed (RequestException)"
    )


def test_an_error_that_is_not_requests_own_names_the_server() -> None:
    assert describe_failure(ValueError("odd")) == "the request to the server failed (odd)"
