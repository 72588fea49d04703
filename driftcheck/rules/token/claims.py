"""The claims the API requires (DC311), and the kind of token it expects (DC312)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.facts import TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.rules import advice
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _api_label,
    _evidence,
    _finding,
    token_rule,
)


@token_rule(
    "DC311", "required-claim-missing", Severity.MEDIUM, Step.CLAIMS,
    summary="A claim the API requires is missing from the token.",
    causes=(
        "a scope not requested, so the IdP omits the claim",
        "a claim mapping configured in one tenant and not in another",
    ),
    fix="Request the scopes that produce the claim, or add the claim mapping for this client "
    "in the IdP.",
)
def required_claim_missing(self: Rule, _context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Checks the API's `required_claims` against the token's claims.

    ## Why is this bad?
    The request passes signature, time, issuer and audience checks and then fails in
    authorization, far from the identity configuration that caused it.

    ## Example
    `required_claims = ["sub", "scp"]` and the token carries `scope`, not `scp`: DC311.
    """
    environment, token, api, claims = t.environment, t.token, t.api, t.claims
    if api is None:
        return
    missing = [name for name in api.required_claims if name not in claims]
    if missing:
        yield _finding(self, environment, token,
                       f"The token lacks claims {_api_label(token)} requires: "
                       f"{', '.join(missing)} (present: {', '.join(sorted(claims))}).",
                       key_path=f"apis.{api.name}.required_claims",
                       evidence=_evidence(token, missing=missing))


@token_rule(
    "DC312", "wrong-token-type", Severity.HIGH, Step.TOKEN_TYPE,
    summary="An ID token was sent to an API that expects access tokens (or the reverse).",
    causes=(
        "the frontend sends `id_token` where it should send `access_token`",
        "a login flow that requests no API audience, so only an ID token is useful",
    ),
    fix="Send access tokens to APIs (request them for the API's audience); keep ID tokens in "
    "the client that received them.",
)
def wrong_token_type(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Classifies the token as access or ID token from its evidence (`typ` `at+jwt` per RFC
    9068, `token_use` for Cognito, `nonce`/`at_hash`/`c_hash`/`auth_time`, `aud` equal to a
    frontend's `client_id`, `scope`/`scp`/`client_id`) and compares it with the API's
    `accepts`.

    ## Why is this bad?
    ID tokens assert a login to the client; they are not API credentials. Sent to an API
    they fail with audience or expiry errors that hide the real mistake.

    ## Example
    A token with `nonce` and `aud` = `web-staging` at an API that `accepts = "access"`:
    DC312.
    """
    environment, token, api = t.environment, t.token, t.api
    if api is None:
        return
    guess = t.kind
    if guess is None or guess.kind == "unknown" or guess.kind == api.accepts:
        return
    sent = "an ID token" if guess.kind == "id" else "an access token"
    wanted = "access tokens" if api.accepts == "access" else "ID tokens"
    yield _finding(self, environment, token,
                   f"{_api_label(token)} expects {wanted} but the token is {sent} "
                   f"({'; '.join(guess.evidence)}).",
                   key_path=f"apis.{api.name}.accepts",
                   evidence=_evidence(token, kind=guess.kind, clues=list(guess.evidence)),
                   severity=Severity.HIGH if guess.kind == "id" else Severity.MEDIUM,
                   fix=advice.token_type_fix(context, environment, api, guess.kind))
