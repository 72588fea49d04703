"""Spring Boot resource servers: `application[-profile].yml|yaml|properties` and relaxed-bound
environment variables from Kubernetes manifests.

Precedence as Spring Boot applies it (lowest first): `application.yml`, `application.yaml`,
`application.properties` (properties win over YAML in the same place), then the profile's
files, then environment variables (`SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI`,
`..._AUDIENCES_0`). A list is taken whole from the highest source that sets any of it.

Keys and defaults are Spring Boot 3.x's, read from its source (spring-projects/spring-boot
`spring-boot-project/spring-boot-autoconfigure/src/main/java/org/springframework/boot/
autoconfigure/security/oauth2/resource/OAuth2ResourceServerProperties.java`, 3.2+ — the
version with `authorityPrefix` and `principalClaimName`): `Jwt` has `jwkSetUri`,
`jwsAlgorithms` (a list, default `Arrays.asList("RS256")`), `issuerUri`, `publicKeyLocation`,
`audiences` (a list, default empty), and claim-mapping keys that do not affect validation.
The 2.x `jws-algorithm` (singular, deprecated in 2.x) is not a 3.x property: it binds to
nothing and is noted, never used. Spring Security's `JwtTimestampValidator` allows 60 s of
skew, not settable from properties.
Defaults: RS256 only; no `audiences` means `aud` is not checked; `jwk-set-uri` or
`public-key-location` without `issuer-uri` means `iss` is not checked.

Environment variables bind as Spring Boot's `SystemEnvironmentPropertyMapper` (3.x,
`spring-boot-project/spring-boot/src/main/java/org/springframework/boot/context/properties/
source/SystemEnvironmentPropertyMapper.java`) maps them: `_` separates elements, numeric
elements are indexes (`_AUDIENCES_0` -> `audiences[0]`), and a dashed element matches both
without dashes (`ISSUERURI`, the uniform form) and with `_` for each dash (`ISSUER_URI`, the
legacy form, also for indexed list items such as `JWS_ALGORITHMS_0`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import javaproperties

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import (
    DisabledCheck,
    Origin,
    ReaderOutput,
    Setting,
    SettingValue,
)
from driftcheck.deployed.kubernetes import container_env
from driftcheck.deployed.sources import (
    Entry,
    Source,
    flatten_yaml,
    list_value,
    scalar_text,
    winning,
)
from driftcheck.deployed.yaml_nodes import YamlError, YamlMap, load_documents
from driftcheck.models import DeployedRef

PREFIX = "spring.security.oauth2.resourceserver.jwt."
_FILE = re.compile(r"^application(?:-(?P<profile>[^.]+))?\.(?P<ext>ya?ml|properties)$")
_EXT_ORDER = {"yml": 0, "yaml": 1, "properties": 2}
DEFAULTS_SOURCE = "Spring Boot OAuth2ResourceServerProperties.Jwt"
ValueOf = Callable[[Source], tuple[SettingValue, Origin] | None]
_PLACEHOLDER = re.compile(r"\$\{(?P<name>[^}:${]+)(?::(?P<default>[^}]*))?\}")


def _shown_values(values: tuple[object, ...]) -> str:
    return ", ".join(str(v) for v in values)


def canon(key: str) -> str:
    """Spring's relaxed binding: case, dashes and underscores do not matter."""
    return key.lower().replace("-", "").replace("_", "")


JWT_KEYS = ("issuer-uri", "jwk-set-uri", "audiences", "jws-algorithms", "public-key-location")
"""The `Jwt` properties that decide validation (Spring Boot 3.x)."""
_ENV_PREFIX = "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_"
_LEGACY_ENV = {key.upper().replace("-", "_"): key for key in JWT_KEYS if "-" in key}


def env_key(name: str) -> str:
    """`SPRING_SECURITY_..._AUDIENCES_0` -> the canonical `spring.security...audiences[0]`;
    the legacy form of a dashed key (`..._JWT_ISSUER_URI`, `..._JWS_ALGORITHMS_0`) -> that
    key."""
    if name.isupper() or name.islower():
        rest = name.upper().removeprefix(_ENV_PREFIX)
        for legacy, key in _LEGACY_ENV.items():
            index = rest.removeprefix(legacy)
            if rest != name.upper() and rest.startswith(legacy) and (
                    index == "" or (index[:1] == "_" and index[1:].isdigit())):
                return canon(PREFIX + key) + (f"[{index[1:]}]" if index else "")
    parts: list[str] = []
    for part in name.lower().split("_"):
        if part.isdigit() and parts:
            parts[-1] += f"[{part}]"
        elif part:
            parts.append(part)
    return canon(".".join(parts))


