"""The sandbox IdP over real HTTP on loopback: endpoints, headers, token endpoint, faults."""

from __future__ import annotations

import base64
import json
import time
from email.utils import parsedate_to_datetime

import httpx
import pytest
from joserfc import jwk, jwt
from joserfc.errors import UnsupportedAlgorithmError

from driftcheck.sandbox import Sandbox


def discovery(sandbox: Sandbox, tenant: str) -> httpx.Response:
    return httpx.get(f"{sandbox.tenant_url(tenant)}/.well-known/openid-configuration")


def get_token(sandbox: Sandbox, tenant: str, **form: str) -> httpx.Response:
    client = sandbox.client(tenant)
    return httpx.post(f"{sandbox.tenant_url(tenant)}/token",
                      data={"grant_type": "client_credentials", **form},
                      auth=(client.client_id, client.secret))


def decode(sandbox: Sandbox, tenant: str, token: str) -> jwt.Token:
    keys = jwk.KeySet.import_key_set(httpx.get(f"{sandbox.tenant_url(tenant)}/jwks").json())
    return jwt.decode(token, keys, algorithms=["RS256", "ES256"])


def test_several_tenants_on_one_port(sandbox):
    index = httpx.get(sandbox.url + "/").json()
    assert set(index["tenants"]) == {"dev", "staging", "prod"}
    for tenant in ("dev", "prod"):
        document = discovery(sandbox, tenant).json()
        assert document["issuer"] == sandbox.tenant_url(tenant)
        assert document["jwks_uri"] == sandbox.tenant_url(tenant) + "/jwks"
        for field in ("authorization_endpoint", "token_endpoint", "response_types_supported",
                      "subject_types_supported", "id_token_signing_alg_values_supported"):
            assert field in document


def test_jwks_headers_and_conditional_get(sandbox):
    url = sandbox.tenant_url("dev") + "/jwks"
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=600"
    assert parsedate_to_datetime(response.headers["date"]).timestamp() == pytest.approx(
        time.time(), abs=5)
    (key,) = response.json()["keys"]
    assert key["kty"] == "RSA"
    assert key["kid"] == "dev-rs256-1"
    assert "d" not in key
    again = httpx.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_client_credentials_basic_and_post(sandbox):
    client = sandbox.client("dev")
    basic = get_token(sandbox, "dev")
    post = httpx.post(sandbox.tenant_url("dev") + "/token", data={
        "grant_type": "client_credentials", "client_id": client.client_id,
        "client_secret": client.secret, "scope": "orders.read"})
    for response in (basic, post):
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        token = decode(sandbox, "dev", body["access_token"])
        assert token.header == {"typ": "at+jwt", "alg": "RS256", "kid": "dev-rs256-1"}
        claims = token.claims
        assert claims["iss"] == sandbox.tenant_url("dev")
        assert claims["aud"] == "api://orders-dev"
        assert claims["sub"] == client.client_id
        assert claims["exp"] - claims["iat"] == 3600
        assert claims["nbf"] == claims["iat"]
        assert {"jti", "scope"} <= set(claims)
    assert decode(sandbox, "dev", post.json()["access_token"]).claims["scope"] == "orders.read"


def test_basic_credentials_are_form_decoded(sandbox):
    # RFC 6749 §2.3.1: client_id and secret are form-urlencoded before base64.
    client = sandbox.client("dev")
    raw = f"{client.client_id}:{client.secret}".replace("-", "%2D")
    header = "Basic " + base64.b64encode(raw.encode()).decode()
    response = httpx.post(sandbox.tenant_url("dev") + "/token",
                          data={"grant_type": "client_credentials"},
                          headers={"Authorization": header})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("form", "auth", "status", "error"),
    [
        ({"grant_type": "client_credentials"}, ("probe-dev", "wrong"), 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, None, 401, "invalid_client"),
        ({"grant_type": "password"}, "ok", 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "scope": "admin"}, "ok", 400, "invalid_scope"),
        ({"grant_type": "client_credentials", "resource": "api://orders-prod"}, "ok", 400,
         "invalid_target"),
    ],
)
def test_token_endpoint_errors(sandbox, form, auth, status, error):
    client = sandbox.client("dev")
    credentials = (client.client_id, client.secret) if auth == "ok" else auth
    response = httpx.post(sandbox.tenant_url("dev") + "/token", data=form, auth=credentials)
    assert response.status_code == status
    assert response.json()["error"] == error
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Basic")


def test_frontend_runtime_config(sandbox):
    config = httpx.get(sandbox.frontend_config_url("prod")).json()
    assert config == {
        "auth": {"authority": sandbox.tenant_url("prod"), "clientId": "web-prod",
                 "audience": "api://orders-prod"},
        "apiBaseUrl": sandbox.url + "/apis/prod",
    }
    sandbox.set_faults("prod", frontend_config_overrides={"apiBaseUrl": "https://elsewhere"})
    assert httpx.get(sandbox.frontend_config_url("prod")).json()["apiBaseUrl"] == "https://elsewhere"


def test_unknown_paths_and_tenants_are_404(sandbox):
    assert httpx.get(sandbox.url + "/tenants/nope/jwks").status_code == 404
    assert httpx.get(sandbox.url + "/tenants/dev/keys").status_code == 404
    assert httpx.get(sandbox.tenant_url("dev") + "/authorize").status_code == 400


