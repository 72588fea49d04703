"""What an environment's discovery document says, typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from driftcheck.observations import Observations


@dataclass(frozen=True)
class DiscoveryFacts:
    """The fields of a fetched discovery document the rules and reports read. `fetched` is
    False when there was no document or it did not parse: every other field is then empty."""

    fetched: bool
    issuer: str | None = None
    """`issuer` when it is a string."""
    jwks_uri: str | None = None
    algorithms: tuple[str, ...] = ()
    """`id_token_signing_alg_values_supported` (strings only)."""
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """Every `*_endpoint` member that is a string."""
    body: Mapping[str, Any] = field(default_factory=dict)


def discovery_facts(observations: Observations | None, environment: str) -> DiscoveryFacts:
    response = observations.discovery(environment) if observations is not None else None
    if response is None or not response.ok or not isinstance(response.body, Mapping):
        return DiscoveryFacts(fetched=False)
    body = response.body
    issuer, jwks_uri = body.get("issuer"), body.get("jwks_uri")
    advertised = body.get("id_token_signing_alg_values_supported")
    return DiscoveryFacts(
        fetched=True,
        issuer=issuer if isinstance(issuer, str) else None,
        jwks_uri=jwks_uri if isinstance(jwks_uri, str) else None,
        algorithms=tuple(a for a in advertised if isinstance(a, str))
        if isinstance(advertised, list) else (),
        endpoints={k: v for k, v in body.items()
                   if k.endswith("_endpoint") and isinstance(v, str)},
        body=body,
    )
