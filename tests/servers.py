"""Small real HTTP servers for tests: fixed responses per path, on loopback."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Canned:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0


class StaticServer:
    """Answers each GET path with a canned response; records every request line."""

    def __init__(self) -> None:
        self.routes: dict[str, Canned] = {}
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                outer.requests.append(self.path)
                canned = outer.routes.get(self.path, Canned(404, b'{"error":"not found"}'))
                if canned.delay:
                    time.sleep(canned.delay)
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(canned.body)))
                self.end_headers()
                self.wfile.write(canned.body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)  # the body is consumed, not kept: it may hold secrets
                self.do_GET()

        class Server(ThreadingHTTPServer):
            request_queue_size = 256

            def handle_error(self, request: Any, client_address: Any) -> None:
                return  # a client that gave up (timeout tests) is expected

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

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

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
