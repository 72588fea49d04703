"""IdP-side rules (DC104-DC107, DC201-DC209, DC701) against real servers: each fires where
it should and stays quiet on the near miss."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwk
from joserfc.jwk import SecurityWarning

from driftcheck.sandbox import Sandbox
from tests.conftest import check_folder, env_toml
from tests.servers import StaticServer


def run(cli, tmp_path: Path, *envs: tuple[str, str], extra: tuple[str, ...] = ()) -> list[dict]:
    findings: list[dict] = check_folder(cli, tmp_path, *envs, extra=extra)["findings"]
    return findings


def only(findings: list[dict], rule: str) -> list[dict]:
    return [f for f in findings if f["rule"] == rule]


def sandbox_env(sandbox: Sandbox, tenant: str = "dev", body: str = "", **top: Any) -> tuple[
        str, str]:
    return tenant, env_toml(tenant, sandbox.tenant_url(tenant), body, **top)


RSA = jwk.RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
RSA2 = jwk.RSAKey.generate_key(2048, parameters={"kid": "k2"}, private=True)


def public(key: Any, **extra: Any) -> dict[str, Any]:
    return {**key.as_dict(private=False), **extra}


# -- discovery ---------------------------------------------------------------------------------

def test_dc104_required_fields(sandbox, tmp_path, cli):
    sandbox.set_faults("dev", discovery_overrides={
        "jwks_uri": None, "subject_types_supported": "public"})
    (finding,) = only(run(cli, tmp_path, sandbox_env(sandbox)), "DC104")
    assert finding["severity"] == "high"  # jwks_uri is one of them
    assert "jwks_uri (missing), subject_types_supported (expected an array)" in finding["message"]
    sandbox.set_faults("dev", discovery_overrides={"subject_types_supported": None})
    (finding,) = only(run(cli, tmp_path, sandbox_env(sandbox)), "DC104")
    assert finding["severity"] == "medium"
    sandbox.set_faults("dev", discovery_overrides={})
    assert only(run(cli, tmp_path, sandbox_env(sandbox)), "DC104") == []


def test_dc105_insecure_endpoint(sandbox, tmp_path, cli):
    sandbox.set_faults("dev", discovery_overrides={"token_endpoint": "http://idp.example.test/t"})
    (finding,) = only(run(cli, tmp_path, sandbox_env(sandbox)), "DC105")
    assert finding["severity"] == "high"
    assert finding["evidence"]["field"] == "token_endpoint"
    (allowed,) = only(run(cli, tmp_path, sandbox_env(sandbox, allow_insecure_http=True)), "DC105")
    assert allowed["severity"] == "low"
    assert "allowed by allow_insecure_http" in allowed["message"]
    # The sandbox's own http endpoints are on loopback: not reported.
    sandbox.set_faults("dev", discovery_overrides={})
    assert only(run(cli, tmp_path, sandbox_env(sandbox)), "DC105") == []


def test_dc106_jwks_uri_mismatch(sandbox, static_server, tmp_path, cli):
    stale = f'jwks_uri = "{sandbox.tenant_url("dev")}/keys"'
    findings = run(cli, tmp_path, sandbox_env(sandbox, body=stale))
    (finding,) = only(findings, "DC106")
    assert finding["severity"] == "high"
    assert "could not be read" in finding["message"]
    assert only(findings, "DC010")  # the 404 itself
    copy = static_server.route("/copy/jwks", body=httpx.get(sandbox.tenant_url("dev") +
                                                            "/jwks").json())
    (finding,) = only(run(cli, tmp_path, sandbox_env(sandbox, body=f'jwks_uri = "{copy}"')),
                      "DC106")
    assert finding["severity"] == "low"
    assert "same keys today" in finding["message"]
    other = static_server.route("/other/jwks", body={"keys": [public(RSA)]})
    (finding,) = only(run(cli, tmp_path, sandbox_env(sandbox, body=f'jwks_uri = "{other}"')),
                      "DC106")
    assert finding["severity"] == "high"
    assert "different keys" in finding["message"]
    same = f'jwks_uri = "{sandbox.tenant_url("dev")}/jwks"'
    assert only(run(cli, tmp_path, sandbox_env(sandbox, body=same)), "DC106") == []


def test_dc107_alg_not_advertised(sandbox, tmp_path, cli):
    api = '[apis.orders]\nalgorithms = ["RS256", "ES256"]\n[gateways.edge]\nalgorithms = ["RS256"]'
    (finding,) = only(run(cli, tmp_path, sandbox_env(sandbox, body=api)), "DC107")
    assert finding["component"] == "apis.orders"
    assert finding["severity"] == "low"
    assert finding["evidence"]["not_advertised"] == ["ES256"]
    assert finding["key_path"] == "apis.orders.algorithms"


# -- keys --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("jwks", "fragment"),
    [
        ({"keys": "k1"}, 'is not a key set: expected a JSON object with a "keys" array'),
        ({"keys": []}, "publishes no keys"),
        ({"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB"}]}, "RSA key without e"),
        ({"keys": [{"kty": "RSA", "kid": "k1", "n": "@@@", "e": "AQAB"}]},
         "could not be decoded"),
        ({"keys": [{"kty": "XYZ", "kid": "k1"}]}, "unknown or missing kty 'XYZ'"),
    ],
)
def test_dc201_jwks_invalid(static_server: StaticServer, tmp_path, cli, jwks, fragment):
    issuer = static_server.serve_idp("/t", jwks)
    (finding,) = only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC201")
    assert fragment in finding["message"]


def test_dc202_private_material_named_never_shown(static_server, tmp_path, cli):
    private = RSA.as_dict(private=True)
    issuer = static_server.serve_idp("/t", {"keys": [private]})
    folder_findings = run(cli, tmp_path, ("x", env_toml("x", issuer)))
    (finding,) = only(folder_findings, "DC202")
    assert finding["severity"] == "critical"
    assert finding["evidence"]["members"] == ["d", "p", "q", "dp", "dq", "qi"]
    assert finding["evidence"]["thumbprint"] == RSA.thumbprint()
    dumped = json.dumps(folder_findings)
    for member in ("d", "p", "q", "dp", "dq", "qi"):
        assert private[member] not in dumped


def test_dc203_weak_keys(static_server, tmp_path, cli):
    with pytest.warns(SecurityWarning):
        small = jwk.RSAKey.generate_key(1024, parameters={"kid": "small"})
    curve = jwk.ECKey.generate_key("secp256k1", parameters={"kid": "k256"})
    issuer = static_server.serve_idp("/t", {"keys": [public(small), public(curve), public(RSA)]})
    findings = only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC203")
    assert [(f["evidence"]["kid"], f["severity"]) for f in findings] == [
        ("small", "high"), ("k256", "medium")]
    assert findings[0]["evidence"]["bits"] == 1024


def test_dc204_duplicate_kid(static_server, tmp_path, cli):
    issuer = static_server.serve_idp("/t", {"keys": [public(RSA), public(RSA2, kid="k1")]})
    (finding,) = only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC204")
    assert sorted(finding["evidence"]["thumbprints"]) == sorted([RSA.thumbprint(),
                                                                 RSA2.thumbprint()])
    # The very same key listed twice is redundant, not ambiguous.
    static_server.serve_idp("/t", {"keys": [public(RSA), public(RSA)]})
    assert only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC204") == []


def test_dc205_missing_kid(static_server, tmp_path, cli):
    nameless = {k: v for k, v in public(RSA2).items() if k != "kid"}
    issuer = static_server.serve_idp("/t", {"keys": [public(RSA), nameless]})
    (finding,) = only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC205")
    assert "key #1 has no kid" in finding["message"]
    static_server.serve_idp("/t", {"keys": [nameless]})
    assert only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC205") == []


def test_dc206_pinned_kid_missing(sandbox, tmp_path, cli):
    body = 'pinned_kids = ["dev-rs256-1", "2025-retired"]'
    (finding,) = only(run(cli, tmp_path, sandbox_env(sandbox, body=body)), "DC206")
    assert finding["evidence"]["kid"] == "2025-retired"
    assert finding["evidence"]["published"] == ["dev-rs256-1"]
    sandbox.rotate_keys("dev")
    pinned = sandbox_env(sandbox, body='pinned_kids = ["dev-rs256-1"]')
    (finding,) = only(run(cli, tmp_path, pinned), "DC206")
    assert finding["evidence"]["published"] == ["dev-rs256-2"]


def test_dc207_symmetric_key_also_dc202(static_server, tmp_path, cli):
    secret = jwk.OctKey.generate_key(256, parameters={"kid": "hmac"})
    issuer = static_server.serve_idp("/t", {"keys": [public(RSA), secret.as_dict()]})
    findings = run(cli, tmp_path, ("x", env_toml("x", issuer)))
    (symmetric,) = only(findings, "DC207")
    (exposed,) = only(findings, "DC202")
    assert symmetric["evidence"]["kid"] == exposed["evidence"]["kid"] == "hmac"
    assert "thumbprint" not in symmetric["evidence"]  # a hash of the secret itself
    assert secret.as_dict()["k"] not in json.dumps(findings)


def test_dc208_key_use(static_server, tmp_path, cli):
    issuer = static_server.serve_idp("/t", {"keys": [public(RSA, use="enc")]})
    (finding,) = only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC208")
    assert finding["severity"] == "high"
    assert "no key in the set can" in finding["message"]
    static_server.serve_idp("/t", {"keys": [public(RSA, use="enc"),
                                            public(RSA2, key_ops=["sign"])]})
    assert len(only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC208")) == 2
    static_server.serve_idp("/t", {"keys": [public(RSA, use="enc"), public(RSA2, use="sig")]})
    (finding,) = only(run(cli, tmp_path, ("x", env_toml("x", issuer))), "DC208")
    assert finding["severity"] == "low"
    assert finding["evidence"]["kid"] == "k1"


def test_dc209_cache_windows_against_rotation_overlap(sandbox, tmp_path, cli):
    sandbox.set_faults("dev", jwks_max_age=86400)
    body = 'rotation_overlap = "1h"\n[apis.orders]\njwks_cache_ttl = "2h"\n[apis.billing]\n' \
           'jwks_cache_ttl = "5m"'
    findings = only(run(cli, tmp_path, sandbox_env(sandbox, body=body)), "DC209")
    assert [(f["component"], f["evidence"].get("rotation_lead_seconds",
                                                f["evidence"].get("cache_window_seconds")))
            for f in findings] == [("apis.orders", 7200.0), ("idp", 86400.0)]
    assert "at least 2 h before first use for apis.orders (strict)" in findings[0]["message"]
    idp = findings[1]
    assert "Cache-Control: public, max-age=86400" in idp["message"]
    assert "1 h" in idp["message"]
    assert "23 h" in idp["message"]
    # Within the overlap, or no overlap declared: nothing to judge.
    sandbox.set_faults("dev", jwks_max_age=600)
    assert only(run(cli, tmp_path, sandbox_env(sandbox, body=body.replace('"2h"', '"10m"'))),
                "DC209") == []
    assert only(run(cli, tmp_path, sandbox_env(sandbox)), "DC209") == []


# -- clock -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("offset", "skew", "fires", "side"),
    [(150, "60s", True, "ahead of"), (-300, "2m", True, "behind"), (30, "60s", False, None),
     (90, None, True, "ahead of"), (45, None, False, None)],
)
def test_dc701_idp_clock(sandbox, tmp_path, cli, offset, skew, fires, side):
    sandbox.set_faults("dev", clock_offset=offset)
    body = f'[apis.orders]\nclock_skew = "{skew}"\n[apis.slow]\nclock_skew = "5m"' if skew else ""
    findings = only(run(cli, tmp_path, sandbox_env(sandbox, body=body)), "DC701")
    assert bool(findings) == fires
    if fires:
        (finding,) = findings
        assert side in finding["message"]
        assert finding["evidence"]["offset_seconds"] == pytest.approx(offset, abs=2)
        source = (f"the clock skew apis.orders (strict) allows ({skew[:-1]} "
                  f"{'s' if skew.endswith('s') else 'min'}, apis.orders.clock_skew)"
                  if skew else "the default threshold")
        assert finding["evidence"]["threshold_source"] == source
        if skew:  # apis.slow allows 5 min: spared, and said so
            assert "Within the clock skew apis.slow (strict) allows (5 min" in finding["message"]


def test_sandbox_extra_keys_and_observed_keys_in_the_report(sandbox, tmp_path, cli):
    leaked = RSA.as_dict(private=True)
    sandbox.set_faults("prod", jwks_extra_keys=(leaked,))
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "prod.toml").write_text(env_toml("prod", sandbox.tenant_url("prod")))
    code, out, _ = cli("check", str(folder), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["DC202"]
    observed = report["environments"][0]["observed"]
    assert observed["issuer"] == sandbox.tenant_url("prod")
    assert [k["kid"] for k in observed["keys"]] == ["prod-rs256-1", "k1"]
    assert observed["keys"][1]["thumbprint"] == RSA.thumbprint()
    assert leaked["d"] not in out
