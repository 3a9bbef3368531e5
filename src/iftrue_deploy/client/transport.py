"""How far a request got, marked by the connection itself, and the one session factory (for
iftrue and GitHub) that honours HTTPS_PROXY/NO_PROXY and a corporate CA bundle."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager, ProxyManager

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection

_IDLE, _CONNECTING, _SENDING = "idle", "connecting", "sending"
_stage: ContextVar[str] = ContextVar("iftrue_request_stage", default=_IDLE)


class _StageMarkingConnection(HTTPConnection):
    def connect(self) -> None:
        _stage.set(_CONNECTING)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is None:
            self.connect()  # connect (and any TLS handshake) first: a failure there sent nothing
        _stage.set(_SENDING)
        super().request(*args, **kwargs)


class _StageMarkingHTTPSConnection(_StageMarkingConnection, HTTPSConnection):
    pass


class _OneRequestPerConnectionPool(HTTPConnectionPool):
    """Closes a connection once its request is done, so that every request (each attempt of every
    record) connects anew. Kept, the connection could be closing on the server's side: the request
    asks for "Connection: close", a server honours it a moment after answering and need not say so
    in the answer (which is all urllib3 reads), and a request sent on it in that moment breaks
    after "sending", as a deployment that may have been recorded."""

    def _put_conn(self, conn: BaseHTTPConnection | None) -> None:
        if conn is not None:
            conn.close()
        super()._put_conn(conn)  # pragma: no mutate (None back in the pool: the next request connects anew too)


class _Pool(_OneRequestPerConnectionPool):
    ConnectionCls = _StageMarkingConnection


class _HTTPSPool(_OneRequestPerConnectionPool, HTTPSConnectionPool):
    ConnectionCls = _StageMarkingHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _Pool, "https": _HTTPSPool}


class _StageMarkingAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)  # pragma: no mutate (requests passes urllib3's defaults)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):  # not SOCKS: its pools have their own connections
            manager.pool_classes_by_scheme = _POOLS
        return manager


def new_session(environ: Mapping[str, str] | None = None, adapter: HTTPAdapter | None = None) -> requests.Session:
    """A session that marks how far each request got, trusts HTTPS_PROXY/NO_PROXY (requests does)
    and the CA bundle in REQUESTS_CA_BUNDLE or, failing that, SSL_CERT_FILE. ``adapter`` (a
    :class:`~iftrue_deploy.client.bounds.BoundedAdapter`) holds its requests to bounds."""
    environ = os.environ if environ is None else environ
    session = requests.Session()
    adapter = adapter if adapter is not None else _StageMarkingAdapter()
    # requests matches a mount's prefix in any case: "HTTP://" would do as well.
    session.mount("http://", adapter)  # pragma: no mutate
    session.mount("https://", adapter)  # pragma: no mutate
    # Without an auth of its own, requests would let a ~/.netrc entry replace the token's header.
    session.auth = _keep_headers
    # requests reads REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE itself (and lets them win over this);
    # it ignores SSL_CERT_FILE, which is what most tools and corporate setups use.
    ca_file = environ.get("SSL_CERT_FILE", "").strip()
    if ca_file:
        session.verify = ca_file
    return session


def _keep_headers(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request
