"""driftcheck against identity providers nobody on the team wrote (issue 8, points 1-2):
oidc-provider (certified OpenID provider) and oauth2-mock-server, both from the npm registry,
on 127.0.0.1. Each scenario is an environment set checked with `driftcheck check --format
json`; the assertions name the exact rules, the first failing step, and that nothing else
fires."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey, RSAKey

from tests.interop.conftest import Start

SECRET = "interop-probe-secret-0123456789abcdef"


def rsa(kid: str) -> dict[str, Any]:
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"},
                              private=True)
    return key.as_dict(private=True)


def ec(kid: str) -> dict[str, Any]:
    key = ECKey.generate_key("P-256", parameters={"kid": kid, "alg": "ES256", "use": "sig"},
                             private=True)
    return key.as_dict(private=True)


def provider(node_server: Start, name: str, *, keys: list[dict[str, Any]] | None = None,
             alg: str = "RS256") -> str:
    server = node_server("oidc_provider.mjs", {
        "keys": keys or [rsa(f"{name}-rs-1")], "alg": alg, "resource": f"api://orders-{name}",
        "client_id": f"probe-{name}", "client_secret": SECRET, "ttl": 300})
    return server.url


def environment(name: str, issuer: str, *, tier: str = "nonprod", resource: str | None = None,
                api: str = "", idp: str = "", token: str | None = None) -> str:
    """An environment whose API expects `api://orders-NAME`; the token comes from the
    provider's client_credentials grant (a resource indicator) unless `token` names a file."""
    source = (f'source = "file"\npath = "{token}"' if token else
              f'source = "client_credentials"\nclient_id = "probe-{name}"\n'
              f'client_secret_env = "PROBE_SECRET"\nscope = "orders.read"\n'
              f'resource = "{resource or f"api://orders-{name}"}"')
    return (f'name = "{name}"\ntier = "{tier}"\n\n[idp]\nissuer = "{issuer}"\n{idp}\n'
            f'[apis.orders]\naudiences = ["api://orders-{name}"]\nalgorithms = ["RS256"]\n'
            f'clock_skew = "60s"\n{api}\n[tokens.probe]\nfor_api = "orders"\n{source}\n')


def check(cli, tmp_path: Path, files: dict[str, str], *extra: str) -> dict[str, Any]:
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    for stale in folder.glob("*.toml"):
        stale.unlink()
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text)
    code, out, err = cli("check", str(folder), "--format", "json", *extra)
    assert code in (0, 1), err
    report: dict[str, Any] = json.loads(out)
    return report


def rules(report: dict[str, Any], environment: str | None = None) -> set[str]:
    return {f["rule"] for f in report["findings"]
            if environment is None or f["environment"] == environment}


def first_failing(report: dict[str, Any], environment: str) -> str | None:
    (entry,) = [e for e in report["environments"] if e["name"] == environment]
    (verdict,) = entry["tokens"]
    step: str | None = verdict["first_failing_step"]
    return step


@pytest.fixture(autouse=True)
def _probe_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBE_SECRET", SECRET)


def test_clean_setup_has_no_findings_above_info(node_server, cli, tmp_path):
    a = provider(node_server, "a")
    b = provider(node_server, "b")
    report = check(cli, tmp_path, {"a": environment("a", a), "b": environment("b", b,
                                                                               tier="prod")})
    assert [f for f in report["findings"] if f["severity"] != "info"] == []
    assert first_failing(report, "a") is None
    assert first_failing(report, "b") is None


def test_trailing_slash_issuer(node_server, cli, tmp_path):
    a = provider(node_server, "a")
    report = check(cli, tmp_path, {"a": environment("a", a + "/")})
    assert rules(report) == {"DC102", "DC309"}
    assert first_failing(report, "a") == "issuer"


