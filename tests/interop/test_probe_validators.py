"""Live probes against protected APIs built with real validator libraries, on loopback.

Each library (npm: express-oauth2-jwt-bearer, express-jwt + jwks-rsa, fast-jwt + get-jwks,
aws-jwt-verify, jose; PyPI: PyJWT's PyJWKClient) guards one API per configuration: as a team
would configure it, and deliberately misconfigured (another audience, an issuer with a
trailing slash, also trusting dev's issuer, a JWKS pinned to another tenant). The
environment file declares what the team *intended*, with the library's validator profile.

- the correct APIs: no DC8xx finding, and every case's prediction (the profile) equals the
  real library's verdict (the differential check, in the real server);
- the misconfigured ones: exact rules and steps;
- a hand-written vulnerable API: DC804 for alg none and HS/RS key confusion, and DC803 for
  the token of an environment sharing its issuer, which it lets in because it ignores aud;
- the servers record every request: no prod token ever reached them (they are staging's).
"""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from driftcheck.run import CheckOptions, RunResult, run_check
from driftcheck.sandbox import Faults, Sandbox, default_tenant
from tests.conftest import env_toml
from tests.interop.conftest import Start
from tests.interop.pyjwt_api import PyJwtApi

LIBRARIES = {  # library -> the validator profile that describes it
    "express-oauth2-jwt-bearer": "express-oauth2-jwt-bearer",
    "express-jwt": "jwks-rsa-jsonwebtoken",
    "fast-jwt": "fast-jwt",
    "aws-jwt-verify": "aws-jwt-verify",
    "jose": "panva-jose",
    "pyjwt": "pyjwt",
}
VARIANTS = ("good", "aud", "slash", "trusts-dev", "stale")
# The step each library's message names when the configured audience, issuer or keys differ
# (read from its real answer with driftcheck's diagnose catalogue).
STEPS = {
    "express-oauth2-jwt-bearer": {"aud": "audience", "slash": "issuer", "stale": "key"},
    "express-jwt": {"aud": "audience", "slash": "issuer", "stale": "key"},
    "fast-jwt": {"aud": "audience", "slash": "issuer", "stale": "key"},
    "aws-jwt-verify": {"aud": "audience", "slash": "issuer", "stale": "key"},
    "jose": {"aud": "audience", "slash": "issuer", "stale": "key"},
    "pyjwt": {"aud": "audience", "slash": "issuer", "stale": "key"},
}


def _settings(sandbox: Sandbox, variant: str) -> dict[str, Any]:
    staging, dev = sandbox.tenant_url("staging"), sandbox.tenant_url("dev")
    issuer: Any = staging
    audience: Any = "api://orders-staging"
    jwks = f"{staging}/jwks"
    if variant == "aud":
        audience = "api://orders"
    elif variant == "slash":
        issuer = staging + "/"
    elif variant == "trusts-dev":
        issuer, audience = [staging, dev], ["api://orders-staging", "api://orders-dev"]
    elif variant == "stale":
        jwks = f"{sandbox.tenant_url('prod')}/jwks"  # pinned to another tenant's keys
    return {"issuer": issuer, "audience": audience, "jwksUri": jwks}


def _node_apis(sandbox: Sandbox) -> list[dict[str, Any]]:
    apis = []
    for library in LIBRARIES:
        if library == "pyjwt":
            continue
        for variant in VARIANTS:
            settings = _settings(sandbox, variant)
            if library == "express-oauth2-jwt-bearer" and variant == "trusts-dev":
                continue  # one issuer per auth(); several need its mcd mode
            if library == "fast-jwt":
                domain, _, path = settings["jwksUri"].rpartition("/")
                settings.update(jwksDomain=domain, jwksPath=path)
            apis.append({"name": f"{library}-{variant}", "library": library, **settings})
    apis.append({"name": "vulnerable", "library": "hand-written-vulnerable",
                 **_settings(sandbox, "good")})
    return apis


def _api_block(name: str, url: str, validator: str, staging: str) -> str:
    key = name.replace("-", "_")
    return f"""
    [apis.{key}]
    url = "{url}/{name}"
    issuers = ["{staging}"]
    audiences = ["api://orders-staging"]
    algorithms = ["RS256"]
    validator = "{validator}"

    [apis.{key}.probe]
    url = "{url}/{name}/ping"
    token = "probe"
    """


def _token_block(name: str) -> str:
    return f"""
    [tokens.probe]
    source = "env"
    env = "TOKEN_{name.upper()}"
    """


@pytest.fixture
def sandbox() -> Any:
    # dev signs with staging's key, as tenants of one IdP often do: only the issuer and the
    # audience keep dev's tokens out of staging's APIs.
    with Sandbox([default_tenant("dev", Faults(shared_key_with="staging")),
                  default_tenant("staging"), default_tenant("prod")]) as running:
        yield running


