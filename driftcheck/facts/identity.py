"""What identifies each environment: issuers, JWKS URLs, keys, client IDs, audiences, hosts.

Built from declared config and observations, without I/O. Cross-environment rules (DC50x)
compare these indexes; the `--matrix` view shows them side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from driftcheck.durations import seconds_text
from driftcheck.facts.indexes import issuers_owned
from driftcheck.json_pointer import resolve_pointer
from driftcheck.jwks import JwksFacts
from driftcheck.models import Environment
from driftcheck.observations import Observations
from driftcheck.profiles.effective import EffectiveValidator
from driftcheck.urls import host_of, url_under


@dataclass(frozen=True)
class Reference:
    """A value one environment points at, and where it says so."""

    field: str
    """What kind of value: issuer, audience, api_url, jwks_uri."""
    value: str
    component: str
    key_path: str
    what: str
    """In words: "frontend `web`'s api_base_url"."""


@dataclass(frozen=True)
class EnvironmentIdentity:
    name: str
    tier: str
    tenant: str | None
    issuers: frozenset[str]
    """Issuers the environment owns: declared and discovered."""
    jwks_uris: frozenset[str]
    """JWKS URLs the environment uses: declared and discovered."""
    own_jwks_uris: frozenset[str]
    """The JWKS its own IdP advertises (the declared one when discovery is not known)."""
    thumbprints: Mapping[str, str | None]
    """Signing key thumbprint -> kid."""
    client_ids: Mapping[str, str]
    """client_id -> where it is declared."""
    audiences: Mapping[str, str]
    """audience -> the API or gateway that accepts it."""
    api_urls: Mapping[str, str]
    """API or gateway base URL -> which one it is."""
    hosts: Mapping[str, str]
    """host:port of frontends, APIs and gateways -> which component."""
    algorithms: frozenset[str]
    validators: Mapping[str, str]
    """component -> its validator profile."""
    issuer_comparisons: Mapping[str, str]
    """component -> effective issuer comparison and where it comes from."""
    clock_skews: Mapping[str, str]
    """component -> effective clock skew and where it comes from ("60 s, spring-security
    default")."""
    rotation_leads: Mapping[str, str]
    """component -> how long before first use a new key must be published, and why."""
    allow_shared: frozenset[str]


def _lead(validator: EffectiveValidator) -> str:
    lead = validator.rotation_lead
    if lead is None:
        return "manual (keys configured)"
    why = (validator.refetch_on_unknown_kid if validator.refetch_on_unknown_kid.value
           else validator.jwks_cache)
    return f"{seconds_text(lead)}, {'declared' if why.declared else why.origin}"


def identity_of(environment: Environment, observations: Observations | None,
                jwks: JwksFacts | None, discovered_issuer: str | None,
                effective: Sequence[EffectiveValidator]) -> EnvironmentIdentity:
    issuers = issuers_owned(environment, discovered_issuer)
    jwks_uris = set()
    discovered_jwks: str | None = None
    if environment.idp.jwks_uri:
        jwks_uris.add(environment.idp.jwks_uri)
    if observations is not None:
        seen = observations.environments.get(environment.name)
        if seen is not None and seen.jwks_url:
            jwks_uris.add(seen.jwks_url)
            if seen.jwks_url != seen.declared_jwks_url:
                discovered_jwks = seen.jwks_url
    client_ids = {f.client_id: f"frontends.{n}.client_id"
                  for n, f in environment.frontends.items() if f.client_id}
    client_ids.update({t.client_id: f"tokens.{n}.client_id"
                       for n, t in environment.client_credentials().items()})
    validators = [("apis", n, a) for n, a in environment.apis.items()] + [
        ("gateways", n, g) for n, g in environment.gateways.items()]
    audiences = {aud: f"{family}.{name}" for family, name, v in validators for aud in v.audiences}
    api_urls = {v.url: f"{family}.{name}" for family, name, v in validators if v.url}
    hosts = {host_of(url): component for url, component in api_urls.items()}
    hosts.update({host_of(f.url): f"frontends.{n}"
                  for n, f in environment.frontends.items() if f.url})
    return EnvironmentIdentity(
        name=environment.name,
        tier=environment.tier,
        tenant=environment.idp.tenant,
        issuers=issuers,
        jwks_uris=frozenset(jwks_uris),
        own_jwks_uris=frozenset([discovered_jwks] if discovered_jwks else jwks_uris),
        thumbprints={k.thumbprint: k.kid for k in (jwks.keys if jwks else ()) if k.thumbprint},
        client_ids=client_ids,
        audiences=audiences,
        api_urls=api_urls,
        hosts=hosts,
        algorithms=frozenset(a for _, _, v in validators for a in v.algorithms),
        validators={v.component: v.profile.name for v in effective},
        issuer_comparisons={v.component: v.issuer_comparison.brief() for v in effective},
        clock_skews={v.component: v.clock_skew.brief(seconds_text) for v in effective},
        rotation_leads={v.component: _lead(v) for v in effective},
        allow_shared=frozenset(environment.isolation.allow_shared),
    )


def references(environment: Environment, deployed: Mapping[str, Mapping[str, Any]]
               ) -> Iterator[Reference]:
    """Every value the environment points at: what its frontends call and request, what its
    APIs and gateways accept, and what its deployed frontend configs say."""
    for name, frontend in environment.frontends.items():
        component = f"frontends.{name}"
        for field, value, key in (("issuer", frontend.authority, "authority"),
                                  ("audience", frontend.audience, "audience"),
                                  ("api_url", frontend.api_base_url, "api_base_url")):
            if value and f"{component}.{key}" not in environment.deployed_paths:
                yield Reference(field, value, component, f"{component}.{key}",
                                f"frontend `{name}`'s {key}")
        for key, value in deployed.get(name, {}).items():
            kind = {"authority": "issuer", "audience": "audience",
                    "api_base_url": "api_url"}.get(key)
            if kind and isinstance(value, str):
                yield Reference(kind, value, component, f"{component}.runtime_config_url",
                                f"frontend `{name}`'s deployed {key}")
    validators = [("apis", "API", n, a) for n, a in environment.apis.items()] + [
        ("gateways", "gateway", n, g) for n, g in environment.gateways.items()]
    for family, label, name, validator in validators:
        if f"{family}.{name}.issuers" in environment.deployed_paths:
            continue  # only deployed, not declared: DC412 reports it, with the artifact's line
        for issuer in validator.issuers:
            yield Reference("issuer", issuer, f"{family}.{name}", f"{family}.{name}.issuers",
                            f"{label} `{name}`'s accepted issuer")
        for audience in () if f"{family}.{name}.audiences" in environment.deployed_paths \
                else validator.audiences:
            yield Reference("audience", audience, f"{family}.{name}",
                            f"{family}.{name}.audiences", f"{label} `{name}`'s accepted audience")
    if environment.idp.jwks_uri:
        yield Reference("jwks_uri", environment.idp.jwks_uri, "idp", "idp.jwks_uri",
                        "the declared jwks_uri")


RUNTIME_FIELDS = ("authority", "client_id", "api_base_url", "audience")


def deployed_config(environment: Environment, observations: Observations | None
                    ) -> dict[str, dict[str, Any]]:
    """Frontend name -> {field: value found} in its fetched runtime config, through the JSON
    Pointers of `runtime_config_map` (fields whose pointer finds nothing are left out)."""
    found: dict[str, dict[str, Any]] = {}
    if observations is None:
        return found
    seen = observations.environments.get(environment.name)
    for name, frontend in environment.frontends.items():
        url = seen.runtime_config_urls.get(name) if seen else None
        response = observations.response(url)
        if response is None or not response.ok:
            continue
        values = {}
        for field in RUNTIME_FIELDS:
            pointer = getattr(frontend.runtime_config_map, field)
            if pointer is None:
                continue
            present, value = resolve_pointer(response.body, pointer)
            if present:
                values[field] = value
        found[name] = values
    return found


def api_of(environment: Environment, frontend_name: str) -> str | None:
    """The API a frontend calls: its explicit `api`, else the API whose URL its api_base_url
    lies under (the longest such URL)."""
    frontend = environment.frontends[frontend_name]
    if frontend.api is not None:
        return frontend.api if frontend.api in environment.apis else None
    if not frontend.api_base_url:
        return None
    matches = [(len(api.url), name) for name, api in environment.apis.items()
               if api.url and url_under(frontend.api_base_url, api.url)]
    return max(matches)[1] if matches else None