def _properties(text: str, file: str, files: ArtifactFiles, path: Path) -> Source | None:
    source = Source(file)
    line = 1
    try:
        for element in javaproperties.parse(text):
            if isinstance(element, javaproperties.KeyValue):
                source.entries[canon(element.key)] = Entry(
                    element.key, element.value, Origin(file, line, detail=element.key))
            line += element.source.count("\n")
    except (ValueError, javaproperties.InvalidUEscapeError) as exc:
        files.problem(path, f"invalid .properties: {exc}", line)
        return None
    return source


def _active(document: YamlMap, profiles: tuple[str, ...]) -> bool:
    """A YAML document guarded by `spring.config.activate.on-profile` (or 2.3's
    `spring.profiles`) applies only when that profile is active."""
    flat = flatten_yaml(document, "", canon)
    guard = flat.get(canon("spring.config.activate.on-profile")) or flat.get(
        canon("spring.profiles"))
    if guard is None:
        return True
    wanted = [w.strip() for w in str(guard.value).split(",") if w.strip()]
    return any((w[1:] not in profiles) if w.startswith("!") else (w in profiles)
               for w in wanted)


def _yaml_sources(text: str, file: str, files: ArtifactFiles, path: Path,
                  profiles: tuple[str, ...]) -> list[Source]:
    try:
        documents = load_documents(text)
    except YamlError as exc:
        files.problem(path, exc.message, exc.line, exc.column)
        return []
    return [Source(file, flatten_yaml(d, file, canon)) for d in documents
            if isinstance(d, YamlMap) and _active(d, profiles)]


def _file_sources(files: ArtifactFiles, paths: Iterable[Path], profiles: tuple[str, ...]
                  ) -> list[Source]:
    sources: list[Source] = []
    for path in paths:
        text = files.read_text(path)
        if text is None:
            continue
        if path.suffix == ".properties":
            source = _properties(text, shown(path), files, path)
            sources.extend([source] if source else [])
        else:
            sources.extend(_yaml_sources(text, shown(path), files, path, profiles))
    return sources


def _order(paths: list[Path], profiles: tuple[str, ...]) -> list[Path]:
    """Base files, then the active profiles' files (in profile order); other profiles'
    files are skipped. Files not named application*.* keep their given order, after the
    base files."""
    base: list[Path] = []
    other: list[Path] = []
    by_profile: dict[str, list[Path]] = {}
    for path in paths:
        match = _FILE.match(path.name)
        if match is None:
            other.append(path)
        elif match["profile"] is None:
            base.append(path)
        else:
            by_profile.setdefault(match["profile"], []).append(path)
    base.sort(key=lambda p: _EXT_ORDER.get(p.suffix.lstrip("."), 0))
    ordered = base + other
    for profile in profiles:
        ordered += sorted(by_profile.pop(profile, []),
                          key=lambda p: _EXT_ORDER.get(p.suffix.lstrip("."), 0))
    return ordered


def _profiles_from(sources: list[Source]) -> tuple[str, ...]:
    entry = None
    for source in sources:
        entry = source.entries.get(canon("spring.profiles.active"), entry)
    text = scalar_text(entry.value) if entry else None
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def _unbound(sources: list[Source]) -> list[str]:
    """The 2.x `jws-algorithm` (singular) binds to nothing in Spring Boot 3."""
    singular = canon(PREFIX + "jws-algorithm")
    return [f"{entry.key} ({entry.origin}) is not a Spring Boot 3 property (it was "
            "`jws-algorithm` in 2.x): it is ignored; use jws-algorithms"
            for source in sources for key, entry in source.entries.items()
            if key == singular or key.startswith(singular + "[")]


def _lookup(name: str, sources: list[Source]) -> str | None:
    """A property's value as Spring finds it: the last source that sets it, by property name
    then by environment-variable name."""
    for key in (canon(name), env_key(name)):
        for source in reversed(sources):
            entry = source.entries.get(key)
            text = scalar_text(entry.value) if entry else None
            if text is not None:
                return text
    return None


def _resolve(text: str, sources: list[Source]) -> str | None:
    """`text` with its placeholders resolved; None when one stays unresolved."""
    for _ in range(8):  # nested defaults, bounded
        match = _PLACEHOLDER.search(text)
        if match is None:
            return text
        value = _lookup(match["name"], sources)
        if value is None:
            value = match["default"]
        if value is None:
            return None
        text = text[: match.start()] + value + text[match.end():]
    return None


