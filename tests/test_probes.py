"""Live probes (DC801-DC807) against the sandbox's protected APIs, on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftcheck.collect.forge import FORGED_JTI_PREFIX
from driftcheck.result import RunResult
from driftcheck.run import CheckOptions, run_check
from driftcheck.sandbox import Sandbox
from driftcheck.sandbox.protected import ApiFaults
from tests.conftest import env_toml


def probed_env(sandbox: Sandbox, name: str, tier: str = "nonprod", probe: str = "",
               audience: str | None = None, api_extra: str = "") -> str:
    audience = audience or f"api://orders-{name}"
    body = f"""
    [apis.orders]
    url = "{sandbox.url}/apis/{name}"
    audiences = ["{audience}"]
    algorithms = ["RS256"]
    validator = "pyjwt"
    clock_skew = "60s"
    {api_extra}

    [apis.orders.probe]
    url = "{sandbox.api_url(name)}"
    {probe}

    [tokens.probe]
    for_api = "orders"
    source = "env"
    env = "TOKEN_{name.upper()}"
    """
    return env_toml(name, sandbox.tenant_url(name), body, tier=tier)


def run(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        files: dict[str, str], **options: Any) -> RunResult:
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text)
        monkeypatch.setenv(f"TOKEN_{name.upper()}",
                           sandbox.issue_token(name, f"probe-{name}"))
    return run_check(CheckOptions(paths=[folder], **options))


def rules(result: RunResult, environment: str | None = None) -> list[str]:
    return sorted(f.rule for f in result.findings
                  if f.rule.startswith("DC8") and environment in (None, f.environment))


def cases(result: RunResult, environment: str) -> dict[str, Any]:
    status = next(s for s in result.environments if s.name == environment)
    (probe,) = status.probes
    return {c.label: c for c in probe.cases}


def test_healthy_apis_stay_silent(sandbox, tmp_path, monkeypatch):
    result = run(sandbox, tmp_path, monkeypatch,
                 {n: probed_env(sandbox, n) for n in ("dev", "staging")})
    assert rules(result) == []
    seen = cases(result, "staging")
    assert list(seen) == ["no token", "own token", "dev token", "alg none",
                          "HS256 with the public key", "throwaway key, real kid",
                          "no signature"]
    assert seen["own token"].outcome == "accepted"
    assert seen["own token"].prediction.accepted is True
    assert all(c.outcome == "rejected" for k, c in seen.items() if k != "own token")
    assert seen["dev token"].step == "key"  # another kid: "Unable to find a signing key"
    assert seen["dev token"].prediction.step == "key"
    assert seen["alg none"].step == "algorithm"
    assert seen["HS256 with the public key"].step == "algorithm"
    assert seen["throwaway key, real kid"].step == "signature"


def test_drifted_audience_is_dc801_with_a_prediction_mismatch(sandbox, tmp_path, monkeypatch):
    sandbox.api_faults["staging"] = ApiFaults(audience="api://orders")
    result = run(sandbox, tmp_path, monkeypatch, {"staging": probed_env(sandbox, "staging")})
    assert rules(result) == ["DC801"]
    (finding,) = [f for f in result.findings if f.rule == "DC801"]
    assert finding.step.value == "audience"
    assert finding.evidence["prediction_mismatch"] is True
    assert "predicted acceptance" in finding.message


def test_declared_audience_wrong_but_api_accepts_is_dc807(sandbox, tmp_path, monkeypatch):
    result = run(sandbox, tmp_path, monkeypatch,
                 {"staging": probed_env(sandbox, "staging", audience="api://orders-old")})
    assert "DC807" in rules(result)
    assert "DC801" not in rules(result)


def test_api_trusting_another_tenant_is_dc803_critical_for_prod(sandbox, tmp_path,
                                                                 monkeypatch):
    sandbox.api_faults["prod"] = ApiFaults(accepts_tenants=("staging",))
    result = run(sandbox, tmp_path, monkeypatch, {
        "staging": probed_env(sandbox, "staging"),
        "prod": probed_env(sandbox, "prod", tier="prod")})
    (finding,) = [f for f in result.findings if f.rule == "DC803"]
    assert finding.environment == "prod"
    assert finding.severity.value == "critical"
    assert finding.related == ("staging",)
    # The fix names the API's keys and its framework's (PyJWT's) own settings.
    assert finding.fix.startswith("Make apis.orders accept only prod's issuer and audience")
    assert "`apis.orders.issuers`, and the same in pyjwt's `jwt.decode(..., issuer=...)`" \
        in finding.fix
    assert "`apis.orders.audiences`, and the same in pyjwt's `jwt.decode(..., audience=...)`" \
        in finding.fix


def test_alg_none_accepted_is_dc804(sandbox, tmp_path, monkeypatch):
    sandbox.api_faults["dev"] = ApiFaults(accepts_alg_none=True)
    result = run(sandbox, tmp_path, monkeypatch, {"dev": probed_env(sandbox, "dev")})
    (finding,) = [f for f in result.findings if f.rule == "DC804"]
    assert finding.evidence["forged"] == "alg-none"
    assert finding.severity.value == "critical"
    forged = [a for t, m, a in sandbox.api_requests if a and "eyJhbGciOiJub25l" in a]
    assert forged  # and every forged token carries the recognisable jti
    payloads = [json.loads(_b64(a.split()[1].split(".")[1])) for _t, _m, a in
                sandbox.api_requests if a]
    forged_jtis = [p["jti"] for p in payloads if p["jti"].startswith(FORGED_JTI_PREFIX)]
    assert len(forged_jtis) == 4


def test_unauthenticated_route_is_dc802_and_no_challenge_is_dc805(sandbox, tmp_path,
                                                                   monkeypatch):
    sandbox.api_faults["dev"] = ApiFaults(unauthenticated=True)
    sandbox.api_faults["staging"] = ApiFaults(no_challenge=True)
    result = run(sandbox, tmp_path, monkeypatch, {
        "dev": probed_env(sandbox, "dev", probe="cross_environment = false"),
        "staging": probed_env(sandbox, "staging", probe="cross_environment = false")})
    assert rules(result, "dev") == ["DC802"]
    assert rules(result, "staging") == ["DC805"]


def test_prod_tokens_never_reach_non_prod_urls(sandbox, tmp_path, monkeypatch):
    result = run(sandbox, tmp_path, monkeypatch, {
        "dev": probed_env(sandbox, "dev"), "staging": probed_env(sandbox, "staging"),
        "prod": probed_env(sandbox, "prod", tier="prod")})
    prod_subjects = {"probe-prod"}
    for tenant, _method, authorization in sandbox.api_requests:
        if tenant != "prod" and authorization:
            claims = json.loads(_b64(authorization.split()[1].split(".")[1]))
            assert claims["sub"] not in prod_subjects, tenant
    staging = next(s for s in result.environments if s.name == "staging").probes[0]
    assert staging.withheld_prod == 1
    assert {c.label for c in cases(result, "prod").values()} >= {"dev token", "staging token"}


def test_one_request_per_case_and_no_probe_flag(sandbox, tmp_path, monkeypatch):
    run(sandbox, tmp_path, monkeypatch, {"dev": probed_env(sandbox, "dev")})
    assert len(sandbox.api_requests) == 6  # no token, own, four forged
    sandbox.api_requests.clear()
    result = run(sandbox, tmp_path, monkeypatch, {"dev": probed_env(sandbox, "dev")},
                 probe=False)
    assert sandbox.api_requests == []
    assert rules(result) == []


def _b64(segment: str) -> bytes:
    import base64
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def test_default_cross_environment_scope_is_capped_and_full_audit_is_not(tmp_path,
                                                                           monkeypatch):
    from driftcheck.collect.probes import DEFAULT_CROSS_CAP, ProbeScope
    from driftcheck.sandbox import default_tenant

    names = [f"t{i:02d}" for i in range(DEFAULT_CROSS_CAP + 4)]
    with Sandbox([default_tenant(n) for n in names]) as many:
        files = {n: probed_env(many, n, probe="forged = false") for n in names}
        # t00's API also trusts the last tenant's issuer: always in scope, cap or not.
        last = names[-1]
        files["t00"] = files["t00"].replace(
            'audiences = ["api://orders-t00"]',
            f'audiences = ["api://orders-t00"]\nissuers = ["{many.tenant_url("t00")}", '
            f'"{many.tenant_url(last)}"]')
        result = run(many, tmp_path, monkeypatch, files)
        scoped = {s.name: s.probes[0] for s in result.environments}
        first = scoped["t00"]
        others = [c.environment for c in first.cases if c.kind == "other-env"]
        assert last in others
        assert len(others) == DEFAULT_CROSS_CAP + 1
        assert first.out_of_scope == 2
        plain = scoped["t05"]
        assert sum(c.kind == "other-env" for c in plain.cases) == DEFAULT_CROSS_CAP
        assert plain.out_of_scope == 3
        sent = len(many.api_requests)
        assert sent == sum(sum(c.sent for c in p.cases) for p in scoped.values())
        many.api_requests.clear()
        full = run(many, tmp_path, monkeypatch, files, probe_scope=ProbeScope(full=True))
        assert all(sum(c.kind == "other-env" for c in s.probes[0].cases) == len(names) - 1
                   and s.probes[0].out_of_scope == 0 for s in full.environments)


def test_redirect_to_login_and_server_error_are_dc806_and_never_followed(
        sandbox, static_server, tmp_path, monkeypatch):
    login = static_server.route("/login", 200, body="<html>login</html>")
    static_server.route("/ping", 302, body="", Location=login)
    static_server.route("/boom", 500, body={"error": "server_error"})
    files = {
        "dev": probed_env(sandbox, "dev", probe="cross_environment = false\nforged = false")
        .replace(sandbox.api_url("dev"), static_server.url + "/ping"),
        "staging": probed_env(sandbox, "staging", probe="cross_environment = false\n"
                              "forged = false").replace(sandbox.api_url("staging"),
                                                        static_server.url + "/boom"),
    }
    result = run(sandbox, tmp_path, monkeypatch, files)
    assert rules(result, "dev") == ["DC806"] == rules(result, "staging")
    (finding,) = [f for f in result.findings if f.rule == "DC806" and f.environment == "dev"]
    assert "no token: HTTP 302; own token: HTTP 302" in finding.message
    assert "/login" not in static_server.requests
    redirect = cases(result, "dev")["no token"]
    assert redirect.outcome == "unexpected"
    assert redirect.status == 302


def test_gateway_probe(sandbox, tmp_path, monkeypatch):
    text = probed_env(sandbox, "dev").replace("[apis.orders.probe]", "[gateways.edge]\n"
                                               f'url = "{sandbox.url}/apis/dev"\n'
                                               'upstream_apis = ["orders"]\n'
                                               "[gateways.edge.probe]")
    result = run(sandbox, tmp_path, monkeypatch, {"dev": text})
    (probe,) = next(s for s in result.environments if s.name == "dev").probes
    assert probe.component == "gateways.edge"
    assert cases(result, "dev")["own token"].outcome == "accepted"
    assert rules(result) == []


def test_junit_skips_probe_rules_where_nothing_was_probed(sandbox, tmp_path, monkeypatch):
    from driftcheck.report.junit import render_junit

    plain = env_toml("staging", sandbox.tenant_url("staging"))
    result = run(sandbox, tmp_path, monkeypatch, {"dev": probed_env(sandbox, "dev"),
                                                  "staging": plain})
    xml = render_junit(result)
    dev = xml[xml.index('name="dev"'):xml.index('name="staging"')]
    staging = xml[xml.index('name="staging"'):]
    assert "DC801" in dev
    assert "no live probe was sent" not in dev
    assert "no live probe was sent" in staging


def test_dc803_fix_under_the_default_profile_names_only_the_keys(sandbox, tmp_path,
                                                                  monkeypatch):
    sandbox.api_faults["prod"] = ApiFaults(accepts_tenants=("staging",))
    strict = probed_env(sandbox, "prod", tier="prod").replace('validator = "pyjwt"',
                                                              'validator = "strict"')
    result = run(sandbox, tmp_path, monkeypatch, {
        "staging": probed_env(sandbox, "staging"), "prod": strict})
    (finding,) = [f for f in result.findings if f.rule == "DC803"]
    assert finding.fix == ("Make apis.orders accept only prod's issuer and audience (drop "
                           "staging's): `apis.orders.issuers`; `apis.orders.audiences`; give "
                           "each environment its own signing keys.")
    assert "deployed" not in finding.fix
