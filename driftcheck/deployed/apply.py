"""Deployed values stand in for undeclared ones: an API that names its Spring profile but
declares no issuers is judged by the issuer its profile sets, as if declared there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from driftcheck.deployed.interface import Reading
from driftcheck.models import Api, Environment, Frontend, Gateway

# Component fields a deployed setting can stand in for, and the profile each kind implies.
FIELDS = {
    "apis": ("issuers", "audiences", "algorithms", "clock_skew", "jwks_cache_ttl",
             "require_exp", "refetch_on_unknown_kid", "max_token_age"),
    "gateways": ("issuers", "audiences", "algorithms", "clock_skew", "jwks_cache_ttl",
                 "require_exp", "refetch_on_unknown_kid"),
    "frontends": ("authority", "client_id", "api_base_url", "audience"),
}
VALIDATOR_OF_KIND = {
    "spring-boot": "spring-security",
    "aspnetcore": "microsoft-identitymodel",
    "microsoft-identity-web": "microsoft-identitymodel",
    "envoy": "envoy-jwt-authn",
    "istio": "istio",
    "kong": "kong-jwt",
    "aws-apigw": "aws-apigw-jwt",
    "express-oauth2-jwt-bearer": "panva-jose",
}


def declared(environment: Environment, key_path: str) -> bool:
    """Whether the environment file (or a file it extends) sets `key_path` itself."""
    return key_path in environment.origins and key_path not in environment.deployed_paths


def with_deployed(environment: Environment, readings: tuple[Reading, ...]) -> Environment:
    """The environment with every undeclared field that a reading sets filled in; origins
    and lines of those key paths point at the artifact."""
    if not readings:
        return environment
    origins = dict(environment.origins)
    lines = dict(environment.lines)
    filled: set[str] = set(environment.deployed_paths)
    families: dict[str, dict[str, Any]] = {
        "apis": dict(environment.apis), "gateways": dict(environment.gateways),
        "frontends": dict(environment.frontends)}
    for reading in readings:
        family, _, name = reading.component.partition(".")
        component = families.get(family, {}).get(name)
        if component is None:
            continue
        changes: dict[str, Any] = {}
        for setting in reading.settings:
            key_path = f"{reading.component}.{setting.field}"
            if setting.field not in FIELDS[family] or declared(environment, key_path):
                continue
            if setting.origin.file is None:
                continue  # a framework default: the validator profile already says it
            value = setting.value
            if isinstance(getattr(component, setting.field), tuple) and isinstance(value, str):
                value = (value,)
            changes[setting.field] = value
            filled.add(key_path)
            if setting.origin.file is not None:
                origins[key_path] = setting.origin.file
                if setting.origin.line is not None:
                    lines[key_path] = setting.origin.line
        validator = VALIDATOR_OF_KIND.get(reading.kind)
        if family != "frontends" and validator and not declared(
                environment, f"{reading.component}.validator"):
            changes["validator"] = validator
        if changes:
            families[family][name] = replace(component, **changes)
    return replace(environment, apis=_typed(families["apis"], Api),
                   gateways=_typed(families["gateways"], Gateway),
                   frontends=_typed(families["frontends"], Frontend),
                   origins=origins, lines=lines, deployed_paths=frozenset(filled))


def _typed(components: Mapping[str, Any], kind: type) -> dict[str, Any]:
    assert all(isinstance(c, kind) for c in components.values())
    return dict(components)


def apply_all(environments: tuple[Environment, ...],
              deployed: Mapping[str, tuple[Reading, ...]]) -> tuple[Environment, ...]:
    return tuple(with_deployed(e, deployed.get(e.name, ())) for e in environments)
