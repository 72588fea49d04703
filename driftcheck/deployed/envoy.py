"""Envoy `jwt_authn` (envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication), in a
bootstrap file or inside an HTTP connection manager's filter list: providers' `issuer`,
`audiences`, `remote_jwks.http_uri.uri`, `remote_jwks.cache_duration`, `clock_skew_seconds`,
and the `rules[].requires` that decide which requests need a token.

Defaults and meanings from config.proto (as in driftcheck's envoy-jwt-authn profile): an empty
issuer is not checked, no audiences means `aud` is not checked, clock skew 60 s, JWKS cache
10 min.

`rules` (envoyproxy/envoy `api/envoy/extensions/filters/http/jwt_authn/v3/config.proto`,
commit 0016b951, `RequirementRule` and `JwtRequirement`): "The first matched requirement will
be applied"; a rule with neither `requires` nor `requirement_name` (a name in
`requirement_map`): "If not specified, Jwt verification is disabled". A requirement
is one of `provider_name`, `provider_and_audiences` (the provider, with these audiences instead
of its own), `requires_any` (one of `requirements` suffices), `requires_all` (all of them),
`allow_missing` (no token passes; a present token must verify) and `allow_missing_or_failed`
(no token or a failing one passes). Each rule's tree is evaluated on its own and reported with
its `match` as written (prefix, path, safe_regex): driftcheck does not match routes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
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


_MAX_DEPTH = 32


@dataclass(frozen=True)
class Requirement:
    """What one JwtRequirement tree lets through."""

    without_token: str | None
    """Why a request with no token passes, or None when it needs a valid one."""
    providers: frozenset[str] = frozenset()
    """Providers whose valid token satisfies it."""
    audiences: tuple[str, ...] = ()
    """`provider_and_audiences` audiences (they replace the provider's own)."""
    unknown: tuple[str, ...] = ()
    """Provider or requirement names that are not defined."""


def evaluate(node: Any, providers: Mapping[str, Any], requirement_map: Mapping[str, Any],
             depth: int = 0) -> Requirement:
    """A JwtRequirement as Envoy's verifier tree applies it."""
    if depth > _MAX_DEPTH or not isinstance(node, Mapping) or not node:
        return Requirement("no requirement")
    if "provider_name" in node:
        name = str(node["provider_name"])
        return Requirement(None, frozenset({name}),
                           unknown=() if name in providers else (f"provider {name}",))
    if isinstance(node.get("provider_and_audiences"), Mapping):
        inner = node["provider_and_audiences"]
        name = str(inner.get("provider_name", ""))
        listed = inner.get("audiences")
        return Requirement(None, frozenset({name}),
                           tuple(str(a) for a in listed) if isinstance(listed, list) else (),
                           () if name in providers else (f"provider {name}",))
    if "allow_missing_or_failed" in node:
        return Requirement("allow_missing_or_failed: no token, or one that fails, passes")
    if "allow_missing" in node:
        return Requirement("allow_missing: no token passes")
    for key in ("requires_any", "requires_all"):
        if isinstance(node.get(key), Mapping):
            listed = node[key].get("requirements")
            children = [evaluate(c, providers, requirement_map, depth + 1)
                        for c in (listed if isinstance(listed, list) else [])]
            reasons = [c.without_token for c in children if c.without_token]
            passes = (reasons[:1] if key == "requires_any" else
                      reasons if children and len(reasons) == len(children) else [])
            return Requirement(
                f"{key} with {'; '.join(dict.fromkeys(passes))}" if passes else None,
                frozenset().union(*(c.providers for c in children)),
                tuple(a for c in children for a in c.audiences),
                tuple(u for c in children for u in c.unknown))
    return Requirement("no requirement")


def _match_text(rule: YamlMap) -> str:
    """The rule's match as written: prefix, path or safe_regex (never evaluated)."""
    match = rule.get("match")
    if not isinstance(match, Mapping):
        return "no match"
    for key in ("prefix", "path", "path_separated_prefix"):
        if key in match:
            return f"{key} {match[key]}"
    regex = match.get("safe_regex")
    if isinstance(regex, Mapping) and "regex" in regex:
        return f"safe_regex {regex['regex']}"
    return "match " + ", ".join(str(k) for k in match)


@dataclass
class _Collected:
    """What the providers of every file say, in reading order."""

    settings: list[Setting] = field(default_factory=list)
    disabled: list[DisabledCheck] = field(default_factory=list)
    issuers: list[tuple[str, Origin]] = field(default_factory=list)
    audiences: list[tuple[str, Origin]] = field(default_factory=list)
    providers_found: list[str] = field(default_factory=list)
    route_settings: list[Setting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def output(self, read: list[str]) -> ReaderOutput:
        settings = list(self.settings)
        if self.issuers:
            settings.append(Setting("issuers", tuple(dict.fromkeys(i for i, _ in self.issuers)),
                                    self.issuers[0][1]))
        if self.audiences and not any(d.check == "audience" for d in self.disabled):
            settings.append(Setting("audiences",
                                    tuple(dict.fromkeys(a for a, _ in self.audiences)),
                                    self.audiences[0][1]))
        return ReaderOutput(tuple(read), tuple(self.route_settings + _first_per_field(settings)),
                            tuple(self.disabled), notes=tuple(self.notes))


def _jwt_authn_configs(files: ArtifactFiles, ref: DeployedRef
                       ) -> tuple[list[tuple[str, YamlMap]], list[str]]:
    """Each jwt_authn filter config once, with its file; and the files read."""
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
    return found, read


def _read_provider(collected: _Collected, file: str, providers: YamlMap, name: str,
                   provider: YamlMap) -> None:
    at = Origin(file, providers.line_of(name), detail=f"providers.{name}")
    issuer = provider.get("issuer")
    if isinstance(issuer, str) and issuer:
        collected.issuers.append((issuer, Origin(file, provider.line_of("issuer"),
                                                 detail=f"providers.{name}.issuer")))
    else:
        collected.disabled.append(DisabledCheck(
            "issuer", f"provider {name} has no issuer: `iss` is not checked", at))
    listed = provider.get("audiences")
    if isinstance(listed, list) and listed:
        collected.audiences += [(str(a), Origin(file, provider.line_of("audiences"),
                                                detail=f"providers.{name}.audiences"))
                                for a in listed]
    else:
        collected.disabled.append(DisabledCheck(
            "audience", f"provider {name} has no audiences: `aud` is not checked", at))
    remote = provider.get("remote_jwks")
    if isinstance(remote, YamlMap):
        collected.settings += _remote_jwks(file, name, remote)
    skew = provider.get("clock_skew_seconds")
    if isinstance(skew, int):
        collected.settings.append(Setting("clock_skew", float(skew), Origin(
            file, provider.line_of("clock_skew_seconds"),
            detail=f"providers.{name}.clock_skew_seconds")))


def _remote_jwks(file: str, name: str, remote: YamlMap) -> list[Setting]:
    settings: list[Setting] = []
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
    return settings


class EnvoyReader:
    kinds = frozenset({"envoy"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        found, read = _jwt_authn_configs(files, ref)
        if not found:
            if read:
                files.problem(", ".join(read), f"no {_FILTER} filter (JwtAuthentication) in "
                              "these files")
            return ReaderOutput(tuple(read))
        collected = _Collected()
        for file, config in found:
            providers = config.get("providers")
            if not isinstance(providers, YamlMap):
                continue
            on_routes, reachable = self._rules(file, config, providers, collected.disabled,
                                               files)
            collected.route_settings += on_routes
            for name, provider in providers.items():
                collected.providers_found.append(name)
                if (ref.select is not None and name != ref.select) or \
                        not isinstance(provider, YamlMap):
                    continue
                if reachable is not None and name not in reachable:
                    collected.notes.append(
                        f"provider {name} ({file}:{providers.line_of(name)}) is required by no "
                        "rule or requirement_map entry: its tokens are never verified, its "
                        "settings are not compared")
                    continue
                _read_provider(collected, file, providers, name, provider)
        if ref.select is not None and ref.select not in collected.providers_found:
            files.problem(", ".join(read), f"select = {ref.select!r} matches no provider "
                          f"(found: {', '.join(collected.providers_found) or 'none'})")
        return collected.output(read)

    def _rules(self, file: str, config: YamlMap, providers: YamlMap,
               disabled: list[DisabledCheck], files: ArtifactFiles
               ) -> tuple[list[Setting], frozenset[str] | None]:
        """Each rule's requirement: a DC411 check when a request without a (valid) token
        passes it; the issuers and audiences a token must come from on that route (DC412
        compares them with other environments'). Also the providers some rule or
        requirement_map entry requires (None when there are no rules)."""
        rules = config.get("rules")
        requirement_map = config.get("requirement_map")
        requirement_map = requirement_map if isinstance(requirement_map, YamlMap) else {}
        if not rules and not requirement_map:
            disabled.append(DisabledCheck(
                "principal", "jwt_authn has no rules: no request is required to carry a "
                "token", Origin(file, config.line, detail="rules")))
            return [], None
        settings: list[Setting] = []
        reachable: set[str] = set()
        for node in requirement_map.values():
            reachable |= evaluate(node, providers, requirement_map).providers
        for index, rule in enumerate(rules if isinstance(rules, YamlList) else ()):
            if not isinstance(rule, YamlMap):
                continue
            match = _match_text(rule)
            if "requirement_name" in rule:
                name = str(rule["requirement_name"])
                node = requirement_map.get(name)
                key, line = "requirement_name", rule.line_of("requirement_name")
                if node is None:
                    files.problem(file, f"rules[{index}] ({match}) names requirement {name}, "
                                  "which requirement_map does not define", line)
                    continue
            else:
                node, key = rule.get("requires"), "requires"
                line = rule.line_of("requires") if "requires" in rule else rule.line
            outcome = evaluate(node, providers, requirement_map)
            reachable |= outcome.providers
            for unknown in outcome.unknown:
                files.problem(file, f"rules[{index}] ({match}) requires {unknown}, which is "
                              "not among the providers", line)
            where = Origin(file, line, detail=f"rules[{index}] ({match}) {key}")
            if outcome.without_token:
                disabled.append(DisabledCheck(
                    "principal", f"rules[{index}] ({match}): {outcome.without_token}: "
                    "requests without a valid token pass", where))
            issuers = [providers[p].get("issuer") for p in sorted(outcome.providers)
                       if isinstance(providers.get(p), YamlMap)]
            named = tuple(dict.fromkeys(i for i in issuers if isinstance(i, str) and i))
            if named:
                settings.append(Setting("route_issuers", named, replace(
                    where, detail=f"rules[{index}] ({match}) requires "
                    f"{', '.join(sorted(outcome.providers))}")))
            if outcome.audiences:
                settings.append(Setting("route_audiences", outcome.audiences, replace(
                    where, detail=f"rules[{index}] ({match}) provider_and_audiences")))
        return settings, frozenset(reachable)


def _first_per_field(settings: list[Setting]) -> list[Setting]:
    """One value per field: several providers with different cache or skew values are
    reported by their first (the profile judges the rest)."""
    kept: dict[str, Setting] = {}
    for setting in settings:
        kept.setdefault(setting.field, setting)
    return list(kept.values())
