"""Validator profiles (issue 7): data with sources, effective values, and rules graded per
validator. The table-driven cases record one set of facts from the sandbox IdP in a snapshot
and replay it once per profile: the same observations, judged by each validator."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from driftcheck.profiles import ISSUER_COMPARISONS, profiles
from driftcheck.profiles.reference import profiles_markdown
from driftcheck.sandbox.server import Sandbox
from tests.conftest import env_toml

ROOT = Path(__file__).resolve().parent.parent
NAMES = list(profiles())
REQUIRED = ["microsoft-identitymodel", "spring-security", "envoy-jwt-authn", "istio",
            "kong-jwt", "aws-apigw-jwt", "panva-jose", "openid-client",
            "jwks-rsa-jsonwebtoken", "pyjwt", "joserfc", "golang-jwt", "strict",
            # validators the live-probe interop suite runs for real (#19), and two that
            # normalise a trailing slash in the issuer
            "express-oauth2-jwt-bearer", "fast-jwt", "aws-jwt-verify", "okta-jwt-verifier",
            "openiddict"]


def test_every_required_profile_exists_and_every_value_has_a_source():
    assert sorted(NAMES) == sorted(REQUIRED)
    for profile in profiles().values():
        values = profile.values()
        assert len(values) == 24, profile.name
        for field, sourced in values.items():
            assert len(sourced.source) > 10, (profile.name, field)
        assert profile.issuer_comparison.value in ISSUER_COMPARISONS


def test_schema_offers_exactly_the_profiles():
    schema = json.loads((ROOT / "schemas" / "environment.schema.json").read_text())
    for kind in ("api", "gateway"):
        assert schema["$defs"][kind]["properties"]["validator"]["enum"] == NAMES


def test_docs_profiles_md_is_generated_from_the_data():
    assert (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8") == profiles_markdown(), (
        "docs/profiles.md is out of date: run `driftcheck profiles --markdown > "
        "docs/profiles.md`")


def test_profiles_command_lists_shows_and_suggests(cli):
    code, out, _ = cli("profiles")
    assert code == 0
    assert all(name in out for name in NAMES)
    assert "envoy-jwt-authn            exact                 60 s   10 min" in out
    code, out, _ = cli("profiles", "spring-security")
    assert code == 0
    assert "default clock skew" in out
    assert "DEFAULT_MAX_CLOCK_SKEW = 60 seconds" in out
    assert "new key lead time" in out
    code, _, err = cli("profiles", "spring")
    assert code == 2
    assert "did you mean 'spring-security'?" in err
    code, out, _ = cli("rules", "DC102")
    assert code == 0
    assert "How validators behave" in out
    assert "openid-client" in out


def test_unknown_validator_is_a_configuration_error(cli, tmp_path):
    (tmp_path / "e.toml").write_text(env_toml(
        "e", "https://idp.example.test", '[apis.orders]\nvalidator = "spring"\n'))
    code, _, err = cli("validate", str(tmp_path / "e.toml"))
    assert code == 2
    assert "apis.orders.validator" in err
    assert "spring-security" in err


# -- the same facts, judged by every profile --------------------------------------------------

def _env(sandbox: Sandbox, validator: str, extra: str = "", issuer_suffix: str = "") -> str:
    body = (f'[apis.orders]\naudiences = ["api://orders-dev"]\nvalidator = "{validator}"\n'
            f'{extra}\n[tokens.probe]\nsource = "env"\nenv = "PROBE_TOKEN"\nfor_api = "orders"\n')
    return env_toml("dev", sandbox.tenant_url("dev") + issuer_suffix, body)


def _record(cli, tmp_path: Path, sandbox: Sandbox, name: str, issuer_suffix: str = "") -> Path:
    """Snapshot the sandbox's dev tenant as it is now (one run, one set of observations)."""
    folder = tmp_path / f"record-{name}"
    folder.mkdir()
    (folder / "dev.toml").write_text(_env(sandbox, "strict", issuer_suffix=issuer_suffix))
    snapshot = tmp_path / f"{name}.toml"
    code, _, err = cli("snapshot", str(folder), "-o", str(snapshot))
    assert code == 0, err
    return snapshot


