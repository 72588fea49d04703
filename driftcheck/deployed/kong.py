"""Kong declarative configuration (`kong.yml`, deck or `KONG_DECLARATIVE_CONFIG`): the `jwt`
and `openid-connect` plugins, global or scoped to a service, route or consumer.

`jwt` (Kong Gateway 3.x, as driftcheck's kong-jwt profile): the `key_claim_name` claim
(default `iss`) must equal a `jwt_secrets` credential's `key`, verified with the credential's
`algorithm` (default HS256); `exp` and `nbf` are checked only when listed in
`claims_to_verify` (a listed claim that is absent fails: `exp` is then required); `aud` is
never read. Credential secrets are never read.
`maximum_expiration` (Kong/kong `kong/plugins/jwt/schema.lua` at commit 0797478d,
`handler.lua` and `jwt_parser.lua` `check_maximum_expiration`): a number of seconds,
default 0 (off), between 0 and 31536000; when
above 0 the schema's entity check requires `exp` in `claims_to_verify`, and
`check_maximum_expiration` refuses a token without `exp` or whose `exp - now` exceeds it, so a
token whose lifetime (`exp - iat`) is longer is refused while it is fresh.
`openid-connect` (Kong Gateway Enterprise; Kong's plugin docs, "Token validation for multiple
IdPs"): `issuer` (or `issuers_allowed`), `audience_required`, `leeway`, and `extra_jwks_uris`,
further JWKS endpoints whose keys the plugin trusts besides the issuer's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import DisabledCheck, Origin, ReaderOutput, Setting
from driftcheck.deployed.yaml_nodes import YamlList, YamlMap, yaml_files
from driftcheck.models import DeployedRef

_PLUGINS = ("jwt", "openid-connect")
_MAXIMUM_EXPIRATION = 31536000  # jwt schema.lua: between = { 0, 31536000 }
_DISCOVERY = "/.well-known/openid-configuration"


def _plugins(document: YamlMap) -> Iterator[tuple[str, YamlMap]]:
    """(scope, plugin): scope is "global", or the service/route/consumer name."""
    def listed(node: Any, scope: str) -> Iterator[tuple[str, YamlMap]]:
        for plugin in node.get("plugins") or () if isinstance(node, YamlMap) else ():
            if isinstance(plugin, YamlMap) and plugin.get("name") in _PLUGINS and \
                    plugin.get("enabled", True) is not False:
                yield scope, plugin

    yield from listed(document, "global")
    for service in document.get("services") or ():
        if isinstance(service, YamlMap):
            yield from listed(service, str(service.get("name", "")))
            for route in service.get("routes") or ():
                if isinstance(route, YamlMap):
                    yield from listed(route, str(route.get("name", "")))
    for family in ("routes", "consumers"):
        for item in document.get(family) or ():
            if isinstance(item, YamlMap):
                yield from listed(item, str(item.get("name") or item.get("username") or ""))


def _credentials(document: YamlMap) -> Iterator[YamlMap]:
    for consumer in document.get("consumers") or ():
        if isinstance(consumer, YamlMap):
            for secret in consumer.get("jwt_secrets") or ():
                if isinstance(secret, YamlMap):
                    yield secret
    for secret in document.get("jwt_secrets") or ():
        if isinstance(secret, YamlMap):
            yield secret


class KongReader:
    kinds = frozenset({"kong"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        plugins: list[tuple[str, str, YamlMap, YamlMap]] = []
        read: list[str] = []
        for path, documents in yaml_files(files, ref.paths):
            read.append(shown(path))
            for document in documents:
                if isinstance(document, YamlMap):
                    plugins += [(shown(path), scope, plugin, document)
                                for scope, plugin in _plugins(document)
                                if ref.select is None or scope == ref.select]
        if len(plugins) != 1:
            if read and not plugins:
                files.problem(", ".join(read), "no jwt or openid-connect plugin" + (
                    f" scoped to {ref.select!r}" if ref.select else ""))
            elif plugins:
                scopes = ", ".join(f"{p.get('name')} on {s}" for _, s, p, _ in plugins)
                files.problem(", ".join(read), "several jwt/openid-connect plugins; name the "
                              f"service or route with select (found: {scopes})")
            return ReaderOutput(tuple(read))
        file, scope, plugin, document = plugins[0]
        config = plugin.get("config")
        config = config if isinstance(config, YamlMap) else YamlMap()
        if plugin.get("name") == "jwt":
            return self._jwt(file, scope, plugin, config, document, tuple(read), files)
        return self._oidc(file, config, tuple(read))

    def _jwt(self, file: str, scope: str, plugin: YamlMap, config: YamlMap,
             document: YamlMap, read: tuple[str, ...], files: ArtifactFiles) -> ReaderOutput:
        at = Origin(file, plugin.line, detail=f"jwt plugin on {scope}")
        settings: list[Setting] = []
        disabled = [DisabledCheck("audience", "the jwt plugin never reads `aud`", at)]
        verified = config.get("claims_to_verify") or []
        maximum = _maximum_expiration(file, config, files)
        if maximum is not None and "exp" not in verified:
            # Kong's schema refuses this plugin: what would run cannot be told.
            files.problem(file, "Kong refuses this jwt plugin: maximum_expiration above 0 "
                          "requires exp in claims_to_verify (jwt schema entity check)",
                          config.line_of("maximum_expiration"))
            return ReaderOutput(read, (), tuple(disabled))
        if maximum is not None:
            settings.append(Setting("max_token_age", maximum, Origin(
                file, config.line_of("maximum_expiration"),
                detail=f"jwt plugin on {scope}: config.maximum_expiration")))
        if "exp" in verified:
            settings.append(Setting("require_exp", True, Origin(
                file, config.line_of("claims_to_verify"),
                detail=f"jwt plugin on {scope}: claims_to_verify")))
        else:
            disabled.append(DisabledCheck(
                "exp", "claims_to_verify does not list exp: expired tokens are accepted",
                Origin(file, config.line_of("claims_to_verify") if "claims_to_verify" in
                       config else plugin.line, detail="claims_to_verify")))
        key_claim = str(config.get("key_claim_name", "iss"))
        credentials = list(_credentials(document))
        if key_claim == "iss" and credentials:
            keys = [str(c["key"]) for c in credentials if c.get("key")]
            if keys:
                first = next(c for c in credentials if c.get("key"))
                settings.append(Setting("issuers", tuple(dict.fromkeys(keys)), Origin(
                    file, first.line_of("key"), detail="jwt_secrets[].key")))
        if credentials:
            algorithms = [str(c.get("algorithm", "HS256")) for c in credentials]
            settings.append(Setting("algorithms", tuple(dict.fromkeys(algorithms)), Origin(
                file, credentials[0].line_of("algorithm") if "algorithm" in credentials[0]
                else credentials[0].line, detail="jwt_secrets[].algorithm",
                default=None if "algorithm" in credentials[0] else "Kong jwt: HS256")))
        return ReaderOutput(read, tuple(settings), tuple(disabled))

    def _oidc(self, file: str, config: YamlMap,
              read: tuple[str, ...]) -> ReaderOutput:
        settings: list[Setting] = []
        allowed = config.get("issuers_allowed")
        issuer = config.get("issuer")
        if isinstance(allowed, YamlList) and allowed:
            settings.append(Setting("issuers", tuple(str(i) for i in allowed), Origin(
                file, config.line_of("issuers_allowed"), detail="config.issuers_allowed")))
        elif isinstance(issuer, str) and issuer:
            value = issuer[: -len(_DISCOVERY)] if issuer.endswith(_DISCOVERY) else issuer
            settings.append(Setting("issuers", (value,), Origin(
                file, config.line_of("issuer"), detail="config.issuer")))
        audiences = config.get("audience_required")
        if isinstance(audiences, YamlList) and audiences:
            settings.append(Setting("audiences", tuple(str(a) for a in audiences), Origin(
                file, config.line_of("audience_required"), detail="config.audience_required")))
        extra = config.get("extra_jwks_uris")
        if isinstance(extra, YamlList) and extra:
            settings.append(Setting("extra_jwks_uris", tuple(str(u) for u in extra), Origin(
                file, config.line_of("extra_jwks_uris"), detail="config.extra_jwks_uris")))
        leeway = config.get("leeway")
        if isinstance(leeway, int | float):
            settings.append(Setting("clock_skew", float(leeway), Origin(
                file, config.line_of("leeway"), detail="config.leeway")))
        return ReaderOutput(read, tuple(settings))


def _maximum_expiration(file: str, config: YamlMap, files: ArtifactFiles) -> float | None:
    """config.maximum_expiration in seconds when it is on (above 0); a value Kong's schema
    refuses is a problem."""
    if "maximum_expiration" not in config:
        return None
    value = config.get("maximum_expiration")
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            0 <= value <= _MAXIMUM_EXPIRATION):
        files.problem(file, f"config.maximum_expiration is {value!r}: Kong expects a number "
                      f"of seconds between 0 and {_MAXIMUM_EXPIRATION}",
                      config.line_of("maximum_expiration"))
        return None
    return float(value) if value > 0 else None
