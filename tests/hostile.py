"""A hostile HTTP server for tests: each path is one way a server can misbehave.

Requests are parsed by the standard library; responses are written as raw bytes where the
fault needs it (a reset mid-body, a drip, a gzip bomb). Every loop is bounded in time.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from functools import cache
from http.server import BaseHTTPRequestHandler

from joserfc import jwk

from tests.servers import LoopbackServer

MAX_SECONDS = 8.0


@cache
def gzip_bomb() -> bytes:
    """100 MB of zeros, about 100 KB compressed."""
    return gzip.compress(b"\0" * (100 * 1024 * 1024), compresslevel=9)


@cache
def many_keys_jwks() -> bytes:
    key = jwk.RSAKey.generate_key(2048).as_dict(private=False)
    return json.dumps({"keys": [{**key, "kid": f"k{i}"} for i in range(10_000)]}).encode()


def absurd_keys_jwks() -> bytes:
    huge = (1 << 16383) | 1  # a 16384-bit odd modulus (not a real key: nobody can factor it)
    tiny = 15
    def b64(number: int) -> str:
        import base64

        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return json.dumps({"keys": [
        {"kty": "RSA", "kid": "huge", "n": b64(huge), "e": "AQAB"},
        {"kty": "RSA", "kid": "tiny", "n": b64(tiny), "e": "AQAB"},
    ]}).encode()


class HostileServer(LoopbackServer):
    """Each path's first segment names the fault it serves.

    Targets a client must never follow point at servers that record requests, so a test can
    assert that nothing arrived: off-host ones at this server under the name `localhost`, the
    https-to-http downgrade at `downgrade_to` (a plain server; this one by default).
    """

    downgrade_to: str = ""

    @property
    def elsewhere(self) -> str:
        """This server under another host name: off-host for a client that came to 127.0.0.1."""
        return self.url.replace("127.0.0.1", "localhost")

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        self.respond(handler)

    def discovery(self, prefix: str) -> bytes:
        issuer = self.url + prefix
        return json.dumps({
            "issuer": issuer, "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token", "jwks_uri": issuer + "/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"]}).encode()

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes,
              content_type: str = "application/json", **headers: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        parts = handler.path.strip("/").split("/")
        fault, rest = parts[0], "/".join(parts[1:])
        if rest.endswith(".well-known/openid-configuration") and fault in _DISCOVERY_FAULTS:
            return self._discovery(handler, fault)
        if rest == "jwks" and fault in _JWKS_FAULTS:
            return self._send(handler, 200, *_JWKS_FAULTS[fault]())
        if fault in _FIXED_ANSWERS:
            status, body, content_type, headers = _FIXED_ANSWERS[fault]
            return self._send(handler, status, body, content_type, **headers)
        answer = _ANSWERS.get(fault)
        if answer is None:
            return self._send(handler, 404, b'{"error": "no such fault"}')
        return answer(self, handler)

    def _discovery(self, handler: BaseHTTPRequestHandler, fault: str) -> None:
        body = self.discovery(f"/{fault}")
        if fault == "text-plain":
            return self._send(handler, 200, body, "text/plain")
        if fault == "off-host-jwks":
            document = json.loads(body)
            document["jwks_uri"] = self.elsewhere + "/stolen-keys"
            return self._send(handler, 200, json.dumps(document).encode())
        return self._send(handler, 200, body)

    def _reset(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b'{"issuer": "')
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
        handler.connection.shutdown(socket.SHUT_RDWR)  # the file objects hold the socket
        handler.close_connection = True

    def _slow_headers(self, handler: BaseHTTPRequestHandler) -> None:
        time.sleep(MAX_SECONDS / 2)
        return self._send(handler, 200, b"{}")

    def _drip(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        started = time.monotonic()
        handler.wfile.write(b"{")
        while time.monotonic() - started < MAX_SECONDS:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.05)

    def _loop(self, handler: BaseHTTPRequestHandler) -> None:
        return self._send(handler, 302, b"", Location=handler.path)

    def _off_host(self, handler: BaseHTTPRequestHandler) -> None:
        return self._send(handler, 302, b"", Location=self.elsewhere + "/elsewhere")

    def _to_http(self, handler: BaseHTTPRequestHandler) -> None:
        target = (self.downgrade_to or self.url.replace("https://", "http://")) + "/plain"
        return self._send(handler, 302, b"", Location=target)

    def _huge(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(50 * 1024 * 1024))
        handler.end_headers()
        chunk = b" " * 65536
        for _ in range(50 * 16):
            handler.wfile.write(chunk)

    def _huge_chunked(self, handler: BaseHTTPRequestHandler) -> None:
        # No Content-Length: the cap must hold while streaming.
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b" " * 65536
        for _ in range(50 * 16):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")

    def _gzip_bomb(self, handler: BaseHTTPRequestHandler) -> None:
        return self._send(handler, 200, gzip_bomb(), Content_Encoding="gzip")


_DISCOVERY_FAULTS = ("many-keys", "absurd-keys", "text-plain", "off-host-jwks")
"""Faults whose discovery document is served (a fault of their JWKS or of the document)."""

_JWKS_FAULTS: dict[str, Callable[[], tuple[bytes, str]]] = {
    "many-keys": lambda: (many_keys_jwks(), "application/json"),
    "absurd-keys": lambda: (absurd_keys_jwks(), "application/json"),
    "text-plain": lambda: (b'{"keys": []}', "text/plain"),
    "off-host-jwks": lambda: (b'{"keys": []}', "text/plain"),
}

_FIXED_ANSWERS: dict[str, tuple[int, bytes, str, dict[str, str]]] = {
    "unavailable": (503, b"{}", "application/json", {"Retry_After": "3600"}),
    "not-found-html": (404, b"<html><h1>Not Found</h1></html>", "text/html", {}),
    "invalid-json": (200, b'{"issuer": "x",,}', "application/json", {}),
    "json-array": (200, b"[1, 2, 3]", "application/json", {}),
}
"""Faults answered with one fixed response: (status, body, content type, headers)."""

_ANSWERS: dict[str, Callable[[HostileServer, BaseHTTPRequestHandler], None]] = {
    "reset": HostileServer._reset,
    "slow-headers": HostileServer._slow_headers,
    "drip": HostileServer._drip,
    "loop": HostileServer._loop,
    "off-host": HostileServer._off_host,
    "to-http": HostileServer._to_http,
    "huge": HostileServer._huge,
    "huge-chunked": HostileServer._huge_chunked,
    "gzip-bomb": HostileServer._gzip_bomb,
}
"""Faults answered by writing the response as the fault needs it."""


class BrokenTlsServer:
    """Accepts TCP, reads the ClientHello, and hangs up: a handshake cut short."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._socket.getsockname()
        return f"https://{host}:{port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                with contextlib.suppress(OSError):
                    connection.recv(64)

    def __enter__(self) -> BrokenTlsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self._socket.close()