def test_fault_trailing_slash_issuer(sandbox):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    assert discovery(sandbox, "staging").json()["issuer"] == sandbox.tenant_url("staging") + "/"
    token = get_token(sandbox, "staging").json()["access_token"]
    assert decode(sandbox, "staging", token).claims["iss"].endswith("/tenants/staging/")


def test_fault_rotated_key(sandbox):
    sandbox.set_faults("dev", rotated_key=True)
    token = get_token(sandbox, "dev").json()["access_token"]
    published = {k["kid"] for k in httpx.get(sandbox.tenant_url("dev") + "/jwks").json()["keys"]}
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["kid"] == "dev-rs256-0"
    assert header["kid"] not in published


def test_real_rotation_with_overlap(sandbox):
    before = httpx.get(sandbox.tenant_url("dev") + "/jwks").json()
    sandbox.rotate_keys("dev")
    sandbox.set_faults("dev", publish_previous_key=True)
    after = httpx.get(sandbox.tenant_url("dev") + "/jwks").json()
    assert [k["kid"] for k in after["keys"]] == ["dev-rs256-2", "dev-rs256-1"]
    assert after["keys"][1] == before["keys"][0]


def test_fault_shared_key(sandbox):
    sandbox.set_faults("staging", shared_key_with="prod")
    staging = httpx.get(sandbox.tenant_url("staging") + "/jwks").json()
    prod = httpx.get(sandbox.tenant_url("prod") + "/jwks").json()
    assert staging == prod
    token = get_token(sandbox, "staging").json()["access_token"]
    assert decode(sandbox, "prod", token).claims["iss"] == sandbox.tenant_url("staging")


def test_fault_clock_offset(sandbox):
    sandbox.set_faults("prod", clock_offset=300)
    response = discovery(sandbox, "prod")
    offset = parsedate_to_datetime(response.headers["date"]).timestamp() - time.time()
    assert offset == pytest.approx(300, abs=3)
    claims = decode(sandbox, "prod", get_token(sandbox, "prod").json()["access_token"]).claims
    assert claims["iat"] - time.time() == pytest.approx(300, abs=3)


def test_fault_hs256(sandbox):
    sandbox.set_faults("dev", hs256=True)
    token = get_token(sandbox, "dev").json()["access_token"]
    with pytest.raises(UnsupportedAlgorithmError):  # not verifiable with the published keys
        decode(sandbox, "dev", token)
    verified = jwt.decode(token, jwk.OctKey.import_key(sandbox.hmac_secret("dev")),
                          algorithms=["HS256"])
    assert verified.header["alg"] == "HS256"
    assert "kid" not in verified.header


def test_fault_expired_tokens(sandbox):
    sandbox.set_faults("dev", expired_tokens=True)
    claims = decode(sandbox, "dev", get_token(sandbox, "dev").json()["access_token"]).claims
    assert claims["exp"] < time.time() - 500


def test_fault_id_tokens_and_on_request(sandbox):
    shaped = get_token(sandbox, "dev", token_shape="id").json()["access_token"]
    sandbox.set_faults("prod", id_tokens=True)
    faulted = get_token(sandbox, "prod").json()["access_token"]
    for tenant, token in (("dev", shaped), ("prod", faulted)):
        parsed = decode(sandbox, tenant, token)
        assert parsed.header["typ"] == "JWT"
        assert parsed.claims["aud"] == f"web-{tenant}"
        assert {"nonce", "auth_time", "azp"} <= set(parsed.claims)
        assert "scope" not in parsed.claims


def test_fault_es256(sandbox):
    sandbox.set_faults("dev", alg="ES256")
    (key,) = httpx.get(sandbox.tenant_url("dev") + "/jwks").json()["keys"]
    assert key["kty"] == "EC"
    assert key["crv"] == "P-256"
    assert discovery(sandbox, "dev").json()["id_token_signing_alg_values_supported"] == ["ES256"]
    token = get_token(sandbox, "dev").json()["access_token"]
    assert decode(sandbox, "dev", token).header["alg"] == "ES256"


def test_fault_latency(sandbox):
    sandbox.set_faults("dev", latency=0.3)
    started = time.monotonic()
    discovery(sandbox, "dev")
    assert time.monotonic() - started >= 0.3  # a fact of the fault, not a speed claim


def test_fault_status_and_discovery_overrides(sandbox):
    sandbox.set_faults("dev", status_overrides={"jwks": 503},
                       discovery_overrides={"jwks_uri": None, "issuer": "https://x"})
    assert httpx.get(sandbox.tenant_url("dev") + "/jwks").status_code == 503
    document = discovery(sandbox, "dev").json()
    assert "jwks_uri" not in document
    assert document["issuer"] == "https://x"


def test_requests_are_counted_without_query_or_body(sandbox):
    get_token(sandbox, "dev")
    httpx.get(sandbox.tenant_url("dev") + "/jwks?x=secret")
    assert sandbox.requests["POST /tenants/dev/token"] == 1
    assert sandbox.requests["GET /tenants/dev/jwks"] == 1
    assert not any("secret" in line for line in sandbox.requests)
