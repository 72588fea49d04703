"""What every token rule shares: how a token finding is placed and what it carries, the
per-token rule form, and who else owns a value or signed a token."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any

from driftcheck.facts import KeyOwner, TokenFacts
from driftcheck.facts.indexes import audiences_named, issuers_named
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Api, Environment
from driftcheck.observations import TokenObservation
from driftcheck.profiles import Profile, get_profile
from driftcheck.rules.registry import Check, Rule, RuleContext, rule

TokenCheck = Callable[[Rule, RuleContext, TokenFacts], Iterable[Finding]]


def token_rule(id: str, slug: str, severity: Severity, step: Step, *, summary: str,
               causes: Iterable[str], fix: str, needs_network: bool = True,
               decoded: bool = True) -> Callable[[TokenCheck], Check]:
    """Register a check over one token (environment, token, its API and that API's
    validator): it runs once per known-good token, decoded ones only unless `decoded` is
    False, and says what it sees there."""

    def register(check: TokenCheck) -> Check:
        @wraps(check)
        def over_tokens(self: Rule, context: RuleContext) -> Iterator[Finding]:
            for token in context.facts.tokens:
                if token.decoded or not decoded:
                    yield from check(self, context, token)

        rule(id, slug, severity, step, summary=summary, causes=causes, fix=fix,
             needs_network=needs_network)(over_tokens)
        return over_tokens

    return register


def _component(token: TokenObservation) -> str:
    return f"tokens.{token.name}"


def _token_key_path(environment: Environment, token: TokenObservation) -> str:
    return f"tokens.{token.name}" if token.name in environment.tokens else "tokens"


def _evidence(token: TokenObservation, **more: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {"token": f"fp:{token.fingerprint}", "source": token.source}
    if token.for_api:
        evidence["api"] = token.for_api
    evidence.update({k: v for k, v in more.items() if v is not None})
    return evidence


def _api_label(token: TokenObservation) -> str:
    return f"apis.{token.for_api}" if token.for_api else "the environment's IdP"


def _finding(self: Rule, environment: Environment, token: TokenObservation, message: str,
             key_path: str | None = None, **kwargs: Any) -> Finding:
    return self.finding(environment, _component(token), message,
                        key_path=key_path or _token_key_path(environment, token), **kwargs)


def _profile(api: Api | None) -> Profile | None:
    """The API's validator profile; None for a token not bound to an API."""
    return get_profile(api.validator) if api is not None else None


def _others_matching(context: RuleContext, environment: Environment, values: set[str],
                     index: str) -> list[str]:
    """Other environments whose issuers (or audiences) include one of `values`."""
    matches = []
    for other in context.environments:
        if other.name == environment.name:
            continue
        theirs = (issuers_named(other, context.facts.discovery[other.name].issuer)
                  if index == "issuer" else audiences_named(other))
        if theirs & values:
            matches.append(other.name)
    return matches


def _signers(context: RuleContext, token: TokenObservation) -> list[KeyOwner]:
    owners = context.facts.key_owners
    return [owner for thumbprint in token.verified_by for owner in owners.get(thumbprint, [])]


def _signed_by(signers: list[KeyOwner], environment: Environment) -> str:
    others = [s for s in signers if s.environment != environment.name]
    if not others:
        return ""
    names = ", ".join(sorted({f"{s.environment}'s key (kid {s.kid!r})" for s in others}))
    return f" The signature verifies under {names}: environment crossover."