def _judge(cli, tmp_path: Path, sandbox: Sandbox, snapshot: Path, validator: str,
           extra: str = "", issuer_suffix: str = "", *more: str) -> list[dict[str, Any]]:
    folder = tmp_path / f"judge-{validator}-{abs(hash(extra)) % 1000}"
    folder.mkdir(exist_ok=True)
    (folder / "dev.toml").write_text(_env(sandbox, validator, extra, issuer_suffix))
    code, out, err = cli("check", str(folder), "--format", "json", "--from-snapshot",
                         str(snapshot), *more)
    assert code in (0, 1), err
    findings: list[dict[str, Any]] = json.loads(out)["findings"]
    return findings


def _severity(findings: list[dict[str, Any]], rule: str, component: str | None = None,
              ) -> str | None:
    found = [f for f in findings if f["rule"] == rule
             and (component is None or f["component"] == component)]
    assert len(found) <= 1, found
    return found[0]["severity"] if found else None


# Trailing slash: the IdP emits ".../dev/", the environment (and its API) expect ".../dev".
# Every listed framework compares non-root issuers exactly or URL-normalized (which keeps a
# path's trailing slash), so all reject; a validator declared to strip one slash accepts.
SLASH = {name: "high" for name in REQUIRED}
SLASH.update({"okta-jwt-verifier": "info", "openiddict": "info"})  # they normalise the slash


@pytest.mark.parametrize("validator", REQUIRED)
def test_trailing_slash_issuer_per_profile(sandbox, cli, tmp_path, monkeypatch, validator):
    sandbox.set_faults("dev", trailing_slash_issuer=True)
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev",
                                                          audience="api://orders-dev"))
    snapshot = _record(cli, tmp_path, sandbox, "slash")
    findings = _judge(cli, tmp_path, sandbox, snapshot, validator)
    assert _severity(findings, "DC102") == SLASH[validator]
    assert _severity(findings, "DC309") == SLASH[validator]
    dc102 = next(f for f in findings if f["rule"] == "DC102")
    verdict = "Rejected by " if SLASH[validator] == "high" else "Accepted by every validator here ("
    assert f"{verdict}apis.orders ({validator})" in dc102["message"]
    comparison = profiles()[validator].issuer_comparison.value
    assert f"{validator} default" in dc102["evidence"]["validators"][0]["issuer_comparison"]
    assert comparison in dc102["evidence"]["validators"][0]["issuer_comparison"]
    # The same facts, with the API declared to strip one trailing slash: accepted, info.
    lenient = _judge(cli, tmp_path, sandbox, snapshot, validator,
                     'issuer_comparison = "strip-trailing-slash"')
    assert _severity(lenient, "DC102") == "info"
    assert _severity(lenient, "DC309") == "info"
    message = next(f for f in lenient if f["rule"] == "DC102")["message"]
    assert "apis.orders.issuer_comparison" in message
    assert "Accepted by every validator" in message


def test_url_normalized_accepts_a_root_issuer_slash_exact_does_not():
    from driftcheck.compare import issuer_accepted
    assert issuer_accepted("url-normalized", "https://idp.example", "https://idp.example/")
    assert issuer_accepted("url-normalized", "https://IDP.example:443/t", "https://idp.example/t")
    assert not issuer_accepted("url-normalized", "https://idp.example/t", "https://idp.example/t/")
    assert not issuer_accepted("exact", "https://idp.example", "https://idp.example/")
    assert issuer_accepted("strip-trailing-slash", "https://idp.example/t", "https://idp.example/t/")


# A 45 s clock offset: the IdP runs ahead, so fresh tokens carry nbf/iat 45 s in the future.
# Rejected (DC701 high) where the effective skew is under 45 s; nbf/iat unchecked: low.
def _skew_expectation(name: str) -> tuple[str | None, str | None]:
    profile = profiles()[name]
    if profile.clock_skew.value >= 45:
        return None, None
    return "high", "high" if profile.nbf_checked.value or profile.iat_checked.value else "low"