def _run(sandbox: Sandbox, node_server: Start, tmp_path: Path,
         monkeypatch: pytest.MonkeyPatch) -> tuple[RunResult, list[str | None]]:
    node = node_server("protected_apis.mjs", {"apis": _node_apis(sandbox)})
    staging = sandbox.tenant_url("staging")
    blocks = []
    for library, profile in LIBRARIES.items():
        if library == "pyjwt":
            continue
        for variant in VARIANTS:
            if library == "express-oauth2-jwt-bearer" and variant == "trusts-dev":
                continue
            blocks.append(_api_block(f"{library}-{variant}", node.url, profile, staging))
    blocks.append(_api_block("vulnerable", node.url, "strict", staging))
    python_apis = {v: PyJwtApi(**_py_settings(sandbox, v)) for v in VARIANTS}
    for variant, api in python_apis.items():
        api.__enter__()
        blocks.append(_api_block(f"pyjwt-{variant}", api.url, "pyjwt", staging))
    try:
        folder = tmp_path / "envs"
        folder.mkdir()
        # Several APIs: the token names the one it is for (#17); probes of the others send
        # the environment's only token.
        (folder / "staging.toml").write_text(env_toml(
            "staging", staging, "".join(blocks) + _token_block("staging")
            + 'for_api = "express_oauth2_jwt_bearer_good"\n'))
        for name, tier in (("dev", "nonprod"), ("prod", "prod")):
            (folder / f"{name}.toml").write_text(env_toml(
                name, sandbox.tenant_url(name), _token_block(name), tier=tier))
        # billing shares staging's tenant (issuer and keys) with its own audience: only the
        # audience check keeps its token out of staging's APIs.
        (folder / "billing.toml").write_text(env_toml(
            "billing", staging, _token_block("billing")
            + '[isolation]\nallow_shared = ["idp.issuer"]\n'))
        for name in ("dev", "staging", "prod"):
            monkeypatch.setenv(f"TOKEN_{name.upper()}",
                               sandbox.issue_token(name, f"probe-{name}"))
        monkeypatch.setenv("TOKEN_BILLING", sandbox.issue_token(
            "staging", "probe-staging", audience="api://billing-staging"))
        result = run_check(CheckOptions(paths=[folder]))
    finally:
        for api in python_apis.values():
            api.__exit__()
    with urllib.request.urlopen(f"{node.url}/_requests") as answer:
        recorded = [r["authorization"] for r in json.load(answer)]
    recorded += [a for api in python_apis.values() for a in api.authorizations]
    return result, recorded


def _py_settings(sandbox: Sandbox, variant: str) -> dict[str, Any]:
    settings = _settings(sandbox, variant)
    return {"jwks_uri": settings["jwksUri"], "issuer": settings["issuer"],
            "audience": settings["audience"]}


def _claims(authorization: str) -> dict[str, Any]:
    payload = authorization.split(" ", 1)[1].split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(
        payload + "=" * (-len(payload) % 4)))
    return decoded


def test_real_validators_answer_probes(sandbox, node_server, tmp_path, monkeypatch):
    result, recorded = _run(sandbox, node_server, tmp_path, monkeypatch)
    (staging,) = [s for s in result.environments if s.name == "staging"]
    probes = {p.component.removeprefix("apis."): p for p in staging.probes}
    findings: dict[str, list[Any]] = {}
    for finding in result.findings:
        if finding.rule.startswith("DC8"):
            findings.setdefault(finding.component.removeprefix("apis."), []).append(finding)
    problems = []
    for library in LIBRARIES:
        key = library.replace("-", "_")
        good = probes[f"{key}_good"]
        # The differential check: the profile predicts exactly what the library does.
        for case in good.cases:
            if case.sent and case.mismatch:
                problems.append(f"{library}: {case.label} really {case.outcome}, predicted "
                                f"{case.prediction.describe()}")
        if findings.get(f"{key}_good"):
            problems.append(f"{library} good: {[f.rule for f in findings[f'{key}_good']]}")
        for variant in ("aud", "slash", "stale"):
            got = findings.get(f"{key}_{variant}", [])
            rules = [(f.rule, f.step.value) for f in got]
            expected = [("DC801", STEPS[library][variant])]
            if rules != expected:
                problems.append(f"{library} {variant}: {rules} != {expected} "
                                f"({[f.message for f in got]})")
            elif not got[0].evidence["prediction_mismatch"]:
                problems.append(f"{library} {variant}: not flagged as a prediction mismatch")
        if library != "express-oauth2-jwt-bearer":
            rules = sorted(f.rule for f in findings.get(f"{key}_trusts_dev", []))
            if rules != ["DC803"]:
                problems.append(f"{library} trusts-dev: {rules}")
    vulnerable = sorted((f.rule, f.evidence.get("forged") or f.evidence["case"])
                        for f in findings["vulnerable"])
    # DC804: alg none and key confusion; it ignores aud, so billing's token opens it (DC803).
    if vulnerable != [("DC803", "billing token"), ("DC804", "alg-none"),
                      ("DC804", "hs256-public-key")]:
        problems.append(f"vulnerable: {vulnerable}")
    assert problems == [], "\n".join(problems)
    # Safety: the staging APIs never saw prod's token, and every forged token is marked.
    sent = [a for a in recorded if a]
    assert sent
    for authorization in sent:
        claims = _claims(authorization)
        assert claims["sub"] != "probe-prod"
        assert claims["iss"] != sandbox.tenant_url("prod")
        assert claims["jti"].startswith("driftcheck-forged-") or claims["sub"] in (
            "probe-staging", "probe-dev")
    assert any(_claims(a)["aud"] == "api://billing-staging" for a in sent)
