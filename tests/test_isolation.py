"""Drift inside an environment (DC401-DC407) and crossover between environments
(DC501-DC506): each rule fires where it should, and near misses stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftcheck.sandbox import Sandbox
from tests.conftest import check_folder


def env_file(sandbox: Sandbox | None, name: str, body: str = "", tier: str = "nonprod",
             issuer: str | None = None) -> tuple[str, str]:
    issuer = issuer or (sandbox.tenant_url(name) if sandbox else f"https://idp.test/{name}")
    return name, f'name = "{name}"\ntier = "{tier}"\n[idp]\nissuer = "{issuer}"\n{body}'


def run(cli, tmp_path: Path, *files: tuple[str, str], offline: bool = False) -> list[dict]:
    findings: list[dict] = check_folder(cli, tmp_path, *files,
                                        extra=("--offline",) if offline else ())["findings"]
    return findings


def of(findings: list[dict], rule: str, environment: str | None = None) -> list[dict]:
    return [f for f in findings if f["rule"] == rule
            and (environment is None or f["environment"] == environment)]


# -- inside one environment --------------------------------------------------------------------

@pytest.mark.parametrize(("authority", "severity"), [
    ("https://idp.test/prod", "high"), ("https://idp.test/dev/", "medium"), (None, None)])
def test_dc401_frontend_authority(cli, tmp_path, authority, severity):
    body = f'[frontends.web]\nauthority = "{authority}"\n' if authority else ""
    findings = of(run(cli, tmp_path, env_file(None, "dev", body), offline=True), "DC401")
    assert [f["severity"] for f in findings] == ([severity] if severity else [])


def test_dc402_audience_not_accepted_via_api_base_url(cli, tmp_path):
    body = """
[frontends.web]
api_base_url = "https://api.test/orders/v1"
audience = "api://orders"
[apis.orders]
url = "https://api.test/orders"
audiences = ["api://orders-dev"]
[apis.billing]
url = "https://api.test/billing"
audiences = ["api://orders"]
"""
    (finding,) = of(run(cli, tmp_path, env_file(None, "dev", body), offline=True), "DC402")
    assert finding["evidence"]["api"] == "orders"
    assert finding["key_path"] == "frontends.web.audience"
    fixed = body.replace('audience = "api://orders"', 'audience = "api://orders-dev"')
    assert of(run(cli, tmp_path, env_file(None, "dev", fixed), offline=True), "DC402") == []


def test_dc403_gateway_and_api_disagree(cli, tmp_path):
    body = """
[gateways.edge]
issuers = ["https://idp.test/dev", "https://idp.test/dev/"]
audiences = ["api://orders-dev"]
upstream_apis = ["orders"]
[apis.orders]
issuers = ["https://idp.test/dev"]
audiences = ["api://orders-dev", "api://orders"]
"""
    findings = of(run(cli, tmp_path, env_file(None, "dev", body), offline=True), "DC403")
    by_severity = {(f["severity"], f["evidence"].get("field")) for f in findings}
    assert by_severity == {("high", "issuers"), ("medium", "audiences")}
    # An upstream API that does not exist is a configuration error now (DC001, issue 17):
    # tests/test_authoring.py.


def test_dc404_algorithms_too_broad(sandbox, cli, tmp_path):
    body = ('[apis.a]\nalgorithms = ["RS256", "HS256"]\n[apis.b]\nalgorithms = ["none"]\n'
            '[apis.c]\nalgorithms = ["ES256"]\n[apis.d]\nalgorithms = ["RS256"]\n')
    findings = of(run(cli, tmp_path, env_file(sandbox, "dev", body)), "DC404")
    assert sorted((f["component"], f["severity"]) for f in findings) == [
        ("apis.a", "high"), ("apis.b", "critical"), ("apis.c", "medium")]


def test_dc405_and_dc505_staging_frontend_calls_prod(sandbox, cli, tmp_path):
    prod_api = (f'[apis.orders]\nurl = "{sandbox.url}/apis/prod"\n'
                'audiences = ["api://orders-prod"]\n')
    staging = (f'[apis.orders]\nurl = "{sandbox.url}/apis/staging"\n'
               f'[frontends.web]\napi_base_url = "{sandbox.url}/apis/prod/v2"\n')
    findings = run(cli, tmp_path, env_file(sandbox, "staging", staging),
                   env_file(sandbox, "prod", prod_api, tier="prod"))
    (mismatch,) = of(findings, "DC405", "staging")
    (crossover,) = of(findings, "DC505", "staging")
    assert crossover["severity"] == "critical"
    assert crossover["related"] == ["prod"]
    assert crossover["message"] == (
        f"staging's frontend `web`'s api_base_url is {sandbox.url}/apis/prod/v2, which is "
        f"prod's api `orders` ({sandbox.url}/apis/prod).")
    assert mismatch["key_path"] == "frontends.web.api_base_url"


def test_dc505_near_miss_same_host_other_port(cli, tmp_path):
    prod = '[apis.orders]\nurl = "https://api.test:8443/orders"\n'
    staging = ('[apis.orders]\nurl = "https://API.test./orders"\n[frontends.web]\n'
               'api_base_url = "https://api.test:443/orders"\n')
    findings = run(cli, tmp_path, env_file(None, "staging", staging),
                   env_file(None, "prod", prod, tier="prod"), offline=True)
    assert of(findings, "DC505") == []
    assert of(findings, "DC405") == []


def test_dc406_clock_skew_policy(sandbox, cli, tmp_path, monkeypatch):
    sandbox.set_faults("dev", token_lifetime=300)
    monkeypatch.setenv("PROBE", sandbox.issue_token("dev", "probe-dev"))
    body = ('[apis.zero]\nclock_skew = "0s"\n[apis.huge]\nclock_skew = "10m"\n'
            '[apis.fine]\nclock_skew = "60s"\n[tokens.p]\nsource = "env"\nenv = "PROBE"\n'
            'for_api = "fine"\n')
    findings = of(run(cli, tmp_path, env_file(sandbox, "dev", body)), "DC406")
    assert sorted(f["component"] for f in findings) == ["apis.huge", "apis.zero"]
    zero = next(f for f in findings if f["component"] == "apis.zero")
    assert "allows no clock skew (0 s, apis.zero.clock_skew) while tokens live 5 min" in \
        zero["message"]


def test_dc407_runtime_config_drift(sandbox, cli, tmp_path):
    sandbox.set_faults("dev", frontend_config_overrides={"apiBaseUrl": "https://elsewhere.test"})
    body = f"""
