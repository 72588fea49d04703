"""Differential check (issue 8, point 3): real validators with their default options judge a
set of tokens, and driftcheck predicts each verdict from the matching validator profile.
Every disagreement is a bug in a profile or a rule. The table is recorded in
docs/interop.md; set DRIFTCHECK_WRITE_DOCS=1 to rewrite it after a deliberate change."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import jwt as pyjwt
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry

from tests.conftest import env_toml
from tests.interop.nodeproc import HERE, require_node_modules

ROOT = HERE.parent.parent
DOC = ROOT / "docs" / "interop.md"
AUDIENCE = "api://orders-dev"
LIBRARIES = {"jose": "panva-jose", "jsonwebtoken": "jwks-rsa-jsonwebtoken", "pyjwt": "pyjwt",
             "joserfc": "joserfc"}
CASES = {
    "valid": "a well-formed RS256 token from the IdP",
    "expired-30s": "exp 30 s ago",
    "not-yet-valid-30s": "nbf 30 s ahead",
    "trailing-slash-iss": "iss with a trailing slash the API does not have",
    "wrong-aud": "aud of another API",
    "unknown-kid": "signed with a key the JWKS does not publish",
    "hs256-confused": "HS256 signed with the RSA public key (PEM) as the HMAC secret",
    "alg-none": "alg none, no signature",
    "ms-timestamps": "iat and exp in milliseconds",
    "no-kid": "a valid RS256 token without kid, the JWKS holding one key",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


def mint(sandbox: Any, jwks: dict[str, Any], issuer: str, now: int) -> dict[str, str]:
    base = {"iss": issuer, "aud": AUDIENCE, "sub": "interop", "scp": "orders.read",
            "iat": now, "exp": now + 600}
    kid = jwks["keys"][0]["kid"]
    pem = RSAKey.import_key(jwks["keys"][0]).as_pem(private=False)
    signing_input = _unsigned({"alg": "HS256", "kid": kid, "typ": "JWT"}, base)
    confused = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    ghost = RSAKey.generate_key(2048, parameters={"kid": "ghost"}, private=True)
    return {
        "valid": sandbox.sign("dev", base),
        "expired-30s": sandbox.sign("dev", {**base, "iat": now - 630, "exp": now - 30}),
        "not-yet-valid-30s": sandbox.sign("dev", {**base, "nbf": now + 30}),
        "trailing-slash-iss": sandbox.sign("dev", {**base, "iss": issuer + "/"}),
        "wrong-aud": sandbox.sign("dev", {**base, "aud": "api://billing-dev"}),
        "unknown-kid": joserfc_jwt.encode({"alg": "RS256", "kid": "ghost"}, base, ghost),
        "hs256-confused": f"{signing_input}.{_b64(confused)}",
        "alg-none": _unsigned({"alg": "none"}, base) + ".",
        "ms-timestamps": sandbox.sign("dev", {**base, "iat": now * 1000,
                                              "exp": (now + 600) * 1000}),
        "no-kid": sandbox.sign("dev", base, header={"kid": None}),
    }


def _pyjwt(token: str, client: pyjwt.PyJWKClient, issuer: str) -> tuple[bool, str]:
    try:  # PyJWT's documented way: PyJWKClient picks the key, jwt.decode checks the rest
        # (algorithms is a required argument of jwt.decode).
        key = client.get_signing_key_from_jwt(token)
        pyjwt.decode(token, key=key, algorithms=["RS256"], audience=AUDIENCE, issuer=issuer)
    except Exception as error:  # any refusal is a verdict
        return False, f"{type(error).__name__}: {error}"
    return True, ""


def _joserfc(token: str, jwks: dict[str, Any], issuer: str) -> tuple[bool, str]:
    try:
        decoded = joserfc_jwt.decode(token, KeySet.import_key_set(jwks))  # type: ignore[arg-type]
        JWTClaimsRegistry(iss={"essential": True, "value": issuer},
                          aud={"essential": True, "value": AUDIENCE}).validate(decoded.claims)
    except Exception as error:  # any refusal is a verdict
        return False, f"{type(error).__name__}: {error}"
    return True, ""


def real_verdicts(tokens: dict[str, str], jwks_uri: str, issuer: str
                  ) -> dict[str, dict[str, tuple[bool, str]]]:
    """Each library's verdict on each token. jose, jsonwebtoken (with jwks-rsa) and PyJWT
    (with PyJWKClient) fetch the key set from `jwks_uri` themselves; joserfc has no fetching
    client, so it is given the set as served there."""
    require_node_modules()
    node = subprocess.run(
        ["node", str(HERE / "verify.mjs")], cwd=HERE, capture_output=True, text=True,
        timeout=60, check=True,
        input=json.dumps({"jwksUri": jwks_uri, "issuer": issuer, "audience": AUDIENCE,
                          "tokens": tokens}))
    from_node = json.loads(node.stdout)
    client = pyjwt.PyJWKClient(jwks_uri)
    jwks = httpx.get(jwks_uri, timeout=10).json()
    verdicts: dict[str, dict[str, tuple[bool, str]]] = {}
    for case, token in tokens.items():
        verdicts[case] = {library: (result["ok"], result["error"])
                          for library, result in from_node[case].items()}
        verdicts[case]["pyjwt"] = _pyjwt(token, client, issuer)
        verdicts[case]["joserfc"] = _joserfc(token, jwks, issuer)
    return verdicts


def predicted_verdicts(cli: Any, tmp_path: Path, sandbox: Any, tokens: dict[str, str],
                       monkeypatch: Any) -> dict[str, dict[str, str | None]]:
    """One environment, one API per validator profile, the same token sent to each: the
    first failing step driftcheck predicts for each (None: accepted)."""
    body = ""
    for library, profile in LIBRARIES.items():
        body += (f'[apis.{library}]\naudiences = ["{AUDIENCE}"]\nalgorithms = ["RS256"]\n'
                 f'validator = "{profile}"\n[tokens.{library}]\nsource = "env"\n'
                 f'env = "INTEROP_TOKEN"\nfor_api = "{library}"\n')
    folder = tmp_path / "differential"
    folder.mkdir()
    (folder / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev"), body))
    predicted: dict[str, dict[str, str | None]] = {}
    for case, token in tokens.items():
        monkeypatch.setenv("INTEROP_TOKEN", token)
        code, out, err = cli("check", str(folder), "--format", "json")
        assert code in (0, 1), err
        (entry,) = json.loads(out)["environments"]
        predicted[case] = {verdict["api"]: verdict["first_failing_step"]
                           for verdict in entry["tokens"]}
    return predicted


# Where a library's own message names another step than the token's first failing one, and
# the diagnosis says so by listing the predicted step among its candidates.
MISLEADING = {
    ("hs256-confused", "joserfc"): "joserfc looks keys up by kid and the alg's key type: an "
    "HS256 token under an RSA key's kid raises invalid_key_id, a key error for an "
    "algorithm problem",
}
# Where the library checks in another order than driftcheck's first failing step: its message
# names a later step, and `diagnose` must read exactly that one.
OTHER_ORDER = {
    ("alg-none", "pyjwt"): ("key", "PyJWKClient looks the key up by the token's kid before "
                            "jwt.decode sees alg, and only a key whose kid equals it matches: "
                            "an alg none token has no kid, so the lookup fails first"),
}


def diagnosed_disagreements(real: dict[str, dict[str, tuple[bool, str]]],
                            predicted: dict[str, dict[str, str | None]]
                            ) -> list[tuple[str, str, str, str | None, list[str]]]:
    """Feed each real rejection's whole error string to `diagnose`: the step it reads must be
    the first failing step driftcheck predicts for that token and validator."""
    from driftcheck.diagnose import diagnose

    misread = []
    for case in CASES:
        for library in LIBRARIES:
            ok, error = real[case][library]
            expected = predicted[case][library]
            if ok or expected is None:
                continue
            diagnosis = diagnose(error)
            if (case, library) in MISLEADING:
                right = diagnosis.known and expected in diagnosis.candidate_steps
            elif (case, library) in OTHER_ORDER:
                right = diagnosis.step == OTHER_ORDER[case, library][0]
            else:
                right = diagnosis.step == expected
            if not right:
                misread.append((case, library, error, diagnosis.step,
                                diagnosis.candidate_steps))
    return misread


def render(real: dict[str, dict[str, tuple[bool, str]]],
           predicted: dict[str, dict[str, str | None]]) -> str:
    header = "| token | " + " | ".join(
        f"{library} ({profile})" for library, profile in LIBRARIES.items()) + " |"
    lines = [header, "|" + " --- |" * (len(LIBRARIES) + 1)]
    for case, description in CASES.items():
        cells = []
        for library in LIBRARIES:
            ok, error = real[case][library]
            step = predicted[case][library]
            said = "accept" if step is None else f"reject at {step}"
            name = error.split(":")[0]
            cells.append(("accepts" if ok else f"rejects ({name})") + f"; driftcheck: {said}")
        lines.append(f"| {case}: {description} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def test_driftcheck_predicts_what_real_validators_do(sandbox, cli, tmp_path, monkeypatch):
    discovery = httpx.get(f"{sandbox.tenant_url('dev')}/.well-known/openid-configuration",
                          timeout=10).json()
    jwks = httpx.get(discovery["jwks_uri"], timeout=10).json()
    issuer = discovery["issuer"]
    tokens = mint(sandbox, jwks, issuer, int(time.time()))
    real = real_verdicts(tokens, discovery["jwks_uri"], issuer)
    predicted = predicted_verdicts(cli, tmp_path, sandbox, tokens, monkeypatch)
    disagreements = [
        (case, library, real[case][library], predicted[case][library])
        for case in CASES for library in LIBRARIES
        if real[case][library][0] != (predicted[case][library] is None)]
    assert disagreements == [], disagreements
    misread = diagnosed_disagreements(real, predicted)
    assert misread == [], misread
    table = render(real, predicted)
    if os.environ.get("DRIFTCHECK_WRITE_DOCS"):
        text = DOC.read_text(encoding="utf-8")
        start = text.index("<!-- differential:start -->") + len("<!-- differential:start -->\n")
        end = text.index("<!-- differential:end -->")
        DOC.write_text(text[:start] + table + text[end:], encoding="utf-8")
    assert table in DOC.read_text(encoding="utf-8"), (
        "docs/interop.md is out of date: run DRIFTCHECK_WRITE_DOCS=1 python -m pytest "
        "tests/interop/test_differential.py")
