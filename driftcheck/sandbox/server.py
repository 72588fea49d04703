"""The sandbox IdP: a real HTTP server on loopback, several tenants on one port.

Per tenant `/tenants/NAME/...`:
    .well-known/openid-configuration   discovery (OIDC Discovery 1.0)
    jwks                               public keys, with Cache-Control, ETag and Date
    token                              client_credentials (client_secret_basic or _post)
    authorize                          listed in discovery; answers that it is not interactive
and `/apps/NAME/config.json`, the runtime configuration a frontend of that tenant deploys.
`/_requests` counts the requests served so far by method and path (benchmarks use it).

Built on the standard library's ThreadingHTTPServer: no hand-written HTTP parsing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import socket
import ssl
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

from joserfc import jwk, jwt
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

from driftcheck.sandbox.keys import KeyRing, SigningKey
from driftcheck.sandbox.protected import ApiFaults, answer
from driftcheck.sandbox.tenants import Client, Faults, TenantSpec

_MAX_FORM_BYTES = 64 * 1024


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class Sandbox:
    """A running (or startable) sandbox IdP. Use as a context manager in tests and the demo."""

    def __init__(
        self,
        tenants: Iterable[TenantSpec],
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ):
        """`ssl_context` (a server-side context with a certificate) serves https instead."""
        self._ssl_context = ssl_context
        self._lock = threading.Lock()
        self._tenants = {t.name: t for t in tenants}
        self._keys = {name: KeyRing(name) for name in self._tenants}
        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: Counter[str] = Counter()
        """"METHOD /path" -> how many times it was requested (no query, no body)."""
        self.api_faults: dict[str, ApiFaults] = {}
        """Tenant -> faults of its protected API (`/apis/NAME/orders/ping`)."""
        self.api_requests: list[tuple[str, str, str | None]] = []
        """(tenant, method, Authorization header) of every protected-API request, for tests
        that assert what was (never) sent."""

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Sandbox:
        handler = type("Handler", (_Handler,), {"sandbox": self})
        server = _Server((self._host, self._port), handler)
        server.ssl_context = self._ssl_context
        server.daemon_threads = True
        self._server = server
        # A short poll interval makes stop() prompt (shutdown waits for the next poll).
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="driftcheck-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Run in the foreground until interrupted (`driftcheck sandbox`)."""
        if self._thread is None:
            self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    # -- addresses ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        host, port = self._server.server_address[:2]
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://{host!s}:{port}"

    def tenant_url(self, name: str) -> str:
        return f"{self.url}/tenants/{name}"

    def api_url(self, name: str) -> str:
        """The tenant's protected API endpoint (probe target)."""
        return f"{self.url}/apis/{name}/orders/ping"

    def issuer(self, name: str) -> str:
        """The issuer this tenant really emits, faults included."""
        faults = self.tenant(name).faults
        issuer = faults.advertised_issuer or self.tenant_url(name)
        return issuer + "/" if faults.trailing_slash_issuer else issuer

    def frontend_config_url(self, name: str) -> str:
        return f"{self.url}/apps/{name}/config.json"

    # -- state -------------------------------------------------------------------------------
    @property
    def tenant_names(self) -> list[str]:
        return list(self._tenants)

    def tenant(self, name: str) -> TenantSpec:
        with self._lock:
            return self._tenants[name]

    def set_faults(self, name: str, **changes: Any) -> Faults:
        """Switch faults of one tenant at run time, e.g. `set_faults("staging", hs256=True)`."""
        with self._lock:
            spec = self._tenants[name]
            faults = replace(spec.faults, **changes)
            self._tenants[name] = replace(spec, faults=faults)
            return faults

    def rotate_keys(self, name: str) -> None:
        self._keys[name].rotate()

    def client(self, tenant: str, client_id: str | None = None) -> Client:
        spec = self.tenant(tenant)
        for client in spec.clients:
            if client_id is None or client.client_id == client_id:
                return client
        raise KeyError(f"tenant {tenant!r} has no client {client_id!r}")

    def hmac_secret(self, tenant: str) -> bytes:
        return self._keys[tenant].hmac_secret

    def set_hmac_secret(self, tenant: str, secret: bytes) -> None:
        """The bytes the tenant signs HS256 tokens with (the `hs256` fault)."""
        self._keys[tenant].hmac_secret = secret

    def _signing_key(self, name: str) -> SigningKey:
        faults = self.tenant(name).faults
        owner = faults.shared_key_with or name
        ring = self._keys[owner]
        if faults.rotated_key:
            return ring.previous(faults.alg)
        return ring.current(faults.alg)

    def published_keys(self, name: str) -> list[SigningKey]:
        faults = self.tenant(name).faults
        ring = self._keys[faults.shared_key_with or name]
        keys = [ring.current(faults.alg)]
        if faults.publish_previous_key and ring.generation > 1:
            keys.append(ring.previous(faults.alg))
        return keys

    # -- documents ---------------------------------------------------------------------------
    def discovery(self, name: str) -> dict[str, Any]:
        faults = self.tenant(name).faults
        base = self.tenant_url(name)
        document: dict[str, Any] = {
            "issuer": self.issuer(name),
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code", "id_token", "code id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["HS256", faults.alg] if faults.hs256
            else [faults.alg],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "scopes_supported": ["openid", "orders.read", "orders.write"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "scope"],
        }
        for key, value in faults.discovery_overrides.items():
            if value is None:
                document.pop(key, None)
            else:
                document[key] = value
        return document

    def jwks(self, name: str) -> dict[str, Any]:
        keys = [key.as_dict(private=False) for key in self.published_keys(name)]
        return {"keys": [*keys, *map(dict, self.tenant(name).faults.jwks_extra_keys)]}

    def frontend_config(self, name: str) -> dict[str, Any]:
        spec = self.tenant(name)
        audience = spec.clients[0].audiences[0] if spec.clients else None
        config: dict[str, Any] = {
            "auth": {"authority": self.issuer(name), "clientId": spec.web_client_id,
                     "audience": audience},
            "apiBaseUrl": f"{self.url}/apis/{name}",
        }
        for key, value in spec.faults.frontend_config_overrides.items():
            config[key] = value.replace("{sandbox}", self.url) if isinstance(value, str) else value
        return config

    def issue_token(
        self,
        tenant: str,
        client_id: str,
        *,
        audience: str | None = None,
        scope: str | None = None,
        shape: str = "access",
    ) -> str:
        """Mint the token the token endpoint would return (tests also mint directly)."""
        spec = self.tenant(tenant)
        faults = spec.faults
        client = self.client(tenant, client_id)
        now = int(time.time() + faults.clock_offset)
        lifetime = faults.token_lifetime
        issued = now - lifetime - 600 if faults.expired_tokens else now
        claims: dict[str, Any] = {
            "iss": self.issuer(tenant),
            "sub": client.client_id,
            "iat": issued,
            "nbf": issued,
            "exp": issued + lifetime,
            "jti": uuid.uuid4().hex,
        }
        header: dict[str, Any] = {"typ": "at+jwt"}
        if shape == "id" or faults.id_tokens:
            header["typ"] = "JWT"
            claims.update(
                aud=spec.web_client_id or client.client_id,
                azp=client.client_id,
                nonce=uuid.uuid4().hex[:16],
                auth_time=issued,
            )
        else:
            claims.update(
                aud=audience or client.audiences[0],
                client_id=client.client_id,
                scope=scope if scope is not None else " ".join(client.scopes),
            )
        key: SigningKey | jwk.OctKey
        if faults.hs256:
            header["alg"] = "HS256"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a short secret is a fault tests switch on
                key = jwk.OctKey.import_key(self.hmac_secret(tenant))
        else:
            key = self._signing_key(tenant)
            header["alg"] = faults.alg
            header["kid"] = key.kid
        return jwt.encode(header, claims, key)

    def sign(self, tenant: str, claims: dict[str, Any], header: dict[str, Any] | None = None,
             key_of: str | None = None) -> str:
        """Sign arbitrary claims with a tenant's current key (or `key_of` another tenant's);
        the header gets alg and kid unless `header` sets them (None leaves one out). For
        hand-made test tokens."""
        key = self._keys[key_of or tenant].current(self.tenant(key_of or tenant).faults.alg)
        full = {"alg": key.as_dict(private=False).get("alg", "RS256"), "kid": key.kid,
                **(header or {})}
        full = {name: value for name, value in full.items() if value is not None}  # kid=None
        # Header parameters named in `crit` are accepted as extensions, so that tests can
        # mint tokens a conforming validator must reject.
        extensions = {str(name): HeaderParameter("test extension", lambda _value: None)
                      for name in full.get("crit", ())}
        registry = JWSRegistry(header_registry=extensions, algorithms=[full["alg"]])
        return jwt.encode(full, claims, key, registry=registry)

    def token_response(self, tenant: str, form: dict[str, str], authorization: str | None
                       ) -> dict[str, Any]:
        """RFC 6749 §4.4 client credentials; raises OAuthError with §5.2 error codes."""
        client_id, secret = _client_credentials(form, authorization)
        spec = self.tenant(tenant)
        client = next((c for c in spec.clients if c.client_id == client_id), None)
        if client is None or not _same(client.secret, secret):
            raise OAuthError(401, "invalid_client", "client authentication failed")
        grant = form.get("grant_type")
        if grant != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type",
                             f"grant_type {grant!r} is not supported; use client_credentials")
        scope = form.get("scope")
        if scope is not None:
            unknown = sorted(set(scope.split()) - set(client.scopes))
            if unknown:
                raise OAuthError(400, "invalid_scope", f"scope not allowed: {' '.join(unknown)}")
        audience = form.get("resource") or form.get("audience")
        if audience is not None and audience not in client.audiences:
            raise OAuthError(400, "invalid_target",
                             f"resource {audience!r} is not registered for this client")
        token = self.issue_token(tenant, client.client_id, audience=audience, scope=scope,
                                 shape="id" if form.get("token_shape") == "id" else "access")
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": spec.faults.token_lifetime,
            "scope": scope if scope is not None else " ".join(client.scopes),
        }