class SpringBootReader:
    kinds = frozenset({"spring-boot"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        notes: list[str] = []
        env_source = Source("environment")
        environment = container_env(files, ref.manifests, ref.select) if ref.manifests \
            else None
        if environment is not None:
            notes.extend(environment.notes)
            for name, variable in environment.variables.items():
                key = env_key(name)
                if variable.value is None:
                    if key.startswith(canon(PREFIX)) or name == "SPRING_PROFILES_ACTIVE":
                        notes.append(f"{name} comes from {variable.secret} and is not "
                                     "inspected")
                    continue
                env_source.entries[key] = Entry(name, variable.value, variable.origin)
        paths = files.expand(ref.paths)
        if ref.profile:
            profiles = tuple(p.strip() for p in ref.profile.split(",") if p.strip())
        elif canon("spring.profiles.active") in env_source.entries:
            profiles = _profiles_from([env_source])
        else:
            base = [p for p in paths if (m := _FILE.match(p.name)) and m["profile"] is None]
            profiles = _profiles_from(_file_sources(files, base, ()))
        ordered = _order(paths, profiles)
        sources = [*_file_sources(files, ordered, profiles), env_source]
        settings, disabled = self._settings(sources)
        notes.extend(_unbound(sources))
        settings = self._resolve_placeholders(settings, sources, files)
        if ordered and not files.problems and not any(
                k.startswith(canon(PREFIX)) for s in sources for k in s.entries):
            files.problem(", ".join(shown(p) for p in ordered) or ", ".join(ref.paths),
                          f"no {PREFIX}* setting in these files or the container's "
                          "environment")
        return ReaderOutput(tuple(shown(p) for p in ordered), settings, disabled,
                            notes=tuple(notes))

    def _resolve_placeholders(self, settings: tuple[Setting, ...], sources: list[Source],
                              files: ArtifactFiles) -> tuple[Setting, ...]:
        """`${NAME}` and `${NAME:default}` as Spring resolves them, from every property
        source and the container's environment; a value that stays unresolved is reported
        (not compared) rather than taken literally."""
        kept: list[Setting] = []
        for setting in settings:
            values = setting.value if isinstance(setting.value, tuple) else (setting.value,)
            if not any(isinstance(v, str) and "${" in v for v in values):
                kept.append(setting)
                continue
            resolved = [_resolve(v, sources) if isinstance(v, str) else v for v in values]
            if any(v is None for v in resolved):
                files.problem(setting.origin.file or "", f"{setting.origin.detail} is "
                              f"{_shown_values(values)}: a placeholder no property source or "
                              "environment variable resolves; not compared",
                              setting.origin.line, unresolved=True)
                continue
            strings = tuple(str(v) for v in resolved)
            kept.append(Setting(setting.field, strings if isinstance(setting.value, tuple)
                                else strings[0], setting.origin, setting.overrode))
        return tuple(kept)

    def _settings(self, sources: list[Source]
                  ) -> tuple[tuple[Setting, ...], tuple[DisabledCheck, ...]]:
        def one(key: str) -> ValueOf:
            def value_of(source: Source) -> tuple[SettingValue, Origin] | None:
                entry = source.entries.get(canon(PREFIX + key))
                text = scalar_text(entry.value) if entry else None
                return (text, entry.origin) if entry and text else None
            return value_of

        def many(*keys: str) -> ValueOf:
            def value_of(source: Source) -> tuple[SettingValue, Origin] | None:
                for key in keys:
                    found = list_value(source, canon(PREFIX + key))
                    if found is not None:
                        return found
                return None
            return value_of

        issuer = winning("issuers", sources, one("issuer-uri"))
        jwks = winning("jwks_uri", sources, one("jwk-set-uri"))
        audiences = winning("audiences", sources, many("audiences"))
        algorithms = winning("algorithms", sources, many("jws-algorithms"))
        public_key = winning("public_key_location", sources, one("public-key-location"))
        settings: list[Setting] = []
        disabled: list[DisabledCheck] = []
        if issuer is not None:
            settings.append(Setting("issuers", (str(issuer.value),), issuer.origin,
                                    issuer.overrode))
        if jwks is not None:
            settings.append(jwks)
        if public_key is not None:
            settings.append(public_key)
        settings.append(algorithms or Setting(
            "algorithms", ("RS256",), Origin(default=f"{DEFAULTS_SOURCE}: RS256 only")))
        settings.append(Setting("clock_skew", 60.0, Origin(
            default="Spring Security JwtTimestampValidator: 60 s, not settable from "
            "properties")))
        if audiences is not None and audiences.value:
            settings.append(audiences)
        else:
            disabled.append(DisabledCheck(
                "audience", f"no {PREFIX}audiences: Spring Boot does not check `aud`",
                audiences.origin if audiences else Origin(default=DEFAULTS_SOURCE)))
        if issuer is None and (jwks is not None or public_key is not None):
            where = (jwks or public_key)
            assert where is not None
            disabled.append(DisabledCheck(
                "issuer", f"{PREFIX}jwk-set-uri or public-key-location without issuer-uri: "
                "Spring Boot does not check `iss`", where.origin))
        return tuple(settings), tuple(disabled)
