"""Who owns what across environments: keys, issuers and audiences, each defined once.

Several questions are asked of an environment's issuers and audiences, and each has its own
named definition here, so that no rule module keeps a private variant:

- `issuers_owned`: the issuers its IdP answers to (declared, and discovered).
- `issuers_named`: those plus every issuer its APIs and gateways accept; what a token's
  `iss` is compared with to say "that is staging's issuer".
- `audiences_named`: every audience its APIs and gateways accept and its frontends request;
  what a token's `aud` is compared with to say "that is staging's audience".
- `audiences_declared`: the audiences its environment file itself declares (values read
  from deployed artifacts excluded) and its token sources request: what deployed values are
  compared with, so that a deployed value never proves itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from driftcheck.facts.jwks_index import JwksIndex
from driftcheck.models import Environment
from driftcheck.observations import Observations


@dataclass(frozen=True)
class KeyOwner:
    environment: str
    kid: str | None


def key_owners(environments: Iterable[Environment], observations: Observations | None,
               jwks: JwksIndex) -> Mapping[str, tuple[KeyOwner, ...]]:
    """Thumbprint -> which environments publish that key (and under which kid)."""
    owners: dict[str, list[KeyOwner]] = {}
    for environment in environments:
        seen = observations.environments.get(environment.name) if observations else None
        facts = jwks.get(seen.jwks_url if seen else None)
        for key in facts.keys if facts else ():
            if key.thumbprint:
                owners.setdefault(key.thumbprint, []).append(KeyOwner(environment.name, key.kid))
    return {thumbprint: tuple(found) for thumbprint, found in owners.items()}


def issuers_owned(environment: Environment, discovered: str | None) -> frozenset[str]:
    return frozenset({environment.idp.issuer} | ({discovered} if discovered else set()))


def issuers_named(environment: Environment, discovered: str | None) -> frozenset[str]:
    accepted = {i for api in environment.apis.values() for i in api.issuers}
    return issuers_owned(environment, discovered) | accepted


def audiences_named(environment: Environment) -> frozenset[str]:
    found = {a for api in environment.apis.values() for a in api.audiences}
    found |= {a for gateway in environment.gateways.values() for a in gateway.audiences}
    found |= {f.audience for f in environment.frontends.values() if f.audience}
    return frozenset(found)


def audiences_declared(environment: Environment) -> frozenset[str]:
    owned = {a for family in ("apis", "gateways")
             for name, c in getattr(environment, family).items()
             if f"{family}.{name}.audiences" not in environment.deployed_paths
             for a in c.audiences}
    owned |= {f.audience for n, f in environment.frontends.items()
              if f.audience and f"frontends.{n}.audience" not in environment.deployed_paths}
    grants = environment.client_credentials().values()
    owned |= {t.resource or t.audience or "" for t in grants} - {""}
    return frozenset(owned)