def _same(a: str, b: str) -> bool:
    return hashlib.sha256(a.encode()).digest() == hashlib.sha256(b.encode()).digest()


def _client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str, str]:
    """client_secret_basic (RFC 6749 §2.3.1, form-encoded parts) or client_secret_post."""
    if authorization and authorization[:6].lower() == "basic ":
        if "client_secret" in form:
            raise OAuthError(400, "invalid_request", "use one client authentication method")
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError(401, "invalid_client", "malformed Basic credentials") from None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise OAuthError(401, "invalid_client", "malformed Basic credentials")
        return unquote_plus(client_id), unquote_plus(secret)
    if "client_id" in form and "client_secret" in form:
        return form["client_id"], form["client_secret"]
    raise OAuthError(401, "invalid_client", "no client authentication")


class _Server(ThreadingHTTPServer):
    ssl_context: ssl.SSLContext | None = None
    # The default backlog of 5 drops SYNs when hundreds of clients connect at once, and
    # each dropped one costs the client a 1 s retransmit.
    request_queue_size = 1024

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        if self.ssl_context is not None:
            # The handshake runs on first read, in the connection's own thread, so a client
            # that fails it (untrusted certificate) never blocks the accept loop.
            connection = self.ssl_context.wrap_socket(
                connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        # socketserver's signature; a client that hangs up or rejects our certificate is not
        # our error.
        return


class _Handler(BaseHTTPRequestHandler):
    sandbox: Sandbox
    protocol_version = "HTTP/1.1"
    # Headers and body are separate writes; with Nagle's algorithm the body waits for the
    # client's delayed ACK of the headers (~40 ms per response on a kept-alive connection).
    disable_nagle_algorithm = True
    server_version = "driftcheck-sandbox"
    _clock_offset = 0.0

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 (http.server's)
        return  # quiet: the sandbox runs inside tests and the demo

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header is the IdP's clock: the clock_offset fault moves it.
        return formatdate((timestamp or time.time()) + self._clock_offset, usegmt=True)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _route(self) -> tuple[str | None, list[str]]:
        path = urlsplit(self.path).path
        self.sandbox.requests[f"{self.command} {path}"] += 1
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[0] in ("tenants", "apps"):
            tenant = parts[1]
            if tenant in self.sandbox.tenant_names:
                faults = self.sandbox.tenant(tenant).faults
                self._clock_offset = faults.clock_offset
                if faults.latency:
                    time.sleep(faults.latency)
                return tenant, [parts[0], *parts[2:]]
            return None, ["unknown-tenant", tenant]
        return None, parts

    def _status_override(self, tenant: str, endpoint: str) -> bool:
        status = self.sandbox.tenant(tenant).faults.status_overrides.get(endpoint)
        if status is None:
            return False
        self._send(status, {"error": "sandbox_fault", "error_description":
                            f"{endpoint} answers {status} (fault switched on)"})
        return True

    def do_GET(self) -> None:
        tenant, parts = self._route()
        if parts and parts[0] == "unknown-tenant":
            self._send(404, {"error": "not_found", "error_description": "unknown tenant"})
        elif tenant is None and not parts:
            self._send(200, {"tenants": {n: self.sandbox.tenant_url(n)
                                         for n in self.sandbox.tenant_names}})
        elif tenant is None and parts == ["_requests"]:
            self._send(200, {"requests": dict(self.sandbox.requests)})
        elif tenant and parts == ["tenants", ".well-known", "openid-configuration"]:
            if not self._status_override(tenant, "discovery"):
                self._send(200, self.sandbox.discovery(tenant))
        elif tenant and parts == ["tenants", "jwks"]:
            if not self._status_override(tenant, "jwks"):
                self._send_jwks(tenant)
        elif tenant and parts == ["apps", "config.json"]:
            if not self._status_override(tenant, "config"):
                self._send(200, self.sandbox.frontend_config(tenant))
        elif tenant and parts == ["tenants", "authorize"]:
            self._send(400, {"error": "unsupported_response_type", "error_description":
                             "the sandbox IdP has no interactive login"})
        elif len(parts) == 4 and parts[0] == "apis" and parts[2:] == ["orders", "ping"] \
                and parts[1] in self.sandbox.tenant_names:
            self._protected(parts[1])
        else:
            self._send(404, {"error": "not_found"})

    def _protected(self, tenant: str) -> None:
        authorization = self.headers.get("Authorization")
        with self.sandbox._lock:
            self.sandbox.api_requests.append((tenant, self.command, authorization))
            faults = self.sandbox.api_faults.get(tenant, ApiFaults())
        latency = self.sandbox.tenant(tenant).faults.latency
        if latency:
            time.sleep(latency)
        given = answer(self.sandbox, tenant, faults, authorization)
        self._send(given.status, given.body, dict(given.headers))

    do_HEAD = do_GET

    def _send_jwks(self, tenant: str) -> None:
        document = self.sandbox.jwks(tenant)
        etag = '"' + hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[
            :16] + '"'
        max_age = self.sandbox.tenant(tenant).faults.jwks_max_age
        headers = {"Cache-Control": f"public, max-age={max_age}", "ETag": etag}
        if self.headers.get("If-None-Match") == etag:
            self._send(304, None, headers)
        else:
            self._send(200, document, headers)

    def do_POST(self) -> None:
        tenant, parts = self._route()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_FORM_BYTES:
            self._send(413, {"error": "invalid_request", "error_description": "body too large"})
            self.close_connection = True
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        if not (tenant and parts == ["tenants", "token"]):
            self._send(404, {"error": "not_found"})
            return
        if self._status_override(tenant, "token"):
            return
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        no_store = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        try:
            response = self.sandbox.token_response(tenant, form,
                                                   self.headers.get("Authorization"))
        except OAuthError as exc:
            extra = {"WWW-Authenticate": 'Basic realm="sandbox"'} if exc.status == 401 else {}
            self._send(exc.status, {"error": exc.error, "error_description": exc.description},
                       {**no_store, **extra})
            return
        self._send(200, response, no_store)