@pytest.mark.parametrize("validator", REQUIRED)
def test_45_seconds_of_clock_skew_per_profile(sandbox, cli, tmp_path, monkeypatch, validator):
    sandbox.set_faults("dev", clock_offset=45)
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev",
                                                          audience="api://orders-dev"))
    snapshot = _record(cli, tmp_path, sandbox, "skew")
    findings = _judge(cli, tmp_path, sandbox, snapshot, validator)
    dc701, dc307 = _skew_expectation(validator)
    assert _severity(findings, "DC701") == dc701
    severities = {f["severity"] for f in findings if f["rule"] == "DC307"}
    assert severities == ({dc307} if dc307 else set())
    skew = profiles()[validator].clock_skew.value
    if dc701:
        message = next(f for f in findings if f["rule"] == "DC701")["message"]
        assert f"apis.orders ({validator}) allows" in message
        assert f"{validator} default" in message
        assert f"{int(skew)} s" in message
    # Declared values override the profile: 2 min of skew accepts the same facts everywhere.
    declared = _judge(cli, tmp_path, sandbox, snapshot, validator, 'clock_skew = "2m"')
    assert _severity(declared, "DC701") is None
    assert not [f for f in declared if f["rule"] == "DC307"]


def _rotation_expectation(name: str) -> str:
    profile = profiles()[name]
    lead = profile.rotation_lead
    if lead is None or (lead > 0 and not profile.refetch_on_unknown_kid.value):
        return "high"  # holds the old key set (or keys are configured by hand)
    return "low" if lead > 0 else "info"


@pytest.mark.parametrize("validator", REQUIRED)
def test_rotated_kid_per_profile(sandbox, cli, tmp_path, monkeypatch, validator):
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev",
                                                          audience="api://orders-dev"))
    before = _record(cli, tmp_path, sandbox, "before")
    sandbox.rotate_keys("dev")  # a new kid, signing at once
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev",
                                                          audience="api://orders-dev"))
    after = _record(cli, tmp_path, sandbox, "after")
    findings = _judge(cli, tmp_path, sandbox, after, validator, "", "", "--snapshot-in",
                      str(before))
    rotation = [f for f in findings if f["rule"] == "DC209"]
    (finding,) = rotation
    assert finding["severity"] == _rotation_expectation(validator)
    assert "dev-rs256-2" in finding["message"]
    assert f"apis.orders ({validator})" in finding[
        "message"]
    if finding["severity"] == "high" and profiles()[validator].jwks_cache.value:
        lead = profiles()[validator].rotation_lead
        assert "for up to" in finding["message"]
        assert lead is not None


def test_rotation_lead_against_rotation_overlap(sandbox, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev",
                                                          audience="api://orders-dev"))
    snapshot = _record(cli, tmp_path, sandbox, "lead")

    def lead_findings(validator: str, extra: str = "") -> list[dict[str, Any]]:
        folder = tmp_path / f"lead-{validator}-{len(extra)}"
        folder.mkdir()
        text = _env(sandbox, validator, extra).replace(
            "[idp]\n", "[idp]\nrotation_overlap = \"5m\"\n")
        (folder / "dev.toml").write_text(text)
        _, out, _ = cli("check", str(folder), "--format", "json", "--from-snapshot",
                        str(snapshot))
        return [f for f in json.loads(out)["findings"] if f["rule"] == "DC209"
                and f["component"] == "apis.orders"]

    (envoy,) = lead_findings("envoy-jwt-authn")
    assert "at least 10 min before first use for apis.orders (envoy-jwt-authn)" in envoy[
        "message"]
    assert ("caches the key set for 10 min and does not refetch on an unknown kid, "
            "envoy-jwt-authn default") in envoy["message"]
    assert envoy["key_path"] == "apis.orders.validator"
    assert lead_findings("panva-jose") == []  # refetches after a 30 s cooldown
    (declared,) = lead_findings("panva-jose", "refetch_on_unknown_kid = false")
    assert "at least 10 min" in declared["message"]
    assert declared["evidence"]["refetch_on_unknown_kid"] == (
        "no, apis.orders.refetch_on_unknown_kid")


