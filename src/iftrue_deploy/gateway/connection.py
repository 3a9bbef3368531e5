"""PyGithub's requests, every one of them sent through the run's bounded session.

PyGithub's ``Requester`` opens what it calls a connection (its own ``requests.Session``, timeouts
per read, answers read whole) for the API host, and one more for any other host a URL in an
answer points to. :func:`send_through` makes both kinds this one, which sends through the given
session: its adapter (``client/bounds.py``) keeps the time and caps what is read; its proxies and
CA bundle are the ones the iftrue client uses. PyGithub has no public way to give it a session
per ``Github`` object, so the three class attributes are set on the one requester; if a new
PyGithub renamed them, this fails at once rather than sending around the bounds.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import requests
from github.Requester import Requester, RequestsResponse

_CONNECTION_CLASSES = {
    "http": "_Requester__httpConnectionClass",
    "https": "_Requester__httpsConnectionClass",
}


class SessionConnection:
    """One of PyGithub's "connections", sending through ``session`` (which it does not own)."""

    def __init__(self, session: requests.Session, protocol: str, host: str, port: int | None = None, **_: Any) -> None:
        self.session = session
        self.protocol = protocol
        self.host = host
        self.port = port or (443 if protocol == "https" else 80)
        self._request: tuple[str, str, Any, dict[str, str]] | None = None

    def request(self, verb: str, url: str, input: Any, headers: dict[str, str], stream: bool = False) -> None:  # noqa: A002
        self._request = (verb, url, input, headers)

    def getresponse(self) -> RequestsResponse:
        if self._request is None:
            raise RuntimeError("getresponse() before request()")
        verb, url, body, headers = self._request
        response = self.session.request(
            verb,
            f"{self.protocol}://{self.host}:{self.port}{url}",
            headers=headers,
            data=body,
            allow_redirects=False,  # PyGithub follows what it means to follow, itself
        )
        # Not guessed from the bytes (slow on 10 MiB): GitHub's answers are UTF-8.
        response.encoding = response.encoding or "utf-8"
        return RequestsResponse(response)

    def close(self) -> None:
        pass  # the session belongs to the run


def send_through(requester: Requester, session: requests.Session, scheme: str) -> None:
    """Every request ``requester`` makes, to any host, goes through ``session``."""
    for protocol, name in _CONNECTION_CLASSES.items():
        if not hasattr(requester, name):
            raise RuntimeError(f"PyGithub's Requester has no {name} any more: gateway/connection.py needs updating")
        setattr(requester, name, partial(SessionConnection, session, protocol))
    if not hasattr(requester, "_Requester__connectionClass"):
        raise RuntimeError("PyGithub's Requester has no _Requester__connectionClass any more")
    requester._Requester__connectionClass = partial(SessionConnection, session, scheme)
