"""The token's `kid` among the keys its environment publishes (DC304)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.durations import describe_instant
from driftcheck.facts import TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.jwks import JwksFacts
from driftcheck.models import Environment
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _api_label,
    _evidence,
    _finding,
    _signed_by,
    _signers,
    token_rule,
)
from driftcheck.tokens.steps import verifiable


def _kid_history(context: RuleContext, environment: Environment,
                 kid: str) -> tuple[bool | None, str]:
    """Whether the previous snapshot (`--snapshot-in`) had `kid` in this environment's JWKS
    (None: no snapshot to tell), and a sentence saying so."""
    previous = context.previous
    if previous is None:
        return None, ""
    seen = previous.environments.get(environment.name)
    facts = context.jwks_facts(seen.jwks_url if seen else None, previous=True)
    if facts is None:
        return None, " The previous snapshot has no JWKS of this environment to compare with."
    taken = describe_instant(previous.collected_at, context.now)
    if kid in facts.kids:
        return True, (f" It was in the JWKS at the previous snapshot ({taken}): the key "
                      "rotated out since; the token was minted before the rotation, or came "
                      "through a stale cache.")
    return False, f" It was not in the JWKS at the previous snapshot ({taken}) either."


@token_rule(
    "DC304", "kid-not-found", Severity.HIGH, Step.KEY,
    summary="The token's `kid` is not in the environment's JWKS, or it has none where the "
    "API's validator needs one to find a key.",
    causes=(
        "the token was minted by another environment's IdP (crossover)",
        "a token minted without `kid` (custom code, a static key) for a validator that looks "
        "keys up by kid",
        "the IdP rotated keys and the token was signed before (or after) the set changed",
        "a validator's cached JWKS older than the key (stale cache)",
    ),
    fix="Send tokens from this environment's IdP; after a rotation keep the old key published "
    "for the rotation overlap and refresh JWKS caches.",
)
def kid_not_found(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Looks up the header's `kid` in the JWKS this environment publishes. When it is missing,
    it says which other environments publish that kid, and under whose key the signature
    actually verifies. A token without `kid` is judged by how the API's validator finds a key
    then (its profile's `key_lookup`): PyJWT's `PyJWKClient`, aws-jwt-verify and fast-jwt's
    get-jwks find none; jwks-rsa and joserfc take the set's key only when it has exactly
    one; the others try every key of the algorithm's type.

    ## Why is this bad?
    Validators select the verification key by `kid`. A missing kid is "invalid signature"
    or "no matching key" in the logs, whatever the cause: rotation, stale caches or a token
    from the wrong environment.

    ## Example
    A staging token with `kid` `prod-rs256-1` sent to staging's API: DC304, "the signature
    verifies under prod's key".
    """
    observations = context.seen
    environment, token, api = t.environment, t.token, t.api
    seen = observations.environments[environment.name]
    facts = context.jwks_facts(seen.jwks_url)
    kid = token.kid
    if facts is None or not verifiable(token, api):
        return
    if kid is None:
        yield from _without_kid(self, t, facts)
        return
    if kid in facts.kids:
        return
    elsewhere = sorted({o.environment for owners in context.facts.key_owners.values()
                        for o in owners if o.kid == kid and o.environment != environment.name})
    signers = _signers(context, token)
    where = f" It is published by {', '.join(elsewhere)}." if elsewhere else ""
    was_published, history = _kid_history(context, environment, kid)
    where += history
    yield _finding(
        self, environment, token,
        f"The token's kid {kid!r} is not in {environment.name}'s JWKS ({seen.jwks_url}; "
        f"published: {', '.join(facts.kids) or 'none'}).{where}"
        f"{_signed_by(signers, environment)}",
        evidence=_evidence(token, kid=kid, published=list(facts.kids),
                           jwks_uri=seen.jwks_url, published_by=elsewhere or None,
                           in_previous_snapshot=was_published,
                           verifies_under=sorted({s.environment for s in signers}) or None),
        related=[e for e in elsewhere if e != environment.name],
    )


def _without_kid(self: Rule, t: TokenFacts, facts: JwksFacts) -> Iterator[Finding]:
    """A token without kid, at a validator that needs one to find a key (or a set of one)."""
    validator = t.validator
    if validator is None:
        return
    lookup = validator.profile.key_lookup
    usable = [k for k in facts.keys if k.error is None]
    if lookup.value == "exact":
        reason = (f"{validator.profile.name} finds a key by kid only ({lookup.source}): it "
                  "selects no key, whatever the signature")
    elif lookup.value == "single" and len(usable) > 1:
        reason = (f"{t.environment.name}'s JWKS publishes {len(usable)} keys and "
                  f"{validator.profile.name} takes a key without kid only from a set of one "
                  f"({lookup.source})")
    else:
        return
    yield _finding(
        self, t.environment, t.token,
        f"The token has no kid; {_api_label(t.token)}: {reason}.",
        evidence=_evidence(t.token, kid=None, validator=validator.profile.name,
                           key_lookup=lookup.value, published=list(facts.kids)),
        fix="Make the IdP put the signing key's `kid` in the token header (custom minting "
        "code or a static signing key often leaves it out), or validate with a library that "
        "tries the published keys.",
    )
