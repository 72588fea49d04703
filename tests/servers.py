"""Small real HTTP servers for tests, on loopback: a base that records requests, and one that
answers fixed responses per path."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class Canned:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (https with `tls`) that records every request path
    and hands each GET (and POST, body discarded) to `handle_get`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[str] = []
        self.tls = tls
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002
                return  # quiet (the signature is http.server's)

            def do_GET(self) -> None:
                outer.requests.append(self.path)
                try:
                    outer.handle_get(self)
                except (ssl.SSLError, OSError):  # the client hung up or rejected us
                    self.close_connection = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)  # the body is consumed, not kept: it may hold secrets
                self.do_GET()

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def get_request(self) -> tuple[socket.socket, Any]:
                connection, address = super().get_request()
                if outer.tls is not None:
                    connection = outer.tls.wrap_socket(connection, server_side=True,
                                                       do_handshake_on_connect=False)
                return connection, address

            def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
                return  # a client that gave up (timeout tests) is expected (socketserver's API)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class StaticServer(LoopbackServer):
    """Answers each path with a canned response (404 JSON for unknown paths)."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Canned] = {}

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        canned = self.routes.get(handler.path, Canned(404, b'{"error":"not found"}'))
        if canned.delay:
            time.sleep(canned.delay)
        handler.send_response(canned.status)
        for name, value in canned.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(canned.body)))
        handler.end_headers()
        handler.wfile.write(canned.body)

    def route(self, path: str, status: int = 200, body: bytes | str | dict[str, Any] = b"{}",
              delay: float = 0.0, **headers: str) -> str:
        """Answer GET `path` with this; `Content_Type="x"` sets the Content-Type header."""
        if isinstance(body, dict):
            body = json.dumps(body)
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Canned(status, data, {"Content-Type": "application/json", **{
            k.replace("_", "-"): v for k, v in headers.items()}}, delay)
        return self.url + path

    def serve_idp(self, path: str, jwks: Any, jwks_headers: dict[str, str] | None = None,
                  **discovery: Any) -> str:
        """A minimal OIDC provider at `path` serving `jwks`; returns its issuer."""
        issuer = self.url + path
        document = {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "jwks_uri": issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            **discovery,
        }
        self.route(path + "/.well-known/openid-configuration", body=document)
        self.route(path + "/jwks", body=jwks, **(jwks_headers or {}))
        return issuer
