"""Discovery documents, JWKS and tokens shaped like the major providers' (issue 8, point 4),
reproduced from their public documentation and served over loopback: driftcheck handles each
without false positives and catches the classic mistake of each.

Shapes follow: Microsoft identity platform "OpenID Connect on the Microsoft identity
platform" and "Access token claims reference" (v1.0 and v2.0); Auth0 "Validate Access
Tokens" (issuer with a trailing slash, /.well-known/jwks.json); Okta "Authorization servers"
(custom authorization server /oauth2/default, /v1/keys, cid/uid/scp); Keycloak "Server
Administration Guide" (realms at /realms/NAME, /protocol/openid-connect/certs); Amazon
Cognito "Verifying a JSON Web Token" (issuer cognito-idp.REGION.amazonaws.com/POOL,
token_use, access tokens without aud); Google "OpenID Connect" (accounts.google.com,
/oauth2/v3/certs). Host names are replaced by the loopback server's address.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.servers import StaticServer

TID = "4f1c3a52-9d0e-4b7a-8c61-2e5d9a7b3f10"  # a made-up Entra tenant
POOL = "us-east-1_Xy12AbC34"
NOW = int(time.time())


@dataclass
class Shape:
    name: str
    issuer_path: str
    discovery_path: str
    jwks_path: str
    discovery: dict[str, Any]
    jwk_extra: dict[str, Any]
    claims: dict[str, Any]
    header: dict[str, Any] = field(default_factory=dict)
    api: str = ""
    frontend: str = ""


def shapes(base: str) -> dict[str, Shape]:
    entra = f"{base}/{TID}/v2.0"
    auth0 = f"{base}/"
    okta = f"{base}/oauth2/default"
    keycloak = f"{base}/realms/shop"
    cognito = f"{base}/{POOL}"
    return {
        "entra": Shape(
            "entra", f"/{TID}/v2.0", f"/{TID}/v2.0/.well-known/openid-configuration",
            f"/{TID}/discovery/v2.0/keys",
            {"issuer": entra,
             "authorization_endpoint": f"{base}/{TID}/oauth2/v2.0/authorize",
             "token_endpoint": f"{base}/{TID}/oauth2/v2.0/token",
             "jwks_uri": f"{base}/{TID}/discovery/v2.0/keys",
             "response_modes_supported": ["query", "fragment", "form_post"],
             "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
             "subject_types_supported": ["pairwise"],
             "id_token_signing_alg_values_supported": ["RS256"],
             "scopes_supported": ["openid", "profile", "email", "offline_access"],
             "tenant_region_scope": "EU", "cloud_instance_name": "microsoftonline.com"},
            {"x5t": "placeholder-thumbprint", "issuer": entra},
            {"aud": "api://orders", "iss": entra, "azp": "7e1b9c1d-web", "azpacr": "1",
             "oid": "0b8d", "scp": "orders.read", "sub": "AAAA", "tid": TID, "ver": "2.0",
             "uti": "x", "rh": "0.A"},
            api='audiences = ["api://orders"]\n'),
        "auth0": Shape(
            "auth0", "/", "/.well-known/openid-configuration", "/.well-known/jwks.json",
            {"issuer": auth0, "authorization_endpoint": f"{base}/authorize",
             "token_endpoint": f"{base}/oauth/token", "jwks_uri": f"{base}/.well-known/jwks.json",
             "userinfo_endpoint": f"{base}/userinfo",
             "response_types_supported": ["code", "token", "id_token", "code token"],
             "subject_types_supported": ["public"],
             "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"]},
            {"x5t": "placeholder-thumbprint"},
            {"iss": auth0, "aud": ["https://orders.example", f"{base}/userinfo"],
             "azp": "web-client-id", "scope": "openid orders:read", "sub": "auth0|1",
             "gty": "client-credentials"},
            api='audiences = ["https://orders.example"]\nalgorithms = ["RS256"]\n'),
        "okta": Shape(
            "okta", "/oauth2/default", "/oauth2/default/.well-known/openid-configuration",
            "/oauth2/default/v1/keys",
            {"issuer": okta, "authorization_endpoint": f"{okta}/v1/authorize",
             "token_endpoint": f"{okta}/v1/token", "jwks_uri": f"{okta}/v1/keys",
             "response_types_supported": ["code", "id_token", "code id_token"],
             "subject_types_supported": ["public"],
             "id_token_signing_alg_values_supported": ["RS256"]},
            {},
            {"ver": 1, "jti": "AT.x", "iss": okta, "aud": "api://default", "cid": "0oa1",
             "uid": "00u1", "scp": ["orders.read"], "sub": "user@example.com"},
            api='audiences = ["api://default"]\n'),
        "keycloak": Shape(
            "keycloak", "/realms/shop", "/realms/shop/.well-known/openid-configuration",
            "/realms/shop/protocol/openid-connect/certs",
            {"issuer": keycloak,
             "authorization_endpoint": f"{keycloak}/protocol/openid-connect/auth",
             "token_endpoint": f"{keycloak}/protocol/openid-connect/token",
             "jwks_uri": f"{keycloak}/protocol/openid-connect/certs",
             "response_types_supported": ["code", "none", "id_token", "token"],
             "subject_types_supported": ["public", "pairwise"],
             "id_token_signing_alg_values_supported": ["PS384", "RS256", "ES256"]},
            {},
            {"iss": keycloak, "aud": "orders", "azp": "web", "typ": "Bearer",
             "realm_access": {"roles": ["user"]}, "scope": "openid orders", "sub": "f:1"},
            api='audiences = ["orders"]\n'),
        "cognito": Shape(
            "cognito", f"/{POOL}", f"/{POOL}/.well-known/openid-configuration",
            f"/{POOL}/.well-known/jwks.json",
            {"issuer": cognito, "authorization_endpoint": f"{base}/oauth2/authorize",
             "token_endpoint": f"{base}/oauth2/token",
             "jwks_uri": f"{cognito}/.well-known/jwks.json",
             "response_types_supported": ["code", "token"],
             "subject_types_supported": ["public"],
             "id_token_signing_alg_values_supported": ["RS256"]},
            {},
            {"iss": cognito, "sub": "a1b2", "client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
             "token_use": "access", "scope": "orders/read", "version": 2,
             "username": "a1b2", "origin_jti": "x", "event_id": "y", "auth_time": NOW},
            frontend='[frontends.web]\nclient_id = "3n4b5urk1ft4fl3mg5e62d9ado"\n'),
        "google": Shape(
            "google", "", "/.well-known/openid-configuration", "/oauth2/v3/certs",
            {"issuer": base, "authorization_endpoint": f"{base}/o/oauth2/v2/auth",
             "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/oauth2/v3/certs",
             "response_types_supported": ["code", "token", "id_token"],
             "subject_types_supported": ["public"],
             "id_token_signing_alg_values_supported": ["RS256"]},
            {},
            {"iss": base, "azp": "1234-web.apps.googleusercontent.example",
             "aud": "1234-web.apps.googleusercontent.example", "sub": "1109",
             "email": "a@example.com", "email_verified": True, "at_hash": "HK6E"},
            api='audiences = ["1234-web.apps.googleusercontent.example"]\naccepts = "id"\n'),
    }


class Provider:
    def __init__(self, server: StaticServer, shape: Shape) -> None:
        self.shape = shape
        self.key = RSAKey.generate_key(2048, parameters={"kid": f"{shape.name}-1"},
                                       private=True)
        public = {**self.key.as_dict(private=False), "use": "sig", "alg": "RS256",
                  **shape.jwk_extra}
        server.route(shape.discovery_path, body=shape.discovery)
        server.route(shape.jwks_path, body={"keys": [public]})
        self.issuer = shape.discovery["issuer"]

    def token(self, **changes: Any) -> str:
        claims = {**self.shape.claims, "iat": NOW, "nbf": NOW, "exp": NOW + 3600, **changes}
        claims = {k: v for k, v in claims.items() if v is not None}
        header = {"alg": "RS256", "kid": self.key.kid, "typ": "JWT", **self.shape.header}
        return jwt.encode(header, claims, self.key)


def check(cli, tmp_path: Path, shape: Shape, issuer: str, token: str,
          codes: tuple[int, ...] = (0, 1)) -> list[dict[str, Any]]:
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    (tmp_path / "token.jwt").write_text(token)
    (folder / f"{shape.name}.toml").write_text(
        f'name = "{shape.name}"\n\n[idp]\nissuer = "{issuer}"\n\n{shape.frontend}\n'
        f'[apis.orders]\n{shape.api}\n[tokens.probe]\nfor_api = "orders"\nsource = "file"\n'
        f'path = "{tmp_path / "token.jwt"}"\n')
    code, out, err = cli("check", str(folder), "--format", "json")
    assert code in codes, err
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


@pytest.mark.parametrize("name", ["entra", "auth0", "okta", "keycloak", "cognito", "google"])
def test_provider_shape_has_no_false_positives(static_server, cli, tmp_path, name):
    provider = Provider(static_server, shapes(static_server.url)[name])
    findings = check(cli, tmp_path, provider.shape, provider.issuer, provider.token())
    assert [f for f in findings if f["severity"] != "info"] == []


def _rules(findings: list[dict[str, Any]]) -> set[str]:
    return {f["rule"] for f in findings}


def _message(findings: list[dict[str, Any]], rule: str) -> str:
    return next(f["message"] for f in findings if f["rule"] == rule)


def test_entra_v1_token_at_a_v2_api(static_server, cli, tmp_path):
    provider = Provider(static_server, shapes(static_server.url)["entra"])
    v1 = provider.token(iss=f"https://sts.windows.net/{TID}/", ver="1.0", appid="7e1b9c1d-web",
                        azp=None, azpacr=None)
    findings = check(cli, tmp_path, provider.shape, provider.issuer, v1)
    assert _rules(findings) == {"DC309"}
    assert "a v1.0 Entra ID token where the v2.0 issuer is expected" in _message(findings,
                                                                                  "DC309")


def test_auth0_issuer_without_its_trailing_slash(static_server, cli, tmp_path):
    provider = Provider(static_server, shapes(static_server.url)["auth0"])
    findings = check(cli, tmp_path, provider.shape, provider.issuer.rstrip("/"),
                     provider.token())
    assert _rules(findings) == {"DC102", "DC309"}
    assert "the actual value has it" in _message(findings, "DC102")


def test_okta_org_issuer_for_a_custom_authorization_server_token(static_server, cli, tmp_path):
    base = static_server.url
    provider = Provider(static_server, shapes(base)["okta"])
    # The org authorization server: its own issuer and keys, at the domain root.
    org_key = RSAKey.generate_key(2048, parameters={"kid": "org-1"}, private=True)
    static_server.route("/.well-known/openid-configuration", body={
        **provider.shape.discovery, "issuer": base, "jwks_uri": f"{base}/oauth2/v1/keys",
        "authorization_endpoint": f"{base}/oauth2/v1/authorize",
        "token_endpoint": f"{base}/oauth2/v1/token"})
    static_server.route("/oauth2/v1/keys", body={"keys": [
        {**org_key.as_dict(private=False), "use": "sig", "alg": "RS256"}]})
    findings = check(cli, tmp_path, provider.shape, base, provider.token())
    assert _rules(findings) == {"DC304", "DC309"}
    assert "another tenant, realm or authorization server on the same host" in _message(
        findings, "DC309")


def test_keycloak_realm_path_with_the_old_auth_prefix(static_server, cli, tmp_path):
    base = static_server.url
    provider = Provider(static_server, shapes(base)["keycloak"])
    # Exit 3: the only environment's IdP could not be read at all.
    findings = check(cli, tmp_path, provider.shape, f"{base}/auth/realms/shop",
                     provider.token(), codes=(3,))
    assert _rules(findings) == {"DC010", "DC309"}
    assert "without the /auth prefix" in _message(findings, "DC010")


def test_cognito_id_token_sent_to_an_api(static_server, cli, tmp_path):
    provider = Provider(static_server, shapes(static_server.url)["cognito"])
    id_token = provider.token(token_use="id", client_id=None, scope=None,
                              aud="3n4b5urk1ft4fl3mg5e62d9ado", email="a@example.com")
    findings = check(cli, tmp_path, provider.shape, provider.issuer, id_token)
    assert _rules(findings) == {"DC312"}
    assert "token_use" in _message(findings, "DC312")


def test_google_issuer_with_a_trailing_slash(static_server, cli, tmp_path):
    provider = Provider(static_server, shapes(static_server.url)["google"])
    findings = check(cli, tmp_path, provider.shape, provider.issuer + "/", provider.token())
    assert _rules(findings) == {"DC102", "DC309"}