def test_audience_of_another_environment(node_server, cli, tmp_path):
    a = provider(node_server, "a")
    b = provider(node_server, "b")
    report = check(cli, tmp_path, {
        "a": environment("a", a, resource="api://orders-b"),  # asks for b's API
        "b": environment("b", b, tier="prod")})
    assert rules(report, "b") == set()
    assert rules(report, "a") == {"DC310", "DC505"}  # the token, and the crossover itself
    finding = next(f for f in report["findings"] if f["rule"] == "DC310")
    assert "it is b's audience: environment crossover" in finding["message"]
    assert first_failing(report, "a") == "audience"


def test_key_rotated_while_the_api_pins_the_old_key(node_server, cli, tmp_path):
    old = rsa("mock-1")
    server = node_server("mock_server.mjs", [old])
    token = httpx.post(f"{server.url}/token", data={
        "grant_type": "client_credentials", "aud": "api://orders-m", "scope": "orders.read"},
        timeout=10).json()["access_token"]
    (tmp_path / "token.jwt").write_text(token)
    text = environment("m", server.url, token=str(tmp_path / "token.jwt"),
                       idp='pinned_kids = ["mock-1"]')
    before = check(cli, tmp_path, {"m": text}, "--snapshot-out", str(tmp_path / "before.toml"))
    assert rules(before) == set()
    # The provider rotates: same address, a new key, the old one no longer published.
    port = server.port
    server.stop()
    node_server("mock_server.mjs", [rsa("mock-2")], port=port)
    after = check(cli, tmp_path, {"m": text}, "--snapshot-in", str(tmp_path / "before.toml"))
    assert rules(after) == {"DC206", "DC304", "DC601"}
    dc304 = next(f for f in after["findings"] if f["rule"] == "DC304")
    assert dc304["evidence"]["in_previous_snapshot"] is True
    assert first_failing(after, "m") == "key"


def test_expired_token(node_server, cli, tmp_path):
    a = provider(node_server, "a")
    later = int(time.time()) + 3600  # the provider's tokens live 5 min
    report = check(cli, tmp_path, {"a": environment("a", a)}, "--now", str(later))
    assert rules(report) == {"DC306"}
    assert first_failing(report, "a") == "time"


def test_es256_provider_behind_an_rs256_api(node_server, cli, tmp_path):
    a = provider(node_server, "a", keys=[ec("a-es-1")], alg="ES256")
    report = check(cli, tmp_path, {"a": environment("a", a)})
    # The token's alg (DC303), and the API's list against what the IdP advertises (DC107)
    # and can sign with (DC404): three views of one mistake, each naming its evidence.
    assert rules(report) == {"DC107", "DC303", "DC404"}
    assert first_failing(report, "a") == "algorithm"


def test_id_token_sent_to_an_api(node_server, cli, tmp_path):
    server = node_server("mock_server.mjs", [rsa("mock-1")])
    response = httpx.post(f"{server.url}/token", data={
        "grant_type": "authorization_code", "code": "interop", "redirect_uri": "http://x"},
        auth=("web-m", "unused"), timeout=10).json()
    (tmp_path / "id.jwt").write_text(response["id_token"])
    text = environment("m", server.url, token=str(tmp_path / "id.jwt"))
    text += '\n[frontends.web]\nclient_id = "web-m"\n'
    report = check(cli, tmp_path, {"m": text})
    assert rules(report) == {"DC310", "DC312"}
    dc312 = next(f for f in report["findings"] if f["rule"] == "DC312")
    assert "expects access tokens but the token is an ID token" in dc312["message"]
    assert first_failing(report, "m") == "audience"


def test_two_providers_publishing_the_same_key(node_server, cli, tmp_path):
    shared = rsa("shared-1")
    a = provider(node_server, "a", keys=[shared])
    b = provider(node_server, "b", keys=[shared])
    report = check(cli, tmp_path, {"a": environment("a", a),
                                   "b": environment("b", b, tier="prod")})
    assert rules(report) == {"DC501"}
    assert {f["severity"] for f in report["findings"]} == {"critical"}
