"""`Facts` and the one function that builds them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from driftcheck.facts.discovery import DiscoveryFacts, discovery_facts
from driftcheck.facts.http import environment_clock_offset
from driftcheck.facts.identity import EnvironmentIdentity, identity_of
from driftcheck.facts.indexes import KeyOwner, key_owners
from driftcheck.facts.jwks_index import JwksIndex
from driftcheck.facts.tokens import TokenFacts, token_facts
from driftcheck.jwks import JwksFacts
from driftcheck.models import Environment
from driftcheck.observations import Observations
from driftcheck.probes.judge import ProbeResult, judge_probes
from driftcheck.profiles.effective import EffectiveValidator, validators_of

if TYPE_CHECKING:
    from driftcheck.deployed.interface import Reading


@dataclass(frozen=True)
class Facts:
    environments: tuple[Environment, ...]
    observations: Observations | None
    """None when the run is offline."""
    previous: Observations | None
    """A snapshot of an earlier run (`--snapshot-in`)."""
    deployed: Mapping[str, tuple[Reading, ...]]
    """Environment name -> what its components' deployed artifacts say."""
    now: float
    now_given: bool
    """Whether `now` was given (`--now`): then every token is judged at it."""
    jwks: JwksIndex
    discovery: Mapping[str, DiscoveryFacts]
    clock_offsets: Mapping[str, float | None]
    """The IdP's clock minus ours in seconds (from HTTP `Date`), per environment."""
    validators: Mapping[str, tuple[EffectiveValidator, ...]]
    """Per environment: every API, then every gateway, with its effective behaviour."""
    tokens: tuple[TokenFacts, ...]
    key_owners: Mapping[str, tuple[KeyOwner, ...]]
    identities: Mapping[str, EnvironmentIdentity]
    probes: Mapping[str, tuple[ProbeResult, ...]] = field(default_factory=dict)
    """Environment name -> its live probes, each case judged against the prediction."""

    def token_time(self, received_at: float) -> float:
        """The instant a token is judged at: `--now` when given, else when it was received
        (a token judged before it arrived looks "not valid yet" to 0-skew validators)."""
        if self.now_given or received_at <= 0:
            return self.now
        return received_at

    def environment_jwks(self, name: str, *, previous: bool = False) -> JwksFacts | None:
        """The key set the environment's IdP published (in the previous snapshot when
        `previous`)."""
        observations = self.previous if previous else self.observations
        seen = observations.environments.get(name) if observations is not None else None
        return self.jwks.get(seen.jwks_url if seen else None, previous=previous)


def build_facts(environments: tuple[Environment, ...], observations: Observations | None,
                *, now: float, now_given: bool = False, previous: Observations | None = None,
                deployed: Mapping[str, tuple[Reading, ...]] | None = None) -> Facts:
    jwks = JwksIndex(observations, previous)
    names = [e.name for e in environments]
    facts = Facts(
        environments=environments,
        observations=observations,
        previous=previous,
        deployed=deployed or {},
        now=now,
        now_given=now_given,
        jwks=jwks,
        discovery={n: discovery_facts(observations, n) for n in names},
        clock_offsets={n: environment_clock_offset(observations, n) if observations else None
                       for n in names},
        validators={e.name: tuple(validators_of(e)) for e in environments},
        tokens=tuple(token_facts(environments, observations)),
        key_owners=key_owners(environments, observations, jwks),
        identities={},
    )
    identities = {e.name: identity_of(e, observations, facts.environment_jwks(e.name),
                                      facts.discovery[e.name].issuer,
                                      facts.validators[e.name])
                  for e in environments}
    with_identities = replace(facts, identities=identities)
    # The live probes are judged last: their predictions read the facts above.
    return replace(with_identities, probes=judge_probes(with_identities))