def test_matrix_shows_effective_values_and_their_origin(sandbox, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev",
                                                          audience="api://orders-dev"))
    snapshot = _record(cli, tmp_path, sandbox, "matrix")
    folder = tmp_path / "matrix"
    folder.mkdir()
    (folder / "dev.toml").write_text(_env(sandbox, "envoy-jwt-authn"))
    _, out, _ = cli("check", str(folder), "--matrix", "--from-snapshot", str(snapshot))
    flat = " ".join(out.split())
    for expected in ("validators", "envoy-jwt-authn (apis.orders)", "issuer comparison",
                     "exact, envoy-jwt-authn default", "60 s, envoy-jwt-authn default",
                     "key lead time", "10 min, envoy-jwt-authn default"):
        assert expected in flat.replace("│", " ").replace("  ", " "), expected


# -- Entra ID tenant templates and v1/v2 issuers ----------------------------------------------

TID = "9188040d-6c67-4c5b-b112-36a304b66dad"


def test_entra_v1_v2_issuer_confusion_is_named():
    from driftcheck.compare import classify_issuer
    difference = classify_issuer(f"https://login.microsoftonline.com/{TID}/v2.0",
                                 f"https://sts.windows.net/{TID}/")
    assert "a v1.0 Entra ID token where the v2.0 issuer is expected" in difference.explanation
    assert "accessTokenAcceptedVersion" in difference.explanation


@pytest.mark.parametrize(("validator", "iss", "expected"), [
    ("microsoft-identitymodel", f"https://login.microsoftonline.com/{TID}/v2.0", None),
    ("openid-client", f"https://login.microsoftonline.com/{TID}/v2.0", None),
    ("spring-security", f"https://login.microsoftonline.com/{TID}/v2.0", "cannot fill"),
    ("microsoft-identitymodel", f"https://sts.windows.net/{TID}/", "v1.0 Entra ID token"),
])
def test_issuer_template_filled_from_tid(sandbox, cli, tmp_path, monkeypatch, validator, iss,
                                         expected):
    """A multi-tenant API: the IdP is the sandbox, the token claims an Entra issuer and tid."""
    now = int(time.time())
    token = sandbox.sign("dev", {"iss": iss, "tid": TID, "aud": "api://orders-dev",
                                 "sub": "s", "scp": "orders.read", "iat": now,
                                 "exp": now + 600})
    monkeypatch.setenv("PROBE_TOKEN", token)
    snapshot = _record(cli, tmp_path, sandbox, "entra")
    extra = ('issuers = []\nissuer_template = '
             '"https://login.microsoftonline.com/{tenantid}/v2.0"')
    findings = _judge(cli, tmp_path, sandbox, snapshot, validator, extra)
    dc309 = [f for f in findings if f["rule"] == "DC309"]
    if expected is None:
        assert dc309 == []
    else:
        (finding,) = dc309
        assert expected in finding["message"]


@pytest.mark.parametrize(("validator", "rejects"), [
    ("spring-security", True), ("aws-apigw-jwt", True), ("kong-jwt", True),
    ("joserfc", False), ("panva-jose", False), ("envoy-jwt-authn", False), ("strict", False)])
def test_default_algorithms_of_the_profile_judge_an_es256_token(sandbox, cli, tmp_path,
                                                                  monkeypatch, validator, rejects):
    """No `algorithms` declared: Spring Security accepts RS256 only, API Gateway RSA only,
    a Kong credential HS256; joserfc's recommended list includes ES256; jose and Envoy take
    whatever the key allows."""
    sandbox.set_faults("dev", alg="ES256")
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev",
                                                          audience="api://orders-dev"))
    snapshot = _record(cli, tmp_path, sandbox, "es256")
    findings = _judge(cli, tmp_path, sandbox, snapshot, validator)
    dc303 = [f for f in findings if f["rule"] == "DC303"]
    if rejects:
        (finding,) = dc303
        assert f"{validator} default" in finding["message"]
        assert finding["key_path"] == "apis.orders.validator"
    else:
        assert dc303 == []