[frontends.web]
runtime_config_url = "{sandbox.frontend_config_url('dev')}"
runtime_config_map.authority = "/auth/authority"
runtime_config_map.client_id = "/auth/clientId"
runtime_config_map.api_base_url = "/apiBaseUrl"
runtime_config_map.audience = "/auth/missing"
authority = "{sandbox.tenant_url('dev')}"
client_id = "web-dev"
api_base_url = "{sandbox.url}/apis/dev"
audience = "api://orders-dev"
"""
    findings = of(run(cli, tmp_path, env_file(sandbox, "dev", body)), "DC407")
    assert sorted(f["evidence"]["field"] for f in findings) == ["api_base_url", "audience"]
    drift = next(f for f in findings if f["evidence"]["field"] == "api_base_url")
    assert drift["evidence"]["actual"] == "https://elsewhere.test"
    assert "has nothing at /auth/missing" in next(
        f for f in findings if f["evidence"]["field"] == "audience")["message"]


# -- across environments -----------------------------------------------------------------------

@pytest.mark.parametrize(("tier", "severity"), [("nonprod", "high"), ("prod", "critical")])
def test_dc501_shared_signing_key(sandbox, cli, tmp_path, tier, severity):
    sandbox.set_faults("staging", shared_key_with="prod")
    findings = run(cli, tmp_path, env_file(sandbox, "staging"),
                   env_file(sandbox, "prod", tier=tier), env_file(sandbox, "dev"))
    shared = of(findings, "DC501")
    assert sorted(f["environment"] for f in shared) == ["prod", "staging"]
    assert {f["severity"] for f in shared} == {severity}
    assert of(findings, "DC501", "dev") == []


def test_dc502_shared_issuer_allowed_and_near_miss(cli, tmp_path):
    shared = "https://idp.test/tenants/main"
    findings = run(cli, tmp_path, env_file(None, "a", issuer=shared),
                   env_file(None, "b", issuer=shared, body='[isolation]\nallow_shared = '
                            '["idp.issuer"]\n'),
                   env_file(None, "c", issuer="https://idp.test/tenants/main2"), offline=True)
    by_env = {f["environment"]: f for f in of(findings, "DC502")}
    assert set(by_env) == {"a", "b"}
    assert by_env["a"]["severity"] == "high"
    assert by_env["b"]["severity"] == "info"
    assert "Allowed by isolation.allow_shared" in by_env[
        "b"]["message"]


def test_dc503_and_dc504_shared_client_and_audience(cli, tmp_path):
    # Same names under one issuer: one registration, and the audience is the last barrier.
    body = '[frontends.web]\nclient_id = "web"\n[apis.orders]\naudiences = ["api://orders"]\n'
    shared = "https://idp.test/tenants/main"
    findings = run(cli, tmp_path, env_file(None, "staging", body, issuer=shared),
                   env_file(None, "prod", body, tier="prod", issuer=shared), offline=True)
    assert {(f["rule"], f["severity"]) for f in findings} == {
        ("DC502", "critical"), ("DC503", "high"), ("DC504", "high")}
    assert of(findings, "DC503", "staging")[0]["key_path"] == "frontends.web.client_id"


def test_dc503_and_dc504_are_info_between_separate_issuers_and_keys(cli, tmp_path):
    """Issue 17: `web` and `api://orders` in every tenant of separate issuers are a naming
    convention, not shared trust: a client id names a registration only within one issuer,
    and an audience only matters when issuer or keys are shared too."""
    body = '[frontends.web]\nclient_id = "web"\n[apis.orders]\naudiences = ["api://orders"]\n'
    findings = run(cli, tmp_path, env_file(None, "staging", body),
                   env_file(None, "prod", body, tier="prod"), offline=True)
    assert {(f["rule"], f["severity"]) for f in findings} == {("DC503", "info"),
                                                              ("DC504", "info")}
    dc503 = of(findings, "DC503", "staging")[0]
    assert "Their issuers differ" in dc503["message"]
    assert dc503["evidence"]["shares_trust_with"] == []


def test_dc504_is_graded_when_a_jwks_is_shared(cli, tmp_path):
    body = ('jwks_uri = "https://idp.test/keys"\n'
            '[apis.orders]\naudiences = ["api://orders"]\n')
    findings = run(cli, tmp_path, env_file(None, "staging", body),
                   env_file(None, "prod", body, tier="prod"), offline=True)
    assert {f["severity"] for f in of(findings, "DC504")} == {"high"}


def test_dc505_api_accepting_another_environments_issuer(sandbox, cli, tmp_path):
    body = f'[apis.orders]\nissuers = ["{sandbox.tenant_url("prod")}"]\n'
    findings = run(cli, tmp_path, env_file(sandbox, "staging", body),
                   env_file(sandbox, "prod", tier="prod"))
    (finding,) = of(findings, "DC505")
    assert finding["component"] == "apis.orders"
    assert finding["severity"] == "critical"
    assert "which is prod's issuer" in finding["message"]


def test_dc506_shared_jwks_uri(sandbox, cli, tmp_path):
    body = f'jwks_uri = "{sandbox.tenant_url("prod")}/jwks"\n'
    findings = run(cli, tmp_path, env_file(sandbox, "staging", body), env_file(sandbox, "prod"))
    assert sorted(f["environment"] for f in of(findings, "DC506")) == ["prod", "staging"]
    assert of(findings, "DC505", "staging")[0]["evidence"]["field"] == "jwks_uri"


def test_dc404_honours_a_keys_explicit_alg(sandbox, cli, tmp_path):
    body = '[apis.a]\nalgorithms = ["RS256", "RS384"]\n'
    (finding,) = of(run(cli, tmp_path, env_file(sandbox, "dev", body)), "DC404")
    assert finding["evidence"]["unusable"] == ["RS384"]  # the sandbox's key says alg RS256


def test_dc505_nearly_another_environments_issuer(sandbox, cli, tmp_path):
    body = f'[apis.orders]\nissuers = ["{sandbox.tenant_url("prod")}/"]\n'
    findings = run(cli, tmp_path, env_file(sandbox, "staging", body), env_file(sandbox, "prod"))
    (finding,) = of(findings, "DC505")
    assert "prod's issuer" in finding["message"]
    assert "trailing slash" in finding["message"]


def test_matrix_reads_at_80_columns_with_8_environments(sandbox, cli, tmp_path, monkeypatch):
    """Issue 17: cells wrap at sensible points (schemes kept), environments continue in
    another table rather than being squeezed, and without colour collisions carry a `*`."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    files = [env_file(sandbox, f"env{i}", f'[frontends.web]\nclient_id = "web-{i % 3}"\n'
                      '[apis.orders]\naudiences = ["api://orders"]\nclock_skew = "60s"\n',
                      issuer=sandbox.tenant_url("dev") if i < 2 else None)
             for i in range(8)]
    folder = tmp_path / "envs"
    folder.mkdir()
    for name, text in files:
        (folder / f"{name}.toml").write_text(text.replace(sandbox.tenant_url(name),
                                                          sandbox.tenant_url("prod")))
    _code, out, _ = cli("check", str(folder), "--matrix")
    table = out.split("* the same value in another environment")[0]
    assert "Environments side by side" in table
    assert "(continued)" in table
    assert max(len(line) for line in table.splitlines()) <= 80
    for i in range(8):
        assert f"env{i}" in table
    assert "* web-0" in table  # a collision, marked without colour
    assert "http://" in table  # the scheme is kept (in the row label's shared prefix)
    assert "red: the same value" not in out  # no colour legend without colour
