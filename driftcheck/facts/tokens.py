"""Each known-good token with what judging it needs: its environment, the API it is for,
that API's effective validator, its time claims and what kind of token it looks like."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from driftcheck.models import Api, Environment
from driftcheck.observations import Observations, TokenObservation
from driftcheck.profiles.effective import EffectiveValidator, api_validator
from driftcheck.tokens.claims import time_claims
from driftcheck.tokens.kind import KindGuess, classify


@dataclass(frozen=True)
class TokenFacts:
    environment: Environment
    token: TokenObservation
    api: Api | None
    """The API named by the token's `for_api` (None: not bound to an API)."""
    validator: EffectiveValidator | None
    """That API's effective validator."""
    times: Mapping[str, float]
    """`exp`, `nbf`, `iat` as numbers (those present)."""
    kind: KindGuess | None
    """Access or ID token, from its evidence; None when it was not decoded."""

    @property
    def decoded(self) -> bool:
        return self.token.claims is not None and self.token.header is not None

    @property
    def claims(self) -> Mapping[str, Any]:
        return self.token.claims or {}

    @property
    def component(self) -> str:
        return f"tokens.{self.token.name}"


def token_kind(environment: Environment, token: TokenObservation) -> KindGuess | None:
    if token.header is None or token.claims is None:
        return None
    client_ids = [f.client_id for f in environment.frontends.values() if f.client_id]
    return classify(token.header, token.claims, client_ids)


def token_facts(environments: tuple[Environment, ...],
                observations: Observations | None) -> Iterator[TokenFacts]:
    if observations is None:
        return
    for environment in environments:
        seen = observations.environments.get(environment.name)
        for token in seen.tokens if seen else ():
            api = environment.apis.get(token.for_api) if token.for_api else None
            yield TokenFacts(environment, token, api, api_validator(environment, api),
                             time_claims(token.claims) if token.claims is not None else {},
                             token_kind(environment, token))
