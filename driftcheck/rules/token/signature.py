"""The token's signature under its environment's key or the API's shared secret (DC305)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.facts import TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Api, Environment
from driftcheck.observations import SecretObservation, TokenObservation
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _evidence,
    _finding,
    _signed_by,
    _signers,
    token_rule,
)
from driftcheck.tokens.steps import hmac_applies, verifiable

SIGNATURE_BYTES = {"ES256": 64, "ES384": 96, "ES512": 132}


@token_rule(
    "DC305", "signature-invalid", Severity.HIGH, Step.SIGNATURE,
    summary="The token's signature does not verify with the environment's key.",
    causes=(
        "the token was signed by another environment's key with the same kid",
        "the token was altered, or its signature truncated in transport",
        "a key type that does not match the algorithm (an RSA kid with ES256)",
    ),
    fix="Make sure the token comes from this environment's IdP and arrives whole; check that "
    "the JWKS serves the key the IdP signs with.",
)
def signature_invalid(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Checks whether the signature verifies under the environment's key with the token's `kid`
    (or any of its keys when there is no kid). When it does not, it says why when it can: a
    key of the wrong type for the algorithm, a signature of the wrong length (truncated), or
    a signature that verifies under another environment's key ("signed by prod's key").

    ## Why is this bad?
    This is the "invalid signature" error itself, which the seed article says is usually
    configuration drift rather than tampering.

    ## Example
    Staging and prod both use kid `signing-1` for different keys; a prod token at staging:
    DC305, "the signature verifies under prod's key".
    """
    observations = context.seen
    environment, token, api = t.environment, t.token, t.api
    seen = observations.environments[environment.name]
    if api is not None and hmac_applies(token, api):
        finding = _hmac_signature(self, environment, token, api, seen.secrets)
        if finding is not None:
            yield finding
        return
    facts = context.jwks_facts(seen.jwks_url)
    if facts is None or not verifiable(token, api):
        return
    kid = token.kid
    if kid is not None and kid not in facts.kids:
        return  # DC304
    candidates = [k for k in facts.keys if k.error is None and (kid is None or k.kid == kid)]
    if not candidates or any(k.thumbprint in token.verified_by for k in candidates):
        return
    reasons = []
    checked = set(token.checked_keys)
    wrong_type = [k for k in candidates if k.thumbprint not in checked]
    if wrong_type:
        reasons.append(f"{wrong_type[0].label} is a {wrong_type[0].kty} key"
                       f"{' on ' + wrong_type[0].crv if wrong_type[0].crv else ''}, which "
                       f"cannot verify {token.alg}")
    rsa_sizes = {k.rsa_bits // 8 for k in candidates if k.rsa_bits}
    expected = SIGNATURE_BYTES.get(token.alg or "") or (
        next(iter(rsa_sizes)) if len(rsa_sizes) == 1 else None)
    if expected is not None and token.signature_length != expected and not wrong_type:
        reasons.append(f"the signature is {token.signature_length} bytes where the key "
                       f"produces {expected}: truncated or mangled in transport")
    signers = _signers(context, token)
    crossover = _signed_by(signers, environment)
    if not reasons and not crossover:
        reasons.append("the token was altered after signing, or signed by a key this "
                       "environment does not publish")
    detail = "; ".join(reasons)
    yield _finding(
        self, environment, token,
        f"The token's signature does not verify with {environment.name}'s "
        f"{'kid ' + repr(kid) if kid else 'keys'}"
        f"{': ' + detail if detail else ''}.{crossover}",
        evidence=_evidence(token, kid=kid, alg=token.alg,
                           signature_bytes=token.signature_length,
                           verifies_under=sorted({s.environment for s in signers}) or None,
                           candidates=[k.thumbprint for k in candidates if k.thumbprint]),
        related=sorted({s.environment for s in signers} - {environment.name}),
    )


def _hmac_signature(self: Rule, environment: Environment, token: TokenObservation,
                    api: Api, secrets: tuple[SecretObservation, ...]) -> Finding | None:
    secret = next((s for s in secrets if s.api == api.name), None)
    source = secret.source if secret else "its secret"
    key_path = f"apis.{api.name}.{'secret_env' if api.secret_env else 'secret_file'}"
    if secret is None or secret.failure is not None:
        reason = secret.failure if secret and secret.failure else "it is not configured"
        return _finding(self, environment, token,
                        f"The {token.alg} signature cannot be checked: {api.name}'s shared "
                        f"secret ({source}) is unavailable: {reason}.",
                        key_path=key_path, severity=Severity.MEDIUM,
                        evidence=_evidence(token, alg=token.alg, secret=source))
    check = token.hmac
    if check is None or check.verified:
        return None
    if check.transform is not None:
        message = (f"The {token.alg} signature does not verify with {api.name}'s secret as "
                   f"configured ({source}), but verifies when the secret is "
                   f"{check.transform}: the IdP and the API read the same secret differently.")
    else:
        message = (f"The {token.alg} signature does not verify with {api.name}'s secret "
                   f"({source}), as configured or in any usual mangled form (whitespace, "
                   "quotes, base64, hex, text encoding): the secrets differ.")
    return _finding(self, environment, token, message, key_path=key_path,
                    evidence=_evidence(token, alg=token.alg, secret=source,
                                       verifies_when=check.transform))
