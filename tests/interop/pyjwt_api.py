"""A protected API on loopback validating with PyJWT's `PyJWKClient`, as its docs show:

    jwks_client = jwt.PyJWKClient(url)
    signing_key = jwks_client.get_signing_key_from_jwt(token)
    jwt.decode(token, signing_key, audience=..., issuer=..., algorithms=["RS256"])

Rejections answer 401 with an RFC 6750 challenge carrying PyJWT's exception message. Every
request's Authorization header is recorded for the tests' safety assertions.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import jwt

from tests.servers import LoopbackServer


class PyJwtApi(LoopbackServer):
    def __init__(self, jwks_uri: str, issuer: str | list[str], audience: str | list[str]) -> None:
        super().__init__()
        self.client = jwt.PyJWKClient(jwks_uri)
        self.issuer = issuer
        self.audience = audience
        self.authorizations: list[str | None] = []

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        given = handler.headers.get("Authorization")
        self.authorizations.append(given)
        status, headers, body = 200, {}, {"ok": True}
        if not given or not given.lower().startswith("bearer "):
            status, headers, body = 401, {"WWW-Authenticate": "Bearer"}, {"error": "unauthorized"}
        else:
            token = given[7:].strip()
            try:
                key = self.client.get_signing_key_from_jwt(token)
                jwt.decode(token, key, algorithms=["RS256"], audience=self.audience,
                           issuer=self.issuer)
            except jwt.PyJWTError as error:
                message = str(error).replace('"', "'")
                status, body = 401, {"error": "invalid_token", "error_description": message}
                headers = {"WWW-Authenticate":
                           f'Bearer error="invalid_token", error_description="{message}"'}
        payload = json.dumps(body).encode()
        handler.send_response(status)
        for name, value in {**headers, "Content-Type": "application/json"}.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
