"""Envoy `jwt_authn` (envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication), in a
bootstrap file or inside an HTTP connection manager's filter list: providers' `issuer`,
`audiences`, `remote_jwks.http_uri.uri`, `remote_jwks.cache_duration`, `clock_skew_seconds`,
and the `rules[].requires` that decide which requests need a token.

Defaults and meanings from config.proto (as in driftcheck's envoy-jwt-authn profile): an empty
issuer is not checked, no audiences means `aud` is not checked, clock skew 60 s, JWKS cache
10 min; `allow_missing` / `allow_missing_or_failed` let requests without a token through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import DisabledCheck, Origin, ReaderOutput, Setting
from driftcheck.deployed.yaml_nodes import YamlList, YamlMap, yaml_files
from driftcheck.models import DeployedRef

_FILTER = "envoy.filters.http.jwt_authn"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)s$")


def duration_seconds(value: Any) -> float | None:
    """A protobuf Duration as YAML writes it: "300s", "1.5s" or {seconds: 300, nanos: 0}."""
    if isinstance(value, str) and (match := _DURATION.match(value.strip())):
        return float(match.group(1))
    if isinstance(value, dict) and isinstance(value.get("seconds", 0), int | str):
        try:
            return float(value.get("seconds", 0)) + float(value.get("nanos", 0)) / 1e9
        except ValueError:
            return None
    return None


def _walk(node: Any) -> Iterator[YamlMap]:
    if isinstance(node, YamlMap):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, YamlList):
        for value in node:
            yield from _walk(value)


def _configs(document: Any) -> Iterator[YamlMap]:
    """jwt_authn configs: a filter named envoy.filters.http.jwt_authn, or any typed config
    of type JwtAuthentication."""
    for node in _walk(document):
        typed = node.get("typed_config")
        if node.get("name") == _FILTER and isinstance(typed, YamlMap):
            yield typed
        elif str(node.get("@type", "")).endswith("JwtAuthentication") and \
                isinstance(node.get("providers"), YamlMap) and node.get("name") is None:
            yield node


def _requires_allow_missing(node: Any) -> Iterator[tuple[str, YamlMap]]:
    for item in _walk(node):
        for key in ("allow_missing", "allow_missing_or_failed"):
            if key in item:
                yield key, item


class EnvoyReader:
    kinds = frozenset({"envoy"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        found: list[tuple[str, YamlMap]] = []
        read: list[str] = []
        for path, documents in yaml_files(files, ref.paths):
            read.append(shown(path))
            seen: set[int] = set()
            for document in documents:
                for config in _configs(document):
                    if id(config) not in seen:
                        seen.add(id(config))
                        found.append((shown(path), config))
        if not found:
            if read:
                files.problem(", ".join(read), f"no {_FILTER} filter (JwtAuthentication) in "
                              "these files")
            return ReaderOutput(tuple(read))
        settings: list[Setting] = []
        disabled: list[DisabledCheck] = []
        issuers: list[tuple[str, Origin]] = []
        audiences: list[tuple[str, Origin]] = []
        providers_found: list[str] = []
        for file, config in found:
            providers = config.get("providers")
            if not isinstance(providers, YamlMap):
                continue
            for name, provider in providers.items():
                providers_found.append(name)
                if (ref.select is not None and name != ref.select) or \
                        not isinstance(provider, YamlMap):
                    continue
                at = Origin(file, providers.line_of(name), detail=f"providers.{name}")
                issuer = provider.get("issuer")
                if isinstance(issuer, str) and issuer:
                    issuers.append((issuer, Origin(file, provider.line_of("issuer"),
                                                   detail=f"providers.{name}.issuer")))
                else:
                    disabled.append(DisabledCheck(
                        "issuer", f"provider {name} has no issuer: `iss` is not checked", at))
                listed = provider.get("audiences")
                if isinstance(listed, list) and listed:
                    audiences += [(str(a), Origin(file, provider.line_of("audiences"),
                                                  detail=f"providers.{name}.audiences"))
                                  for a in listed]
                else:
                    disabled.append(DisabledCheck(
                        "audience", f"provider {name} has no audiences: `aud` is not checked",
                        at))
                remote = provider.get("remote_jwks")
                if isinstance(remote, YamlMap):
                    uri = remote.get("http_uri", {}).get("uri") if isinstance(
                        remote.get("http_uri"), YamlMap) else None
                    if isinstance(uri, str):
                        settings.append(Setting("jwks_uri", uri, Origin(
                            file, remote["http_uri"].line_of("uri"),
                            detail=f"providers.{name}.remote_jwks.http_uri.uri")))
                    cache = duration_seconds(remote.get("cache_duration"))
                    if cache is not None:
                        settings.append(Setting("jwks_cache_ttl", cache, Origin(
                            file, remote.line_of("cache_duration"),
                            detail=f"providers.{name}.remote_jwks.cache_duration")))
                skew = provider.get("clock_skew_seconds")
                if isinstance(skew, int):
                    settings.append(Setting("clock_skew", float(skew), Origin(
                        file, provider.line_of("clock_skew_seconds"),
                        detail=f"providers.{name}.clock_skew_seconds")))
            rules = config.get("rules")
            if not rules and "requirement_map" not in config:
                disabled.append(DisabledCheck(
                    "principal", "jwt_authn has no rules: no request is required to carry a "
                    "token", Origin(file, config.line, detail="rules")))
            for key, node in _requires_allow_missing(rules):
                disabled.append(DisabledCheck(
                    "principal", f"a rule's requires has {key}: requests without a token pass",
                    Origin(file, node.line_of(key), detail=key)))
        if ref.select is not None and ref.select not in providers_found:
            files.problem(", ".join(read), f"select = {ref.select!r} matches no provider "
                          f"(found: {', '.join(providers_found) or 'none'})")
        if issuers:
            settings.append(Setting("issuers", tuple(dict.fromkeys(i for i, _ in issuers)),
                                    issuers[0][1]))
        if audiences and not any(d.check == "audience" for d in disabled):
            settings.append(Setting("audiences", tuple(dict.fromkeys(a for a, _ in audiences)),
                                    audiences[0][1]))
        return ReaderOutput(tuple(read), tuple(_first_per_field(settings)), tuple(disabled))


def _first_per_field(settings: list[Setting]) -> list[Setting]:
    """One value per field: several providers with different cache or skew values are
    reported by their first (the profile judges the rest)."""
    kept: dict[str, Setting] = {}
    for setting in settings:
        kept.setdefault(setting.field, setting)
    return list(kept.values())
