"""Live probes against protected APIs built with real validator libraries, on loopback.

Each library (npm: express-oauth2-jwt-bearer, express-jwt + jwks-rsa, fast-jwt + get-jwks,
aws-jwt-verify, jose; PyPI: PyJWT's PyJWKClient) guards one API per configuration: as a team
would configure it, and deliberately misconfigured (another audience, an issuer with a
trailing slash, also trusting dev's issuer, a JWKS pinned to another tenant). The
environment file declares what the team *intended*, with the library's validator profile.
One run probes them all (module fixture); the tests below read its findings and the requests
the servers recorded.

- the correct APIs: no DC8xx finding, and every case's prediction (the profile) equals the
  real library's verdict (the differential check, in the real server);
- the misconfigured ones: exact rules and steps (DC801 at the step the library names; DC803
  for an API that also trusts dev's issuer, through each library's own multi-issuer form);
- a hand-written vulnerable API: DC804 for alg none and HS/RS key confusion, and DC803 for
  the token of an environment sharing its issuer, which it lets in because it ignores aud;
- the servers record every request: one per case sent, GET only, no prod token ever reached
  them (they are staging's), and every token not a known-good one carried the forged jti.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from driftcheck.result import RunResult
from driftcheck.run import CheckOptions, run_check
from driftcheck.sandbox import Faults, Sandbox, default_tenant
from tests.conftest import env_toml
from tests.interop.nodeproc import NodeServer
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


@dataclass(frozen=True)
class Recorded:
    """One request a protected API received."""

    api: str
    method: str
    authorization: str | None


@dataclass(frozen=True)
class Probed:
    result: RunResult
    requests: tuple[Recorded, ...]
    prod_issuer: str

    def findings(self, api: str) -> list[Any]:
        component = "apis." + api.replace("-", "_")
        return [f for f in self.result.findings
                if f.rule.startswith("DC8") and f.component == component]

    def probe(self, api: str) -> Any:
        (staging,) = [s for s in self.result.environments if s.name == "staging"]
        (found,) = [p for p in staging.probes
                    if p.component == "apis." + api.replace("-", "_")]
        return found


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Probed]:
    """One run over every API (~220 real requests), shared by the tests below."""
    # dev signs with staging's key, as tenants of one IdP often do: only the issuer and the
    # audience keep dev's tokens out of staging's APIs.
    tmp_path = tmp_path_factory.mktemp("probe-validators")
    with Sandbox([default_tenant("dev", Faults(shared_key_with="staging")),
                  default_tenant("staging"), default_tenant("prod")]) as sandbox, \
            pytest.MonkeyPatch.context() as monkeypatch:
        node = NodeServer("protected_apis.mjs", {"apis": _node_apis(sandbox)}, tmp_path)
        node.start()
        try:
            yield _run(sandbox, node, tmp_path, monkeypatch)
        finally:
            node.stop()


def _run(sandbox: Sandbox, node: NodeServer, tmp_path: Path,
         monkeypatch: pytest.MonkeyPatch) -> Probed:
    staging = sandbox.tenant_url("staging")
    blocks = []
    for library, profile in LIBRARIES.items():
        if library == "pyjwt":
            continue
        for variant in VARIANTS:
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
        recorded = [Recorded(r["path"].strip("/").split("/")[0], r["method"],
                             r["authorization"]) for r in json.load(answer)]
    recorded += [Recorded(f"pyjwt-{variant}", "GET", authorization)
                 for variant, api in python_apis.items() for authorization in api.authorizations]
    return Probed(result, tuple(recorded), sandbox.tenant_url("prod"))


def _py_settings(sandbox: Sandbox, variant: str) -> dict[str, Any]:
    settings = _settings(sandbox, variant)
    return {"jwks_uri": settings["jwksUri"], "issuer": settings["issuer"],
            "audience": settings["audience"]}


def _claims(authorization: str) -> dict[str, Any]:
    payload = authorization.split(" ", 1)[1].split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(
        payload + "=" * (-len(payload) % 4)))
    return decoded


@pytest.mark.parametrize("library", LIBRARIES)
def test_correct_apis_stay_silent_and_match_their_profile(probed, library):
    assert probed.findings(f"{library}-good") == []
    # The differential check: the profile predicts exactly what the library does.
    probe = probed.probe(f"{library}-good")
    sent = [case for case in probe.cases if case.sent]
    assert {case.kind for case in sent} >= {"no-token", "own", "other-env", "forged"}
    # DC803's silent side: dev's and billing's tokens sent and rejected.
    assert sorted(c.label for c in sent if c.kind == "other-env" and c.outcome == "rejected"
                  ) == ["billing token", "dev token"]
    assert [(c.label, c.outcome, c.prediction.describe()) for c in sent if c.mismatch] == []


@pytest.mark.parametrize("variant", ["aud", "slash", "stale"])
@pytest.mark.parametrize("library", LIBRARIES)
def test_misconfigured_apis_reject_their_own_token_at_the_named_step(probed, library, variant):
    found = probed.findings(f"{library}-{variant}")
    assert [(f.rule, f.step.value) for f in found] == [("DC801", STEPS[library][variant])], [
        f.message for f in found]
    assert found[0].evidence["prediction_mismatch"]


@pytest.mark.parametrize("library", LIBRARIES)
def test_apis_also_trusting_dev_accept_its_token(probed, library):
    # Each library's own way to accept two issuers (express-oauth2-jwt-bearer: its `mcd`
    # multi-issuer mode; aws-jwt-verify: one configuration per issuer; the others: an issuer
    # list). dev's token is the one foreign token let in: billing's (same issuer, another
    # audience) is still rejected at the audience, prod's is never sent.
    api = f"{library}-trusts-dev"
    found = probed.findings(api)
    assert [(f.rule, f.step.value, f.evidence["case"], f.related) for f in found] == [
        ("DC803", "probe", "dev token", ("dev",))], [f.message for f in found]
    assert "predicted: rejected" in found[0].message
    probe = probed.probe(api)
    cases = {case.label: case for case in probe.cases}
    assert cases["billing token"].outcome == "rejected"
    assert "prod token" not in cases
    assert probe.withheld_prod == 1
    received = [r for r in probed.requests if r.api == api]
    assert len(received) == sum(case.sent for case in cases.values())
    _assert_allowed(received, probed.prod_issuer)


def test_the_vulnerable_api_is_caught(probed):
    # DC804: alg none and key confusion; it ignores aud, so billing's token opens it (DC803).
    vulnerable = sorted((f.rule, f.evidence.get("forged") or f.evidence["case"])
                        for f in probed.findings("vulnerable"))
    assert vulnerable == [("DC803", "billing token"), ("DC804", "alg-none"),
                          ("DC804", "hs256-public-key")]


def test_no_request_the_safety_rules_forbid(probed):
    # The staging APIs never saw prod's token, and every forged token is marked.
    sent = [r for r in probed.requests if r.authorization]
    assert {r.api for r in probed.requests} >= {
        f"{library}-{variant}" for library in LIBRARIES for variant in VARIANTS}
    _assert_allowed(probed.requests, probed.prod_issuer)
    assert any(_claims(r.authorization)["aud"] == "api://billing-staging" for r in sent)


def _assert_allowed(received: Any, prod_issuer: str) -> None:
    for request in received:
        assert request.method == "GET", request
        if request.authorization is None:
            continue
        claims = _claims(request.authorization)
        assert claims["sub"] != "probe-prod"
        assert claims["iss"] != prod_issuer
        assert claims.get("jti", "").startswith("driftcheck-forged-") or claims["sub"] in (
            "probe-staging", "probe-dev"), claims
