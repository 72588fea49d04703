"""The token's `aud` against the audiences its API accepts (DC310)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.facts import TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.profiles import get_profile
from driftcheck.rules import advice
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _api_label,
    _evidence,
    _finding,
    _others_matching,
    token_rule,
)


@token_rule(
    "DC310", "aud-mismatch", Severity.HIGH, Step.AUDIENCE,
    summary="The token's `aud` contains none of the audiences the API accepts.",
    causes=(
        "the client requested another resource or audience at login",
        "an ID token (aud = the frontend's client_id) sent instead of an access token",
        "a staging frontend calling a production API, or the reverse",
        "a gateway that exchanges or rewrites tokens",
    ),
    fix="Request a token for the API's audience (`resource`/`audience`/`scope`), and set the "
    "API's expected audience explicitly.",
)
def aud_mismatch(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Compares `aud` (a string or an array) with the API's `audiences` and names the
    environment whose audience it is. An API without declared audiences is judged by its
    validator profile: PyJWT, Microsoft.IdentityModel and API Gateway then reject any token
    that carries `aud`; a validator that never checks `aud` (Kong's jwt plugin) makes
    declared audiences decorative (info).

    ## Why is this bad?
    The audience says which resource a token is for; an API that accepts another resource's
    tokens can be called with tokens stolen from it. Every conforming validator rejects it.

    ## Example
    `aud` `api://orders-prod` at staging's `apis.orders` (expects `api://orders-staging`):
    DC310, "it is prod's audience".
    """
    environment, token, api, claims = t.environment, t.token, t.api, t.claims
    if api is None:
        return
    handling = get_profile(api.validator).audience
    if not api.audiences:
        if handling.value == "required" and "aud" in claims:
            yield _finding(
                self, environment, token,
                f"{_api_label(token)} declares no audiences, and {api.validator} then "
                f"rejects every token that carries aud ({handling.source}).",
                key_path=f"apis.{api.name}.audiences",
                evidence=_evidence(token, validator=api.validator, audience=handling.value),
                fix=advice.audience_fix(context, environment, api, token, [], []))
        return
    if handling.value == "not-checked":
        yield _finding(
            self, environment, token,
            f"{_api_label(token)} declares audiences, but {api.validator} does not check "
            f"aud ({handling.source}): any audience is accepted there.",
            key_path=f"apis.{api.name}.validator", severity=Severity.INFO,
            evidence=_evidence(token, validator=api.validator, audience=handling.value))
        return
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else [a for a in aud if isinstance(a, str)] \
        if isinstance(aud, list) else []
    if set(audiences) & set(api.audiences):
        return
    others = _others_matching(context, environment, set(audiences), "audience")
    client_ids = {f.client_id for f in environment.frontends.values() if f.client_id}
    hints = []
    if others:
        hints.append(f"it is {', '.join(others)}'s audience: environment crossover")
    if client_ids & set(audiences):
        hints.append("it is a frontend's client_id: an ID token?")
    got = ", ".join(map(repr, audiences)) if audiences else "nothing (no aud claim)"
    yield _finding(
        self, environment, token,
        f"The token's aud is {got}; {_api_label(token)} accepts "
        f"{', '.join(map(repr, api.audiences))}"
        + (f" ({'; '.join(hints)})." if hints else "."),
        key_path=f"apis.{api.name}.audiences",
        evidence=_evidence(token, expected=list(api.audiences), actual=audiences,
                           matches_environment=others or None),
        related=others,
        fix=advice.audience_fix(context, environment, api, token, audiences, others),
    )
